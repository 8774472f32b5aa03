# kmdkit's CMake API: build, fix, sign and stage Windows kernel drivers and their clients.
#
#   list(APPEND CMAKE_MODULE_PATH <kmdkit>/cmake)
#   include(KmdKit)
#   kmd_add_driver(mydrv SOURCES mydrv.c [LIBRARIES ...] [INTEGRITY_CHECK] [NO_KLIB] [NO_COMPACT] [NO_CET] [NO_DIST] [WDK])
#   kmd_add_client(mycli SOURCES mycli.c [LIBRARIES ...] [OUTPUT_NAME <file>] [SIGN] [WMAIN] [NO_DIST] [WDK])
#   kmd_add_kernel_library(mylib SOURCES ...)  /  kmd_add_user_library(mylib SOURCES ...)
#   kmd_wine_load(), kmd_wine_load_fails(), kmd_wine_test(), kmd_wine_cases(): KmdKitWine.cmake
#
# Each function's reference is the comment above it; docs/cmake-api.md is the guide.
# This file is the only place where compile and link flags live (_kmd_apply_settings).
# Signing settings are in KmdKitSign.cmake, the Wine test harness in KmdKitWine.cmake.

include_guard(GLOBAL)
cmake_minimum_required(VERSION 3.25)
enable_testing()

get_filename_component(KMDKIT_ROOT "${CMAKE_CURRENT_LIST_DIR}/.." ABSOLUTE)
set(KMDKIT_CMAKE_DIR "${CMAKE_CURRENT_LIST_DIR}")

if(NOT CMAKE_SYSTEM_NAME STREQUAL "Windows" OR NOT DEFINED KMDKIT_ARCH)
    message(FATAL_ERROR "KmdKit: configure with -DCMAKE_TOOLCHAIN_FILE=${KMDKIT_ROOT}/toolchain-mingw.cmake "
                        "(this build targets '${CMAKE_SYSTEM_NAME}', not Windows via MinGW-w64), in a new "
                        "build folder or with `cmake --fresh`: a folder configured once keeps the compiler "
                        "it found first, and the toolchain file is read only on a first configure")
endif()
if(NOT KMDKIT_ARCH MATCHES "^(x64|x86)$")
    message(FATAL_ERROR "KmdKit: unknown KMDKIT_ARCH '${KMDKIT_ARCH}' (expected x64 or x86)")
endif()

# Where shipped artifacts are staged: signed drivers, clients, the public certificate, SHA256SUMS.
set(KMDKIT_DIST_DIR "${CMAKE_BINARY_DIR}/dist" CACHE PATH "Staging folder for shipped artifacts")

# --- one contract between a driver and its client ----------------------------------------------
# headers/ holds the toolkit's headers and each driver's IOCTL contract; drivers and clients both
# link this interface target, so the same header is compiled on both sides.
if(NOT TARGET kmdkit_headers)
    add_library(kmdkit_headers INTERFACE)
    target_include_directories(kmdkit_headers INTERFACE "${KMDKIT_ROOT}/headers")
    add_library(kmdkit::headers ALIAS kmdkit_headers)
endif()

# --- flags ----------------------------------------------------------------------------------------
# Paths of the source and build trees never reach a binary.
# GCC applies the last matching map, so the most specific folder comes last. The build folder is
# mapped without a trailing slash: it is also the compile directory that debug information
# records (DW_AT_comp_dir), which a "folder/" map would not match.
set(_kmd_repro_flags
    "-ffile-prefix-map=${KMDKIT_ROOT}/=kmdkit/" "-ffile-prefix-map=${CMAKE_SOURCE_DIR}/="
    "-ffile-prefix-map=${CMAKE_BINARY_DIR}=build")
# What C lets through with a warning but a driver must never ship with: a call to an undeclared
# routine (its pointer result truncated to int, e.g. PsGetProcessImageFileName, which MinGW does
# not declare), an integer used as a pointer, a pointer of the wrong type.
set(_kmd_warning_flags -Wall -Wextra
    "$<$<COMPILE_LANGUAGE:C>:-Werror=implicit-function-declaration;-Werror=int-conversion;-Werror=incompatible-pointer-types>")

if(KMDKIT_ARCH STREQUAL "x64")
    set(_kmd_driver_entry DriverEntry)
    set(_kmd_driver_base 0x140000000)
    set(_kmd_arch_link_flags -Wl,--high-entropy-va)
    set(_kmd_driver_arch_libs)
else()
    set(_kmd_driver_entry _DriverEntry@8) # NTAPI (stdcall) on x86
    set(_kmd_driver_base 0x10000)
    set(_kmd_arch_link_flags)
    set(_kmd_driver_arch_libs gcc) # 64-bit division helpers
endif()
set(_kmd_driver_arch_flags)
if(KMDKIT_ARCH STREQUAL "x86")
    # x86 kernel code may touch x87/MMX/SSE registers only between KeSaveFloatingPointState and
    # KeRestoreFloatingPointState: the compiler must not use them on its own (e.g. to copy structs).
    set(_kmd_driver_arch_flags -mgeneral-regs-only)
endif()

# Release builds use -O2, not CMake's -O3: what kernel code is usually built with (MSVC /O2), with
# less code growth from aggressive inlining and unrolling.
if(CMAKE_C_FLAGS_RELEASE MATCHES "(^| )-O3( |$)")
    string(REGEX REPLACE "(^| )-O3( |$)" "\\1-O2\\2" CMAKE_C_FLAGS_RELEASE "${CMAKE_C_FLAGS_RELEASE}")
