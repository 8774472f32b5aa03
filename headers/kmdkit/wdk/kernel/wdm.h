/* kmdkit's wdm.h for WDK-style drivers (kmd_add_driver(... WDK)): MinGW-w64's wdm.h, then what
 * WDK sources use and MinGW lacks (../wdk_compat.h, docs/wdk.md). This folder comes before
 * MinGW's ddk folder on the include path of WDK drivers only. No include guard: MinGW's header
 * has one, and wdk_compat.h has its own. */
#include_next <wdm.h>
#include "../wdk_compat.h"
