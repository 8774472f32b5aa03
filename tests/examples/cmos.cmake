# cmos (docs/examples/cmos.md): under Wine the driver cannot touch ports 70h/71h (no port I/O in
# winedevice), so no test sends a valid IOCTL_CMOS_READ_CLOCK: they check loading, every refusal,
# the register decoding (IOCTL_CMOS_DECODE, exact values) and unloading without leaks.
kmd_wine_load(cmos EXPECT_LOG "cmos: DriverEntry: device .*KmdCmos ready"
                   EXPECT_UNLOAD_LOG "cmos: pool: no leaks" LABELS examples)
kmd_wine_test(cmos.check DRIVER cmos COMMAND cmos_client check LABELS examples
              PASS_REGULAR_EXPRESSION
              "check: all 18 answers right\nnot checked under Wine: reading the clock itself")
# Decodings one by one, with the exact answer.
kmd_wine_test(cmos.decode.bcd_12h_pm DRIVER cmos COMMAND cmos_client decode 7 6 91 28 2 24 0
              LABELS examples PASS_REGULAR_EXPRESSION
              "^decode: 2024-02-28 23:06:07 \\(registers 07 06 91 28 02 24, status B 00h: BCD, 12-hour\\)")
kmd_wine_test(cmos.decode.binary_24h DRIVER cmos COMMAND cmos_client decode 3b 3b 0 1f c 63 6
              LABELS examples PASS_REGULAR_EXPRESSION
              "^decode: 2099-12-31 00:59:59 \\(registers 3b 3b 00 1f 0c 63, status B 06h: binary, 24-hour\\)")
kmd_wine_test(cmos.decode.bad_bcd DRIVER cmos COMMAND cmos_client decode 0 0 1a 1 1 24 2
              LABELS examples PASS_REGULAR_EXPRESSION "^decode: error: 87 \\(ERROR_INVALID_PARAMETER\\)")
