# Wine-hosted driver tests as CTest fixtures (included by KmdKit.cmake).
#
#   kmd_wine_load(<driver> [SERVICE <name>] [EXPECT_LOG <re>...] [EXPECT_UNLOAD_LOG <re>...]
#                 [LABELS <label>...])
#       <driver>.load starts the signed driver from dist/ (fixture <driver>_loaded);
#       <driver>.unload stops and deletes it, after every test that needs it, and checks the log
#       lines its unload must print (e.g. "pool: no leaks").
#   kmd_wine_load_fails(<driver> ERROR <win32-error> [SERVICE <name>] [EXPECT_LOG <re>...]
#                       [LABELS <label>...])
#       <driver>.load_fails: starting the driver must fail with that Win32 error.
#   kmd_wine_test(<name> [DRIVER <driver>] COMMAND <target-or-program> [args...]
#                 [EXIT_CODE <n>] [EXPECT <re>...] [REJECT <re>...] [EXPECT_LOG <re>...]
#                 [DEPENDS <test>...] [FIXTURES <fixture>...] [LABELS <label>...] [TIMEOUT <s>]
#                 [BEFORE_UNLOAD])
#       Runs a program while <driver> is loaded: a client target or a .exe under Wine, anything
#       else (a script) as it is, with the Wine environment. It passes only when the exit code is
#       EXIT_CODE (default 0) AND every EXPECT pattern matches the output AND no REJECT pattern
#       does AND every EXPECT_LOG pattern appears in the driver log during the test. A pattern is
#       an extended regex matched line by line (^ and $ are line ends); one with a line break is
#       matched against the whole output (. matches line breaks too, and ^ and $ are the ends
#       of the whole output). BEFORE_UNLOAD: the test runs after every test of DRIVER
#       declared before it, and <driver>.unload needs it, so any run that unloads the driver runs
#       it first (for state the unload must find, e.g. a deliberate leak). Declare it in the same
#       CMakeLists.txt as kmd_wine_load.
#   kmd_wine_path(<out> <path>)
#       <out> = <path> as a Windows program under Wine sees it (Z:\\... on the drive that maps
#       the host's /), for passing files of the build or source tree to a client or kmdctl.
#   kmd_wine_step(<name> [AFTER <test>] <kmd_wine_test arguments>...)
#       A kmd_wine_test that runs after the kmd_wine_step declared before it in the same
#       directory, or after <test> (AFTER starts a new sequence): a sequence of tests each of
#       which changes what the next one finds (install, use, remove).
#   kmd_wine_cases(<prefix> [DRIVER <driver>] COMMAND <target-or-program> [args...]
#                  [EXIT_CODE <n>] [DEPENDS ...] [LABELS ...] [TIMEOUT <s>]
#                  CASES <name> "<args>" <expect> [<name> "<args>" <expect>]...)
#       One kmd_wine_test <prefix>.<name> per case: COMMAND's arguments, then <args> (split like a
#       shell command line: quotes group words, a backslash escapes the next character - pass
#       Windows paths through COMMAND or a plain kmd_wine_test), and <expect> a pattern - or a bare Win32 error number N, shorthand
#       for what kmdkit's clients print and return when the driver answers with that error
#       (kmd_print_error: "...: error: N (NAME)..." and exit code 1).
#
# A word in COMMAND's arguments that looks like a keyword (capitals and underscores) stops the
# configure, so a misspelt keyword never becomes a client argument; put client arguments after
# a literal `--` in COMMAND to pass such words through unchecked.
#
# All of them share one prefix per build tree (<build>/wine/prefix: hard links to the user's shared
# prefix KMDKIT_WINE_TEMPLATE, made once for all trees, plus its own registry), one wineserver
# session per ctest run (kmdkit.wine.session-start/-stop), a lock (tests run one at a time against
# the session), a timeout (KMDKIT_WINE_TIMEOUT), and the label "wine". DbgPrint output goes to
# <build>/wine/driver.log.

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

