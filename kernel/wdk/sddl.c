/* The SDDL subset of IoCreateDeviceSecure ("SDDL for Device Objects"): "D:P" followed by
 * ACEs "(A;;<rights>;;;<sid>)", and the SDDL_DEVOBJ_* strings MinGW's wdmsec.h declares.
 *   rights  two-letter codes, concatenated: GA GR GW GX (generic), RC SD WD WO (standard),
 *           FA FR FW FX (file); or a hexadecimal mask "0x..." (1 to 8 digits)
 *   sid     SY LS NS BA BU BG PU RD AU AN IU NU SU RC WD, or a literal S-1-<authority>-<sub>...
 *           (authority decimal or 0x hexadecimal up to 48 bits, 1 to 15 sub-authorities)
 * Anything else (deny ACEs, ACE flags, object GUIDs, owner/group/SACL parts, "D:" without P,
 * lower case) is refused with STATUS_INVALID_PARAMETER and a DbgPrint naming the part. */
#include "wdk_private.h"

#include <wdmsec.h>

/* The strings of the WDK's wdmsec.h constants. */
#define KMD_WDK_SDDL_STRING(name, text)                                                            \
    const UNICODE_STRING name = {sizeof(text) - sizeof(WCHAR), sizeof(text), (PWCH)text}
KMD_WDK_SDDL_STRING(SDDL_DEVOBJ_KERNEL_ONLY, L"D:P");
KMD_WDK_SDDL_STRING(SDDL_DEVOBJ_SYS_ALL, L"D:P(A;;GA;;;SY)");
KMD_WDK_SDDL_STRING(SDDL_DEVOBJ_SYS_ALL_ADM_ALL, L"D:P(A;;GA;;;SY)(A;;GA;;;BA)");
KMD_WDK_SDDL_STRING(SDDL_DEVOBJ_SYS_ALL_ADM_RX, L"D:P(A;;GA;;;SY)(A;;GRGX;;;BA)");
KMD_WDK_SDDL_STRING(SDDL_DEVOBJ_SYS_ALL_ADM_RWX_WORLD_R,
                    L"D:P(A;;GA;;;SY)(A;;GRGWGX;;;BA)(A;;GR;;;WD)");
KMD_WDK_SDDL_STRING(SDDL_DEVOBJ_SYS_ALL_ADM_RWX_WORLD_R_RES_R,
                    L"D:P(A;;GA;;;SY)(A;;GRGWGX;;;BA)(A;;GR;;;WD)(A;;GR;;;RC)");
KMD_WDK_SDDL_STRING(SDDL_DEVOBJ_SYS_ALL_ADM_RWX_WORLD_RW_RES_R,
                    L"D:P(A;;GA;;;SY)(A;;GRGWGX;;;BA)(A;;GRGW;;;WD)(A;;GR;;;RC)");
KMD_WDK_SDDL_STRING(SDDL_DEVOBJ_SYS_ALL_ADM_RWX_WORLD_RWX_RES_RWX,
                    L"D:P(A;;GA;;;SY)(A;;GRGWGX;;;BA)(A;;GRGWGX;;;WD)(A;;GRGWGX;;;RC)");

#define KMD_WDK_SID_MAX_SUB 15

/* A SID with up to 15 sub-authorities, built in place. */
typedef union _KMD_WDK_SID {
    SID Sid;
    UCHAR Bytes[8 + KMD_WDK_SID_MAX_SUB * sizeof(ULONG)];
} KMD_WDK_SID;

static const struct {
    WCHAR Name[3];
    ACCESS_MASK Mask;
} KmdWdkRights[] = {
    {L"GA", GENERIC_ALL},       {L"GR", GENERIC_READ},       {L"GW", GENERIC_WRITE},
    {L"GX", GENERIC_EXECUTE},   {L"RC", READ_CONTROL},       {L"SD", DELETE},
    {L"WD", WRITE_DAC},         {L"WO", WRITE_OWNER},        {L"FA", FILE_ALL_ACCESS},
    {L"FR", FILE_GENERIC_READ}, {L"FW", FILE_GENERIC_WRITE}, {L"FX", FILE_GENERIC_EXECUTE},
};

