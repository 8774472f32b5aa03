# inverted (docs/examples/inverted.md): IOCTLs kept pending and completed by events, oldest first;
# cancellation by CancelIoEx/CancelIo and at process exit. Loaded once for all its cases,
# unloaded with zero leaks.
kmd_wine_load(inverted EXPECT_LOG "inverted: DriverEntry: device .*KmdInverted ready"
                       EXPECT_UNLOAD_LOG "inverted: pool: no leaks" LABELS examples)

# 4 requests pending at once; 4 SIGNALs from a second handle complete them in FIFO order, each
# with its payload, the sequence numbers one apart (the client checks both).
kmd_wine_test(inverted.fifo DRIVER inverted COMMAND inverted_client fifo LABELS examples
              PASS_REGULAR_EXPRESSION
              "fifo: 4 requests pending\nrequest 1: event #[0-9]+, 7 bytes \"event-1\"\nrequest 2: event #[0-9]+, 7 bytes \"event-2\"\nrequest 3: event #[0-9]+, 7 bytes \"event-3\"\nrequest 4: event #[0-9]+, 7 bytes \"event-4\"\nfifo: passed")
# CancelIoEx on the middle one of 3 -> 995 and it leaves the queue: the next events go to
# requests 1 and 3; CancelIo on a fourth; nothing left pending.
kmd_wine_test(inverted.cancel DRIVER inverted COMMAND inverted_client cancel LABELS examples
              PASS_REGULAR_EXPRESSION
              "request 2: 995 \\(ERROR_OPERATION_ABORTED\\).*request 1: event #[0-9]+, 5 bytes \"first\"\nrequest 3: event #[0-9]+, 5 bytes \"third\"\nCancelIo on request 4\nrequest 4: 995 \\(ERROR_OPERATION_ABORTED\\).*stats: pending 0,.*cancel: passed")
# CloseHandle with 2 requests pending: Windows sends IRP_MJ_CLEANUP (the driver completes
# them); Wine never does, and the client says so.
kmd_wine_test(inverted.close DRIVER inverted COMMAND inverted_client close LABELS examples
              PASS_REGULAR_EXPRESSION
              "close: 2 requests pending, handle closed\n.*(close: passed|not checked under Wine: IRP_MJ_CLEANUP on CloseHandle \\(never sent: 2 request\\(s\\) of the closed handle still queued)")
# A process exits with 2 requests pending (and the close case's 2): the system cancels them,
# the driver's cancel routine runs, nothing stays queued.
kmd_wine_test(inverted.exit DRIVER inverted COMMAND inverted_client exit LABELS examples
              PASS_REGULAR_EXPRESSION "exit: leaving with 2 requests pending")
kmd_wine_test(inverted.after_exit DRIVER inverted COMMAND inverted_client stats --pending 0
              LABELS examples PASS_REGULAR_EXPRESSION "stats: pending is 0, as expected")
if(TEST inverted.after_exit)
    set_tests_properties(inverted.after_exit PROPERTIES DEPENDS "inverted.close;inverted.exit")
endif()

# A WAIT with good buffers pends (the client cancels it after 1 s); each bad buffer gets its
# documented Win32 error (headers/inverted_ioctl.h).
foreach(case
        "wait_pends|call;wait|call: pending \\(cancelling it\\)\ncall: error: 995 \\(ERROR_OPERATION_ABORTED\\)"
        "wait_with_input|call;wait;--in-size;4|call: error: 87 \\(ERROR_INVALID_PARAMETER\\)"
        "wait_short_out|call;wait;--out-size;71|call: error: 122 \\(ERROR_INSUFFICIENT_BUFFER\\)"
        "signal_empty|call;signal;--in-size;0|call: error: 87 \\(ERROR_INVALID_PARAMETER\\)"
        "signal_too_long|call;signal;--in-size;65|call: error: 87 \\(ERROR_INVALID_PARAMETER\\)"
        "signal_no_waiter|call;signal;--in-size;64|call: error: 259 \\(ERROR_NO_MORE_ITEMS\\)"
        "stats_short_out|call;stats;--out-size;23|call: error: 122 \\(ERROR_INSUFFICIENT_BUFFER\\)"
        "stats_with_input|call;stats;--in-size;1|call: error: 87 \\(ERROR_INVALID_PARAMETER\\)"
        "unknown_code|call;82303FFC;--out-size;4|call: error: 1 \\(ERROR_INVALID_FUNCTION\\)")
    string(REPLACE "|" ";" parts "${case}")
    list(GET parts 0 name)
    list(GET parts -1 expect)
    list(SUBLIST parts 1 -1 args)
    list(REMOVE_AT args -1)
    kmd_wine_test(inverted.bad.${name} DRIVER inverted COMMAND inverted_client ${args}
                  LABELS examples PASS_REGULAR_EXPRESSION "${expect}")
endforeach()
