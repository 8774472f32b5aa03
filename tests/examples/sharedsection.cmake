# sharedsection (docs/examples/sharedsection.md): the client's named section, edited by the driver
# through its own view, read back by the client; every bad request with its documented error.
# expect.sh: exit code 0 means every check passed; the regex is matched line by line.
kmd_wine_load(sharedsection EXPECT_LOG "sharedsection: DriverEntry: device .*KmdSharedSection ready"
                            EXPECT_UNLOAD_LOG "sharedsection: pool: no leaks" LABELS examples)
if(KMDKIT_WINE_ENABLED)
    foreach(case "edit|edit|\"Hello, shared section!\" -> \"!NOITCES DERAHS ,OLLEH\""
                 "wine_gap|edit|not checked under Wine: .*System process"
                 "edit_text|edit;kmdkit 2024|\"kmdkit 2024\" -> \"4202 TIKDMK\""
                 "bad|bad|bad: passed")
        string(REPLACE "|" ";" parts "${case}")
        list(GET parts 0 name)
        list(GET parts -1 expect)
        list(SUBLIST parts 1 -1 args)
        list(REMOVE_AT args -1)
        add_test(NAME sharedsection.${name}
                 COMMAND bash "${CMAKE_CURRENT_SOURCE_DIR}/expect.sh" 0 "${expect}" --
                         ${CMAKE_CROSSCOMPILING_EMULATOR} $<TARGET_FILE:sharedsection_client> ${args})
        set_tests_properties(sharedsection.${name} PROPERTIES
            ENVIRONMENT "${KMDKIT_WINE_ENV}" FIXTURES_REQUIRED "kmdkit_wine_session;sharedsection_loaded"
            RESOURCE_LOCK kmdkit_wine_session LABELS "wine;examples" TIMEOUT 60)
    endforeach()
endif()
