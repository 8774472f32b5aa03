// A C++ client in a kmdkit project: built with the MinGW-w64 C++ compiler the toolchain file
// sets (never the host's), static like every client.
#include <windows.h>

#include <cstdio>
#include <string>

int main(int argc, char **argv)
{
    std::string name = argc > 1 ? argv[1] : "hello";
    std::printf("%s from C++ (Windows %lu)\n", name.c_str(), static_cast<unsigned long>(GetVersion() & 0xff));
    return 0;
}
