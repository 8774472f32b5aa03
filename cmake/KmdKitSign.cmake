# Test-signing and staging into dist/ (included by KmdKit.cmake).
#
# Certificate, one of:
#   nothing                      a test certificate is made once per build tree (RSA-3072, SHA-256,
#                                EKU codeSigning, subject KMDKIT_SIGN_SUBJECT); its key stays in
#                                <build>/signing/ with mode 0600.
#   KMDKIT_SIGN_CERT + KMDKIT_SIGN_KEY          PEM certificate and unencrypted PEM key.
#   KMDKIT_SIGN_PKCS12 + KMDKIT_SIGN_PKCS12_PASSWORD_FILE (a file holding the password) or
#                        KMDKIT_SIGN_PKCS12_PASSWORD_ENV  (the NAME of an environment variable
#                        holding it, read at configure and at build time).
# The password never appears on a command line and is never printed.
#
# Signing time: SOURCE_DATE_EPOCH from the environment at configure time, else 1704067200
# (2024-01-01T00:00:00Z), so that signed files are byte-for-byte reproducible.
# Every signed file is verified right after signing against KMDKIT_SIGN_CAFILE (a CA bundle, for a
# certificate issued by a CA), or against the signing certificate itself (self-signed).
# KMDKIT_SIGN_TIMESTAMP_URL: an RFC 3161 timestamp server for real releases (output then differs
# from run to run).

include_guard(GLOBAL)

option(KMDKIT_SIGN "Sign drivers (and clients given SIGN) staged in dist/" ON)
set(KMDKIT_SIGN_SUBJECT "/CN=kmdkit test signing" CACHE STRING "Subject of the generated test certificate")
set(KMDKIT_SIGN_CERT "" CACHE FILEPATH "PEM signing certificate (with KMDKIT_SIGN_KEY)")
set(KMDKIT_SIGN_KEY "" CACHE FILEPATH "PEM private key of KMDKIT_SIGN_CERT (unencrypted)")
set(KMDKIT_SIGN_PKCS12 "" CACHE FILEPATH "PKCS#12 file holding the signing certificate and key")
set(KMDKIT_SIGN_PKCS12_PASSWORD_FILE "" CACHE FILEPATH "File whose content is the PKCS#12 password")
set(KMDKIT_SIGN_PKCS12_PASSWORD_ENV "" CACHE STRING "Name of the environment variable holding the PKCS#12 password")
set(KMDKIT_SIGN_TIMESTAMP_URL "" CACHE STRING "RFC 3161 timestamp server URL (releases only)")
set(KMDKIT_SIGN_CAFILE "" CACHE FILEPATH
    "CA certificates (PEM) to verify signatures against; empty: the signing certificate itself (self-signed)")

if(DEFINED ENV{SOURCE_DATE_EPOCH})
    set(KMDKIT_SIGN_TIME "$ENV{SOURCE_DATE_EPOCH}")
else()
    set(KMDKIT_SIGN_TIME 1704067200)
endif()
if(NOT KMDKIT_SIGN_TIME MATCHES "^[0-9]+$")
    message(FATAL_ERROR "KmdKit: SOURCE_DATE_EPOCH '${KMDKIT_SIGN_TIME}' is not a number of seconds")
endif()

set(KMDKIT_SIGN_DIR "${CMAKE_BINARY_DIR}/signing")
set(KMDKIT_SIGN_SCRIPT "${KMDKIT_CMAKE_DIR}/kmdkit-sign.sh")

function(_kmd_sign_fail file problem)
    message(FATAL_ERROR "KmdKit signing: ${file}: ${problem}")
endfunction()

