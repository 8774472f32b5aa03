# fileworks (docs/examples/fileworks.md): the driver's file story under Wine's C: drive, checked
# byte for byte by the client, and every bad request with its documented error.
kmd_wine_load(fileworks EXPECT_LOG "fileworks: DriverEntry: device .*KmdFileWorks ready"
                        EXPECT_UNLOAD_LOG "fileworks: pool: no leaks" LABELS examples)
if(KMDKIT_WINE_ENABLED)
    foreach(case "run|run|run: passed" "run_base|run;\\??\\C:\\users|run: passed"
                 "bad|bad|bad: passed")
        string(REPLACE "|" ";" parts "${case}")
        list(GET parts 0 name)
        list(GET parts -1 expect)
        list(SUBLIST parts 1 -1 args)
        list(REMOVE_AT args -1)
        add_test(NAME fileworks.${name}
                 COMMAND bash "${CMAKE_CURRENT_SOURCE_DIR}/expect.sh" 0 "${expect}" --
                         ${CMAKE_CROSSCOMPILING_EMULATOR} $<TARGET_FILE:fileworks_client> ${args})
        set_tests_properties(fileworks.${name} PROPERTIES
            ENVIRONMENT "${KMDKIT_WINE_ENV}" FIXTURES_REQUIRED "kmdkit_wine_session;fileworks_loaded"
            RESOURCE_LOCK kmdkit_wine_session LABELS "wine;examples" TIMEOUT 60)
    endforeach()
endif()
