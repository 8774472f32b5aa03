# MinGW-w64 cross toolchain for kmdkit: GCC + GNU ld (default) or clang-19 + lld-19.
#
#   cmake -DCMAKE_TOOLCHAIN_FILE=<kmdkit>/toolchain-mingw.cmake [-DKMDKIT_ARCH=x64|x86]
#         [-DKMDKIT_COMPILER=gcc|clang] ...
#
# KMDKIT_ARCH is the one switch for the architecture. For x64 the test emulator is Wine, so
# add_test() on a Windows program runs it under Wine (Debian cannot run x86 programs: no wine32).
# KMDKIT_COMPILER is the one switch for the compiler. clang means clang-19 with
# --target=<arch>-w64-windows-gnu and lld-19, against the same MinGW-w64 headers, import
# libraries and C runtime as GCC (clang finds them beside <triple>-gcc); it adds real SEH
# (__try/__except) and PDB symbols (cmake/KmdKit.cmake has the flags). The MinGW binutils (ar,
# dlltool, nm, objdump, windres) serve both compilers.

set(KMDKIT_ARCH "x64" CACHE STRING "Target architecture: x64 or x86")
set_property(CACHE KMDKIT_ARCH PROPERTY STRINGS x64 x86)
set(KMDKIT_COMPILER "gcc" CACHE STRING "Compiler: gcc (MinGW-w64 GCC, GNU ld) or clang (clang-19, lld-19, PDBs)")
set_property(CACHE KMDKIT_COMPILER PROPERTY STRINGS gcc clang)
if(NOT KMDKIT_COMPILER MATCHES "^(gcc|clang)$")
    message(FATAL_ERROR "toolchain-mingw.cmake: unknown KMDKIT_COMPILER '${KMDKIT_COMPILER}' (expected gcc or clang)")
endif()
# try_compile() projects read this file again: give them the same architecture and compiler.
list(APPEND CMAKE_TRY_COMPILE_PLATFORM_VARIABLES KMDKIT_ARCH KMDKIT_COMPILER)

if(KMDKIT_ARCH STREQUAL "x64")
    set(_kmd_triple x86_64-w64-mingw32)
    set(_kmd_pkg gcc-mingw-w64-x86-64)
    set(_kmd_binutils_pkg binutils-mingw-w64-x86-64)
    set(CMAKE_SYSTEM_PROCESSOR AMD64)
elseif(KMDKIT_ARCH STREQUAL "x86")
    set(_kmd_triple i686-w64-mingw32)
    set(_kmd_pkg gcc-mingw-w64-i686)
    set(_kmd_binutils_pkg binutils-mingw-w64-i686)
    set(CMAKE_SYSTEM_PROCESSOR X86)
else()
    message(FATAL_ERROR "toolchain-mingw.cmake: unknown KMDKIT_ARCH '${KMDKIT_ARCH}' (expected x64 or x86)")
endif()

set(CMAKE_SYSTEM_NAME Windows)
set(CMAKE_SYSTEM_VERSION 10.0)
set(KMDKIT_TRIPLE ${_kmd_triple} CACHE INTERNAL "MinGW-w64 target triple")

# Prefer the win32 thread model: no libwinpthread DLL dependency in clients.
find_program(KMDKIT_CC NAMES ${_kmd_triple}-gcc-win32 ${_kmd_triple}-gcc)
if(NOT KMDKIT_CC)
    message(FATAL_ERROR "toolchain-mingw.cmake: ${_kmd_triple}-gcc not found. "
                        "Install the Debian package '${_kmd_pkg}' (or run ci/setup).")
endif()
if(KMDKIT_COMPILER STREQUAL "gcc")
    set(CMAKE_C_COMPILER ${KMDKIT_CC})
