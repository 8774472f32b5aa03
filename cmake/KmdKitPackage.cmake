# kmdkit's Debian package (included by the top-level CMakeLists.txt after KmdKitInstall.cmake).
#
#   cpack --config build/x64/CPackConfig.cmake [-B <output folder>]
#
# makes kmdkit_<version>_<host arch>.deb: the install layout (KmdKitInstall.cmake) under /usr.
# The architecture is the host's (dpkg --print-architecture): kmdpe is a host program.
# Depends: what every project needs to configure and build (CMake, Ninja, MinGW-w64 GCC and
# binutils for x64 and x86, signing); Recommends: Wine, which the test harness needs unless a
# project configures with -DKMDKIT_WINE_TESTS=OFF; Suggests: clang-19/lld-19/llvm-19
# (KMDKIT_COMPILER=clang), clangd-19 (editors: the generated .clangd), the ssh client, virsh and python3 (PnP packages) that kmdkit-deploy
# uses, mingw-w64-tools
# (gendef, widl: not used by kmdkit itself). ci/setup installs all of them for kmdkit's own build.

include_guard(GLOBAL)

if(NOT KMDKIT_INSTALL)
    return()
endif()

set(CPACK_PACKAGE_NAME kmdkit)
set(CPACK_PACKAGE_VERSION "${PROJECT_VERSION}")
set(CPACK_PACKAGE_VENDOR "kmdkit")
set(KMDKIT_PACKAGE_MAINTAINER "kmdkit maintainers <maintainers@kmdkit.invalid>" CACHE STRING
    "Maintainer field of the .deb: Name <address>")
set(CPACK_PACKAGE_CONTACT "${KMDKIT_PACKAGE_MAINTAINER}")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "build, sign, lint and test Windows NT kernel drivers on Linux")
# The extended description: lines under 80 columns (lintian), "." between paragraphs.
set(CPACK_PACKAGE_DESCRIPTION
    "kmdkit builds Windows NT kernel-mode drivers and their user-mode clients
from Linux, in C, with MinGW-w64 GCC (or clang-19 and lld-19): signed .sys
files, console clients, a public test certificate and a linted PE image from
one CMake configure and build. Its Wine test harness loads the drivers under
Wine and drives them through their clients from CTest.
.
This package holds the CMake package (find_package(KmdKit)), the toolchain
file, the toolkit's headers, the kernel and user libraries as sources, the
host tools kmdpe (PE fix-up and driver lint), kmdinf (INF check and stamp)
and kmdcat (catalog files), kmdctl.exe (a driver loader for Windows) and
kmdkit-deploy.")
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_SYSTEM_NAME "Linux-${CMAKE_HOST_SYSTEM_PROCESSOR}") # the host's: not the drivers' "win64"
set(CPACK_STRIP_FILES OFF) # kmdpe is stripped by its install rule; the .exe files are stripped already
set(CPACK_SOURCE_IGNORE_FILES "/build/" "/\\\\.git/")

set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT) # kmdkit_0.2.0_amd64.deb
set(CPACK_DEBIAN_PACKAGE_SECTION devel)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON) # kmdpe's libc6 dependency, from dpkg-shlibdeps
string(JOIN ", " CPACK_DEBIAN_PACKAGE_DEPENDS
    "cmake (>= 3.25)" ninja-build
    gcc-mingw-w64-x86-64 gcc-mingw-w64-i686 binutils-mingw-w64-x86-64 binutils-mingw-w64-i686
    mingw-w64-x86-64-dev mingw-w64-i686-dev
    osslsigncode openssl)
string(JOIN ", " CPACK_DEBIAN_PACKAGE_RECOMMENDS wine64)
string(JOIN ", " CPACK_DEBIAN_PACKAGE_SUGGESTS clang-19 lld-19 llvm-19 clangd-19 openssh-client libvirt-clients
    python3 mingw-w64-tools)

# /usr/share/doc/kmdkit: copyright and changelog.gz, which Debian requires in every package.
# The changelog is gzipped without name or time stamp (gzip -n), so the package is reproducible.
set(_kmd_docpkg "${CMAKE_BINARY_DIR}/kmdkit/package")
file(WRITE "${_kmd_docpkg}/copyright.new"
"Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: kmdkit
Comment: kmdkit has not chosen a license yet; until it does, no license is granted
 beyond what the authors state in the source repository.

Files: *
Copyright: 2026 the kmdkit authors
License: kmdkit-unspecified
 The license of kmdkit has not been chosen yet.
")
file(WRITE "${_kmd_docpkg}/changelog.new"
"kmdkit (${PROJECT_VERSION}) unstable; urgency=medium

  * Installable: cmake --install, find_package(KmdKit ${PROJECT_VERSION_MAJOR}.${PROJECT_VERSION_MINOR}),
    FetchContent and add_subdirectory, this Debian package (docs/install.md).

 -- ${CPACK_PACKAGE_CONTACT}  Mon, 01 Jan 2024 00:00:00 +0000
")
foreach(f copyright changelog)
    # Rewritten only when the text changes: nothing downstream sees a new time stamp otherwise.
    file(COPY_FILE "${_kmd_docpkg}/${f}.new" "${_kmd_docpkg}/${f}" ONLY_IF_DIFFERENT)
endforeach()
if(NOT EXISTS "${_kmd_docpkg}/changelog.gz" OR "${_kmd_docpkg}/changelog" IS_NEWER_THAN "${_kmd_docpkg}/changelog.gz")
    execute_process(COMMAND gzip -9nc "${_kmd_docpkg}/changelog" OUTPUT_FILE "${_kmd_docpkg}/changelog.gz"
                    RESULT_VARIABLE _kmd_rc)
    if(NOT _kmd_rc EQUAL 0)
        message(FATAL_ERROR "kmdkit: gzip could not compress ${_kmd_docpkg}/changelog")
    endif()
endif()
install(FILES "${_kmd_docpkg}/copyright" "${_kmd_docpkg}/changelog.gz" DESTINATION "${CMAKE_INSTALL_DOCDIR}"
        PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ)

# Reproducible: cpack stamps every file in the package with SOURCE_DATE_EPOCH when it is set; when
# it is not, this sets it to the signing time (KmdKitSign.cmake: SOURCE_DATE_EPOCH at configure
# time, else 2024-01-01), so two cpack runs give the same bytes. Read by cpack, not by cmake.
file(CONFIGURE OUTPUT "${_kmd_docpkg}/CPackProjectConfig.cmake" CONTENT [[
if(NOT DEFINED ENV{SOURCE_DATE_EPOCH})
    set(ENV{SOURCE_DATE_EPOCH} "@KMDKIT_SIGN_TIME@")
endif()
]] @ONLY)
set(CPACK_PROJECT_CONFIG_FILE "${_kmd_docpkg}/CPackProjectConfig.cmake")

include(CPack)
