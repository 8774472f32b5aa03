# ntbuild (docs/examples/ntbuild.md): IRP_MJ_READ returns RtlGetVersion's answer; under Wine as on
# Windows it must match what RtlGetVersion tells the client, field for field.
kmd_wine_load(ntbuild EXPECT_LOG "ntbuild: DriverEntry: device .*KmdNtBuild ready"
                      EXPECT_UNLOAD_LOG "ntbuild: pool: no leaks" LABELS examples)
kmd_wine_test(ntbuild.compare DRIVER ntbuild COMMAND ntbuild_client compare LABELS examples
              PASS_REGULAR_EXPRESSION "\ncompare: driver and client agree")
# Exactly the record's size (284 bytes), a larger buffer (still 284 bytes back, Size 0x11c first).
kmd_wine_test(ntbuild.read_exact DRIVER ntbuild COMMAND ntbuild_client read 284 LABELS examples
              PASS_REGULAR_EXPRESSION "read: ok: 284 bytes\n  0000  1c 01 00 00 ")
kmd_wine_test(ntbuild.read_large DRIVER ntbuild COMMAND ntbuild_client read 4096 LABELS examples
              PASS_REGULAR_EXPRESSION "read: ok: 284 bytes\n  0000  1c 01 00 00 ")
# Short buffers and the requests the driver does not handle.
foreach(case "read_short|read;283|122 \\(ERROR_INSUFFICIENT_BUFFER\\)"
             "read_empty|read;0|122 \\(ERROR_INSUFFICIENT_BUFFER\\)"
             "write|write|1 \\(ERROR_INVALID_FUNCTION\\)"
             "ioctl|ioctl|1 \\(ERROR_INVALID_FUNCTION\\)")
    string(REPLACE "|" ";" parts "${case}")
    list(POP_FRONT parts name)
    list(POP_BACK parts expect)
    list(GET parts 0 what)
    kmd_wine_test(ntbuild.bad.${name} DRIVER ntbuild COMMAND ntbuild_client ${parts} LABELS examples
                  PASS_REGULAR_EXPRESSION "^${what}: error: ${expect}")
endforeach()
