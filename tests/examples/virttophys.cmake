# virttophys (docs/examples/virttophys.md): Wine's MmGetPhysicalAddress returns the virtual
# address, so under Wine the tests check the round trip (count, order, each address back as
# itself), every documented refusal, and unloading without leaks.
kmd_wine_load(virttophys EXPECT_LOG "virttophys: DriverEntry: device .*KmdVirtToPhys ready"
                         EXPECT_UNLOAD_LOG "virttophys: pool: no leaks" LABELS examples)
kmd_wine_test(virttophys.show DRIVER virttophys COMMAND virttophys_client show LABELS examples
              PASS_REGULAR_EXPRESSION
              "show: 3 addresses sent, 3 answered, 3 resident\nshow: round trip as Wine gives it: physical == virtual for every entry\nnot checked under Wine: real physical addresses")
kmd_wine_test(virttophys.check DRIVER virttophys COMMAND virttophys_client check LABELS examples
              PASS_REGULAR_EXPRESSION
              "check: all 9 answers as documented\nnot checked under Wine: the refusal of a kernel address")
