/* Whether this process runs under Wine. Clients use it only to SAY what a test could not check
 * under Wine (a stubbed system call, a callback Wine never makes); drivers never change
 * behaviour, and neither do the clients' requests. */
#include <kmdkit/user.h>

BOOL kmd_running_on_wine(void)
{
    HMODULE ntdll = GetModuleHandleW(L"ntdll.dll");

    return ntdll && GetProcAddress(ntdll, "wine_get_version") != NULL;
}
