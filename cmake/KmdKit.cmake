# kmdkit's CMake API: build, fix, sign and stage Windows kernel drivers and their clients.
#
#   list(APPEND CMAKE_MODULE_PATH <kmdkit>/cmake)
#   include(KmdKit)
#   kmd_add_driver(mydrv SOURCES mydrv.c [LIBRARIES ...] [INTEGRITY_CHECK] [NO_KLIB] [NO_COMPACT] [NO_DIST])
#   kmd_add_client(mycli SOURCES mycli.c [LIBRARIES ...] [SIGN])
#
# This file is the only place where driver compile and link flags live.
# Signing settings are in KmdKitSign.cmake, the Wine test harness in KmdKitWine.cmake.

include_guard(GLOBAL)
cmake_minimum_required(VERSION 3.25)
enable_testing()

get_filename_component(KMDKIT_ROOT "${CMAKE_CURRENT_LIST_DIR}/.." ABSOLUTE)
set(KMDKIT_CMAKE_DIR "${CMAKE_CURRENT_LIST_DIR}")

if(NOT CMAKE_SYSTEM_NAME STREQUAL "Windows" OR NOT DEFINED KMDKIT_ARCH)
    message(FATAL_ERROR "KmdKit: configure with -DCMAKE_TOOLCHAIN_FILE=${KMDKIT_ROOT}/toolchain-mingw.cmake "
                        "(this build targets '${CMAKE_SYSTEM_NAME}', not Windows via MinGW-w64)")
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
# GCC applies the last matching map, so the most specific folder comes last.
set(_kmd_repro_flags
    "-ffile-prefix-map=${KMDKIT_ROOT}/=kmdkit/" "-ffile-prefix-map=${CMAKE_SOURCE_DIR}/="
    "-ffile-prefix-map=${CMAKE_BINARY_DIR}/=build/")
set(_kmd_warning_flags -Wall -Wextra)

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

# Windows 7 SP1 is the oldest system the drivers declare routines for.
set(KMDKIT_DRIVER_DEFINES _WIN32_WINNT=0x0601 NTDDI_VERSION=0x06010000 $<IF:$<CONFIG:Debug>,DBG=1,DBG=0>)
set(KMDKIT_DRIVER_COMPILE_OPTIONS
    # The kernel has no C runtime, no __stack_chk_* and ntoskrnl exports no __chkstk.
    -ffreestanding -fno-builtin -fno-stack-protector -mno-stack-arg-probe -fno-common
    ${_kmd_warning_flags}
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
    $<$<NOT:$<CONFIG:Debug>>:-s>)

set(KMDKIT_CLIENT_DEFINES _WIN32_WINNT=0x0601 WINVER=0x0601 UNICODE _UNICODE)
set(KMDKIT_CLIENT_COMPILE_OPTIONS ${_kmd_warning_flags} ${_kmd_repro_flags})
set(KMDKIT_CLIENT_LINK_OPTIONS
    # -static: no libgcc/libwinpthread DLLs next to the .exe; only system DLLs are imported.
    -static
    -Wl,--dynamicbase -Wl,--nxcompat ${_kmd_arch_link_flags}
    -Wl,--no-insert-timestamp
    $<$<NOT:$<CONFIG:Debug>>:-s>)
set(KMDKIT_CLIENT_LIBS kernel32 advapi32)

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
# an installed kmdpe instead.
set(KMDKIT_KMDPE "" CACHE FILEPATH "kmdpe to use; empty: build tools/ for the host")
if(KMDKIT_KMDPE)
    set(KMDKIT_KMDPE_EXE "${KMDKIT_KMDPE}")
elseif(NOT TARGET kmdkit_kmdpe)
    include(ExternalProject)
    set(_kmd_host "${CMAKE_BINARY_DIR}/kmdkit/host")
    file(GLOB_RECURSE _kmd_kmdpe_sources CONFIGURE_DEPENDS "${KMDKIT_ROOT}/tools/*.c"
         "${KMDKIT_ROOT}/tools/*.h" "${KMDKIT_ROOT}/tools/CMakeLists.txt")
    ExternalProject_Add(kmdkit_kmdpe
        SOURCE_DIR "${KMDKIT_ROOT}/tools"
        BINARY_DIR "${_kmd_host}"
        CMAKE_ARGS -DCMAKE_BUILD_TYPE=Release
        BUILD_COMMAND ${CMAKE_COMMAND} --build "${_kmd_host}" --target kmdpe
        INSTALL_COMMAND ""
        BUILD_BYPRODUCTS "${_kmd_host}/kmdpe")
    # Rebuild kmdpe when its sources change (ExternalProject alone would not notice).
    ExternalProject_Add_StepDependencies(kmdkit_kmdpe build ${_kmd_kmdpe_sources})
    set(KMDKIT_KMDPE_EXE "${_kmd_host}/kmdpe")
