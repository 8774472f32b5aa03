/* The one include for a kmdkit driver: the DDK (ntddk.h), what MinGW-w64 lacks, and the kernel
 * support library kmdkit_klib (linked into every driver by kmd_add_driver unless NO_KLIB).
 * A driver that needs ntifs.h includes it before this file. See docs/klib.md. */
#ifndef KMDKIT_KERNEL_H
#define KMDKIT_KERNEL_H

#include <ntddk.h>

#include <kmdkit/ntos_ext.h>
#include <kmdkit/sections.h>
#include <kmdkit/klib.h>
#include <kmdkit/log.h>
#include <kmdkit/pool.h>
#include <kmdkit/device.h>
#include <kmdkit/irp.h>
#include <kmdkit/kstring.h>
#include <kmdkit/thread.h>
#include <kmdkit/runstate.h>

#endif
