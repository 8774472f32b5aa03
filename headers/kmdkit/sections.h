/* Code placement, the GCC spelling of #pragma alloc_text. kmdpe fix marks INIT discardable and
 * every section but INIT and PAGE* not-paged, as the Windows loader expects.
 *   KMD_INIT  code run only while DriverEntry runs (freed afterwards)
 *   KMD_PAGED code that runs at PASSIVE_LEVEL only and may be paged out */
#ifndef KMDKIT_SECTIONS_H
#define KMDKIT_SECTIONS_H

#define KMD_INIT __attribute__((section("INIT")))
#define KMD_PAGED __attribute__((section("PAGE")))

#endif