endif()

# Windows 7 SP1 is the oldest system the drivers declare routines for.
set(KMDKIT_DRIVER_DEFINES _WIN32_WINNT=0x0601 NTDDI_VERSION=0x06010000 $<IF:$<CONFIG:Debug>,DBG=1,DBG=0>)
set(KMDKIT_DRIVER_COMPILE_OPTIONS
    # The kernel has no C runtime, no __stack_chk_* and ntoskrnl exports no __chkstk.
    -ffreestanding -fno-builtin -fno-stack-protector -mno-stack-arg-probe -fno-common
    ${_kmd_warning_flags} ${_kmd_driver_arch_flags}
    # Stack probes are off (above), so a frame larger than a page could step over the stack's
    # guard page unnoticed; kernel stacks are 12 KB (x86) to 24 KB (x64) in all. No VLAs either:
    # their size is not known at compile time.
    $<IF:$<C_COMPILER_ID:Clang>,-Wframe-larger-than=4096;-Werror=frame-larger-than,-Werror=frame-larger-than=4096>
    -Werror=vla
    # GCC 12 takes the gs:/fs: reads of KeGetCurrentThread & co. for accesses near address 0 and
    # warns (-Warray-bounds) in every driver that calls them; this tells it small addresses are valid.
    $<$<C_COMPILER_ID:GNU>:--param=min-pagesize=0>
    # Pool tags are multi-character constants ('gaT1') by design.
    -Wno-multichar
    ${_kmd_repro_flags})
set(KMDKIT_DRIVER_LINK_OPTIONS
    # A native image, not a DLL (as MSVC links drivers): no IMAGE_FILE_DLL, no empty export table.
    # kmdkit-driver.ld lays the image out in few sections (.text, .rdata with the imports, .pdata,
    # INIT, .reloc, plus .data/.bss/PAGE*/.edata/.rsrc when used); see the comment at its top.
    -nostdlib "-Wl,-T,${KMDKIT_CMAKE_DIR}/kmdkit-driver.ld"
    -Wl,--subsystem,native -Wl,--entry,${_kmd_driver_entry}
    -Wl,--image-base,${_kmd_driver_base}
    -Wl,--dynamicbase -Wl,--nxcompat ${_kmd_arch_link_flags}
    -Wl,--file-alignment,0x200 -Wl,--section-alignment,0x1000
    -Wl,--exclude-all-symbols -Wl,--no-insert-timestamp
    # No auto-import and no runtime pseudo-relocations: nothing in the kernel would apply them.
    -Wl,--disable-auto-import -Wl,--disable-runtime-pseudo-reloc
    # A missing entry symbol is only a warning for ld ("defaulting to ..."): make it an error.
    -Wl,--fatal-warnings
    # Stripped in every configuration: no Windows debugger reads DWARF, and an unstripped image
    # stores section names longer than 8 characters (PAGECONST) as "/4" string-table references,
    # which the loader does not recognise as PAGE sections. Symbols for WinDbg come from clang.
    -s)

set(KMDKIT_CLIENT_DEFINES _WIN32_WINNT=0x0601 WINVER=0x0601 UNICODE _UNICODE)
set(KMDKIT_CLIENT_COMPILE_OPTIONS ${_kmd_warning_flags} ${_kmd_repro_flags})
set(KMDKIT_CLIENT_LINK_OPTIONS
    # -static: no libgcc/libwinpthread DLLs next to the .exe; only system DLLs are imported.
    -static
    -Wl,--dynamicbase -Wl,--nxcompat ${_kmd_arch_link_flags}
    -Wl,--no-insert-timestamp
    $<$<NOT:$<CONFIG:Debug>>:-s>)
set(KMDKIT_CLIENT_LIBS kernel32 advapi32)

# --- clang-19 + lld-19 (KMDKIT_COMPILER=clang, toolchain-mingw.cmake) ----------------------------
# The same flags as above where they mean the same thing, plus what clang and lld need:
#   -fms-extensions        __try/__except/__finally (real SEH), __declspec, MS keywords; never
#                          -fms-compatibility, which breaks MinGW's vadefs.h and mmintrin.h
#   -funwind-tables        (x64) .pdata/.xdata for every function: -ffreestanding drops them
#                          otherwise, and the kernel unwinds through .pdata
#   -Xclang -fasync-exceptions  (drivers) a fault inside a __try body, not only a call that
#                          raises, reaches its __except/__finally (the driver-level
#                          -fasync-exceptions is ignored for windows-gnu). x64 only in effect:
#                          clang-19 has no SEH for i686-w64-windows-gnu, where a __try fails
#                          to assemble with this flag (and is silently ignored without it)
#   __INTRINSIC_DEFINED_*  MinGW's wdm.h defines InterlockedBitTestAndSet/Reset and __cpuidex
#                          again as non-inline functions: without these, two sources of one
#                          driver fail to link ("duplicate symbol")
#   _CLANG_DISABLE_CRT_DEPRECATION_WARNINGS  MinGW's intrin.h includes clang's deprecated
#                          <mm3dnow.h>, which would warn in every driver
#   -g -gcodeview ...      CodeView debug info for a PDB (no DWARF): -gno-codeview-command-line
#                          and -fdebug-compilation-dir=. keep build paths out, as the prefix maps do
# Linking with lld has no linker script: lld already keeps INIT, PAGE, PAGEDATA, PAGECONST as
# sections of their own, merges .idata/.xdata/.edata/.00cfg into .rdata and .bss into .data, and
# puts .reloc last. On top of that, -merge: folds .pdata into .rdata (what `kmdpe compact` does
# after GNU ld) and the debug directory's .buildid section into .rdata; -driver is link.exe's
# /DRIVER (lld wants it with --section-alignment); no Terminal Server flag on a driver (GNU ld
# sets none either). Symbols go to a PDB (-Wl,--pdb=, see _kmd_pdb), so both configurations
# strip the image (-s: no DWARF, no COFF symbol table).
if(NOT DEFINED KMDKIT_COMPILER)
    set(KMDKIT_COMPILER gcc) # a toolchain file from before KMDKIT_COMPILER
