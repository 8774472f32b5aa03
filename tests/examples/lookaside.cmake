# lookaside (docs/examples/lookaside.md): entries from a lookaside list, linked, checksummed and
# freed; the unload report shows the entries the list kept went back to pool (no leaks). Bad
# requests too. The client's exit code says every check passed; the regex names the last line.
kmd_wine_load(lookaside EXPECT_LOG "lookaside: DriverEntry: device .*KmdLookaside ready"
                        EXPECT_UNLOAD_LOG "lookaside: pool: no leaks" LABELS examples)
if(KMDKIT_WINE_ENABLED)
    foreach(case "run|run|run: passed" "run_one|run;7;12345|run: passed" "bad|bad|bad: passed")
        string(REPLACE "|" ";" parts "${case}")
        list(GET parts 0 name)
        list(GET parts -1 expect)
        list(SUBLIST parts 1 -1 args)
        list(REMOVE_AT args -1)
        add_test(NAME lookaside.${name}
                 COMMAND bash "${CMAKE_CURRENT_SOURCE_DIR}/expect.sh" 0 "${expect}" --
                         ${CMAKE_CROSSCOMPILING_EMULATOR} $<TARGET_FILE:lookaside_client> ${args})
        set_tests_properties(lookaside.${name} PROPERTIES
            ENVIRONMENT "${KMDKIT_WINE_ENV}" FIXTURES_REQUIRED "kmdkit_wine_session;lookaside_loaded"
            RESOURCE_LOCK kmdkit_wine_session LABELS "wine;examples" TIMEOUT 60)
    endforeach()
endif()
