# systemmodules (docs/examples/systemmodules.md): the module list through the two-call protocol,
# its records checked; Wine's list is made up, so the client names what it could not check.
# expect.sh: exit code 0 means every check passed; the regex is matched line by line.
kmd_wine_load(systemmodules EXPECT_LOG "systemmodules: DriverEntry: device .*KmdSystemModules ready"
                            EXPECT_UNLOAD_LOG "systemmodules: pool: no leaks" LABELS examples)
if(KMDKIT_WINE_ENABLED)
    foreach(case "list|list|not checked under Wine: this driver in the list"
                 "bad|bad|bad: passed")
        string(REPLACE "|" ";" parts "${case}")
        list(GET parts 0 name)
        list(GET parts -1 expect)
        list(SUBLIST parts 1 -1 args)
        list(REMOVE_AT args -1)
        add_test(NAME systemmodules.${name}
                 COMMAND bash "${CMAKE_CURRENT_SOURCE_DIR}/expect.sh" 0 "${expect}" --
                         ${CMAKE_CROSSCOMPILING_EMULATOR} $<TARGET_FILE:systemmodules_client> ${args})
        set_tests_properties(systemmodules.${name} PROPERTIES
            ENVIRONMENT "${KMDKIT_WINE_ENV}"
            FIXTURES_REQUIRED "kmdkit_wine_session;systemmodules_loaded"
            RESOURCE_LOCK kmdkit_wine_session LABELS "wine;examples" TIMEOUT 60)
    endforeach()
endif()
