# PnP driver packages: kmd_add_driver(<name> ... INF <file.inx|file.inf> [INF_OS <ids>] [INF_VERSION <v>])
#
# A PnP driver ships as a package: its INF, the files the INF copies, and a signed catalog that
# lists them all. With INF, kmd_add_driver adds to the build, after the driver is signed and
# staged (cmake/kmdkit-package.sh make):
#   stamp   kmdinf stamp, like the WDK's stampinf: DriverVer = the date of KMDKIT_SIGN_TIME
#           (SOURCE_DATE_EPOCH at configure time) and INF_VERSION (default: the project's
#           version as W.X.Y.Z), NT$ARCH$ -> NTamd64 / NTx86
#   check   kmdinf check for this architecture: an error stops the build (tools/kmdinf/README.md)
#   catalog kmdcat make over the INF and every file it copies, taken from dist/ (PE files by
#           their Authenticode hash): the catalog file the INF names (CatalogFile[.NT<arch>]),
#           for the Windows versions INF_OS lists (Inf2Cat's ids, `kmdcat os`; default 7, 8,
#           8.1 and 10 of this architecture). A SHA-1 (version 1) catalog when a target is older
#           than Windows 8, else SHA-256 (version 2). ThisUpdate is KMDKIT_SIGN_TIME.
#   sign    with the drivers' certificate (kmdkit-sign.sh), then each member verified against it
#   stage   <inf> and <cat> into dist/ (and SHA256SUMS); neither is staged when a step fails
# and the test <name>.package (labels pnp, sign): the staged package verifies member by member
# with osslsigncode and kmdcat, and a driver with one byte changed is refused by both.

# The catalog file the INF names for this architecture, read at configure time (the build's
# stamp step checks kmdinf agrees): CatalogFile.NT<arch>, else .NT, else the undecorated one.
function(_kmd_inf_catalog out fn name src)
    file(STRINGS "${src}" lines REGEX "^[ \t]*[Cc][Aa][Tt][Aa][Ll][Oo][Gg][Ff][Ii][Ll][Ee]")
    if(KMDKIT_ARCH STREQUAL "x64")
        set(decorations "ntamd64;nt$arch$;nt;")
    else()
        set(decorations "ntx86;nt$arch$;nt;")
    endif()
    foreach(want IN LISTS decorations)
        foreach(line IN LISTS lines)
            if(line MATCHES "^[ \t]*[Cc][Aa][Tt][Aa][Ll][Oo][Gg][Ff][Ii][Ll][Ee](\\.[^ \t=]*)?[ \t]*=[ \t]*([^ \t;]+)")
                set(value "${CMAKE_MATCH_2}")
                string(TOLOWER "${CMAKE_MATCH_1}" decoration)
                string(REGEX REPLACE "^\\." "" decoration "${decoration}")
                if(decoration STREQUAL want)
                    set(${out} "${value}" PARENT_SCOPE)
                    return()
                endif()
            endif()
        endforeach()
    endforeach()
    message(FATAL_ERROR "${fn}(${name} INF ${src}): its [Version] section names no CatalogFile "
                        "(a PnP package is signed through its catalog) (called from ${CMAKE_CURRENT_LIST_FILE})")
endfunction()