endif()
if(KMDKIT_COMPILER STREQUAL "clang")
    if(NOT CMAKE_C_COMPILER_ID STREQUAL "Clang" OR CMAKE_C_COMPILER_VERSION VERSION_LESS 19)
        message(FATAL_ERROR "KmdKit: KMDKIT_COMPILER=clang needs clang 19 (toolchain-mingw.cmake), "
                            "but this build uses ${CMAKE_C_COMPILER_ID} ${CMAKE_C_COMPILER_VERSION}: "
                            "configure a new build folder")
    endif()
    set(KMDKIT_PDB_SOURCE_PATH "C:/src" CACHE STRING
        "Folder that PDBs name as the source tree's root (source files are recorded relative to it)")
    set(_kmd_symbol_flags -g -gcodeview -gno-codeview-command-line -fdebug-compilation-dir=.)
    set(_kmd_unwind_flags)
    if(KMDKIT_ARCH STREQUAL "x64")
        set(_kmd_unwind_flags -funwind-tables) # x86 has no table-based unwinding
    endif()
    list(APPEND KMDKIT_DRIVER_DEFINES __INTRINSIC_DEFINED_InterlockedBitTestAndSet
         __INTRINSIC_DEFINED_InterlockedBitTestAndReset __INTRINSIC_DEFINED___cpuidex
         _CLANG_DISABLE_CRT_DEPRECATION_WARNINGS)
    list(APPEND KMDKIT_DRIVER_COMPILE_OPTIONS -fms-extensions ${_kmd_unwind_flags}
         "SHELL:-Xclang -fasync-exceptions" ${_kmd_symbol_flags})
    set(KMDKIT_DRIVER_LINK_OPTIONS
        -nostdlib
        -Wl,--subsystem,native -Wl,--entry,${_kmd_driver_entry}
        -Wl,--image-base,${_kmd_driver_base}
        -Wl,--dynamicbase -Wl,--nxcompat ${_kmd_arch_link_flags}
        -Wl,--file-alignment,0x200 -Wl,--section-alignment,0x1000 -Wl,--Xlink=-driver
        -Wl,--exclude-all-symbols -Wl,--no-insert-timestamp -Wl,--disable-tsaware
        -Wl,--disable-auto-import -Wl,--disable-runtime-pseudo-reloc
        -Wl,--fatal-warnings
        -Wl,--Xlink=-merge:.buildid=.rdata
        -s)
    list(APPEND KMDKIT_CLIENT_DEFINES _CLANG_DISABLE_CRT_DEPRECATION_WARNINGS)
    list(APPEND KMDKIT_CLIENT_COMPILE_OPTIONS -fms-extensions ${_kmd_symbol_flags})
    set(KMDKIT_CLIENT_LINK_OPTIONS
        -static
        -Wl,--dynamicbase -Wl,--nxcompat ${_kmd_arch_link_flags}
        -Wl,--no-insert-timestamp
        -Wl,--Xlink=-merge:.buildid=.rdata
        -s)
elseif(NOT CMAKE_C_COMPILER_ID STREQUAL "GNU")
    message(FATAL_ERROR "KmdKit: KMDKIT_COMPILER=gcc, but this build uses ${CMAKE_C_COMPILER_ID} "
                        "${CMAKE_C_COMPILER}: configure a new build folder")
endif()

# Structured exception handling (__try/__except/__finally) exists only with clang for x64. Elsewhere
# every target force-includes kmdkit/seh_unavailable.h, which turns a __try into one clear error
# naming the clang preset (GCC would print a cascade, clang for x86 an assembler failure).
if(KMDKIT_COMPILER STREQUAL "clang" AND KMDKIT_ARCH STREQUAL "x64")
    set(KMDKIT_HAS_SEH TRUE)
else()
    set(KMDKIT_HAS_SEH FALSE)
endif()

# _kmd_pdb(<target>): with clang, the target's symbols go to <target>.pdb in its build folder
# (named after the target, unique, unlike an output name a driver and its client share), and the
# image's CodeView entry names it by bare file name (-pdbaltpath:%_PDB%). Byte-identical across
# build folders: the PDB path given to lld is relative to the folder the link runs in, the
# source root it records is KMDKIT_PDB_SOURCE_PATH (-pdbsourcepath), and the link runs without
# LIBRARY_PATH, whose folders clang would pass to lld and lld would record.
function(_kmd_pdb name)
    if(NOT KMDKIT_COMPILER STREQUAL "clang")
        return()
    endif()
    set(pdb "${CMAKE_CURRENT_BINARY_DIR}/${name}.pdb")
    if(CMAKE_GENERATOR MATCHES "Ninja")
        file(RELATIVE_PATH rel "${CMAKE_BINARY_DIR}" "${pdb}") # Ninja links in the top build folder
    else()
        set(rel "${name}.pdb") # Makefile generators link in the target's folder
    endif()
    target_link_options(${name} PRIVATE "-Wl,--pdb=${rel}" "-Wl,--Xlink=-pdbaltpath:%_PDB%"
                        "-Wl,--Xlink=-pdbsourcepath:${KMDKIT_PDB_SOURCE_PATH}")
    set_target_properties(${name} PROPERTIES KMDKIT_PDB "${pdb}"
                          C_LINKER_LAUNCHER "${CMAKE_COMMAND};-E;env;--unset=LIBRARY_PATH")
