/* testsigning: whether the running system has test signing on, from
 * NtQuerySystemInformation(SystemCodeIntegrityInformation), resolved at run time from ntdll.
 * Prints exactly "testsigning: on|off|unknown" and succeeds in all three cases: "unknown" when the
 * call is missing or fails, and under Wine, whose answer is a stub (Wine 8 always says
 * CODEINTEGRITY_OPTION_ENABLED, prints "fixme: ... stub!", and checks no signature anyway). */
#include "commands.h"

#include <stdio.h>

#define SYSTEM_CODE_INTEGRITY_INFORMATION 103
#define CODEINTEGRITY_OPTION_TESTSIGN 0x2

typedef LONG(WINAPI *query_system_information_fn)(ULONG, void *, ULONG, ULONG *);

int cmd_testsigning(const struct kmdctl_args *a)
{
    struct {
        ULONG Length;
        ULONG CodeIntegrityOptions;
    } info = {sizeof info, 0};
    HMODULE ntdll = GetModuleHandleW(L"ntdll.dll");
    query_system_information_fn query = NULL;
    const char *state = "unknown";
    const char *reason = NULL;
    char status_text[32] = "";
    ULONG got = 0;

    (void)a;
    if (ntdll)
        query = (query_system_information_fn)(void (*)(void))GetProcAddress(
            ntdll, "NtQuerySystemInformation");
    if (!query) {
        reason = "ntdll has no NtQuerySystemInformation";
    } else {
        LONG status = query(SYSTEM_CODE_INTEGRITY_INFORMATION, &info, sizeof info, &got);
        snprintf(status_text, sizeof status_text, "0x%08lX", (unsigned long)status);
        out_str("status", status_text);
        if (status < 0) {
            reason = "SystemCodeIntegrityInformation failed";
        } else {
            out_num("options", info.CodeIntegrityOptions);
            if (kmd_running_on_wine())
                reason = "Wine: SystemCodeIntegrityInformation is a stub";
            else
                state = (info.CodeIntegrityOptions & CODEINTEGRITY_OPTION_TESTSIGN) ? "on" : "off";
        }
    }
    if (reason)
        out_str("reason", reason);
    out_str("testsigning", state);
    out_line("testsigning: %s", state);
    return 0;
}