endif()

# --- kmd_add_driver -------------------------------------------------------------------------------
# kmd_add_driver(<name> SOURCES <files...> [LIBRARIES <libs...>] [INTEGRITY_CHECK] [NO_KLIB] [NO_COMPACT] [NO_DIST])
#   Builds <name>.sys (native subsystem, relocatable, NX, no timestamp), fixes it up with kmdpe,
#   signs and verifies it, stages the signed copy in KMDKIT_DIST_DIR, and adds the ctest
#   <name>.lint (kmdpe check, label lint).
#   INTEGRITY_CHECK sets the FORCE_INTEGRITY flag (needed by e.g. PsSetCreateProcessNotifyRoutineEx).
#   NO_KLIB leaves out the kernel support library (kernel/lib).
#   NO_COMPACT skips `kmdpe compact` (keeps .pdata as its own section and GNU ld's DOS stub).
#   NO_DIST: a driver that is not shipped (test fixtures): not signed, not staged, not linted.
function(kmd_add_driver name)
    cmake_parse_arguments(PARSE_ARGV 1 A "INTEGRITY_CHECK;NO_KLIB;NO_COMPACT;NO_DIST" "" "SOURCES;LIBRARIES")
    _kmd_check_args(kmd_add_driver "${name}" UNPARSED ${A_UNPARSED_ARGUMENTS}
                    SOURCES ${A_SOURCES} LIBRARIES ${A_LIBRARIES})

    add_executable(${name} ${A_SOURCES} "${KMDKIT_ROOT}/kernel/support/reloc_anchor.c")
    set_target_properties(${name} PROPERTIES SUFFIX ".sys" C_STANDARD 11 C_EXTENSIONS ON)
    target_compile_definitions(${name} PRIVATE ${KMDKIT_DRIVER_DEFINES})
    target_compile_options(${name} PRIVATE ${KMDKIT_DRIVER_COMPILE_OPTIONS})
    target_include_directories(${name} SYSTEM PRIVATE "${CMAKE_FIND_ROOT_PATH}/include/ddk")
    target_link_options(${name} PRIVATE ${KMDKIT_DRIVER_LINK_OPTIONS})
    set_property(TARGET ${name} APPEND PROPERTY LINK_DEPENDS "${KMDKIT_CMAKE_DIR}/kmdkit-driver.ld")
    if(A_INTEGRITY_CHECK)
        target_link_options(${name} PRIVATE -Wl,--forceinteg)
    endif()
    set(libs ${A_LIBRARIES})
    if(NOT A_NO_KLIB AND TARGET kmdkit_klib)
        list(PREPEND libs kmdkit_klib)
    endif()
    target_link_libraries(${name} PRIVATE kmdkit_headers ${libs} ntoskrnl hal ${_kmd_driver_arch_libs})
    set_property(TARGET ${name} PROPERTY KMDKIT_KIND driver)
    set_property(TARGET ${name} PROPERTY KMDKIT_INTEGRITY_CHECK ${A_INTEGRITY_CHECK})

    _kmd_post_link_fixup(${name} ${A_NO_COMPACT})
    set_property(GLOBAL APPEND PROPERTY KMDKIT_DRIVERS ${name})
    if(A_NO_DIST)
        return()
    endif()
    _kmd_stage(${name} "${name}.sys" TRUE)
    set(check_args --arch ${KMDKIT_ARCH})
    if(A_INTEGRITY_CHECK)
        list(APPEND check_args --require-integrity-check)
    endif()
    add_test(NAME ${name}.lint COMMAND "${KMDKIT_KMDPE_EXE}" check "${KMDKIT_DIST_DIR}/${name}.sys" ${check_args})
    set_tests_properties(${name}.lint PROPERTIES LABELS lint TIMEOUT 30)
endfunction()