endfunction()

# --- argument checking ----------------------------------------------------------------------------
# cmake_parse_arguments files a misspelt keyword under the previous keyword's values; catch words
# that look like keywords (all capitals, no dot) among the values and name them.
function(_kmd_check_args fn name)
    cmake_parse_arguments(PARSE_ARGV 2 C "" "" "UNPARSED;SOURCES;LIBRARIES")
    if(name STREQUAL "" OR name MATCHES "^[A-Z_]+$")
        message(FATAL_ERROR "${fn}: the first argument must be the target name, got '${name}' "
                            "(called from ${CMAKE_CURRENT_LIST_FILE})")
    endif()
    if(C_UNPARSED)
        message(FATAL_ERROR "${fn}(${name}): unknown argument(s) '${C_UNPARSED}' "
                            "(called from ${CMAKE_CURRENT_LIST_FILE})")
    endif()
    if(NOT C_SOURCES)
        message(FATAL_ERROR "${fn}(${name}): no SOURCES given (called from ${CMAKE_CURRENT_LIST_FILE})")
    endif()
    foreach(item IN LISTS C_SOURCES C_LIBRARIES)
        if(item MATCHES "^[A-Z][A-Z0-9_]+$")
            message(FATAL_ERROR "${fn}(${name}): unknown keyword '${item}' "
                                "(called from ${CMAKE_CURRENT_LIST_FILE})")
        endif()
    endforeach()
endfunction()

include("${KMDKIT_CMAKE_DIR}/KmdKitSign.cmake")

# --- kmdpe, the host tool that fixes up and lints every driver -------------------------------------
# Built for the host from tools/ during the build (same configure command); KMDKIT_KMDPE may name
# an installed kmdpe instead. The same host build makes the package tools kmdinf (INF check and
# stamp) and kmdcat (catalogs), KMDKIT_KMDINF_EXE and KMDKIT_KMDCAT_EXE, and kmdinf's unit test.
set(KMDKIT_KMDPE "" CACHE FILEPATH "kmdpe to use; empty: build tools/ for the host")
if(KMDKIT_KMDPE)
    # kmdinf and kmdcat: beside an installed kmdpe (KmdKitInstall.cmake), or in the folders of
    # another tree's host build of tools/.
    set(KMDKIT_KMDPE_EXE "${KMDKIT_KMDPE}")
    get_filename_component(_kmd_bin "${KMDKIT_KMDPE}" DIRECTORY)
    foreach(_kmd_tool kmdinf kmdcat)
        string(TOUPPER "${_kmd_tool}" _kmd_var)
        foreach(_kmd_path "${_kmd_bin}/${_kmd_tool}" "${_kmd_bin}/${_kmd_tool}/${_kmd_tool}")
            if(EXISTS "${_kmd_path}" AND NOT IS_DIRECTORY "${_kmd_path}")
                set(KMDKIT_${_kmd_var}_EXE "${_kmd_path}")
            endif()
        endforeach()
    endforeach()
elseif(NOT TARGET kmdkit_kmdpe)
    include(ExternalProject)
    set(_kmd_host "${CMAKE_BINARY_DIR}/kmdkit/host")
    file(GLOB_RECURSE _kmd_kmdpe_sources CONFIGURE_DEPENDS "${KMDKIT_ROOT}/tools/*.c"
         "${KMDKIT_ROOT}/tools/*.h" "${KMDKIT_ROOT}/tools/CMakeLists.txt")
    ExternalProject_Add(kmdkit_kmdpe
        SOURCE_DIR "${KMDKIT_ROOT}/tools"
        BINARY_DIR "${_kmd_host}"
        CMAKE_ARGS -DCMAKE_BUILD_TYPE=Release
        BUILD_COMMAND ${CMAKE_COMMAND} --build "${_kmd_host}" --target kmdpe kmdinf kmdinf_unit kmdcat
        INSTALL_COMMAND ""
        BUILD_BYPRODUCTS "${_kmd_host}/kmdpe" "${_kmd_host}/kmdinf/kmdinf"
                         "${_kmd_host}/kmdinf/kmdinf_unit" "${_kmd_host}/kmdcat/kmdcat")
    # Rebuild kmdpe when its sources change (ExternalProject alone would not notice).
    ExternalProject_Add_StepDependencies(kmdkit_kmdpe build ${_kmd_kmdpe_sources})
    set(KMDKIT_KMDPE_EXE "${_kmd_host}/kmdpe")
    set(KMDKIT_KMDINF_EXE "${_kmd_host}/kmdinf/kmdinf")
    set(KMDKIT_KMDCAT_EXE "${_kmd_host}/kmdcat/kmdcat")
endif()

