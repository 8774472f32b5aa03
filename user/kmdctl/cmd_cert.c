/* cert-install: the driver signing certificate (DER or PEM) into LocalMachine Root and
 * TrustedPublisher, which is what a test-signed driver needs besides test signing being on.
 * Idempotent: a store that has the certificate already is left as it is. */
#include "commands.h"

#include <wincrypt.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ENCODING (X509_ASN_ENCODING | PKCS_7_ASN_ENCODING)

/* PEM ("-----BEGIN CERTIFICATE-----" ...) to DER in place; DER is left as it is. */
static DWORD pem_to_der(unsigned char *data, size_t *size)
{
    const char *begin = strstr((const char *)data, "-----BEGIN");
    DWORD len = 0;
    unsigned char *der;

    if (!begin)
        return ERROR_SUCCESS;
    if (!CryptStringToBinaryA(begin, 0, CRYPT_STRING_BASE64HEADER, NULL, &len, NULL, NULL))
        return GetLastError();
    der = malloc(len);
    if (!der)
        return ERROR_NOT_ENOUGH_MEMORY;
    if (!CryptStringToBinaryA(begin, 0, CRYPT_STRING_BASE64HEADER, der, &len, NULL, NULL)) {
        DWORD err = GetLastError();
        free(der);
        return err;
    }
    memcpy(data, der, len); /* DER is shorter than its base64 */
    *size = len;
    free(der);
    return ERROR_SUCCESS;
}

int cmd_cert_install(const struct kmdctl_args *a)
{
    static const wchar_t *const stores[] = {L"Root", L"TrustedPublisher"};
    unsigned char *data;
    size_t size;
    PCCERT_CONTEXT cert;
    wchar_t subject[512];
    unsigned char sha1[20];
    DWORD sha1_size = sizeof sha1;
    char *thumb;
    DWORD err;
    int rc = 0;

    out_wstr("file", a->path);
    err = read_file(a->path, KMDCTL_BUFFER_CAP, &data, &size);
    if (err)
        return out_fail(-1, err, "cannot read certificate '%s'", u8(a->path));
    err = pem_to_der(data, &size);
    if (err) {
        free(data);
        return out_fail(KMDCTL_EXIT_USAGE, err, "'%s' has a PEM header but no valid base64",
                        u8(a->path));
    }
    cert = CertCreateCertificateContext(ENCODING, data, (DWORD)size);
    err = cert ? ERROR_SUCCESS : GetLastError();
    free(data);
    if (!cert)
        return out_fail(KMDCTL_EXIT_USAGE, err, "'%s' is not a DER or PEM X.509 certificate",
                        u8(a->path));

    if (!CertGetNameStringW(cert, CERT_NAME_SIMPLE_DISPLAY_TYPE, 0, NULL, subject,
                            sizeof subject / sizeof *subject))
        subject[0] = L'\0';
    if (!CertGetCertificateContextProperty(cert, CERT_SHA1_HASH_PROP_ID, sha1, &sha1_size))
        sha1_size = 0;
    thumb = hex_string(sha1, sha1_size);
    out_wstr("subject", subject);
    out_str("sha1", thumb ? thumb : "");
    out_line("certificate %s (SHA-1 %s)", u8(subject), thumb ? thumb : "?");
    free(thumb);

    out_open("stores", '[');
    for (size_t i = 0; i < sizeof stores / sizeof *stores; i++) {
        HCERTSTORE store;
        PCCERT_CONTEXT found;
        const char *result;

        store = CertOpenStore(CERT_STORE_PROV_SYSTEM_W, 0, 0, CERT_SYSTEM_STORE_LOCAL_MACHINE,
                              stores[i]);
        if (!store) {
            rc = out_fail(-1, GetLastError(), "cannot open the certificate store LocalMachine\\%s",
                          u8(stores[i]));
            break;
        }
        found = CertFindCertificateInStore(store, ENCODING, 0, CERT_FIND_EXISTING, cert, NULL);
        if (found) {
            CertFreeCertificateContext(found);
            result = "already-present";
        } else if (CertAddCertificateContextToStore(store, cert, CERT_STORE_ADD_NEW, NULL)) {
            result = "added";
        } else {
            err = GetLastError();
            CertCloseStore(store, 0);
            rc = out_fail(-1, err, "cannot add the certificate to LocalMachine\\%s", u8(stores[i]));
            break;
        }
        CertCloseStore(store, 0);
        out_open(NULL, '{');
        out_str("store", u8(stores[i]));
        out_str("result", result);
        out_close('}');
        out_line("LocalMachine\\%s: %s", u8(stores[i]),
                 result[0] == 'a' && result[1] == 'd' ? "added" : "already present");
    }
    out_close(']');
    CertFreeCertificateContext(cert);
    return rc;
}
