# wdkstyle.layout: where #pragma alloc_text put the code of the signed image, read from the file.
#   cmake -DREADOBJ=<llvm-readobj-19> -DPDBUTIL=<llvm-pdbutil-19> -DKMDPE=<kmdpe>
#         -DDRIVER=<dist/wdkstyle.sys> -DPDB=<wdkstyle.pdb> -P layout.cmake
# Checks, each from two readers where there are two:
#   INIT discardable and not NOT_PAGED, PAGE neither, .text NOT_PAGED (llvm-readobj and kmdpe info
#   --json must agree on every section's characteristics);
#   the entry point (DriverEntry) in INIT;
#   the routines named in alloc_text in their sections, by the PDB's procedure records.
# Prints the last line only when every rule holds.

set(INIT_ROUTINES DriverEntry WdkStyleLocate WdkStyleServiceName)
set(PAGE_ROUTINES WdkStyleUnload WdkStyleCreateClose WdkStyleDeviceControl WdkStyleMethodBuffered
                  WdkStyleMethodInDirect WdkStyleMethodOutDirect WdkStyleMethodNeither)
set(DISCARDABLE 0x02000000)
set(NOT_PAGED 0x08000000)

function(run out)
    execute_process(COMMAND ${ARGN} OUTPUT_VARIABLE text ERROR_VARIABLE err RESULT_VARIABLE rc)
    if(NOT rc EQUAL 0)
        message(FATAL_ERROR "'${ARGN}' failed (${rc}): ${err}")
    endif()
    set(${out} "${text}" PARENT_SCOPE)
endfunction()

# 1. llvm-readobj: the entry point and every section's number, name, address, size, flags.
run(headers "${READOBJ}" --file-headers --section-headers "${DRIVER}")
if(NOT headers MATCHES "AddressOfEntryPoint: (0x[0-9A-Fa-f]+)")
    message(FATAL_ERROR "llvm-readobj shows no AddressOfEntryPoint for ${DRIVER}")
endif()
math(EXPR entry "${CMAKE_MATCH_1}")
# One list item per "Section {" block; ';' and brackets, which a CMake list treats specially, become
# other characters first.
string(REPLACE ";" "," blocks "${headers}")
string(REPLACE "[" "<" blocks "${blocks}")
string(REPLACE "]" ">" blocks "${blocks}")
string(REPLACE "Section {" ";" blocks "${blocks}")
list(POP_FRONT blocks) # the file headers
set(numbers)
foreach(block IN LISTS blocks)
    string(REGEX MATCH "Number: ([0-9]+)" _ "${block}")
    set(n ${CMAKE_MATCH_1})
    string(REGEX MATCH "Name: ([^ \n]+)" _ "${block}")
    set(name_${n} "${CMAKE_MATCH_1}")
    string(REGEX MATCH "VirtualSize: (0x[0-9A-Fa-f]+)" _ "${block}")
    math(EXPR size_${n} "${CMAKE_MATCH_1}")
    string(REGEX MATCH "VirtualAddress: (0x[0-9A-Fa-f]+)" _ "${block}")
    math(EXPR va_${n} "${CMAKE_MATCH_1}")
    string(REGEX MATCH "Characteristics < \\((0x[0-9A-Fa-f]+)\\)" _ "${block}")
    math(EXPR flags_${n} "${CMAKE_MATCH_1}" OUTPUT_FORMAT HEXADECIMAL)
    set(number_${name_${n}} ${n})
    list(APPEND numbers ${n})
endforeach()
list(LENGTH numbers count)
if(count EQUAL 0)
    message(FATAL_ERROR "llvm-readobj listed no sections for ${DRIVER}:\n${headers}")
endif()

set(problems)

# 2. kmdpe info --json must read the same characteristics.
run(json "${KMDPE}" info --json "${DRIVER}")
string(JSON kcount LENGTH "${json}" sections)
if(NOT kcount EQUAL count)
    list(APPEND problems "kmdpe sees ${kcount} sections, llvm-readobj ${count}")
else()
    math(EXPR last "${count} - 1")
    foreach(i RANGE ${last})
        string(JSON kname GET "${json}" sections ${i} name)
        string(JSON kflags GET "${json}" sections ${i} characteristics)
        math(EXPR n "${i} + 1")
        math(EXPR kflags "${kflags}" OUTPUT_FORMAT HEXADECIMAL)
        if(NOT kname STREQUAL name_${n} OR NOT kflags STREQUAL flags_${n})
            list(APPEND problems "section ${n}: kmdpe reads ${kname} ${kflags}, llvm-readobj ${name_${n}} ${flags_${n}}")
        endif()
    endforeach()
endif()

# 3. The flags the loader acts on.
foreach(rule "INIT|+DISCARDABLE|-NOT_PAGED" "PAGE|-DISCARDABLE|-NOT_PAGED" ".text|+NOT_PAGED|-DISCARDABLE")
    string(REPLACE "|" ";" rule "${rule}")
    list(POP_FRONT rule name)
    if(NOT DEFINED number_${name})
        list(APPEND problems "no section ${name}")
        continue()
    endif()
    set(n ${number_${name}})
    foreach(want IN LISTS rule)
        string(SUBSTRING "${want}" 1 -1 flag)
        math(EXPR has "${flags_${n}} & ${${flag}}")
        if(want MATCHES "^\\+" AND has EQUAL 0)
            list(APPEND problems "${name} (${flags_${n}}) is not ${flag}")
        elseif(want MATCHES "^-" AND NOT has EQUAL 0)
            list(APPEND problems "${name} (${flags_${n}}) is ${flag}")
        endif()
    endforeach()
    message("${name}: characteristics ${flags_${n}}")
endforeach()

# 4. The entry point, DriverEntry (--entry), lies in INIT.
set(entry_in "none")
foreach(n IN LISTS numbers)
    math(EXPR end "${va_${n}} + ${size_${n}}")
    if(entry GREATER_EQUAL va_${n} AND entry LESS end)
        set(entry_in "${name_${n}}")
    endif()
endforeach()
math(EXPR entry_hex "${entry}" OUTPUT_FORMAT HEXADECIMAL)
message("entry point ${entry_hex} in ${entry_in}")
if(NOT entry_in STREQUAL "INIT")
    list(APPEND problems "the entry point ${entry_hex} is in ${entry_in}, not INIT")
endif()

# 5. Each routine of the alloc_text pragmas in its section, by its procedure record in the PDB.
run(symbols "${PDBUTIL}" dump --symbols "${PDB}")
foreach(kind INIT PAGE)
    foreach(routine IN LISTS ${kind}_ROUTINES)
        if(NOT symbols MATCHES "S_[GL]PROC32 \\[[^]]*\\] `${routine}`\n[^\n]*addr = ([0-9]+):")
            list(APPEND problems "no procedure ${routine} in ${PDB}")
            continue()
        endif()
        math(EXPR n "${CMAKE_MATCH_1}")
        if(NOT DEFINED name_${n} OR NOT name_${n} STREQUAL kind)
            list(APPEND problems "${routine} is in section ${n} (${name_${n}}), not ${kind}")
        else()
            message("${routine}: ${kind}")
        endif()
    endforeach()
endforeach()

if(problems)
    list(JOIN problems "\n  " text)
    message(FATAL_ERROR "wdkstyle.sys:\n  ${text}")
endif()
message("layout: INIT discardable with DriverEntry, PAGE pageable with the dispatch routines")
