/* A client that prints what a passing client prints, then exits 3: the harness must fail a test
 * on its exit code whatever its output says. */
#include <stdio.h>

int main(void)
{
    printf("ok: everything looks fine\nsmoke: passed\n");
    return 3;
}
