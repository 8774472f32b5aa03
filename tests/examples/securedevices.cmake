# securedevices (docs/examples/securedevices.md): devices with klib's DACL presets and
# FILE_DEVICE_SECURE_OPEN, one with the system default; the DACL each one really has, read back.
kmd_wine_load(securedevices
              EXPECT_LOG "securedevices: DriverEntry: .*KmdSecureDefault \\(system default, no SECURE_OPEN\\)"
              EXPECT_UNLOAD_LOG "securedevices: pool: no leaks" LABELS examples)

# The DACL read back, ACE by ACE (Wine keeps the generic rights as set, Windows maps them to
# file rights: GA -> FA, GR -> FR, GRGW -> FRFW); the client also checks SIDs, order and
# SE_DACL_PROTECTED, and says what Wine cannot show.
set(_sd_all "(GA|FA)")
# One regex (PASS_REGULAR_EXPRESSION passes when any one of several matches): the parts in order.
string(JOIN ".*" _sd_report
       "device 0 [^\n]*KmdSecureAdmins: type 0x8231[^\n]*\n  intended D:P\\(A;;GA;;;SY\\)\\(A;;GA;;;BA\\)\n  DACL     D:P\\(A;;${_sd_all};;;SY\\)\\(A;;${_sd_all};;;BA\\)\n  ok: 2 ACEs"
       "device 1 [^\n]*KmdSecureUsersRead[^\n]*\n[^\n]*\n  DACL     D:P\\(A;;${_sd_all};;;SY\\)\\(A;;${_sd_all};;;BA\\)\\(A;;(GR|FR);;;BU\\)\n  ok: 3 ACEs"
       "device 2 [^\n]*KmdSecureEveryone[^\n]*\n[^\n]*\n  DACL     D:P\\(A;;${_sd_all};;;SY\\)\\(A;;${_sd_all};;;BA\\)\\(A;;(GRGW|FRFW);;;WD\\)\n  ok: 3 ACEs"
       "device 3 [^\n]*KmdSecureDefault: type 0x8231, characteristics 0x0 \\(asked 0x0\\)"
       "KmdSecureAdmins: read/write ok, read ok, .sub error 2"
       "not checked under Wine: FILE_DEVICE_SECURE_OPEN"
       "not checked under Wine: denial for a standard user"
       "report: passed")
kmd_wine_test(securedevices.report DRIVER securedevices COMMAND securedevices_client report
              LABELS examples PASS_REGULAR_EXPRESSION "${_sd_report}")
# Each bad buffer gets its documented Win32 error (headers/securedevices_ioctl.h).
foreach(case
        "query_ok|call;query;--index;3|call: ok: 804 bytes"
        "index_out_of_range|call;query;--index;4|call: error: 87 \\(ERROR_INVALID_PARAMETER\\)"
        "input_short|call;query;--in-size;3|call: error: 87 \\(ERROR_INVALID_PARAMETER\\)"
        "input_long|call;query;--in-size;5|call: error: 87 \\(ERROR_INVALID_PARAMETER\\)"
        "output_short|call;query;--out-size;803|call: error: 122 \\(ERROR_INSUFFICIENT_BUFFER\\)"
        "unknown_code|call;82313FFC|call: error: 1 \\(ERROR_INVALID_FUNCTION\\)")
    string(REPLACE "|" ";" parts "${case}")
    list(GET parts 0 name)
    list(GET parts -1 expect)
    list(SUBLIST parts 1 -1 args)
    list(REMOVE_AT args -1)
    kmd_wine_test(securedevices.bad.${name} DRIVER securedevices COMMAND securedevices_client ${args}
                  LABELS examples PASS_REGULAR_EXPRESSION "${expect}")
endforeach()
