# MinGW-w64 GCC cross toolchain for kmdkit.
#
#   cmake -DCMAKE_TOOLCHAIN_FILE=<kmdkit>/toolchain-mingw.cmake [-DKMDKIT_ARCH=x64|x86] ...
#
# KMDKIT_ARCH is the one switch for the architecture. For x64 the test emulator is Wine, so
# add_test() on a Windows program runs it under Wine (Debian cannot run x86 programs: no wine32).

set(KMDKIT_ARCH "x64" CACHE STRING "Target architecture: x64 or x86")
set_property(CACHE KMDKIT_ARCH PROPERTY STRINGS x64 x86)

if(KMDKIT_ARCH STREQUAL "x64")
    set(_kmd_triple x86_64-w64-mingw32)
    set(_kmd_pkg gcc-mingw-w64-x86-64)
    set(CMAKE_SYSTEM_PROCESSOR AMD64)
elseif(KMDKIT_ARCH STREQUAL "x86")
    set(_kmd_triple i686-w64-mingw32)
    set(_kmd_pkg gcc-mingw-w64-i686)
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
set(CMAKE_C_COMPILER ${KMDKIT_CC})
foreach(_tool windres ar ranlib objcopy strip dlltool)
    string(TOUPPER ${_tool} _var)
    find_program(KMDKIT_${_var} NAMES ${_kmd_triple}-${_tool})
    if(NOT KMDKIT_${_var})
        message(FATAL_ERROR "toolchain-mingw.cmake: ${_kmd_triple}-${_tool} not found. "
                            "Install the Debian package 'binutils-mingw-w64-${_kmd_pkg}' (or run ci/setup).")
    endif()
endforeach()
set(CMAKE_RC_COMPILER ${KMDKIT_WINDRES})
set(CMAKE_AR ${KMDKIT_AR} CACHE FILEPATH "" FORCE)
set(CMAKE_RANLIB ${KMDKIT_RANLIB} CACHE FILEPATH "" FORCE)
set(CMAKE_OBJCOPY ${KMDKIT_OBJCOPY} CACHE FILEPATH "" FORCE)
set(CMAKE_STRIP ${KMDKIT_STRIP} CACHE FILEPATH "" FORCE)
set(CMAKE_DLLTOOL ${KMDKIT_DLLTOOL} CACHE FILEPATH "" FORCE)

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
