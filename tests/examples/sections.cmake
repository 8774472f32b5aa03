# sections (docs/examples/sections.md).
#
# Two uses of this file: tests/CMakeLists.txt include()s it to register the tests, and the test
# sections.layout runs it as a script (cmake -P) to check the built image's section flags with
# `kmdpe info --json`.
if(CMAKE_SCRIPT_MODE_FILE)
    execute_process(COMMAND "${KMDPE}" info --json "${DRIVER}" OUTPUT_VARIABLE json
                    RESULT_VARIABLE rc)
    if(NOT rc EQUAL 0)
        message(FATAL_ERROR "kmdpe info --json ${DRIVER} failed (${rc})")
    endif()
    # name -> "FLAG;FLAG;..."
    string(JSON count LENGTH "${json}" sections)
    math(EXPR last "${count} - 1")
    foreach(i RANGE ${last})
        string(JSON name GET "${json}" sections ${i} name)
        string(JSON nflags LENGTH "${json}" sections ${i} flags)
        set(flags)
        if(nflags GREATER 0)
            math(EXPR lastflag "${nflags} - 1")
            foreach(j RANGE ${lastflag})
                string(JSON flag GET "${json}" sections ${i} flags ${j})
                list(APPEND flags ${flag})
            endforeach()
        endif()
        set(flags_${name} "${flags}")
        set(have_${name} TRUE)
    endforeach()
    set(problems)
    # Section name -> what it must have (+FLAG) and must not have (-FLAG).
    foreach(rule "INIT|+DISCARDABLE|-NOT_PAGED" "PAGE|-NOT_PAGED|-DISCARDABLE"
                 "PAGEDATA|-NOT_PAGED|-DISCARDABLE" "PAGECONS|-NOT_PAGED|-DISCARDABLE"
                 ".text|+NOT_PAGED|-DISCARDABLE" ".data|+NOT_PAGED|-DISCARDABLE"
                 ".rdata|+NOT_PAGED|-DISCARDABLE" ".bss|+NOT_PAGED|-DISCARDABLE")
        string(REPLACE "|" ";" rule "${rule}")
        list(POP_FRONT rule name)
        if(NOT have_${name})
            list(APPEND problems "no section ${name}")
            continue()
        endif()
        foreach(want IN LISTS rule)
            string(SUBSTRING "${want}" 1 -1 flag)
            list(FIND flags_${name} ${flag} at)
            if(want MATCHES "^\\+" AND at EQUAL -1)
                list(APPEND problems "${name} lacks ${flag}")
            elseif(want MATCHES "^-" AND NOT at EQUAL -1)
                list(APPEND problems "${name} has ${flag}")
            endif()
        endforeach()
        message("${name}: ${flags_${name}}")
    endforeach()
    if(problems)
        message(FATAL_ERROR "sections.sys: ${problems}")
    endif()
    message("layout: INIT discardable; PAGE, PAGEDATA, PAGECONS pageable; .text, .data, .rdata, .bss not paged")
    return()
endif()

get_target_property(_sections_sys sections KMDKIT_DIST_FILE)
add_test(NAME sections.layout COMMAND "${CMAKE_COMMAND}" -DKMDPE=${KMDKIT_KMDPE_EXE}
                                      -DDRIVER=${_sections_sys} -P "${CMAKE_CURRENT_LIST_FILE}")
set_tests_properties(sections.layout PROPERTIES LABELS "examples;lint" TIMEOUT 30
    PASS_REGULAR_EXPRESSION "layout: INIT discardable; PAGE, PAGEDATA, PAGECONS pageable")

kmd_wine_load(sections EXPECT_LOG "sections: SectionsInit \\(code\\) +RVA 0x[0-9a-f]+ in INIT \\(discardable\\)"
                       EXPECT_UNLOAD_LOG "sections: pool: no leaks" LABELS examples)
kmd_wine_test(sections.report DRIVER sections COMMAND sections_client report LABELS examples
              PASS_REGULAR_EXPRESSION
              "report: 8 samples where they belong[^\n]*\nnot checked under Wine: that INIT is freed after DriverEntry")
kmd_wine_test(sections.check DRIVER sections COMMAND sections_client check LABELS examples
              PASS_REGULAR_EXPRESSION "check: all 3 answers as documented")
if(KMDKIT_WINE_ENABLED)
    # DriverEntry logs every sample's place too.
    add_test(NAME sections.log
             COMMAND bash "${KMDKIT_WINE_SCRIPT}" expect-log "sections: SectionsDeviceControl +RVA 0x[0-9a-f]+ in PAGE \\(pageable\\)")
    set_tests_properties(sections.log PROPERTIES
        ENVIRONMENT "${KMDKIT_WINE_ENV}" LABELS "wine;examples" TIMEOUT 60
        RESOURCE_LOCK kmdkit_wine_session FIXTURES_REQUIRED "kmdkit_wine_session;sections_loaded")
endif()
