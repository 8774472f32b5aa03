# kbdspy (docs/examples/kbdspy.md): a keyboard filter, which needs \Device\KeyboardClass0. Wine has
# none, so DriverEntry must fail cleanly: STATUS_OBJECT_NAME_NOT_FOUND (Win32 2), one log line,
# the control device made before the attempt deleted again, and the leak report.
kmd_wine_load_fails(kbdspy ERROR 2
    EXPECT_LOG "kbdspy: DriverEntry: cannot attach to .*KeyboardClass0: 0xc0000034; nothing left behind" LABELS examples)
if(KMDKIT_WINE_ENABLED)
    kmd_wine_test(kbdspy.no_leaks COMMAND bash "${KMDKIT_WINE_SCRIPT}" expect-log "kbdspy: pool: no leaks"
                  LABELS examples)
    # Nothing left behind: the control device's link is gone, so the client finds no spy (exit
    # 3, ERROR_FILE_NOT_FOUND) and says what it cannot check.
    kmd_wine_test(kbdspy.nothing_left COMMAND bash "${CMAKE_CURRENT_SOURCE_DIR}/expect.sh" 3
                  "not checked here: key capture, pass-through and unload with a pending read"
                  -- ${CMAKE_CROSSCOMPILING_EMULATOR} $<TARGET_FILE:kbdspy_client> keys --seconds 1
                  LABELS examples
                  PASS_REGULAR_EXPRESSION "cannot open [^\n]*KmdKbdSpy: 2 \\(ERROR_FILE_NOT_FOUND\\).*PASS: exit 3")
    # Both look at what the failed load left: the load attempt is their fixture.
    set_tests_properties(kbdspy.load_fails PROPERTIES FIXTURES_SETUP kbdspy_load_failed)
    set_tests_properties(kbdspy.no_leaks kbdspy.nothing_left PROPERTIES
                         FIXTURES_REQUIRED "kmdkit_wine_session;kbdspy_load_failed")
endif()