# --- one place that applies the settings of each kind of target ------------------------------
# KIND: driver (a .sys), client (a console .exe), kernel-library, user-library (static, for
# drivers / clients; their definitions and include folders pass on to what links them).
function(_kmd_apply_settings name kind)
    set_target_properties(${name} PROPERTIES C_STANDARD 11 C_EXTENSIONS ON)
    set_property(TARGET ${name} PROPERTY KMDKIT_KIND ${kind})
    if(kind MATCHES "^(driver|kernel-library)$")
        set(defines ${KMDKIT_DRIVER_DEFINES})
        set(options ${KMDKIT_DRIVER_COMPILE_OPTIONS})
    else()
        set(defines ${KMDKIT_CLIENT_DEFINES})
        set(options ${KMDKIT_CLIENT_COMPILE_OPTIONS})
    endif()
    set(scope PRIVATE)
    if(kind MATCHES "library$")
        set(scope PUBLIC)
    endif()
    target_compile_definitions(${name} ${scope} ${defines})
    target_compile_options(${name} PRIVATE ${options})
    if(NOT KMDKIT_HAS_SEH)
        target_compile_options(${name} PRIVATE "SHELL:-include \"${KMDKIT_ROOT}/headers/kmdkit/seh_unavailable.h\"")
    endif()
    if(kind MATCHES "^(driver|kernel-library)$")
        target_include_directories(${name} SYSTEM ${scope} "${CMAKE_FIND_ROOT_PATH}/include/ddk")
    endif()
    if(kind STREQUAL "driver")
        target_link_options(${name} PRIVATE ${KMDKIT_DRIVER_LINK_OPTIONS})
        if(NOT KMDKIT_COMPILER STREQUAL "clang")
            set_property(TARGET ${name} APPEND PROPERTY LINK_DEPENDS "${KMDKIT_CMAKE_DIR}/kmdkit-driver.ld")
        endif()
        _kmd_pdb(${name})
    elseif(kind STREQUAL "client")
        target_link_options(${name} PRIVATE ${KMDKIT_CLIENT_LINK_OPTIONS})
        _kmd_pdb(${name})
    endif()
endfunction()

# --- kmd_add_driver -------------------------------------------------------------------------------
# kmd_add_driver(<name> SOURCES <files...> [LIBRARIES <libs...>] [INTEGRITY_CHECK] [NO_KLIB] [NO_COMPACT] [NO_CET] [NO_DIST] [WDK]
#                [INF <file.inx|file.inf> [INF_OS <Inf2Cat ids...>] [INF_VERSION <W.X.Y.Z>]])
#   Builds <name>.sys (native subsystem, relocatable, NX, no timestamp), fixes it up with kmdpe,
#   signs and verifies it, stages the signed copy in KMDKIT_DIST_DIR, and adds the ctest
#   <name>.lint (kmdpe check, label lint). A contract header next to the sources is included
#   with quotes ("skeleton_ioctl.h") by the driver and its client alike.
#   INTEGRITY_CHECK sets the FORCE_INTEGRITY flag (needed by e.g. PsSetCreateProcessNotifyRoutineEx).
#   NO_KLIB leaves out the kernel support library (kernel/lib).
#   NO_COMPACT skips `kmdpe compact` (keeps .pdata as its own section and GNU ld's DOS stub).
#   NO_CET: the driver is not shadow-stack safe: x64 images get no CET mark (kmdpe fix --no-cet,
#   no lld -cetcompat) and the lint does not require one (kmdpe check --no-cet). Every other x64
#   driver carries IMAGE_DLLCHARACTERISTICS_EX_CET_COMPAT: Windows 11 with kernel-mode
#   hardware-enforced stack protection refuses drivers without it.
#   NO_DIST: a driver that is not shipped (test fixtures): not signed, not staged, not linted.
#   WDK: the sources are written for the WDK and MSVC and build unchanged (_kmd_wdk, docs/wdk.md).
#   INF: a PnP driver: its INF (an INX template or an INF) is stamped, checked, and staged in dist/
#   with the signed catalog of the package (KmdKitInf.cmake, which documents INF_OS and INF_VERSION).
function(kmd_add_driver name)
    cmake_parse_arguments(PARSE_ARGV 1 A "INTEGRITY_CHECK;NO_KLIB;NO_COMPACT;NO_CET;NO_DIST;WDK"
                          "INF;INF_VERSION" "SOURCES;LIBRARIES;INF_OS")
    _kmd_check_args(kmd_add_driver "${name}" UNPARSED ${A_UNPARSED_ARGUMENTS}
                    SOURCES ${A_SOURCES} LIBRARIES ${A_LIBRARIES})
    if((A_INF_OS OR A_INF_VERSION) AND NOT A_INF)
        message(FATAL_ERROR "kmd_add_driver(${name}): INF_OS and INF_VERSION go with INF <file> "
                            "(called from ${CMAKE_CURRENT_LIST_FILE})")
    endif()
    if(A_INF AND A_NO_DIST)
        message(FATAL_ERROR "kmd_add_driver(${name}): INF makes a package in dist/, NO_DIST ships nothing: "
                            "use one of them (called from ${CMAKE_CURRENT_LIST_FILE})")
    endif()

    add_executable(${name} ${A_SOURCES} "${KMDKIT_ROOT}/kernel/support/reloc_anchor.c")
    set_target_properties(${name} PROPERTIES SUFFIX ".sys")
    _kmd_apply_settings(${name} driver)
    if(A_INTEGRITY_CHECK AND KMDKIT_COMPILER STREQUAL "clang")
        target_link_options(${name} PRIVATE -Wl,--Xlink=-integritycheck) # lld has no --forceinteg
    elseif(A_INTEGRITY_CHECK)
        target_link_options(${name} PRIVATE -Wl,--forceinteg)
    endif()
    if(KMDKIT_COMPILER STREQUAL "clang" AND KMDKIT_ARCH STREQUAL "x64" AND NOT A_NO_CET)
        # The CET mark: lld writes the EX_DLLCHARACTERISTICS debug entry next to the PDB's
        # CodeView entry. GNU ld writes none; kmdpe fix adds it (_kmd_post_link_fixup).
        target_link_options(${name} PRIVATE -Wl,--Xlink=-cetcompat)
    endif()
    if(KMDKIT_COMPILER STREQUAL "clang" AND NOT A_NO_COMPACT)
        # lld folds .pdata into .rdata itself; kmdpe compact, which leaves images with a debug
        # directory alone, is not run (_kmd_post_link_fixup).
        target_link_options(${name} PRIVATE -Wl,--Xlink=-merge:.pdata=.rdata)
    endif()
    set(libs ${A_LIBRARIES})
    if(NOT A_NO_KLIB)
        list(PREPEND libs kmdkit_klib)
    endif()
    target_link_libraries(${name} PRIVATE kmdkit_headers ${libs} ntoskrnl hal ${_kmd_driver_arch_libs})
    set_property(TARGET ${name} PROPERTY KMDKIT_INTEGRITY_CHECK ${A_INTEGRITY_CHECK})
    set_property(TARGET ${name} PROPERTY KMDKIT_NO_CET ${A_NO_CET})
    if(A_WDK)
        _kmd_wdk(kmd_add_driver ${name} driver ${A_SOURCES})
    endif()

    _kmd_post_link_fixup(${name} "${A_NO_COMPACT}" "${A_NO_CET}")
    set_property(GLOBAL APPEND PROPERTY KMDKIT_DRIVERS ${name})
    if(A_NO_DIST)
        return()
    endif()
    set(check_args --arch ${KMDKIT_ARCH})
    if(A_INTEGRITY_CHECK)
        list(APPEND check_args --require-integrity-check)
    endif()
    if(A_NO_CET)
        list(APPEND check_args --no-cet)
    endif()
    _kmd_lint_gate(${name} ${check_args})
    _kmd_stage(${name} "${name}.sys" TRUE)
    add_test(NAME ${name}.lint COMMAND "${KMDKIT_KMDPE_EXE}" check "${KMDKIT_DIST_DIR}/${name}.sys" ${check_args})
    set_tests_properties(${name}.lint PROPERTIES LABELS lint TIMEOUT 30)
    _kmd_symbols_test(${name} "${KMDKIT_DIST_DIR}/${name}.sys")
    if(A_INF)
        _kmd_driver_package(kmd_add_driver ${name} "${A_INF}" "${A_INF_OS}" "${A_INF_VERSION}")
    endif()
