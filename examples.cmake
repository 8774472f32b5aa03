# KmdKit's examples, ported to C (docs/examples/<name>.md). Each has kernel/<name>, usually
# user/<name>, one contract header headers/<name>_ioctl.h, and tests/examples/<name>.cmake.
set(KMDKIT_EXAMPLES
    # part 1: I/O, memory and data
    beeper cmos virttophys ntbuild whichirql sections
    fileworks registryworks systemmodules lookaside sharedsection sharingmemory
    # part 2: threads, timers, events, notifications, filters, security
    mutex timers workitem processmon inverted securedevices kbdspy)
