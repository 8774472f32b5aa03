#include <stdio.h>

int main(void)
{
    puts("hello from user mode");
    return 0;
}