static const struct {
    WCHAR Name[3];
    UCHAR Authority; /* SECURITY_NT_AUTHORITY (5) or SECURITY_WORLD_SID_AUTHORITY (1) */
    UCHAR Count;
    ULONG Sub[2];
} KmdWdkSids[] = {
    {L"SY", 5, 1, {SECURITY_LOCAL_SYSTEM_RID}},
    {L"LS", 5, 1, {SECURITY_LOCAL_SERVICE_RID}},
    {L"NS", 5, 1, {SECURITY_NETWORK_SERVICE_RID}},
    {L"BA", 5, 2, {SECURITY_BUILTIN_DOMAIN_RID, DOMAIN_ALIAS_RID_ADMINS}},
    {L"BU", 5, 2, {SECURITY_BUILTIN_DOMAIN_RID, DOMAIN_ALIAS_RID_USERS}},
    {L"BG", 5, 2, {SECURITY_BUILTIN_DOMAIN_RID, DOMAIN_ALIAS_RID_GUESTS}},
    {L"PU", 5, 2, {SECURITY_BUILTIN_DOMAIN_RID, DOMAIN_ALIAS_RID_POWER_USERS}},
    {L"RD", 5, 2, {SECURITY_BUILTIN_DOMAIN_RID, DOMAIN_ALIAS_RID_REMOTE_DESKTOP_USERS}},
    {L"AU", 5, 1, {SECURITY_AUTHENTICATED_USER_RID}},
    {L"AN", 5, 1, {SECURITY_ANONYMOUS_LOGON_RID}},
    {L"IU", 5, 1, {SECURITY_INTERACTIVE_RID}},
    {L"NU", 5, 1, {SECURITY_NETWORK_RID}},
    {L"SU", 5, 1, {SECURITY_SERVICE_RID}},
    {L"RC", 5, 1, {SECURITY_RESTRICTED_CODE_RID}},
    {L"WD", 1, 1, {SECURITY_WORLD_RID}},
};

typedef struct _KMD_WDK_SDDL {
    PCWSTR Start, At, End;
    PCSTR What;
} KMD_WDK_SDDL;

/* Refuses the string, naming the part at Token (up to the next separator) and why. */
static NTSTATUS KmdWdkSddlRefuse(const KMD_WDK_SDDL *Sddl, PCWSTR Token, PCSTR Why)
{
    PCWSTR End = Token;

    while (End < Sddl->End && End - Token < 40 && *End != L';' && *End != L')' && *End != L'(')
        End++;
    if (End == Token && End < Sddl->End)
        End++; /* an unexpected separator: show it */
    KmdWdkLog("%s: SDDL \"%.*ws\" refused at \"%.*ws\": %s (kmdkit supports "
              "D:P(A;;<rights>;;;<sid>)..., docs/wdk.md)\n",
              Sddl->What, (int)(Sddl->End - Sddl->Start), Sddl->Start, (int)(End - Token), Token,
              Why);
    return STATUS_INVALID_PARAMETER;
}

/* Takes Literal if the text continues with it. */
static BOOLEAN KmdWdkSddlTake(KMD_WDK_SDDL *Sddl, PCWSTR Literal)
{
    PCWSTR At = Sddl->At;

    for (; *Literal != L'\0'; Literal++, At++)
        if (At >= Sddl->End || *At != *Literal)
            return FALSE;
    Sddl->At = At;
    return TRUE;
}

static BOOLEAN KmdWdkSddlPair(const KMD_WDK_SDDL *Sddl, PCWSTR At, const WCHAR Name[3])
{
    return Sddl->End - At >= 2 && At[0] == Name[0] && At[1] == Name[1];
}

/* A number in Base from At, at most Max; the digits taken go to *Next. */
static BOOLEAN KmdWdkSddlNumber(const KMD_WDK_SDDL *Sddl, PCWSTR At, ULONG Base, ULONG64 Max,
                                ULONG64 *Value, PCWSTR *Next)
{
    ULONG64 Result = 0;
    PCWSTR Start = At;

    for (; At < Sddl->End; At++) {
        ULONG Digit;

        if (*At >= L'0' && *At <= L'9')
            Digit = *At - L'0';
        else if (Base == 16 && *At >= L'a' && *At <= L'f')
            Digit = *At - L'a' + 10;
        else if (Base == 16 && *At >= L'A' && *At <= L'F')
            Digit = *At - L'A' + 10;
        else
            break;
        /* Max is at most 2^48: Result * 16 + 15 cannot wrap before the test. */
        Result = Result * Base + Digit;
        if (Result > Max)
            return FALSE;
    }
    *Value = Result;
    *Next = At;
    return At > Start;
}