else()
    # clang locates the MinGW-w64 sysroot (/usr/<triple>) and GCC's libgcc (12-win32) through
    # <triple>-gcc on PATH, which is why GCC stays required. Its linker is lld-19, named
    # explicitly so that an older ld.lld on PATH is never picked.
    # KMDKIT_<VAR> <program> <Debian package>
    foreach(_t CLANG19:clang-19:clang-19 LLD19:ld.lld-19:lld-19 READOBJ19:llvm-readobj-19:llvm-19
               PDBUTIL19:llvm-pdbutil-19:llvm-19)
        string(REPLACE ":" ";" _t "${_t}")
        list(GET _t 0 _var)
        list(GET _t 1 _prog)
        list(GET _t 2 _pkg)
        find_program(KMDKIT_${_var} NAMES ${_prog})
        if(NOT KMDKIT_${_var})
            message(FATAL_ERROR "toolchain-mingw.cmake: ${_prog} not found (KMDKIT_COMPILER=clang). "
                                "Install the Debian package '${_pkg}' (or run ci/setup).")
        endif()
    endforeach()
    set(CMAKE_C_COMPILER ${KMDKIT_CLANG19})
    if(KMDKIT_ARCH STREQUAL "x64")
        set(CMAKE_C_COMPILER_TARGET x86_64-w64-windows-gnu)
    else()
        set(CMAKE_C_COMPILER_TARGET i686-w64-windows-gnu)
    endif()
    set(CMAKE_EXE_LINKER_FLAGS_INIT "-fuse-ld=lld --ld-path=${KMDKIT_LLD19}")
endif()
# C++ (a project(... CXX)): the matching MinGW-w64 or clang C++ compiler, never the host's. A
# missing one is named by CMake's error (Debian package g++-mingw-w64-x86-64 / -i686 for GCC).
if(KMDKIT_COMPILER STREQUAL "gcc")
    find_program(KMDKIT_CXX NAMES ${_kmd_triple}-g++-win32 ${_kmd_triple}-g++)
    if(KMDKIT_CXX)
        set(CMAKE_CXX_COMPILER ${KMDKIT_CXX})
    else()
        set(CMAKE_CXX_COMPILER ${_kmd_triple}-g++-win32)
    endif()
else()
    set(CMAKE_CXX_COMPILER clang++-19)
    set(CMAKE_CXX_COMPILER_TARGET ${CMAKE_C_COMPILER_TARGET})
endif()
foreach(_tool windres ar ranlib objcopy strip dlltool)
    string(TOUPPER ${_tool} _var)
    find_program(KMDKIT_${_var} NAMES ${_kmd_triple}-${_tool})
    if(NOT KMDKIT_${_var})
        message(FATAL_ERROR "toolchain-mingw.cmake: ${_kmd_triple}-${_tool} not found. "
                            "Install the Debian package '${_kmd_binutils_pkg}' (or run ci/setup).")
    endif()
endforeach()
set(CMAKE_RC_COMPILER ${KMDKIT_WINDRES})
set(CMAKE_AR ${KMDKIT_AR} CACHE FILEPATH "" FORCE)
set(CMAKE_RANLIB ${KMDKIT_RANLIB} CACHE FILEPATH "" FORCE)
set(CMAKE_OBJCOPY ${KMDKIT_OBJCOPY} CACHE FILEPATH "" FORCE)
set(CMAKE_STRIP ${KMDKIT_STRIP} CACHE FILEPATH "" FORCE)
set(CMAKE_DLLTOOL ${KMDKIT_DLLTOOL} CACHE FILEPATH "" FORCE)
if(KMDKIT_COMPILER STREQUAL "clang")
    # CMake would look for LLVM's nm/objdump beside clang; the tests read GNU objdump's output.
    foreach(_tool nm objdump)
        string(TOUPPER ${_tool} _var)
        find_program(KMDKIT_${_var} NAMES ${_kmd_triple}-${_tool})
        set(CMAKE_${_var} ${KMDKIT_${_var}} CACHE FILEPATH "" FORCE)
    endforeach()
endif()

set(CMAKE_FIND_ROOT_PATH /usr/${_kmd_triple})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)

# CMake's Windows-GNU default links kernel32, user32, gdi32, ... into every program. Drivers must
# import nothing from user mode and clients say what they use, so start from an empty list.
set(CMAKE_C_STANDARD_LIBRARIES "" CACHE STRING "Libraries linked into every C program")

if(KMDKIT_ARCH STREQUAL "x64")
    find_program(KMDKIT_WINE NAMES wine64 PATHS /usr/lib/wine NO_DEFAULT_PATH)
    find_program(KMDKIT_WINE NAMES wine64 wine)
    if(KMDKIT_WINE)
        set(CMAKE_CROSSCOMPILING_EMULATOR ${KMDKIT_WINE})
    endif()
endif()
