# registryworks (docs/examples/registryworks.md): the driver's key and values, read back in the
# driver and from user mode, deleted; every bad request with its documented error.
kmd_wine_load(registryworks EXPECT_LOG "registryworks: DriverEntry: device .*KmdRegistryWorks ready"
                            EXPECT_UNLOAD_LOG "registryworks: pool: no leaks" LABELS examples)
if(KMDKIT_WINE_ENABLED)
    foreach(case "run|run|run: passed" "bad|bad|bad: passed")
        string(REPLACE "|" ";" parts "${case}")
        list(GET parts 0 name)
        list(GET parts -1 expect)
        list(SUBLIST parts 1 -1 args)
        list(REMOVE_AT args -1)
        add_test(NAME registryworks.${name}
                 COMMAND bash "${CMAKE_CURRENT_SOURCE_DIR}/expect.sh" 0 "${expect}" --
                         ${CMAKE_CROSSCOMPILING_EMULATOR} $<TARGET_FILE:registryworks_client> ${args})
        set_tests_properties(registryworks.${name} PROPERTIES
            ENVIRONMENT "${KMDKIT_WINE_ENV}" FIXTURES_REQUIRED "kmdkit_wine_session;registryworks_loaded"
            RESOURCE_LOCK kmdkit_wine_session LABELS "wine;examples" TIMEOUT 60)
    endforeach()
endif()
