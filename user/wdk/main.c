/* The real main of a WDK-style test app (kmd_add_client(... WDK), cmake/KmdKit.cmake): the app's
 * own main was renamed kmd_wdk_main at compile time, because the WDK's
 * VOID __cdecl main(ULONG argc, PCHAR argv[]) is an error for clang in a hosted program.
 * KMD_WDK_VOID_MAIN is set for apps whose main returns nothing (found in their sources at
 * configure time): they exit with 0 when main returns, as they would expect from MSVC. An int
 * main's value is the exit code, as usual. */
#ifdef KMD_WDK_VOID_MAIN
void __cdecl kmd_wdk_main(unsigned long argc, char **argv);
#else
int __cdecl kmd_wdk_main(unsigned long argc, char **argv);
#endif

int main(int argc, char **argv)
{
#ifdef KMD_WDK_VOID_MAIN
    kmd_wdk_main((unsigned long)argc, argv);
    return 0;
#else
    return kmd_wdk_main((unsigned long)argc, argv);
#endif
}
