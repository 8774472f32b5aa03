# kmdkit's install rules (included by the top-level CMakeLists.txt; docs/install.md).
#
#   cmake --install build/x64 --prefix P
#
# installs kmdkit so that a project needs only find_package(KmdKit 0.2) and the installed toolchain
# file. Layout (P = the prefix; D = P/share/kmdkit mirrors the checkout, so cmake/KmdKit.cmake
# finds everything next to itself exactly as in the tree, KMDKIT_ROOT being D):
#   P/lib/cmake/KmdKit/       KmdKitConfig.cmake, KmdKitConfigVersion.cmake
#   D/toolchain-mingw.cmake   the toolchain file
#   D/cmake/                  the CMake API and its scripts (KmdKit*.cmake, kmdkit-*.sh, the .ld)
#   D/headers/                headers/kmdkit (kernel.h, user.h, ioctl.h, wdk/...)
#   D/kernel/{lib,wdk,support}, D/user/{lib,wdk}
#                             the kernel and user libraries as SOURCES: each project compiles them
#                             with its own KMDKIT_ARCH, compiler and build type (the flags live in
#                             KmdKit.cmake and differ per arch, compiler and Debug/Release), so one
#                             installation serves x64 and x86, GCC and clang; prebuilt archives
#                             would need one set per combination
#   D/windows/<arch>/kmdctl.exe   prebuilt kmdctl (the arch of this tree; x86 too with
#                             KMDKIT_INSTALL_X86_KMDCTL)
#   P/bin/kmdpe               the host tool (stripped), used through KMDKIT_KMDPE by the config
#   P/bin/kmdkit-deploy       ci/deploy-vm
#   P/bin/kmdkit-new, D/kmdkit-new/template/   the new-project command and its templates
#   P/share/doc/kmdkit/       README.md, docs/*.md, copyright, changelog.gz
# Options: KMDKIT_INSTALL (default: when kmdkit is the top-level project), KMDKIT_INSTALL_X86_KMDCTL.

include_guard(GLOBAL)

option(KMDKIT_INSTALL "Add kmdkit's install and package rules (cmake --install, cpack)" ${PROJECT_IS_TOP_LEVEL})
if(NOT KMDKIT_INSTALL)
    return()
endif()

# CMake's default prefix for a Windows target is "C:/Program Files (x86)/kmdkit"; kmdkit installs
# on the Linux host that builds the drivers.
if(CMAKE_INSTALL_PREFIX_INITIALIZED_TO_DEFAULT OR CMAKE_INSTALL_PREFIX MATCHES "^[A-Za-z]:/")
    set(CMAKE_INSTALL_PREFIX /usr/local CACHE PATH "Install prefix (a Linux host path)" FORCE)
endif()
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(KMDKIT_INSTALL_DATADIR "${CMAKE_INSTALL_DATADIR}/kmdkit")
set(KMDKIT_INSTALL_CMAKEDIR "${CMAKE_INSTALL_LIBDIR}/cmake/KmdKit")
set(CMAKE_INSTALL_DEFAULT_DIRECTORY_PERMISSIONS
    OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE WORLD_READ WORLD_EXECUTE)
set(_kmd_file_mode OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ)
set(_kmd_exec_mode OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE WORLD_READ WORLD_EXECUTE)

# --- the CMake API, toolchain, headers and library sources (the checkout's layout) ---------------
install(FILES toolchain-mingw.cmake DESTINATION "${KMDKIT_INSTALL_DATADIR}" PERMISSIONS ${_kmd_file_mode})
install(DIRECTORY cmake/ DESTINATION "${KMDKIT_INSTALL_DATADIR}/cmake"
        FILE_PERMISSIONS ${_kmd_file_mode}
        FILES_MATCHING PATTERN "*.cmake" PATTERN "*.ld" PATTERN "*.sh" PERMISSIONS ${_kmd_exec_mode}
        # what builds and packages kmdkit itself, not part of the API
        PATTERN "KmdKitInstall.cmake" EXCLUDE PATTERN "KmdKitPackage.cmake" EXCLUDE)