static NTSTATUS KmdWdkSddlRights(KMD_WDK_SDDL *Sddl, ACCESS_MASK *Mask)
{
    PCWSTR Field = Sddl->At;
    ULONG64 Value;

    *Mask = 0;
    if (KmdWdkSddlTake(Sddl, L"0x") || KmdWdkSddlTake(Sddl, L"0X")) {
        if (!KmdWdkSddlNumber(Sddl, Sddl->At, 16, 0xFFFFFFFF, &Value, &Sddl->At) || Value == 0)
            return KmdWdkSddlRefuse(Sddl, Field, "not a non-zero 32-bit hexadecimal mask");
        *Mask = (ACCESS_MASK)Value;
        return STATUS_SUCCESS;
    }
    while (Sddl->At < Sddl->End && *Sddl->At != L';') {
        ULONG i = 0;

        while (i < RTL_NUMBER_OF(KmdWdkRights) &&
               !KmdWdkSddlPair(Sddl, Sddl->At, KmdWdkRights[i].Name))
            i++;
        if (i == RTL_NUMBER_OF(KmdWdkRights))
            return KmdWdkSddlRefuse(Sddl, Sddl->At, "unsupported access right");
        *Mask |= KmdWdkRights[i].Mask;
        Sddl->At += 2;
    }
    if (*Mask == 0)
        return KmdWdkSddlRefuse(Sddl, Field, "no access rights");
    return STATUS_SUCCESS;
}

static NTSTATUS KmdWdkSddlSid(KMD_WDK_SDDL *Sddl, KMD_WDK_SID *Sid)
{
    SID_IDENTIFIER_AUTHORITY Authority = {{0}};
    ULONG Sub[KMD_WDK_SID_MAX_SUB];
    PCWSTR Field = Sddl->At;
    ULONG64 Value;
    UCHAR Count = 0;

    for (ULONG i = 0; i < RTL_NUMBER_OF(KmdWdkSids); i++) {
        if (KmdWdkSddlPair(Sddl, Sddl->At, KmdWdkSids[i].Name)) {
            Authority.Value[5] = KmdWdkSids[i].Authority;
            RtlInitializeSid(&Sid->Sid, &Authority, KmdWdkSids[i].Count);
            for (UCHAR s = 0; s < KmdWdkSids[i].Count; s++)
                *RtlSubAuthoritySid(&Sid->Sid, s) = KmdWdkSids[i].Sub[s];
            Sddl->At += 2;
            return STATUS_SUCCESS;
        }
    }
    if (!KmdWdkSddlTake(Sddl, L"S-1-"))
        return KmdWdkSddlRefuse(Sddl, Field, "unsupported SID");
    if (KmdWdkSddlTake(Sddl, L"0x") || KmdWdkSddlTake(Sddl, L"0X")) {
        if (!KmdWdkSddlNumber(Sddl, Sddl->At, 16, 0xFFFFFFFFFFFFULL, &Value, &Sddl->At))
            return KmdWdkSddlRefuse(Sddl, Field, "bad SID authority");
    } else if (!KmdWdkSddlNumber(Sddl, Sddl->At, 10, 0xFFFFFFFF, &Value, &Sddl->At)) {
        return KmdWdkSddlRefuse(Sddl, Field, "bad SID authority");
    }
    for (ULONG b = 0; b < 6; b++)
        Authority.Value[5 - b] = (UCHAR)(Value >> (8 * b));
    while (KmdWdkSddlTake(Sddl, L"-")) {
        if (Count == KMD_WDK_SID_MAX_SUB ||
            !KmdWdkSddlNumber(Sddl, Sddl->At, 10, 0xFFFFFFFF, &Value, &Sddl->At))
            return KmdWdkSddlRefuse(Sddl, Field, "bad SID sub-authority (at most 15)");
        Sub[Count++] = (ULONG)Value;
    }
    if (Count == 0)
        return KmdWdkSddlRefuse(Sddl, Field, "SID without sub-authority");
    RtlInitializeSid(&Sid->Sid, &Authority, Count);
    for (UCHAR s = 0; s < Count; s++)
        *RtlSubAuthoritySid(&Sid->Sid, s) = Sub[s];
    return STATUS_SUCCESS;
}

/* One pass over the ACEs: with Acl NULL it checks the text and sizes the ACL, with Acl it
 * fills it. */