# The prefix every build tree of this user links to (kmdkit-wine.sh prefix): made once, by the
# first tree that runs a Wine test; per Wine version, so an upgraded Wine gets a new one. Empty:
# each tree makes a prefix of its own.
if(KMDKIT_WINE_ENABLED AND NOT DEFINED CACHE{KMDKIT_WINE_TEMPLATE})
    execute_process(COMMAND "${CMAKE_CROSSCOMPILING_EMULATOR}" --version OUTPUT_VARIABLE _kmd_wine_version
                    ERROR_QUIET OUTPUT_STRIP_TRAILING_WHITESPACE)
    string(REGEX REPLACE "[^A-Za-z0-9.]+" "-" _kmd_wine_version "${_kmd_wine_version}")
    string(REGEX REPLACE "-+$" "" _kmd_wine_version "${_kmd_wine_version}")
    if(DEFINED ENV{XDG_CACHE_HOME} AND NOT "$ENV{XDG_CACHE_HOME}" STREQUAL "")
        set(_kmd_cache "$ENV{XDG_CACHE_HOME}")
    else()
        set(_kmd_cache "$ENV{HOME}/.cache")
    endif()
    set(KMDKIT_WINE_TEMPLATE "${_kmd_cache}/kmdkit/${_kmd_wine_version}-x64" CACHE PATH
        "Wine prefix shared by every build tree (each tree links to it); empty: one prefix per tree")
endif()