endfunction()

# --- kmd_add_client -------------------------------------------------------------------------------
# kmd_add_client(<name> SOURCES <files...> [LIBRARIES <libs...>] [OUTPUT_NAME <file>] [SIGN] [WMAIN] [NO_DIST] [WDK]
#                [SMOKE_TEST_FOR <driver>])
#   A console .exe that needs no MinGW runtime DLL, staged in KMDKIT_DIST_DIR as <file>.exe
#   (default <name>.exe; OUTPUT_NAME lets a client share its driver's name).
#   SIGN signs the staged copy with the driver certificate; WMAIN: the entry is wmain (UTF-16 argv);
#   NO_DIST: a program that is not shipped (test helpers): built, not staged.
#   WDK: a WDK-style test app (VOID __cdecl main(ULONG, PCHAR[]), <sys\\x.h>) builds unchanged.
#   SMOKE_TEST_FOR <driver>: run with no arguments, this client is <driver>'s smoke test (exit 0 =
#   passed): dist/SMOKETESTS lists it ("<driver>.sys <file>.exe"), and ci/deploy-vm runs it after
#   loading the driver on a VM. Without any, deploy-vm runs <driver>.exe if dist has one.
function(kmd_add_client name)
    cmake_parse_arguments(PARSE_ARGV 1 A "SIGN;WMAIN;NO_DIST;WDK" "OUTPUT_NAME;SMOKE_TEST_FOR" "SOURCES;LIBRARIES")
    _kmd_check_args(kmd_add_client "${name}" UNPARSED ${A_UNPARSED_ARGUMENTS}
                    SOURCES ${A_SOURCES} LIBRARIES ${A_LIBRARIES})
    if(A_SMOKE_TEST_FOR AND A_NO_DIST)
        message(FATAL_ERROR "kmd_add_client(${name}): SMOKE_TEST_FOR ships the client as a smoke test, "
                            "NO_DIST ships nothing: use one of them (called from ${CMAKE_CURRENT_LIST_FILE})")
    endif()

    add_executable(${name} ${A_SOURCES})
    _kmd_apply_settings(${name} client)
    if(A_WMAIN)
        target_link_options(${name} PRIVATE -municode)
    endif()
    target_link_libraries(${name} PRIVATE kmdkit_headers ${A_LIBRARIES} ${KMDKIT_CLIENT_LIBS})
    if(A_WDK)
        _kmd_wdk(kmd_add_client ${name} client ${A_SOURCES})
    endif()
    if(A_OUTPUT_NAME)
        set_target_properties(${name} PROPERTIES OUTPUT_NAME ${A_OUTPUT_NAME})
    else()
        set(A_OUTPUT_NAME ${name})
    endif()
    if(A_SMOKE_TEST_FOR)
        # Checked once every target exists (_kmd_finalize_dist): the driver may come later.
        set_property(GLOBAL APPEND PROPERTY KMDKIT_SMOKE_TESTS
                     "${A_SMOKE_TEST_FOR}|${A_OUTPUT_NAME}.exe|${name}|${CMAKE_CURRENT_LIST_FILE}")
    endif()
    if(NOT A_NO_DIST)
        _kmd_stage(${name} "${A_OUTPUT_NAME}.exe" "${A_SIGN}")
        _kmd_symbols_test(${name} "${KMDKIT_DIST_DIR}/${A_OUTPUT_NAME}.exe")
    endif()
