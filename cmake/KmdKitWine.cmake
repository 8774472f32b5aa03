# Wine-hosted driver tests as CTest fixtures (included by KmdKit.cmake).
#
#   kmd_wine_load(<driver> [SERVICE <name>] [EXPECT_LOG <re>] [EXPECT_UNLOAD_LOG <re>] [LABELS <l>...])
#       <driver>.load starts the signed driver from dist/ (fixture <driver>_loaded) and
#       <driver>.unload stops and deletes it, checking the unload log line.
#   kmd_wine_load_fails(<driver> ERROR <win32-error> [SERVICE <name>] [EXPECT_LOG <re>] [LABELS <l>...])
#       <driver>.load_fails: starting the driver must fail with that Win32 error.
#   kmd_wine_test(<name> [DRIVER <driver>] COMMAND <target-or-program> [args...]
#                 [PASS_REGULAR_EXPRESSION <re>...] [FAIL_REGULAR_EXPRESSION <re>...] [WILL_FAIL])
#       Runs a Windows program under Wine while <driver> is loaded (the emulator is Wine, so a
#       client target runs as is).
#
# All of them share one prefix per build tree (<build>/wine/prefix, made once), one wineserver
# session per ctest run (kmdkit.wine.session-start/-stop), a lock (tests run one at a time against
# the session), a timeout, and the label "wine". DbgPrint output goes to <build>/wine/driver.log.

include_guard(GLOBAL)

option(KMDKIT_WINE_TESTS "Register the Wine-hosted driver tests (x64 only)" ON)
set(KMDKIT_WINE_DIR "${CMAKE_BINARY_DIR}/wine")
set(KMDKIT_WINE_TIMEOUT 60 CACHE STRING "Timeout in seconds of each Wine test")
set(KMDKIT_WINE_SCRIPT "${KMDKIT_CMAKE_DIR}/kmdkit-wine.sh")

set(KMDKIT_WINE_ENABLED FALSE)
if(KMDKIT_WINE_TESTS AND KMDKIT_ARCH STREQUAL "x64")
    if(NOT CMAKE_CROSSCOMPILING_EMULATOR)
        message(FATAL_ERROR "KmdKit: Wine not found for the x64 driver tests. Install the Debian package "
                            "'wine64' (or run ci/setup), or configure with -DKMDKIT_WINE_TESTS=OFF.")
    endif()
    set(KMDKIT_WINE_ENABLED TRUE)
elseif(KMDKIT_WINE_TESTS AND NOT _kmd_wine_x86_said)
    set(_kmd_wine_x86_said TRUE)
    message(STATUS "KmdKit: no Wine tests for ${KMDKIT_ARCH}: Debian 12 cannot install wine32; "
                   "x86 drivers are still linted and signed")
endif()

set(KMDKIT_WINE_ENV
    "KMDKIT_WINE=${CMAKE_CROSSCOMPILING_EMULATOR}"
    "WINEPREFIX=${KMDKIT_WINE_DIR}/prefix"
    "KMDKIT_WINE_LOG=${KMDKIT_WINE_DIR}/driver.log"
    "WINEDEBUG=-all"
    "WINEDLLOVERRIDES=mscoree,mshtml="
    "DISPLAY=")

function(_kmd_wine_props test)
    set_tests_properties(${test} PROPERTIES
        ENVIRONMENT "${KMDKIT_WINE_ENV}" LABELS wine TIMEOUT ${KMDKIT_WINE_TIMEOUT}
        RESOURCE_LOCK kmdkit_wine_session ${ARGN})
endfunction()

# The fixtures every Wine test requires: the prefix (made once, reused) and the session.
function(_kmd_wine_fixtures)
    if(TEST kmdkit.wine.prefix)
        return()
    endif()
    add_test(NAME kmdkit.wine.prefix COMMAND bash "${KMDKIT_WINE_SCRIPT}" prefix)
    _kmd_wine_props(kmdkit.wine.prefix FIXTURES_SETUP kmdkit_wine_prefix TIMEOUT 360)
    add_test(NAME kmdkit.wine.session-start COMMAND bash "${KMDKIT_WINE_SCRIPT}" session-start)
    _kmd_wine_props(kmdkit.wine.session-start FIXTURES_SETUP kmdkit_wine_session
                    FIXTURES_REQUIRED kmdkit_wine_prefix TIMEOUT 180)
    add_test(NAME kmdkit.wine.session-stop COMMAND bash "${KMDKIT_WINE_SCRIPT}" session-stop)
    _kmd_wine_props(kmdkit.wine.session-stop FIXTURES_CLEANUP kmdkit_wine_session)
endfunction()

function(_kmd_wine_driver_file out driver)
    if(NOT TARGET ${driver})
        message(FATAL_ERROR "KmdKit: '${driver}' is not a target made by kmd_add_driver() "
                            "(called from ${CMAKE_CURRENT_LIST_FILE})")
    endif()
    get_target_property(kind ${driver} KMDKIT_KIND)
    if(NOT kind STREQUAL "driver")
        message(FATAL_ERROR "KmdKit: '${driver}' is not a driver made by kmd_add_driver() "
                            "(called from ${CMAKE_CURRENT_LIST_FILE})")
    endif()
    get_target_property(file ${driver} KMDKIT_DIST_FILE)
    set(${out} "${file}" PARENT_SCOPE)