static NTSTATUS KmdWdkSddlAces(KMD_WDK_SDDL *Sddl, PACL Acl, ULONG *AclSize)
{
    KMD_WDK_SID Sid;
    ACCESS_MASK Mask;
    NTSTATUS Status;

    *AclSize = sizeof(ACL);
    while (Sddl->At < Sddl->End) {
        PCWSTR Ace = Sddl->At;

        if (!KmdWdkSddlTake(Sddl, L"("))
            return KmdWdkSddlRefuse(Sddl, Sddl->At,
                                    "expected an ACE \"(\" (owner, group and SACL parts are not "
                                    "supported)");
        if (!KmdWdkSddlTake(Sddl, L"A;"))
            return KmdWdkSddlRefuse(Sddl, Sddl->At, "unsupported ACE type (only A, allow)");
        if (!KmdWdkSddlTake(Sddl, L";"))
            return KmdWdkSddlRefuse(Sddl, Sddl->At, "unsupported ACE flags (none allowed)");
        Status = KmdWdkSddlRights(Sddl, &Mask);
        if (!NT_SUCCESS(Status))
            return Status;
        if (!KmdWdkSddlTake(Sddl, L";"))
            return KmdWdkSddlRefuse(Sddl, Sddl->At, "expected \";\" after the rights");
        if (!KmdWdkSddlTake(Sddl, L";"))
            return KmdWdkSddlRefuse(Sddl, Sddl->At, "unsupported object GUID");
        if (!KmdWdkSddlTake(Sddl, L";"))
            return KmdWdkSddlRefuse(Sddl, Sddl->At, "unsupported inherited object GUID");
        Status = KmdWdkSddlSid(Sddl, &Sid);
        if (!NT_SUCCESS(Status))
            return Status;
        if (!KmdWdkSddlTake(Sddl, L")"))
            return KmdWdkSddlRefuse(Sddl, Sddl->At, "expected \")\" after the SID");
        *AclSize += sizeof(ACCESS_ALLOWED_ACE) - sizeof(ULONG) + RtlLengthSid(&Sid.Sid);
        if (*AclSize > MAXUSHORT)
            return KmdWdkSddlRefuse(Sddl, Ace, "too many ACEs for one ACL");
        if (Acl != NULL) {
            Status = RtlAddAccessAllowedAce(Acl, ACL_REVISION, Mask, &Sid.Sid);
            if (!NT_SUCCESS(Status))
                return Status;
        }
    }
    return STATUS_SUCCESS;
}

NTSTATUS KmdWdkSddlToSecurityDescriptor(PCUNICODE_STRING Text, PCSTR What,
                                        PSECURITY_DESCRIPTOR *SecurityDescriptor)
{
    KMD_WDK_SDDL Sddl;
    SECURITY_DESCRIPTOR_RELATIVE *Sd;
    ULONG AclSize;
    PCWSTR Aces;
    NTSTATUS Status;

    *SecurityDescriptor = NULL;
    if (Text == NULL || (Text->Length != 0 && Text->Buffer == NULL) || (Text->Length & 1)) {
        KmdWdkLog("%s: no SDDL string\n", What);
        return STATUS_INVALID_PARAMETER;
    }
    Sddl.Start = Sddl.At = Text->Buffer;
    Sddl.End = Text->Buffer + Text->Length / sizeof(WCHAR);
    Sddl.What = What;
    if (!KmdWdkSddlTake(&Sddl, L"D:P"))
        return KmdWdkSddlRefuse(&Sddl, Sddl.Start, "must start with D:P (a protected DACL)");
    Aces = Sddl.At;
    Status = KmdWdkSddlAces(&Sddl, NULL, &AclSize);
    if (!NT_SUCCESS(Status))
        return Status;
    /* Self-relative: the header, then the DACL; no owner, group or SACL (the object keeps its
     * own). No ACE at all ("D:P"): an empty DACL, which lets no user-mode caller in. */
    Sd = KmdWdkExAllocatePool2(POOL_FLAG_PAGED, sizeof(*Sd) + AclSize, KMD_WDK_TAG_SD);
    if (Sd == NULL)
        return STATUS_INSUFFICIENT_RESOURCES;
    Status = RtlCreateAcl((PACL)(Sd + 1), AclSize, ACL_REVISION);
    if (NT_SUCCESS(Status)) {
        Sddl.At = Aces;
        Status = KmdWdkSddlAces(&Sddl, (PACL)(Sd + 1), &AclSize);
    }
    if (!NT_SUCCESS(Status)) {
        ExFreePoolWithTag(Sd, KMD_WDK_TAG_SD);
        return Status;
    }
    Sd->Revision = SECURITY_DESCRIPTOR_REVISION;
    Sd->Control = SE_SELF_RELATIVE | SE_DACL_PRESENT | SE_DACL_PROTECTED;
    Sd->Dacl = sizeof(*Sd);
    *SecurityDescriptor = Sd;
    return STATUS_SUCCESS;
}