endfunction()

# <target>.symbols (label symbols, clang builds only): the shipped image names its PDB by bare
# file name, carries no DWARF, and dist/symbols/ holds that PDB, with the image's GUID and age,
# in the symbol-store layout (cmake/kmdkit-pdb.sh check).
function(_kmd_symbols_test name image)
    if(KMDKIT_COMPILER STREQUAL "clang")
        add_test(NAME ${name}.symbols COMMAND bash "${KMDKIT_CMAKE_DIR}/kmdkit-pdb.sh" check
                 "${KMDKIT_READOBJ19}" "${KMDKIT_PDBUTIL19}" "${image}" "${KMDKIT_DIST_DIR}/symbols")
        set_tests_properties(${name}.symbols PROPERTIES LABELS symbols TIMEOUT 30
                             PASS_REGULAR_EXPRESSION "symbols: [^ ]+ ok")
    endif()
endfunction()

# --- WDK-style sources (the WDK keyword) -----------------------------------------------------------
# Code written for the WDK and MSVC builds as it is:
#   driver  headers/kmdkit/wdk/kernel comes before MinGW's ddk folder: its wdm.h, ntddk.h and ntifs.h
#           include MinGW's and add what WDK sources use and MinGW lacks (kmdkit/wdk/wdk_compat.h:
#           SAL, ALLOC_PRAGMA with clang, try/except spellings, POOL_NX_OPTIN, ...), plus dontuse.h;
#           kmdkit_wdk (kernel/wdk) implements the routines behind them that are not kernel exports
#           (IoCreateDeviceSecure, ExInitializeDriverRuntime, ExAllocatePoolZero & co.).
#   client  main is renamed kmd_wdk_main and kmdkit_wdk_main supplies the real one: the WDK's
#           VOID __cdecl main(ULONG, PCHAR[]) is an error for clang (a warning for GCC). A void
#           main exits with 0 (read from the sources at configure time), an int main with its value.
# What only clang can do is reported at configure time with GCC: #pragma alloc_text (GCC ignores
# it: the driver would keep INIT code resident), backslashes in #include paths; try/except stop
# the compile (kmdkit/seh_unavailable.h).
function(_kmd_wdk fn name kind)
    set(sources ${ARGN})
    set(text "")
    foreach(src IN LISTS sources)
        if(NOT IS_ABSOLUTE "${src}")
            set(src "${CMAKE_CURRENT_SOURCE_DIR}/${src}")
        endif()
        if(src MATCHES "\\.[cC]$" AND EXISTS "${src}")
            file(READ "${src}" body)
            string(APPEND text "${body}\n")
            set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS "${src}")
        endif()
    endforeach()
    if(NOT KMDKIT_COMPILER STREQUAL "clang")
        if(text MATCHES "#[ \t]*pragma[ \t]+alloc_text")
            message(WARNING "${fn}(${name} WDK): GCC ignores #pragma alloc_text, so this driver would "
                            "have no INIT or PAGE section; build it with clang (--preset x64-clang) "
                            "(called from ${CMAKE_CURRENT_LIST_FILE})")
        endif()
        if(text MATCHES "#[ \t]*include[ \t]*[<\"][^>\"\n]*\\\\")
            message(WARNING "${fn}(${name} WDK): an #include path with a backslash needs clang "
                            "(--preset x64-clang); GCC will not find the file "
                            "(called from ${CMAKE_CURRENT_LIST_FILE})")
        endif()
    endif()
    # WDK code passes e.g. a PKEVENT* as a PVOID* (MSVC accepts it): a warning, not kmdkit's error.
    target_compile_options(${name} PRIVATE $<$<COMPILE_LANGUAGE:C>:-Wno-error=incompatible-pointer-types>)
    if(kind STREQUAL "driver")
        target_include_directories(${name} SYSTEM BEFORE PRIVATE "${KMDKIT_ROOT}/headers/kmdkit/wdk/kernel")
        target_link_libraries(${name} PRIVATE kmdkit_wdk)
    else()
        if(text MATCHES "(^|[^A-Za-z0-9_])(VOID|void)[ \t\r\n]+(__cdecl[ \t\r\n]+)?main[ \t\r\n]*\\(")
            set(main kmdkit_wdk_main_void)
        else()
            set(main kmdkit_wdk_main_int)
        endif()
        target_compile_definitions(${name} PRIVATE main=kmd_wdk_main)
        target_link_libraries(${name} PRIVATE ${main})
    endif()
