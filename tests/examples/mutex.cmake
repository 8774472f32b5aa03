# mutex (docs/examples/mutex.md): four system threads update one counter under a KMUTEX; the
# count must be exact. Under Wine the threads do not take turns (its KeReleaseMutex wakes no
# waiter: each waiting thread gets the mutex when the holder's thread ends), so the run checks
# the count, the per-thread updates and that no two threads were inside together, and says
# what it could not check.
kmd_wine_load(mutex EXPECT_LOG "mutex: DriverEntry: device .*KmdMutex ready"
                    EXPECT_UNLOAD_LOG "mutex: pool: no leaks" LABELS examples)

kmd_wine_test(mutex.run DRIVER mutex COMMAND mutex_client run 25 LABELS examples
              PASS_REGULAR_EXPRESSION
              "result: 4 threads x 25 iterations: count 100 \\(expected 100\\), overlaps 0, wait errors 0, hand-overs [0-9]+\nresult: updates per thread: 25 25 25 25\nrun: passed\nnot checked under Wine: that the threads take turns")
# Busy while a run is going, then nothing to wait for.
kmd_wine_test(mutex.sequence DRIVER mutex COMMAND mutex_client sequence LABELS examples
              PASS_REGULAR_EXPRESSION
              "start again: 170 \\(ERROR_BUSY\\).*wait: 0 .*count 20 \\(expected 20\\).*wait again: 22 .*sequence: passed")
# Each bad request gets its documented Win32 error (headers/mutex_ioctl.h).
foreach(case "start_no_input|call;start;--in-size;0|87 \\(ERROR_INVALID_PARAMETER\\)"
             "start_long_input|call;start;--in-size;8;--value;5|87 \\(ERROR_INVALID_PARAMETER\\)"
             "start_zero|call;start;--value;0|87 \\(ERROR_INVALID_PARAMETER\\)"
             "start_too_many|call;start;--value;201|87 \\(ERROR_INVALID_PARAMETER\\)"
             "wait_no_run|call;wait|22 "
             "wait_with_input|call;wait;--in-size;4|87 \\(ERROR_INVALID_PARAMETER\\)"
             "wait_short_out|call;wait;--out-size;8|122 \\(ERROR_INSUFFICIENT_BUFFER\\)"
             "unknown_code|call;82203FFC;--out-size;16|1 \\(ERROR_INVALID_FUNCTION\\)")
    string(REPLACE "|" ";" parts "${case}")
    list(POP_FRONT parts name)
    list(POP_BACK parts expect)
    kmd_wine_test(mutex.bad.${name} DRIVER mutex COMMAND mutex_client ${parts} LABELS examples
                  PASS_REGULAR_EXPRESSION "call: error: ${expect}")
endforeach()

if(KMDKIT_WINE_ENABLED)
    # The last test leaves a run going (no wait): DriverUnload must wait for its threads, and
    # the run must still end with the exact count before the leak report.
    get_property(mutex_tests DIRECTORY PROPERTY TESTS)
    list(FILTER mutex_tests INCLUDE REGEX "^mutex\\.(run|sequence|bad\\.)")
    add_test(NAME mutex.start_and_leave
             COMMAND bash "${CMAKE_CURRENT_SOURCE_DIR}/expect.sh" 0 "start: 4 threads x 50 iterations running"
                     -- ${CMAKE_CROSSCOMPILING_EMULATOR} $<TARGET_FILE:mutex_client> start 50)
    set_tests_properties(mutex.start_and_leave PROPERTIES
        ENVIRONMENT "${KMDKIT_WINE_ENV}" LABELS "wine;examples" TIMEOUT 60
        RESOURCE_LOCK kmdkit_wine_session FIXTURES_REQUIRED "kmdkit_wine_session;mutex_loaded"
        DEPENDS "${mutex_tests}")
    add_test(NAME mutex.unload_waited
             COMMAND bash "${KMDKIT_WINE_SCRIPT}" expect-log
                     "mutex: run ended: 4 threads x 50 iterations, count 200,")
    set_tests_properties(mutex.unload_waited PROPERTIES
        ENVIRONMENT "${KMDKIT_WINE_ENV}" LABELS "wine;examples" TIMEOUT 60
        RESOURCE_LOCK kmdkit_wine_session FIXTURES_REQUIRED kmdkit_wine_session
        DEPENDS "mutex.unload;mutex.start_and_leave")
    # Usage errors stop in the client (exit 2).
    add_test(NAME mutex.usage
             COMMAND bash "${CMAKE_CURRENT_SOURCE_DIR}/expect.sh" 2 "usage: mutex start ITERATIONS"
                     -- ${CMAKE_CROSSCOMPILING_EMULATOR} $<TARGET_FILE:mutex_client> start 201)
    set_tests_properties(mutex.usage PROPERTIES
        ENVIRONMENT "${KMDKIT_WINE_ENV}" LABELS "wine;examples" TIMEOUT 60
        RESOURCE_LOCK kmdkit_wine_session FIXTURES_REQUIRED kmdkit_wine_session)
endif()