# --- kmd_add_client -------------------------------------------------------------------------------
# kmd_add_client(<name> SOURCES <files...> [LIBRARIES <libs...>] [OUTPUT_NAME <file>] [SIGN] [WMAIN])
#   A console .exe that needs no MinGW runtime DLL, staged in KMDKIT_DIST_DIR as <file>.exe
#   (default <name>.exe; OUTPUT_NAME lets a client share its driver's name).
#   SIGN signs the staged copy with the driver certificate; WMAIN: the entry is wmain (UTF-16 argv).
function(kmd_add_client name)
    cmake_parse_arguments(PARSE_ARGV 1 A "SIGN;WMAIN" "OUTPUT_NAME" "SOURCES;LIBRARIES")
    _kmd_check_args(kmd_add_client "${name}" UNPARSED ${A_UNPARSED_ARGUMENTS}
                    SOURCES ${A_SOURCES} LIBRARIES ${A_LIBRARIES})

    add_executable(${name} ${A_SOURCES})
    set_target_properties(${name} PROPERTIES C_STANDARD 11 C_EXTENSIONS ON)
    target_compile_definitions(${name} PRIVATE ${KMDKIT_CLIENT_DEFINES})
    target_compile_options(${name} PRIVATE ${KMDKIT_CLIENT_COMPILE_OPTIONS})
    target_link_options(${name} PRIVATE ${KMDKIT_CLIENT_LINK_OPTIONS} $<$<BOOL:${A_WMAIN}>:-municode>)
    target_link_libraries(${name} PRIVATE kmdkit_headers ${A_LIBRARIES} ${KMDKIT_CLIENT_LIBS})
    set_property(TARGET ${name} PROPERTY KMDKIT_KIND client)
    if(A_OUTPUT_NAME)
        set_target_properties(${name} PROPERTIES OUTPUT_NAME ${A_OUTPUT_NAME})
    else()
        set(A_OUTPUT_NAME ${name})
    endif()
    _kmd_stage(${name} "${A_OUTPUT_NAME}.exe" "${A_SIGN}")
endfunction()

# --- kmd_add_user_library -------------------------------------------------------------------------
# A static library for clients, compiled with the client flags.
function(kmd_add_user_library name)
    cmake_parse_arguments(PARSE_ARGV 1 A "" "" "SOURCES;LIBRARIES")
    _kmd_check_args(kmd_add_user_library "${name}" UNPARSED ${A_UNPARSED_ARGUMENTS}
                    SOURCES ${A_SOURCES} LIBRARIES ${A_LIBRARIES})
    add_library(${name} STATIC ${A_SOURCES})
    set_target_properties(${name} PROPERTIES C_STANDARD 11 C_EXTENSIONS ON)
    target_compile_definitions(${name} PUBLIC ${KMDKIT_CLIENT_DEFINES})
    target_compile_options(${name} PRIVATE ${KMDKIT_CLIENT_COMPILE_OPTIONS})
    target_link_libraries(${name} PUBLIC kmdkit_headers ${A_LIBRARIES})
endfunction()

# --- kmd_add_kernel_library -----------------------------------------------------------------------
# A static library for drivers, compiled with the driver flags.
function(kmd_add_kernel_library name)
    cmake_parse_arguments(PARSE_ARGV 1 A "" "" "SOURCES;LIBRARIES")
    _kmd_check_args(kmd_add_kernel_library "${name}" UNPARSED ${A_UNPARSED_ARGUMENTS}
                    SOURCES ${A_SOURCES} LIBRARIES ${A_LIBRARIES})
    add_library(${name} STATIC ${A_SOURCES})
    set_target_properties(${name} PROPERTIES C_STANDARD 11 C_EXTENSIONS ON)
    target_compile_definitions(${name} PUBLIC ${KMDKIT_DRIVER_DEFINES})
    target_compile_options(${name} PRIVATE ${KMDKIT_DRIVER_COMPILE_OPTIONS})
    target_include_directories(${name} SYSTEM PUBLIC "${CMAKE_FIND_ROOT_PATH}/include/ddk")
    target_link_libraries(${name} PUBLIC kmdkit_headers ${A_LIBRARIES})
endfunction()

# kmdpe compact and fix run in place on the linked file, before anything signs it: .pdata folded
# into .rdata and the DOS stub dropped when that makes the file smaller (compact; it leaves
# unstripped Debug images alone), INIT discardable, non-paged sections marked, checksum
# recomputed (fix).
function(_kmd_post_link_fixup name no_compact)
    if(no_compact)
        add_custom_command(TARGET ${name} POST_BUILD
            COMMAND "${KMDKIT_KMDPE_EXE}" fix "$<TARGET_FILE:${name}>"
            COMMENT "kmdpe fix ${name}.sys" VERBATIM)
    else()
        add_custom_command(TARGET ${name} POST_BUILD
            COMMAND "${KMDKIT_KMDPE_EXE}" compact "$<TARGET_FILE:${name}>"
            COMMAND "${KMDKIT_KMDPE_EXE}" fix "$<TARGET_FILE:${name}>"
            COMMENT "kmdpe compact, fix ${name}.sys" VERBATIM)
    endif()
    if(TARGET kmdkit_kmdpe)
        add_dependencies(${name} kmdkit_kmdpe)
    endif()
endfunction()

include("${KMDKIT_CMAKE_DIR}/KmdKitWine.cmake")

# The kernel support library (kernel/lib) that kmd_add_driver links by default: built once per
# build tree, for in-tree and out-of-tree projects alike.
if(NOT TARGET kmdkit_klib AND EXISTS "${KMDKIT_ROOT}/kernel/lib/CMakeLists.txt")
    add_subdirectory("${KMDKIT_ROOT}/kernel/lib" "${CMAKE_BINARY_DIR}/kmdkit/klib")
endif()