set(KMDKIT_WINE_ENV
    "KMDKIT_WINE=${CMAKE_CROSSCOMPILING_EMULATOR}"
    "KMDKIT_WINE_TEMPLATE=${KMDKIT_WINE_TEMPLATE}"
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
# The fixtures every Wine test requires: the prefix (made once, reused) and the session. They are
# registered once, in the top-level directory (deferred to its end), and only for a project that
# declares a Wine test.
function(_kmd_wine_fixtures)
    get_property(done GLOBAL PROPERTY KMDKIT_WINE_FIXTURES)
    if(NOT done)
        set_property(GLOBAL PROPERTY KMDKIT_WINE_FIXTURES TRUE)
        cmake_language(DEFER DIRECTORY "${CMAKE_SOURCE_DIR}" CALL _kmd_wine_add_fixtures)
    endif()
endfunction()

function(_kmd_wine_add_fixtures)
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
    # The signed copy in dist/; a NO_DIST driver (a test fixture) runs from the build tree.
    get_target_property(file ${driver} KMDKIT_DIST_FILE)
    if(NOT file)
        set(file "$<TARGET_FILE:${driver}>")
    endif()
    set(${out} "${file}" PARENT_SCOPE)
endfunction()

# Names a misspelt keyword: a value in capitals and underscores where none belongs.
set(_kmd_wine_keywords DRIVER COMMAND EXIT_CODE EXPECT REJECT EXPECT_LOG DEPENDS FIXTURES LABELS TIMEOUT
    BEFORE_UNLOAD CASES)
function(_kmd_wine_check_words fn name kind)
    string(REPLACE ";" ", " keywords "${_kmd_wine_keywords}")
    foreach(word IN LISTS ARGN)
        if(word MATCHES "^[A-Z][A-Z]*_[A-Z_]*[A-Z]$" OR
           word MATCHES "^(PASS|FAIL|WILL|EXIT|EXPECT|REJECT|DRIVER|DEPEND|LABEL|TIMEOUT|FIXTURE|COMMAND|CASE|BEFORE)[A-Z_]*$")
            message(FATAL_ERROR "${fn}(${name}): unknown keyword '${word}' among the ${kind} "
                    "(keywords: ${keywords}; put client arguments after `--` to pass such a "
                    "word) (called from ${CMAKE_CURRENT_LIST_FILE})")
        endif()
    endforeach()
endfunction()

# "<opt>;<pattern>" for each pattern in the list variable LISTVAR, a ";" inside a pattern kept
# (escaped) so that it reaches the runner whole.
function(_kmd_wine_log_args out opt listvar)
    set(args)
    foreach(re IN LISTS ${listvar})
        string(REPLACE ";" "\\;" re "${re}")
        list(APPEND args ${opt} "${re}")
    endforeach()
    set(${out} "${args}" PARENT_SCOPE)
endfunction()

function(kmd_wine_load driver)
    cmake_parse_arguments(PARSE_ARGV 1 A "" "SERVICE" "EXPECT_LOG;EXPECT_UNLOAD_LOG;LABELS")
    if(A_UNPARSED_ARGUMENTS)
        message(FATAL_ERROR "kmd_wine_load(${driver}): unknown argument(s) '${A_UNPARSED_ARGUMENTS}' "
                            "(called from ${CMAKE_CURRENT_LIST_FILE})")
    endif()
    _kmd_wine_check_words(kmd_wine_load ${driver} "labels" ${A_LABELS})
    _kmd_wine_driver_file(file ${driver})
    set_property(GLOBAL PROPERTY KMDKIT_WINE_LOADED_${driver} TRUE)
    if(NOT KMDKIT_WINE_ENABLED)
        return()
    endif()
    _kmd_wine_fixtures()
    if(NOT A_SERVICE)
        set(A_SERVICE ${driver})
    endif()
    _kmd_wine_log_args(load_log --expect-log A_EXPECT_LOG)
    _kmd_wine_log_args(unload_log --expect-log A_EXPECT_UNLOAD_LOG)
    add_test(NAME ${driver}.load COMMAND bash "${KMDKIT_WINE_SCRIPT}" load ${A_SERVICE} "${file}" ${load_log})
    _kmd_wine_props(${driver}.load FIXTURES_SETUP ${driver}_loaded FIXTURES_REQUIRED kmdkit_wine_session)
    add_test(NAME ${driver}.unload COMMAND bash "${KMDKIT_WINE_SCRIPT}" unload ${A_SERVICE} ${unload_log})
    _kmd_wine_props(${driver}.unload FIXTURES_CLEANUP ${driver}_loaded FIXTURES_REQUIRED kmdkit_wine_session)
    set_tests_properties(${driver}.load ${driver}.unload PROPERTIES LABELS "wine;${A_LABELS}")
endfunction()

function(kmd_wine_load_fails driver)
    cmake_parse_arguments(PARSE_ARGV 1 A "" "SERVICE;ERROR" "EXPECT_LOG;LABELS")
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
    _kmd_wine_log_args(log --expect-log A_EXPECT_LOG)
    add_test(NAME ${driver}.load_fails
             COMMAND bash "${KMDKIT_WINE_SCRIPT}" load-fails ${A_SERVICE} "${file}" ${A_ERROR} ${log})
    _kmd_wine_props(${driver}.load_fails FIXTURES_REQUIRED kmdkit_wine_session)
    set_tests_properties(${driver}.load_fails PROPERTIES LABELS "wine;${A_LABELS}")
endfunction()

function(kmd_wine_test name)
    cmake_parse_arguments(PARSE_ARGV 1 A "BEFORE_UNLOAD" "DRIVER;EXIT_CODE;TIMEOUT"
                          "COMMAND;EXPECT;REJECT;EXPECT_LOG;DEPENDS;FIXTURES;LABELS")
    set(where "(called from ${CMAKE_CURRENT_LIST_FILE})")
    if(A_UNPARSED_ARGUMENTS OR NOT A_COMMAND)
        message(FATAL_ERROR "kmd_wine_test(${name}): needs COMMAND <program> [args...]; unknown: "
                            "'${A_UNPARSED_ARGUMENTS}' ${where}")
    endif()
    if(DEFINED A_EXIT_CODE AND NOT A_EXIT_CODE MATCHES "^[0-9]+$")
        message(FATAL_ERROR "kmd_wine_test(${name}): EXIT_CODE '${A_EXIT_CODE}' is not a number ${where}")
    endif()
    if(DEFINED A_TIMEOUT AND NOT A_TIMEOUT MATCHES "^[0-9]+$")
        message(FATAL_ERROR "kmd_wine_test(${name}): TIMEOUT '${A_TIMEOUT}' is not a number ${where}")
    endif()
    # Client arguments up to a `--` are checked for misspelt keywords; the `--` itself is dropped.
    list(POP_FRONT A_COMMAND program)
    set(args)
    set(checked TRUE)
    foreach(arg IN LISTS A_COMMAND)
        if(checked AND arg STREQUAL "--")
            set(checked FALSE)
            continue()
        endif()
        if(checked)
            _kmd_wine_check_words(kmd_wine_test ${name} "COMMAND arguments" "${arg}")
        endif()
        string(REPLACE ";" "\\;" arg "${arg}")
        list(APPEND args "${arg}")
    endforeach()
    _kmd_wine_check_words(kmd_wine_test ${name} "patterns, labels or dependencies"
                          ${A_LABELS} ${A_DEPENDS} ${A_FIXTURES})
    # A pattern may be any text ("ERROR_ACCESS_DENIED" too): only a keyword-like word is refused.
    foreach(re IN LISTS A_EXPECT A_REJECT A_EXPECT_LOG)
        if(re MATCHES "^(PASS|FAIL|WILL|EXIT|DRIVER|DEPENDS|LABELS?|TIMEOUT|FIXTURES?|COMMAND|CASES|BEFORE)(_[A-Z_]*)?$")
            message(FATAL_ERROR "kmd_wine_test(${name}): unknown keyword '${re}' among the patterns "
                                "(called from ${CMAKE_CURRENT_LIST_FILE})")
        endif()
    endforeach()
    if(A_DRIVER)
        _kmd_wine_driver_file(file ${A_DRIVER})
        get_property(loaded GLOBAL PROPERTY KMDKIT_WINE_LOADED_${A_DRIVER})
        if(NOT loaded)
            message(FATAL_ERROR "kmd_wine_test(${name}): DRIVER ${A_DRIVER} has no kmd_wine_load(${A_DRIVER}) "
                                "before it ${where}")
        endif()
    elseif(A_BEFORE_UNLOAD)
        message(FATAL_ERROR "kmd_wine_test(${name}): BEFORE_UNLOAD needs DRIVER ${where}")
    endif()
    if(NOT KMDKIT_WINE_ENABLED)
        return()
    endif()
    _kmd_wine_fixtures()
    if(TARGET ${program})
        set(program "$<TARGET_FILE:${program}>")
    endif()
    if(NOT DEFINED A_EXIT_CODE)
        set(A_EXIT_CODE 0)
    endif()
    if(NOT DEFINED A_TIMEOUT)
        set(A_TIMEOUT ${KMDKIT_WINE_TIMEOUT})
    endif()
    # The runner's own limit is shorter than CTest's, so a hung program is reported with its output.
    math(EXPR inner "${A_TIMEOUT} * 9 / 10")
    set(checks --exit ${A_EXIT_CODE} --timeout ${inner})
    _kmd_wine_log_args(expect --expect A_EXPECT)
    _kmd_wine_log_args(reject --reject A_REJECT)
    _kmd_wine_log_args(logs --expect-log A_EXPECT_LOG)
    add_test(NAME ${name} COMMAND bash "${KMDKIT_WINE_SCRIPT}" run ${checks} ${expect} ${reject} ${logs}
                                  -- "${program}" ${args})
    set(fixtures kmdkit_wine_session ${A_FIXTURES})
    if(A_DRIVER)
        list(APPEND fixtures ${A_DRIVER}_loaded)
    endif()
    _kmd_wine_props(${name} TIMEOUT ${A_TIMEOUT})
    set_tests_properties(${name} PROPERTIES FIXTURES_REQUIRED "${fixtures}" LABELS "wine;${A_LABELS}")
    if(A_DRIVER)
        get_property(earlier GLOBAL PROPERTY KMDKIT_WINE_TESTS_${A_DRIVER})
        set_property(GLOBAL APPEND PROPERTY KMDKIT_WINE_TESTS_${A_DRIVER} ${name})
    endif()
    if(A_BEFORE_UNLOAD)
        list(APPEND A_DEPENDS ${earlier})
        set_tests_properties(${name} PROPERTIES FIXTURES_SETUP ${name}_ran)
        set_property(TEST ${A_DRIVER}.unload APPEND PROPERTY FIXTURES_REQUIRED ${name}_ran)
    endif()
    if(A_DEPENDS)
        set_tests_properties(${name} PROPERTIES DEPENDS "${A_DEPENDS}")
    endif()
endfunction()

function(kmd_wine_path out path)
    string(REPLACE "/" "\\" p "${path}")
    set(${out} "Z:${p}" PARENT_SCOPE)
endfunction()

function(kmd_wine_step name)
    get_directory_property(previous KMDKIT_WINE_LAST_STEP)
    set(first 1)
    if(ARGC GREATER 2 AND ARGV1 STREQUAL "AFTER")
        set(previous "${ARGV2}")
        set(first 3)
    endif()
    # The arguments whole: a ";" inside a pattern must not split it.
    set(args)
    math(EXPR last "${ARGC} - 1")
    if(last GREATER_EQUAL first)
        foreach(i RANGE ${first} ${last})
            string(REPLACE ";" "\\;" arg "${ARGV${i}}")
            list(APPEND args "${arg}")
        endforeach()
    endif()
    kmd_wine_test(${name} ${args})
    if(previous AND TEST ${name})
        set_property(TEST ${name} APPEND PROPERTY DEPENDS ${previous})
    endif()
    set_directory_properties(PROPERTIES KMDKIT_WINE_LAST_STEP ${name})
endfunction()

function(kmd_wine_cases prefix)
    cmake_parse_arguments(PARSE_ARGV 1 A "" "DRIVER;EXIT_CODE;TIMEOUT" "COMMAND;DEPENDS;LABELS;CASES")
    set(where "(called from ${CMAKE_CURRENT_LIST_FILE})")
    list(LENGTH A_CASES n)
    math(EXPR rest "${n} % 3")
    if(A_UNPARSED_ARGUMENTS OR NOT A_COMMAND OR n EQUAL 0 OR NOT rest EQUAL 0)
        message(FATAL_ERROR "kmd_wine_cases(${prefix}): needs COMMAND <program> [args...] and CASES "
                            "<name> \"<args>\" <expect> ... in threes (got ${n} CASES values); unknown: "
                            "'${A_UNPARSED_ARGUMENTS}' ${where}")
    endif()
    set(common)
    foreach(kw DRIVER TIMEOUT)
        if(DEFINED A_${kw})
            list(APPEND common ${kw} ${A_${kw}})
        endif()
    endforeach()
    if(A_DEPENDS)
        list(APPEND common DEPENDS ${A_DEPENDS})
    endif()
    if(A_LABELS)
        list(APPEND common LABELS ${A_LABELS})
    endif()
    math(EXPR last "${n} - 1")
    foreach(i RANGE 0 ${last} 3)
        math(EXPR j "${i} + 1")
        math(EXPR k "${i} + 2")
        list(GET A_CASES ${i} case)
        list(GET A_CASES ${j} case_args)
        list(GET A_CASES ${k} expect)
        if(NOT case MATCHES "^[A-Za-z0-9_.-]+$")
            message(FATAL_ERROR "kmd_wine_cases(${prefix}): case name '${case}' is not a word ${where}")
        endif()
        separate_arguments(case_args UNIX_COMMAND "${case_args}")
        set(exit ${A_EXIT_CODE})
        if(expect MATCHES "^[0-9]+$")
            set(expect ": error: ${expect} \\(")
            set(exit 1)
        endif()
        if(NOT exit STREQUAL "")
            set(exit EXIT_CODE ${exit})
        endif()
        kmd_wine_test(${prefix}.${case} ${common} ${exit} EXPECT "${expect}" COMMAND ${A_COMMAND} ${case_args})
    endforeach()
endfunction()