install(DIRECTORY headers/ DESTINATION "${KMDKIT_INSTALL_DATADIR}/headers"
        FILE_PERMISSIONS ${_kmd_file_mode} FILES_MATCHING PATTERN "*.h")
foreach(dir kernel/lib kernel/wdk kernel/support user/lib user/wdk)
    get_filename_component(parent "${dir}" DIRECTORY)
    install(DIRECTORY "${dir}" DESTINATION "${KMDKIT_INSTALL_DATADIR}/${parent}"
            FILE_PERMISSIONS ${_kmd_file_mode}
            FILES_MATCHING PATTERN "*.c" PATTERN "*.h" PATTERN "*.def" PATTERN "CMakeLists.txt")
endforeach()

# --- programs ---------------------------------------------------------------------------------
# The host tools, from this tree's build (or the tree KMDKIT_KMDPE names): kmdpe, and the package
# tools kmdinf and kmdcat that kmd_add_driver(... INF) runs (found beside kmdpe: KmdKit.cmake);
# stripped with the host's strip (CMAKE_STRIP is MinGW's, and install(PROGRAMS) is never stripped
# by --strip).
set(_kmd_tools kmdpe)
install(PROGRAMS "${KMDKIT_KMDPE_EXE}" DESTINATION "${CMAKE_INSTALL_BINDIR}" RENAME kmdpe)
foreach(_kmd_tool kmdinf kmdcat)
    string(TOUPPER "${_kmd_tool}" _kmd_var)
    if(KMDKIT_${_kmd_var}_EXE)
        install(PROGRAMS "${KMDKIT_${_kmd_var}_EXE}" DESTINATION "${CMAKE_INSTALL_BINDIR}" RENAME ${_kmd_tool})
        list(APPEND _kmd_tools ${_kmd_tool})
    endif()
endforeach()
find_program(KMDKIT_HOST_STRIP NAMES strip DOC "The host's strip, for the installed host tools")
if(KMDKIT_HOST_STRIP)
    install(CODE "set(_kmd_strip \"${KMDKIT_HOST_STRIP}\")\nset(_kmd_bindir \"${CMAKE_INSTALL_BINDIR}\")\nset(_kmd_tools \"${_kmd_tools}\")")
    install(CODE [[
        foreach(_kmd_tool IN LISTS _kmd_tools)
            set(_kmd_exe "$ENV{DESTDIR}${CMAKE_INSTALL_PREFIX}/${_kmd_bindir}/${_kmd_tool}")
            if(IS_ABSOLUTE "${_kmd_bindir}")
                set(_kmd_exe "$ENV{DESTDIR}${_kmd_bindir}/${_kmd_tool}")
            endif()
            execute_process(COMMAND "${_kmd_strip}" --strip-unneeded "${_kmd_exe}" RESULT_VARIABLE _kmd_rc)
            if(NOT _kmd_rc EQUAL 0)
                message(FATAL_ERROR "kmdkit install: ${_kmd_strip} could not strip ${_kmd_exe}")
            endif()
        endforeach()
    ]])
endif()
# ci/deploy-vm as kmdkit-deploy (it needs --dist when it is not in a checkout).
install(PROGRAMS ci/deploy-vm DESTINATION "${CMAKE_INSTALL_BINDIR}" RENAME kmdkit-deploy)
# kmdkit-new, and its templates where it looks for them when installed.
install(PROGRAMS tools/kmdkit-new/kmdkit-new DESTINATION "${CMAKE_INSTALL_BINDIR}")
install(DIRECTORY tools/kmdkit-new/template/ DESTINATION "${KMDKIT_INSTALL_DATADIR}/kmdkit-new/template"
        FILE_PERMISSIONS ${_kmd_file_mode})
# kmdctl.exe for Windows: a data file on this host (0644), found by the config per KMDKIT_ARCH.
install(FILES "$<TARGET_FILE:kmdctl>" DESTINATION "${KMDKIT_INSTALL_DATADIR}/windows/${KMDKIT_ARCH}"
        PERMISSIONS ${_kmd_file_mode})