endfunction()

# --- kmd_add_user_library / kmd_add_kernel_library -------------------------------------------------
# kmd_add_user_library(<name> SOURCES <files...> [LIBRARIES <libs...>])    for clients
# kmd_add_kernel_library(<name> SOURCES <files...> [LIBRARIES <libs...>])  for drivers
#   A static library compiled with the client or driver settings.
function(kmd_add_user_library name)
    _kmd_add_library(kmd_add_user_library user-library ${name} ${ARGN})
endfunction()
function(kmd_add_kernel_library name)
    _kmd_add_library(kmd_add_kernel_library kernel-library ${name} ${ARGN})
endfunction()
function(_kmd_add_library fn kind name)
    cmake_parse_arguments(PARSE_ARGV 3 A "" "" "SOURCES;LIBRARIES")
    _kmd_check_args(${fn} "${name}" UNPARSED ${A_UNPARSED_ARGUMENTS}
                    SOURCES ${A_SOURCES} LIBRARIES ${A_LIBRARIES})
    add_library(${name} STATIC ${A_SOURCES})
    _kmd_apply_settings(${name} ${kind})
    target_link_libraries(${name} PUBLIC kmdkit_headers ${A_LIBRARIES})
endfunction()

# kmdpe compact and fix run in place on the linked file, before anything signs it: .pdata folded
# into .rdata, the DOS stub dropped when that saves a file block (compact; it leaves unstripped
# images alone), INIT discardable, non-paged sections marked, the CET mark added to x64 images (a
# debug directory entry; unless NO_CET), checksum recomputed (fix). With clang only fix runs: lld
# has folded .pdata already and the image has a debug directory (its PDB), which compact leaves
# alone.
function(_kmd_post_link_fixup name no_compact no_cet)
    set(fix_args)
    if(no_cet)
        set(fix_args --no-cet) # fix adds the CET mark to x64 images unless told not to
    endif()
    if(no_compact OR KMDKIT_COMPILER STREQUAL "clang")
        add_custom_command(TARGET ${name} POST_BUILD
            COMMAND "${KMDKIT_KMDPE_EXE}" fix "$<TARGET_FILE:${name}>" ${fix_args}
            COMMENT "kmdpe fix ${name}.sys" VERBATIM)
    else()
        add_custom_command(TARGET ${name} POST_BUILD
            COMMAND "${KMDKIT_KMDPE_EXE}" compact "$<TARGET_FILE:${name}>"
            COMMAND "${KMDKIT_KMDPE_EXE}" fix "$<TARGET_FILE:${name}>" ${fix_args}
            COMMENT "kmdpe compact, fix ${name}.sys" VERBATIM)
    endif()
    if(TARGET kmdkit_kmdpe)
        add_dependencies(${name} kmdkit_kmdpe)
    endif()
endfunction()

# The lint gates the build: `kmdpe check` runs on the fixed image right after the link, and an
# error (a broken rule, e.g. KPE004 for a kernel32 import) fails the build of that driver and
# deletes the image, so nothing is signed or reaches dist/ and SHA256SUMS, not even on the next
# build. Warnings are printed and stay warnings. The <name>.lint test checks the shipped copy.
function(_kmd_lint_gate name)
    add_custom_command(TARGET ${name} POST_BUILD
        COMMAND sh -c [[k=$0 f=$1; shift; "$k" check --quiet "$f" "$@" && exit 0; echo "kmdpe: $f breaks the rules above (tools/kmdpe/README.md): deleted, nothing signed or staged" >&2; rm -f "$f"; exit 1]]
                "${KMDKIT_KMDPE_EXE}" "$<TARGET_FILE:${name}>" ${ARGN}
        COMMENT "kmdpe check ${name}.sys" VERBATIM)
endfunction()

include("${KMDKIT_CMAKE_DIR}/KmdKitWine.cmake")
include("${KMDKIT_CMAKE_DIR}/KmdKitInf.cmake")

# The kernel support library (kernel/lib) that kmd_add_driver links by default: built once per
# build tree, for in-tree and out-of-tree projects alike.
if(NOT TARGET kmdkit_klib)
    add_subdirectory("${KMDKIT_ROOT}/kernel/lib" "${CMAKE_BINARY_DIR}/kmdkit/klib")
endif()
# The user-mode library of clients (kmdkit::user, headers/kmdkit/user.h), for in-tree and
# out-of-tree projects alike; built only for the clients that link it.
if(NOT TARGET kmdkit_user)
    add_subdirectory("${KMDKIT_ROOT}/user/lib" "${CMAKE_BINARY_DIR}/kmdkit/user" EXCLUDE_FROM_ALL)
    add_library(kmdkit::user ALIAS kmdkit_user)
endif()
# What the WDK keyword links (_kmd_wdk): kernel/wdk for drivers, user/wdk for clients; built only
# for the targets that link them.
if(NOT TARGET kmdkit_wdk)
    add_subdirectory("${KMDKIT_ROOT}/kernel/wdk" "${CMAKE_BINARY_DIR}/kmdkit/wdk" EXCLUDE_FROM_ALL)
    add_subdirectory("${KMDKIT_ROOT}/user/wdk" "${CMAKE_BINARY_DIR}/kmdkit/wdk-user" EXCLUDE_FROM_ALL)
endif()
include("${KMDKIT_CMAKE_DIR}/KmdKitClangd.cmake") # editor support: .clangd for clangd (KMDKIT_CLANGD)
