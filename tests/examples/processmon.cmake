# processmon (docs/examples/processmon.md): a process-creation callback fills a ring; the client
# hands over an event and fetches records. Wine registers the callback but never calls it, and
# refuses UserMode handles in ObReferenceObjectByHandle: the test checks loading (registration
# succeeds), the empty fetch, the answers to every request, a clean unload (callback removed, no
# leaks), the FORCE_INTEGRITY flag in the image; the client says what it could not check.
kmd_wine_load(processmon EXPECT_LOG "processmon: DriverEntry: device .*KmdProcessMon ready, process callback registered"
                         EXPECT_UNLOAD_LOG "processmon: pool: no leaks" LABELS examples)

kmd_wine_test(processmon.check DRIVER processmon COMMAND processmon_client check LABELS examples
              PASS_REGULAR_EXPRESSION
              "fetch: 0 records, 0 pending, 0 lost\nset-event \\(not a handle\\): 1 \\(ERROR_INVALID_FUNCTION\\).*\nset-event \\(an event\\): 1 \\(ERROR_INVALID_FUNCTION\\).*\nset-event 0 \\(release\\): 0 .*\ncheck: passed\nnot checked under Wine: the event handoff and the process records")
kmd_wine_test(processmon.fetch_empty DRIVER processmon COMMAND processmon_client call fetch
              LABELS examples
              PASS_REGULAR_EXPRESSION "call: ok: 2256 bytes\n  0000  00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00")
# Each bad request gets its documented Win32 error (headers/processmon_ioctl.h).
foreach(case "set_event_no_input|call;set-event;--in-size;0|87 \\(ERROR_INVALID_PARAMETER\\)"
             "set_event_short_input|call;set-event;--in-size;4|87 \\(ERROR_INVALID_PARAMETER\\)"
             "set_event_long_input|call;set-event;--in-size;16|87 \\(ERROR_INVALID_PARAMETER\\)"
             "fetch_with_input|call;fetch;--in-size;4|87 \\(ERROR_INVALID_PARAMETER\\)"
             "fetch_short_out|call;fetch;--out-size;2255|122 \\(ERROR_INSUFFICIENT_BUFFER\\)"
             "unknown_code|call;82233FFC;--out-size;16|1 \\(ERROR_INVALID_FUNCTION\\)")
    string(REPLACE "|" ";" parts "${case}")
    list(POP_FRONT parts name)
    list(POP_BACK parts expect)
    kmd_wine_test(processmon.bad.${name} DRIVER processmon COMMAND processmon_client ${parts}
                  LABELS examples PASS_REGULAR_EXPRESSION "call: error: ${expect}")
endforeach()

if(KMDKIT_WINE_ENABLED)
    # DriverUnload removed the callback (the removal call succeeded).
    add_test(NAME processmon.unload_removed
             COMMAND bash "${KMDKIT_WINE_SCRIPT}" expect-log
                     "processmon: DriverUnload: callback removed: 0x00000000")
    set_tests_properties(processmon.unload_removed PROPERTIES
        ENVIRONMENT "${KMDKIT_WINE_ENV}" LABELS "wine;examples" TIMEOUT 60
        RESOURCE_LOCK kmdkit_wine_session FIXTURES_REQUIRED kmdkit_wine_session
        DEPENDS processmon.unload)
endif()

# PsSetCreateProcessNotifyRoutineEx needs IMAGE_DLLCHARACTERISTICS_FORCE_INTEGRITY in the image
# (kmd_add_driver(... INTEGRITY_CHECK)); kmdpe reports it (and processmon.lint requires it).
add_test(NAME processmon.force_integrity
         COMMAND "${KMDKIT_KMDPE_EXE}" info "${KMDKIT_DIST_DIR}/processmon.sys")
set_tests_properties(processmon.force_integrity PROPERTIES
    LABELS "lint;examples" TIMEOUT 30 PASS_REGULAR_EXPRESSION "force integrity: +yes")
