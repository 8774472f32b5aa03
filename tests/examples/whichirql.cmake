# whichirql (docs/examples/whichirql.md): under Wine every IRP runs on one winedevice thread (yet
# PsGetCurrentProcessId/ThreadId report the requester's ids), IRQL always reads PASSIVE_LEVEL and
# IRP_MJ_CLEANUP is never sent: the test checks the records as Wine gives them (IRQL 0, the
# routines of each open in order, the client's ids) and says what it cannot check.
kmd_wine_load(whichirql EXPECT_LOG "whichirql: DriverEntry: IRQL 0, process [0-9]+, thread [0-9]+; device .*KmdWhichIrql ready"
                        EXPECT_UNLOAD_LOG "whichirql: pool: no leaks" LABELS examples)
kmd_wine_test(whichirql.run DRIVER whichirql COMMAND whichirql_client run LABELS examples
              PASS_REGULAR_EXPRESSION
              "open ([0-9]+): CREATE DEVICE_CONTROL CLOSE\nopen ([0-9]+): CREATE DEVICE_CONTROL\nrun: [0-9]+ records checked: all at PASSIVE_LEVEL, in the expected order\nrun: every routine but CLOSE ran in this process and thread\nnot checked under Wine: that the routines really run in the caller's thread")
kmd_wine_test(whichirql.check DRIVER whichirql COMMAND whichirql_client check LABELS examples
              PASS_REGULAR_EXPRESSION "check: all 3 answers as documented")