# The x86 kmdctl.exe from an x64 tree: this source tree configured again for x86 (a sub-build that
# builds only kmdctl: no tests, examples, signing or Wine), then installed beside the x64 one.
option(KMDKIT_INSTALL_X86_KMDCTL "Also build kmdctl.exe for x86 (a sub-build of this tree) and install it" OFF)
if(KMDKIT_INSTALL_X86_KMDCTL AND KMDKIT_ARCH STREQUAL "x64")
    include(ExternalProject)
    set(_kmd_x86 "${CMAKE_BINARY_DIR}/kmdkit/kmdctl-x86")
    ExternalProject_Add(kmdkit_kmdctl_x86
        SOURCE_DIR "${PROJECT_SOURCE_DIR}"
        BINARY_DIR "${_kmd_x86}"
        CMAKE_ARGS "-DCMAKE_TOOLCHAIN_FILE=${PROJECT_SOURCE_DIR}/toolchain-mingw.cmake" -DKMDKIT_ARCH=x86
                   -DKMDKIT_COMPILER=${KMDKIT_COMPILER} -DCMAKE_BUILD_TYPE=${CMAKE_BUILD_TYPE}
                   -DKMDKIT_TESTS=OFF -DKMDKIT_EXAMPLES=OFF -DKMDKIT_INSTALL=OFF -DKMDKIT_SIGN=OFF
                   -DKMDKIT_WINE_TESTS=OFF "-DKMDKIT_KMDPE=${KMDKIT_KMDPE_EXE}"
        BUILD_COMMAND ${CMAKE_COMMAND} --build "${_kmd_x86}" --target kmdctl
        BUILD_ALWAYS TRUE # its own build decides what is out of date
        INSTALL_COMMAND ""
        BUILD_BYPRODUCTS "${_kmd_x86}/user/kmdctl/kmdctl.exe")
    install(FILES "${_kmd_x86}/user/kmdctl/kmdctl.exe" DESTINATION "${KMDKIT_INSTALL_DATADIR}/windows/x86"
            PERMISSIONS ${_kmd_file_mode})
endif()

# --- the package: config and version files ------------------------------------------------------
# SameMinorVersion: while kmdkit is 0.x, a minor release may change the API (semantic versioning
# for 0.y.z), so find_package(KmdKit 0.2) accepts 0.2.z only; at 1.0 this becomes SameMajorVersion.
# ARCH_INDEPENDENT: the package holds sources that each project builds for its own architecture;
# without it, the version file would refuse a project whose pointer size differs from this tree's
# (an x86 project against an installation made from an x64 tree).
set(_kmd_pkg "${CMAKE_BINARY_DIR}/kmdkit/package")
configure_package_config_file(cmake/KmdKitConfig.cmake.in "${_kmd_pkg}/KmdKitConfig.cmake"
    INSTALL_DESTINATION "${KMDKIT_INSTALL_CMAKEDIR}"
    PATH_VARS KMDKIT_INSTALL_DATADIR CMAKE_INSTALL_BINDIR)
write_basic_package_version_file("${_kmd_pkg}/KmdKitConfigVersion.cmake"
    VERSION "${PROJECT_VERSION}" COMPATIBILITY SameMinorVersion ARCH_INDEPENDENT)
install(FILES "${_kmd_pkg}/KmdKitConfig.cmake" "${_kmd_pkg}/KmdKitConfigVersion.cmake"
        DESTINATION "${KMDKIT_INSTALL_CMAKEDIR}" PERMISSIONS ${_kmd_file_mode})

# --- documentation --------------------------------------------------------------------------------
file(GLOB _kmd_docs "${PROJECT_SOURCE_DIR}/docs/*.md")
install(FILES README.md ${_kmd_docs} DESTINATION "${CMAKE_INSTALL_DOCDIR}" PERMISSIONS ${_kmd_file_mode})