# Runs openssl; on failure stops configure naming the file, with openssl's own message.
function(_kmd_openssl file problem)
    execute_process(COMMAND ${KMDKIT_OPENSSL} ${ARGN}
                    RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
    if(NOT rc EQUAL 0)
        string(STRIP "${err}" err)
        _kmd_sign_fail("${file}" "${problem}\n${err}")
    endif()
    set(OPENSSL_OUT "${out}" PARENT_SCOPE)
endfunction()

function(_kmd_check_readable file what)
    if(NOT EXISTS "${file}")
        _kmd_sign_fail("${file}" "${what} does not exist")
    endif()
    execute_process(COMMAND test -r "${file}" RESULT_VARIABLE rc)
    if(NOT rc EQUAL 0 OR IS_DIRECTORY "${file}")
        _kmd_sign_fail("${file}" "${what} is not a readable file")
    endif()
endfunction()

# The certificate must carry the code-signing usage and be valid now.
function(_kmd_check_cert_pem cert origin)
    _kmd_openssl("${origin}" "not a PEM X.509 certificate"
                 x509 -in "${cert}" -noout -ext extendedKeyUsage)
    if(NOT OPENSSL_OUT MATCHES "Code Signing")
        _kmd_sign_fail("${origin}" "the certificate has no code-signing extended key usage")
    endif()
    execute_process(COMMAND ${KMDKIT_OPENSSL} x509 -in "${cert}" -noout -checkend 0
                    RESULT_VARIABLE rc OUTPUT_QUIET ERROR_QUIET)
    if(NOT rc EQUAL 0)
        _kmd_sign_fail("${origin}" "the certificate has expired")
    endif()
endfunction()

function(_kmd_setup_signing)
    find_program(KMDKIT_OPENSSL openssl)
    find_program(KMDKIT_OSSLSIGNCODE osslsigncode)
    if(NOT KMDKIT_OPENSSL)
        message(FATAL_ERROR "KmdKit: openssl not found. Install the Debian package 'openssl' (or run ci/setup).")
    endif()
    if(NOT KMDKIT_OSSLSIGNCODE)
        message(FATAL_ERROR "KmdKit: osslsigncode not found. Install the Debian package 'osslsigncode' (or run ci/setup).")
    endif()
    file(MAKE_DIRECTORY "${KMDKIT_SIGN_DIR}")
    file(CHMOD "${KMDKIT_SIGN_DIR}" DIRECTORY_PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE)
    set(cert_pem "${KMDKIT_SIGN_DIR}/signing.pem")
    set(sign_args)

    if(KMDKIT_SIGN_PKCS12)
        if(KMDKIT_SIGN_CERT OR KMDKIT_SIGN_KEY)
            message(FATAL_ERROR "KmdKit signing: give KMDKIT_SIGN_PKCS12 or KMDKIT_SIGN_CERT+KMDKIT_SIGN_KEY, not both")
        endif()
        _kmd_check_readable("${KMDKIT_SIGN_PKCS12}" "PKCS#12 file")
        if(KMDKIT_SIGN_PKCS12_PASSWORD_FILE)
            _kmd_check_readable("${KMDKIT_SIGN_PKCS12_PASSWORD_FILE}" "PKCS#12 password file")
            set(passin "file:${KMDKIT_SIGN_PKCS12_PASSWORD_FILE}")
            list(APPEND sign_args --pkcs12 "${KMDKIT_SIGN_PKCS12}" --pass-file "${KMDKIT_SIGN_PKCS12_PASSWORD_FILE}")
        elseif(KMDKIT_SIGN_PKCS12_PASSWORD_ENV)
            if(NOT DEFINED ENV{${KMDKIT_SIGN_PKCS12_PASSWORD_ENV}})
                _kmd_sign_fail("${KMDKIT_SIGN_PKCS12}" "environment variable ${KMDKIT_SIGN_PKCS12_PASSWORD_ENV} (the password) is not set")
            endif()
            set(passin "env:${KMDKIT_SIGN_PKCS12_PASSWORD_ENV}")
            list(APPEND sign_args --pkcs12 "${KMDKIT_SIGN_PKCS12}" --pass-env "${KMDKIT_SIGN_PKCS12_PASSWORD_ENV}")
        else()
            _kmd_sign_fail("${KMDKIT_SIGN_PKCS12}" "no password source: set KMDKIT_SIGN_PKCS12_PASSWORD_FILE or KMDKIT_SIGN_PKCS12_PASSWORD_ENV")
        endif()
        # The public certificate is extracted for verification and for dist/; the key is not.
        _kmd_openssl("${KMDKIT_SIGN_PKCS12}" "cannot read the PKCS#12 file (wrong password or not PKCS#12)"
                     pkcs12 -in "${KMDKIT_SIGN_PKCS12}" -passin "${passin}" -nokeys -clcerts -out "${cert_pem}.tmp")
        _kmd_openssl("${KMDKIT_SIGN_PKCS12}" "no certificate inside the PKCS#12 file"
                     x509 -in "${cert_pem}.tmp" -out "${cert_pem}")
        file(REMOVE "${cert_pem}.tmp")
        set(origin "${KMDKIT_SIGN_PKCS12}")
    elseif(KMDKIT_SIGN_CERT OR KMDKIT_SIGN_KEY)
        if(NOT KMDKIT_SIGN_CERT OR NOT KMDKIT_SIGN_KEY)
            message(FATAL_ERROR "KmdKit signing: KMDKIT_SIGN_CERT and KMDKIT_SIGN_KEY go together (got CERT='${KMDKIT_SIGN_CERT}' KEY='${KMDKIT_SIGN_KEY}')")
        endif()
        _kmd_check_readable("${KMDKIT_SIGN_CERT}" "certificate")
        _kmd_check_readable("${KMDKIT_SIGN_KEY}" "private key")
        _kmd_openssl("${KMDKIT_SIGN_KEY}" "not an unencrypted PEM private key (use a PKCS#12 file for a protected key)"
                     pkey -in "${KMDKIT_SIGN_KEY}" -passin pass: -pubout)
        set(key_pub "${OPENSSL_OUT}")
        _kmd_openssl("${KMDKIT_SIGN_CERT}" "not a PEM X.509 certificate" x509 -in "${KMDKIT_SIGN_CERT}" -noout -pubkey)
        if(NOT key_pub STREQUAL OPENSSL_OUT)
            _kmd_sign_fail("${KMDKIT_SIGN_KEY}" "this key does not belong to the certificate ${KMDKIT_SIGN_CERT}")
        endif()
        _kmd_openssl("${KMDKIT_SIGN_CERT}" "not a PEM X.509 certificate" x509 -in "${KMDKIT_SIGN_CERT}" -out "${cert_pem}")
        list(APPEND sign_args --cert "${KMDKIT_SIGN_CERT}" --key "${KMDKIT_SIGN_KEY}")
        set(origin "${KMDKIT_SIGN_CERT}")
    else()
        # The generated test certificate: made once per build tree, kept while its subject and
        # validity start match. Its validity starts a day before the signing time (a signature
        # must not predate its certificate; `openssl req -x509` would start it now, after the
        # fixed 2024 signing time) and ends ten years from now.
        set(key "${KMDKIT_SIGN_DIR}/test-signing.key")
        set(gen "${KMDKIT_SIGN_DIR}/test-signing.crt")
        set(stamp "${KMDKIT_SIGN_DIR}/test-signing.subject")
        math(EXPR start "${KMDKIT_SIGN_TIME} - 86400")
        execute_process(COMMAND date -u -d "@${start}" +%Y%m%d%H%M%SZ OUTPUT_VARIABLE start_date
                        OUTPUT_STRIP_TRAILING_WHITESPACE RESULT_VARIABLE rc)
        string(TIMESTAMP now %s UTC)
        math(EXPR end "${now} + 3650 * 86400")
        execute_process(COMMAND date -u -d "@${end}" +%Y%m%d%H%M%SZ OUTPUT_VARIABLE end_date
                        OUTPUT_STRIP_TRAILING_WHITESPACE)
        set(want "${KMDKIT_SIGN_SUBJECT}\nvalid from ${start_date}")
        set(have "")
        if(EXISTS "${stamp}")
            file(READ "${stamp}" have)
        endif()
        if(NOT EXISTS "${key}" OR NOT EXISTS "${gen}" OR NOT have STREQUAL want)
            message(STATUS "KmdKit: generating a test-signing certificate (${KMDKIT_SIGN_SUBJECT}, valid from ${start_date})")
            file(REMOVE "${key}" "${gen}")
            set(ca_dir "${KMDKIT_SIGN_DIR}/ca")
            file(REMOVE_RECURSE "${ca_dir}")
            file(MAKE_DIRECTORY "${ca_dir}")
            file(WRITE "${ca_dir}/index.txt" "")
            # `openssl ca -selfsign` is the one openssl 3.0 command that takes a start date.
            file(WRITE "${ca_dir}/ca.cnf" "[ca]\ndefault_ca = kmd\n[kmd]\ndatabase = ${ca_dir}/index.txt\n"
                 "new_certs_dir = ${ca_dir}\nserial = ${ca_dir}/serial\ndefault_md = sha256\npolicy = any\nunique_subject = no\n"
                 "[any]\ncommonName = optional\norganizationName = optional\norganizationalUnitName = optional\n"
                 "countryName = optional\nstateOrProvinceName = optional\nlocalityName = optional\n"
                 "emailAddress = optional\n[ext]\nbasicConstraints = critical,CA:TRUE\n"
                 "keyUsage = critical,digitalSignature\nextendedKeyUsage = codeSigning\n"
                 "subjectKeyIdentifier = hash\nauthorityKeyIdentifier = keyid:always\n")
            _kmd_openssl("${key}" "openssl could not make the test key"
                         genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:3072 -out "${key}")
            file(CHMOD "${key}" PERMISSIONS OWNER_READ OWNER_WRITE)
            _kmd_openssl("${gen}" "openssl could not make the certificate request"
                         req -new -key "${key}" -subj "${KMDKIT_SIGN_SUBJECT}" -out "${ca_dir}/request.csr")
            _kmd_openssl("${gen}" "openssl could not make the test certificate"
                         ca -batch -selfsign -notext -rand_serial -config "${ca_dir}/ca.cnf" -extensions ext
                         -keyfile "${key}" -in "${ca_dir}/request.csr" -out "${gen}"
                         -startdate "${start_date}" -enddate "${end_date}")
            file(REMOVE_RECURSE "${ca_dir}")
            file(WRITE "${stamp}" "${want}")
        endif()
        file(CHMOD "${key}" PERMISSIONS OWNER_READ OWNER_WRITE)
        configure_file("${gen}" "${cert_pem}" COPYONLY)
        list(APPEND sign_args --cert "${gen}" --key "${key}")
        set(origin "${gen}")
    endif()

    _kmd_check_cert_pem("${cert_pem}" "${origin}")
    _kmd_openssl("${cert_pem}" "cannot convert the certificate to DER"
                 x509 -in "${cert_pem}" -outform DER -out "${KMDKIT_SIGN_DIR}/signing.cer")
    set(ca "${cert_pem}")
    if(KMDKIT_SIGN_CAFILE)
        _kmd_check_readable("${KMDKIT_SIGN_CAFILE}" "CA file")
        set(ca "${KMDKIT_SIGN_CAFILE}")
    endif()
    list(APPEND sign_args --ca "${ca}" --time "${KMDKIT_SIGN_TIME}")
    if(KMDKIT_SIGN_TIMESTAMP_URL)
        list(APPEND sign_args --timestamp-url "${KMDKIT_SIGN_TIMESTAMP_URL}")
    endif()
    set(KMDKIT_SIGN_ARGS ${sign_args} CACHE INTERNAL "kmdkit-sign.sh arguments")
    set(KMDKIT_SIGN_CERT_PEM "${cert_pem}" CACHE INTERNAL "PEM of the signing certificate")
endfunction()

if(KMDKIT_SIGN)
    _kmd_setup_signing()
endif()

# Stages a target's file in dist/: signed and verified when `sign` is true and signing is on,
# copied otherwise. A failed sign or verify leaves no file at the dist path.
function(_kmd_stage name file sign)
    set(out "${KMDKIT_DIST_DIR}/${file}")
    if(sign AND KMDKIT_SIGN)
        add_custom_command(OUTPUT "${out}"
            COMMAND bash "${KMDKIT_SIGN_SCRIPT}" --osslsigncode "${KMDKIT_OSSLSIGNCODE}"
                    ${KMDKIT_SIGN_ARGS} --in "$<TARGET_FILE:${name}>" --out "${out}"
            DEPENDS ${name} "${KMDKIT_SIGN_SCRIPT}" "${KMDKIT_SIGN_CERT_PEM}"
            COMMENT "Signing ${file} into dist/" VERBATIM)
    else()
        add_custom_command(OUTPUT "${out}"
            COMMAND ${CMAKE_COMMAND} -E copy "$<TARGET_FILE:${name}>" "${out}"
            DEPENDS ${name} COMMENT "Staging ${file} into dist/" VERBATIM)
    endif()
    # With clang, the target's PDB goes to dist/symbols/ (kmdkit-pdb.sh: symbol-store layout).
    set(staged_pdb)
    get_target_property(pdb ${name} KMDKIT_PDB)
    if(pdb)
        set(staged_pdb "${CMAKE_BINARY_DIR}/kmdkit/symbols/${name}.path")
        add_custom_command(OUTPUT "${staged_pdb}"
            COMMAND bash "${KMDKIT_CMAKE_DIR}/kmdkit-pdb.sh" stage "${KMDKIT_READOBJ19}" "${KMDKIT_PDBUTIL19}"
                    "$<TARGET_FILE:${name}>" "${pdb}" "${KMDKIT_DIST_DIR}" "${staged_pdb}"
            DEPENDS ${name} "${KMDKIT_CMAKE_DIR}/kmdkit-pdb.sh"
            COMMENT "Staging ${name}.pdb into dist/symbols/" VERBATIM)
        set_property(GLOBAL APPEND PROPERTY KMDKIT_DIST_SYMBOL_LISTS "${staged_pdb}")
    endif()
    add_custom_target(${name}_dist ALL DEPENDS "${out}" ${staged_pdb})
    set_property(TARGET ${name} PROPERTY KMDKIT_DIST_FILE "${out}")
    set_property(GLOBAL APPEND PROPERTY KMDKIT_DIST_FILES "${out}")
    set_property(GLOBAL APPEND PROPERTY KMDKIT_DIST_TARGETS ${name}_dist)
    _kmd_defer_dist_index()
endfunction()

# dist/SMOKETESTS: which client is which driver's smoke test (kmd_add_client SMOKE_TEST_FOR), one
# "<driver>.sys <client>.exe" line per pair, sorted, for ci/deploy-vm. Written at generate time
# (file(GENERATE) leaves an unchanged file alone); none, and a stale one removed, without pairs.
function(_kmd_smoke_tests out)
    get_property(pairs GLOBAL PROPERTY KMDKIT_SMOKE_TESTS)
    get_property(drivers GLOBAL PROPERTY KMDKIT_DRIVERS)
    set(path "${KMDKIT_DIST_DIR}/SMOKETESTS")
    if(NOT pairs)
        file(REMOVE "${path}")
        set(${out} "" PARENT_SCOPE)
        return()
    endif()
    set(lines)
    foreach(pair IN LISTS pairs)
        string(REPLACE "|" ";" f "${pair}")
        list(GET f 0 driver)
        list(GET f 1 exe)
        list(GET f 2 client)
        list(GET f 3 where)
        set(driver_dist)
        if(driver IN_LIST drivers)
            get_target_property(driver_dist ${driver} KMDKIT_DIST_FILE)
        endif()
        if(NOT driver_dist)
            message(FATAL_ERROR "kmd_add_client(${client} SMOKE_TEST_FOR ${driver}): '${driver}' is not a "
                                "shipped driver made by kmd_add_driver (called from ${where})")
        endif()
        list(APPEND lines "${driver}.sys ${exe}")
    endforeach()
    list(SORT lines)
    list(JOIN lines "\n" text)
    file(GENERATE OUTPUT "${path}" CONTENT "# <driver>.sys <client>.exe: the client is the driver's smoke test (ci/deploy-vm)\n${text}\n")
    set(${out} "${path}" PARENT_SCOPE)
endfunction()

# dist/ also gets the public certificate (DER .cer for certutil, and .pem) and SHA256SUMS over
# everything staged; this is set up once, after the top-level CMakeLists.txt has been read.
function(_kmd_defer_dist_index)
    get_property(done GLOBAL PROPERTY KMDKIT_DIST_DEFERRED)
    if(NOT done)
        set_property(GLOBAL PROPERTY KMDKIT_DIST_DEFERRED TRUE)
        cmake_language(DEFER DIRECTORY "${CMAKE_SOURCE_DIR}" CALL _kmd_finalize_dist)
    endif()
endfunction()

function(_kmd_finalize_dist)
    get_property(files GLOBAL PROPERTY KMDKIT_DIST_FILES)
    get_property(targets GLOBAL PROPERTY KMDKIT_DIST_TARGETS)
    if(KMDKIT_SIGN)
        foreach(ext cer pem)
            add_custom_command(OUTPUT "${KMDKIT_DIST_DIR}/signing.${ext}"
                COMMAND ${CMAKE_COMMAND} -E copy "${KMDKIT_SIGN_DIR}/signing.${ext}" "${KMDKIT_DIST_DIR}/signing.${ext}"
                DEPENDS "${KMDKIT_SIGN_DIR}/signing.${ext}" VERBATIM)
            list(APPEND files "${KMDKIT_DIST_DIR}/signing.${ext}")
        endforeach()
    endif()
    _kmd_smoke_tests(smoke)
    list(APPEND files ${smoke})
    list(SORT files)
    string(REPLACE ";" "|" file_arg "${files}")
    # PDBs in dist/symbols/: each list file holds one staged path (relative to dist/).
    get_property(symbol_lists GLOBAL PROPERTY KMDKIT_DIST_SYMBOL_LISTS)
    set(symbols_arg)
    if(symbol_lists)
        list(SORT symbol_lists)
        string(REPLACE ";" "|" symbols_arg "${symbol_lists}")
        set(symbols_arg "-DSYMBOLS=${symbols_arg}")
    endif()
    set(sums "${KMDKIT_DIST_DIR}/SHA256SUMS")
    add_custom_command(OUTPUT "${sums}"
        COMMAND ${CMAKE_COMMAND} -DDIR=${KMDKIT_DIST_DIR} "-DFILES=${file_arg}" ${symbols_arg} -P "${KMDKIT_CMAKE_DIR}/kmdkit-sums.cmake"
        DEPENDS ${files} ${symbol_lists} "${KMDKIT_CMAKE_DIR}/kmdkit-sums.cmake"
        COMMENT "Writing dist/SHA256SUMS" VERBATIM)
    add_custom_target(kmdkit_dist ALL DEPENDS "${sums}")
    add_dependencies(kmdkit_dist ${targets})
endfunction()
