# sharingmemory (docs/examples/sharingmemory.md): the timer-updated page, read through the driver;
# map/unmap bookkeeping; every bad request with its documented error. Under Wine the client's own
# view cannot be seen (IRPs run in winedevice): the client says so on one line.
# expect.sh: exit code 0 means every check passed; the regex is matched line by line.
kmd_wine_load(sharingmemory EXPECT_LOG "sharingmemory: DriverEntry: device .*KmdSharingMemory ready"
                            EXPECT_UNLOAD_LOG "sharingmemory: pool: no leaks" LABELS examples)
if(KMDKIT_WINE_ENABLED)
    foreach(case "watch|watch|ok: timer: counter [0-9]+ -> [0-9]+ in 500 ms"
                 "wine_gap|watch|not checked under Wine: the client's own view"
                 "bad|bad|bad: passed")
        string(REPLACE "|" ";" parts "${case}")
        list(GET parts 0 name)
        list(GET parts -1 expect)
        list(SUBLIST parts 1 -1 args)
        list(REMOVE_AT args -1)
        add_test(NAME sharingmemory.${name}
                 COMMAND bash "${CMAKE_CURRENT_SOURCE_DIR}/expect.sh" 0 "${expect}" --
                         ${CMAKE_CROSSCOMPILING_EMULATOR} $<TARGET_FILE:sharingmemory_client> ${args})
        set_tests_properties(sharingmemory.${name} PROPERTIES
            ENVIRONMENT "${KMDKIT_WINE_ENV}" FIXTURES_REQUIRED "kmdkit_wine_session;sharingmemory_loaded"
            RESOURCE_LOCK kmdkit_wine_session LABELS "wine;examples" TIMEOUT 60)
    endforeach()
endif()