endfunction()

function(kmd_wine_load driver)
    cmake_parse_arguments(PARSE_ARGV 1 A "" "SERVICE;EXPECT_LOG;EXPECT_UNLOAD_LOG" "LABELS")
    if(A_UNPARSED_ARGUMENTS)
        message(FATAL_ERROR "kmd_wine_load(${driver}): unknown argument(s) '${A_UNPARSED_ARGUMENTS}' "
                            "(called from ${CMAKE_CURRENT_LIST_FILE})")
    endif()
    _kmd_wine_driver_file(file ${driver})
    if(NOT KMDKIT_WINE_ENABLED)
        return()
    endif()
    _kmd_wine_fixtures()
    if(NOT A_SERVICE)
        set(A_SERVICE ${driver})
    endif()
    set(load_log)
    if(A_EXPECT_LOG)
        set(load_log --expect-log "${A_EXPECT_LOG}")
    endif()
    set(unload_log)
    if(A_EXPECT_UNLOAD_LOG)
        set(unload_log --expect-log "${A_EXPECT_UNLOAD_LOG}")
    endif()
    add_test(NAME ${driver}.load COMMAND bash "${KMDKIT_WINE_SCRIPT}" load ${A_SERVICE} "${file}" ${load_log})
    _kmd_wine_props(${driver}.load FIXTURES_SETUP ${driver}_loaded FIXTURES_REQUIRED kmdkit_wine_session)
    add_test(NAME ${driver}.unload COMMAND bash "${KMDKIT_WINE_SCRIPT}" unload ${A_SERVICE} ${unload_log})
    _kmd_wine_props(${driver}.unload FIXTURES_CLEANUP ${driver}_loaded FIXTURES_REQUIRED kmdkit_wine_session)
    set_tests_properties(${driver}.load ${driver}.unload PROPERTIES LABELS "wine;${A_LABELS}")
endfunction()

function(kmd_wine_load_fails driver)
    cmake_parse_arguments(PARSE_ARGV 1 A "" "SERVICE;ERROR;EXPECT_LOG" "LABELS")
    if(A_UNPARSED_ARGUMENTS OR NOT A_ERROR MATCHES "^[0-9]+$")
        message(FATAL_ERROR "kmd_wine_load_fails(${driver}): needs ERROR <win32-error-number> and "
                            "takes SERVICE, EXPECT_LOG, LABELS (called from ${CMAKE_CURRENT_LIST_FILE})")
    endif()
    _kmd_wine_driver_file(file ${driver})
    if(NOT KMDKIT_WINE_ENABLED)
        return()
    endif()
    _kmd_wine_fixtures()
    if(NOT A_SERVICE)
        set(A_SERVICE ${driver})
    endif()
    set(log)
    if(A_EXPECT_LOG)
        set(log --expect-log "${A_EXPECT_LOG}")
    endif()
    add_test(NAME ${driver}.load_fails
             COMMAND bash "${KMDKIT_WINE_SCRIPT}" load-fails ${A_SERVICE} "${file}" ${A_ERROR} ${log})
    _kmd_wine_props(${driver}.load_fails FIXTURES_REQUIRED kmdkit_wine_session)
    set_tests_properties(${driver}.load_fails PROPERTIES LABELS "wine;${A_LABELS}")
endfunction()

function(kmd_wine_test name)
    cmake_parse_arguments(PARSE_ARGV 1 A "WILL_FAIL" "DRIVER"
                          "COMMAND;PASS_REGULAR_EXPRESSION;FAIL_REGULAR_EXPRESSION;LABELS")
    if(A_UNPARSED_ARGUMENTS OR NOT A_COMMAND)
        message(FATAL_ERROR "kmd_wine_test(${name}): needs COMMAND <program> [args...]; unknown: "
                            "'${A_UNPARSED_ARGUMENTS}' (called from ${CMAKE_CURRENT_LIST_FILE})")
    endif()
    if(NOT KMDKIT_WINE_ENABLED)
        return()
    endif()
    _kmd_wine_fixtures()
    set(fixtures kmdkit_wine_session)
    if(A_DRIVER)
        list(APPEND fixtures ${A_DRIVER}_loaded)
    endif()
    add_test(NAME ${name} COMMAND ${A_COMMAND})
    _kmd_wine_props(${name})
    set_tests_properties(${name} PROPERTIES FIXTURES_REQUIRED "${fixtures}" LABELS "wine;${A_LABELS}")
    if(A_PASS_REGULAR_EXPRESSION)
        set_tests_properties(${name} PROPERTIES PASS_REGULAR_EXPRESSION "${A_PASS_REGULAR_EXPRESSION}")
    endif()
    if(A_FAIL_REGULAR_EXPRESSION)
        set_tests_properties(${name} PROPERTIES FAIL_REGULAR_EXPRESSION "${A_FAIL_REGULAR_EXPRESSION}")
    endif()
    if(A_WILL_FAIL)
        set_tests_properties(${name} PROPERTIES WILL_FAIL TRUE)
    endif()
endfunction()