function(_kmd_driver_package fn name src os version)
    if(NOT IS_ABSOLUTE "${src}")
        set(src "${CMAKE_CURRENT_SOURCE_DIR}/${src}")
    endif()
    if(NOT EXISTS "${src}" OR IS_DIRECTORY "${src}")
        message(FATAL_ERROR "${fn}(${name} INF ${src}): no such file (called from ${CMAKE_CURRENT_LIST_FILE})")
    endif()
    if(NOT src MATCHES "\\.(inx|inf|INX|INF)$")
        message(FATAL_ERROR "${fn}(${name} INF ${src}): the INF must end in .inx or .inf (called from ${CMAKE_CURRENT_LIST_FILE})")
    endif()
    if(NOT KMDKIT_KMDINF_EXE OR NOT KMDKIT_KMDCAT_EXE)
        message(FATAL_ERROR "${fn}(${name} INF): kmdinf and kmdcat were not found next to KMDKIT_KMDPE "
                            "(${KMDKIT_KMDPE}) (called from ${CMAKE_CURRENT_LIST_FILE})")
    endif()
    set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS "${src}")
    get_filename_component(base "${src}" NAME_WE)
    string(TOLOWER "${base}.inf" inf)
    _kmd_inf_catalog(cat ${fn} ${name} "${src}")

    # Versions: W.X.Y.Z, each 0-65535; a shorter project version is padded with zeros.
    if(NOT version)
        set(version "${PROJECT_VERSION}")
        if(NOT version)
            set(version "1.0.0.0")
        endif()
        string(REGEX MATCHALL "[0-9]+" parts "${version}")
        list(LENGTH parts n)
        while(n LESS 4)
            list(APPEND parts 0)
            math(EXPR n "${n} + 1")
        endwhile()
        list(JOIN parts "." version)
    endif()
    if(NOT version MATCHES "^[0-9]+\\.[0-9]+\\.[0-9]+\\.[0-9]+$")
        message(FATAL_ERROR "${fn}(${name} INF_VERSION ${version}): a driver version is W.X.Y.Z "
                            "(called from ${CMAKE_CURRENT_LIST_FILE})")
    endif()

    if(NOT os)
        if(KMDKIT_ARCH STREQUAL "x64")
            set(os 7_X64 8_X64 6_3_X64 10_X64)
        else()
            set(os 7_X86 8_X86 6_3_X86 10_X86)
        endif()
    endif()
    # Inf2Cat's ids name the architecture last; a package is built for one (its .sys is).
    if(KMDKIT_ARCH STREQUAL "x64")
        set(arch_id X64)
    else()
        set(arch_id X86)
    endif()
    foreach(id IN LISTS os)
        string(TOUPPER "${id}" up)
        if(NOT up MATCHES "^[A-Z0-9_]+_${arch_id}$")
            message(FATAL_ERROR "${fn}(${name} INF_OS ${id}): not an Inf2Cat id of a ${KMDKIT_ARCH} "
                                "Windows (e.g. 10_${arch_id}; `kmdcat os` lists them) "
                                "(called from ${CMAKE_CURRENT_LIST_FILE})")
        endif()
    endforeach()
    # Windows 7 and older read only SHA-1 (version 1) catalogs.
    set(hash sha256)
    foreach(id IN LISTS os)
        string(TOUPPER "${id}" up)
        if(up MATCHES "^(XP|SERVER2003|VISTA|SERVER2008|7|SERVER2008R2)_")
            set(hash sha1)
        endif()
    endforeach()
    list(JOIN os "," os_arg)

    set(sign_args)
    if(KMDKIT_SIGN)
        set(sign_args --osslsigncode "${KMDKIT_OSSLSIGNCODE}" --sign "${KMDKIT_SIGN_SCRIPT}" -- ${KMDKIT_SIGN_ARGS})
    endif()
    set(outputs "${KMDKIT_DIST_DIR}/${inf}" "${KMDKIT_DIST_DIR}/${cat}")
    set(package "${KMDKIT_CMAKE_DIR}/kmdkit-package.sh")
    add_custom_command(OUTPUT ${outputs}
        COMMAND bash "${package}" make --kmdinf "${KMDKIT_KMDINF_EXE}" --kmdcat "${KMDKIT_KMDCAT_EXE}"
                --src "${src}" --dist "${KMDKIT_DIST_DIR}" --inf "${inf}" --cat "${cat}"
                --arch ${KMDKIT_ARCH} --version ${version} --os "${os_arg}" --hash ${hash}
                --time ${KMDKIT_SIGN_TIME} --work "${CMAKE_CURRENT_BINARY_DIR}/${name}-package"
                ${sign_args}
        DEPENDS "${src}" "${package}" "${KMDKIT_DIST_DIR}/${name}.sys" ${name}_dist
                "${KMDKIT_SIGN_CERT_PEM}"
        COMMENT "Driver package ${inf} + ${cat} into dist/" VERBATIM)
    add_custom_target(${name}_package ALL DEPENDS ${outputs})
    if(TARGET kmdkit_kmdpe)
        add_dependencies(${name}_package kmdkit_kmdpe)
    endif()
    foreach(f IN LISTS outputs)
        set_property(GLOBAL APPEND PROPERTY KMDKIT_DIST_FILES "${f}")
    endforeach()
    set_property(GLOBAL APPEND PROPERTY KMDKIT_DIST_TARGETS ${name}_package)
    set_property(TARGET ${name} PROPERTY KMDKIT_INF "${KMDKIT_DIST_DIR}/${inf}")

    set(verify_args)
    if(KMDKIT_SIGN)
        # The CA the signatures verify against (--ca of kmdkit-sign.sh: KmdKitSign.cmake).
        list(FIND KMDKIT_SIGN_ARGS --ca i)
        math(EXPR i "${i} + 1")
        list(GET KMDKIT_SIGN_ARGS ${i} ca)
        set(verify_args --osslsigncode "${KMDKIT_OSSLSIGNCODE}" --ca "${ca}")
    endif()
    add_test(NAME ${name}.package COMMAND bash "${package}" verify --kmdinf "${KMDKIT_KMDINF_EXE}"
             --kmdcat "${KMDKIT_KMDCAT_EXE}" --dist "${KMDKIT_DIST_DIR}" --inf "${inf}"
             --arch ${KMDKIT_ARCH} ${verify_args})
    set_tests_properties(${name}.package PROPERTIES LABELS "pnp;sign;lint" TIMEOUT 60
                         PASS_REGULAR_EXPRESSION "package ${inf}: [1-9][0-9]* members verified")
endfunction()
