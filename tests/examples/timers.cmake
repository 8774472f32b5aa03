# timers (docs/examples/timers.md): a periodic KTIMER whose DPC wakes a system thread. The run
# checks plausibility, not timing: at least half the ticks expected in one second, every
# interval between 0.5x and 10x the period, nothing after STOP. Wine calls timer DPCs from a
# thread pool at PASSIVE_LEVEL, so the DPC's IRQL is not checked there (the client says so).
kmd_wine_load(timers EXPECT_LOG "timers: DriverEntry: device .*KmdTimers ready"
                     EXPECT_UNLOAD_LOG "timers: pool: no leaks" LABELS examples)

kmd_wine_test(timers.run DRIVER timers COMMAND timers_client run 50 1000 LABELS examples
              PASS_REGULAR_EXPRESSION
              "ok: running during the wait.*ok: [0-9]+ DPCs in 1000 ms \\(at least 10.*ok: the thread woke up.*ok: [0-9]+ intervals recorded.*ok: intervals [0-9]+\\.\\.[0-9]+ us, each within 25000\\.\\.500000 us.*ok: no DPC after STOP.*run: passed\nnot checked under Wine: that the DPC runs at DISPATCH_LEVEL"
              FAIL_REGULAR_EXPRESSION "FAILED")
kmd_wine_test(timers.sequence DRIVER timers COMMAND timers_client sequence LABELS examples
              PASS_REGULAR_EXPRESSION
              "stop while stopped: 22 .*start again: 170 \\(ERROR_BUSY\\).*stop again: 22 .*sequence: passed")
# Each bad request gets its documented Win32 error (headers/timers_ioctl.h).
foreach(case "start_no_input|call;start;--in-size;0|87 \\(ERROR_INVALID_PARAMETER\\)"
             "start_long_input|call;start;--in-size;8;--value;50|87 \\(ERROR_INVALID_PARAMETER\\)"
             "start_period_short|call;start;--value;9|87 \\(ERROR_INVALID_PARAMETER\\)"
             "start_period_long|call;start;--value;1001|87 \\(ERROR_INVALID_PARAMETER\\)"
             "stop_with_input|call;stop;--in-size;4|87 \\(ERROR_INVALID_PARAMETER\\)"
             "query_with_input|call;query;--in-size;4|87 \\(ERROR_INVALID_PARAMETER\\)"
             "query_short_out|call;query;--out-size;151|122 \\(ERROR_INSUFFICIENT_BUFFER\\)"
             "unknown_code|call;82213FFC;--out-size;16|1 \\(ERROR_INVALID_FUNCTION\\)")
    string(REPLACE "|" ";" parts "${case}")
    list(POP_FRONT parts name)
    list(POP_BACK parts expect)
    kmd_wine_test(timers.bad.${name} DRIVER timers COMMAND timers_client ${parts} LABELS examples
                  PASS_REGULAR_EXPRESSION "call: error: ${expect}")
endforeach()

if(KMDKIT_WINE_ENABLED)
    # The last test leaves the timer running: DriverUnload must cancel it and end the thread.
    get_property(timers_tests DIRECTORY PROPERTY TESTS)
    list(FILTER timers_tests INCLUDE REGEX "^timers\\.(run|sequence|bad\\.)")
    add_test(NAME timers.start_and_leave
             COMMAND bash "${CMAKE_CURRENT_SOURCE_DIR}/expect.sh" 0 "start: period 20 ms"
                     -- ${CMAKE_CROSSCOMPILING_EMULATOR} $<TARGET_FILE:timers_client> start 20)
    set_tests_properties(timers.start_and_leave PROPERTIES
        ENVIRONMENT "${KMDKIT_WINE_ENV}" LABELS "wine;examples" TIMEOUT 60
        RESOURCE_LOCK kmdkit_wine_session FIXTURES_REQUIRED "kmdkit_wine_session;timers_loaded"
        DEPENDS "${timers_tests}")
    add_test(NAME timers.unload_stopped
             COMMAND bash "${KMDKIT_WINE_SCRIPT}" expect-log "timers: DriverUnload: stopping the timer")
    set_tests_properties(timers.unload_stopped PROPERTIES
        ENVIRONMENT "${KMDKIT_WINE_ENV}" LABELS "wine;examples" TIMEOUT 60
        RESOURCE_LOCK kmdkit_wine_session FIXTURES_REQUIRED kmdkit_wine_session
        DEPENDS "timers.unload;timers.start_and_leave")
endif()
