# beeper (docs/examples/beeper.md): under Wine the beeps cannot sound (no port I/O, HalMakeBeep is
# a stub that ends winedevice), so no test sends a valid beep request: they check loading, every
# refusal the contract documents, and unloading without leaks.
kmd_wine_load(beeper EXPECT_LOG "beeper: DriverEntry: device .*KmdBeeper ready"
                     EXPECT_UNLOAD_LOG "beeper: pool: no leaks" LABELS examples)

# Every bad request gets its documented error; the client says what Wine cannot show.
kmd_wine_test(beeper.check DRIVER beeper COMMAND beeper_client check LABELS examples
              PASS_REGULAR_EXPRESSION
              "check: all 8 answers as documented\nnot checked under Wine: the beeps themselves")
# With no argument the client runs the same check: the smoke test that ci/deploy-vm runs.
kmd_wine_test(beeper.smoke DRIVER beeper COMMAND beeper_client LABELS examples
              PASS_REGULAR_EXPRESSION "check: all 8 answers as documented")
# The same refusals through the ordinary commands, one each (the client passes any number on).
foreach(case "low_frequency|ports;36;100" "high_frequency|hal;32768;100"
             "zero_duration|ports;440;0" "long_duration|hal;440;5001")
    string(REPLACE "|" ";" parts "${case}")
    list(POP_FRONT parts name)
    list(GET parts 0 how)
    kmd_wine_test(beeper.refuse.${name} DRIVER beeper COMMAND beeper_client ${parts} LABELS examples
                  PASS_REGULAR_EXPRESSION "^${how}: error: 87 \\(ERROR_INVALID_PARAMETER\\)")
endforeach()
if(KMDKIT_WINE_ENABLED)
    # The driver, not the client, refused: its log names the values.
    add_test(NAME beeper.log_refusal
             COMMAND bash "${KMDKIT_WINE_SCRIPT}" expect-log "beeper: refused: 36 Hz for 100 ms")
    set_tests_properties(beeper.log_refusal PROPERTIES
        ENVIRONMENT "${KMDKIT_WINE_ENV}" LABELS "wine;examples" TIMEOUT 60
        RESOURCE_LOCK kmdkit_wine_session FIXTURES_REQUIRED "kmdkit_wine_session;beeper_loaded"
        DEPENDS "beeper.check;beeper.refuse.low_frequency")
    # Usage errors stop in the client (exit 2) and never reach the driver.
    add_test(NAME beeper.usage
             COMMAND bash "${CMAKE_CURRENT_SOURCE_DIR}/expect.sh" 2 "^usage: beeper ports\\|hal HZ MS"
                     -- ${CMAKE_CROSSCOMPILING_EMULATOR} $<TARGET_FILE:beeper_client> ports 440)
    set_tests_properties(beeper.usage PROPERTIES
        ENVIRONMENT "${KMDKIT_WINE_ENV}" LABELS "wine;examples" TIMEOUT 60
        RESOURCE_LOCK kmdkit_wine_session FIXTURES_REQUIRED "kmdkit_wine_session")
endif()
