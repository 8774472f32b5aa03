# workitem (docs/examples/workitem.md): a timer's DPC queues an IO_WORKITEM; the work routine
# records its IRQL, thread and sequence. Wine runs the DPC itself at PASSIVE_LEVEL on a
# thread-pool thread, so the DPC side of the hand-over is not checked there (the client says so).
kmd_wine_load(workitem EXPECT_LOG "workitem: DriverEntry: device .*KmdWorkItem ready"
                       EXPECT_UNLOAD_LOG "workitem: pool: no leaks" LABELS examples)

kmd_wine_test(workitem.run DRIVER workitem COMMAND workitem_client run 20 8 LABELS examples
              PASS_REGULAR_EXPRESSION
              "work item 8: IRQL 0.*ok: 8 of 8 work items queued and ran.*ok: each ran once, in the order queued\nok: every work routine ran at PASSIVE_LEVEL \\(0\\)\nok: on a worker thread, not the thread that sent START\nrun: passed\nnot checked under Wine: that the DPC which queued the work ran at DISPATCH_LEVEL"
              FAIL_REGULAR_EXPRESSION "FAILED")
kmd_wine_test(workitem.sequence DRIVER workitem COMMAND workitem_client sequence LABELS examples
              PASS_REGULAR_EXPRESSION
              "stop while stopped: 22 .*start again: 170 \\(ERROR_BUSY\\).*stop again: 22 .*sequence: passed")
# Each bad request gets its documented Win32 error (headers/workitem_ioctl.h).
foreach(case "start_no_input|call;start;--in-size;0|87 \\(ERROR_INVALID_PARAMETER\\)"
             "start_short_input|call;start;--in-size;4;--value;20|87 \\(ERROR_INVALID_PARAMETER\\)"
             "start_period_short|call;start;--value;9;--value2;4|87 \\(ERROR_INVALID_PARAMETER\\)"
             "start_period_long|call;start;--value;1001;--value2;4|87 \\(ERROR_INVALID_PARAMETER\\)"
             "start_count_zero|call;start;--value;20;--value2;0|87 \\(ERROR_INVALID_PARAMETER\\)"
             "start_count_high|call;start;--value;20;--value2;17|87 \\(ERROR_INVALID_PARAMETER\\)"
             "stop_with_input|call;stop;--in-size;4|87 \\(ERROR_INVALID_PARAMETER\\)"
             "query_with_input|call;query;--in-size;4|87 \\(ERROR_INVALID_PARAMETER\\)"
             "query_short_out|call;query;--out-size;287|122 \\(ERROR_INSUFFICIENT_BUFFER\\)"
             "unknown_code|call;82223FFC;--out-size;16|1 \\(ERROR_INVALID_FUNCTION\\)")
    string(REPLACE "|" ";" parts "${case}")
    list(POP_FRONT parts name)
    list(POP_BACK parts expect)
    kmd_wine_test(workitem.bad.${name} DRIVER workitem COMMAND workitem_client ${parts}
                  LABELS examples PASS_REGULAR_EXPRESSION "call: error: ${expect}")
endforeach()

if(KMDKIT_WINE_ENABLED)
    # The last test leaves the timer running: DriverUnload must stop it, wait for the queued
    # work items and free the IO_WORKITEM.
    get_property(workitem_tests DIRECTORY PROPERTY TESTS)
    list(FILTER workitem_tests INCLUDE REGEX "^workitem\\.(run|sequence|bad\\.)")
    add_test(NAME workitem.start_and_leave
             COMMAND bash "${CMAKE_CURRENT_SOURCE_DIR}/expect.sh" 0 "start: period 10 ms, 16 work items"
                     -- ${CMAKE_CROSSCOMPILING_EMULATOR} $<TARGET_FILE:workitem_client> start 10 16)
    set_tests_properties(workitem.start_and_leave PROPERTIES
        ENVIRONMENT "${KMDKIT_WINE_ENV}" LABELS "wine;examples" TIMEOUT 60
        RESOURCE_LOCK kmdkit_wine_session FIXTURES_REQUIRED "kmdkit_wine_session;workitem_loaded"
        DEPENDS "${workitem_tests}")
    add_test(NAME workitem.unload_stopped
             COMMAND bash "${KMDKIT_WINE_SCRIPT}" expect-log
                     "workitem: DriverUnload: stopping the timer and waiting for the work items")
    set_tests_properties(workitem.unload_stopped PROPERTIES
        ENVIRONMENT "${KMDKIT_WINE_ENV}" LABELS "wine;examples" TIMEOUT 60
        RESOURCE_LOCK kmdkit_wine_session FIXTURES_REQUIRED kmdkit_wine_session
        DEPENDS "workitem.unload;workitem.start_and_leave")
endif()
