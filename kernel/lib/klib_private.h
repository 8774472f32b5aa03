/* Shared between the files of kmdkit_klib; not part of the API. */
#ifndef KMDKIT_KLIB_PRIVATE_H
#define KMDKIT_KLIB_PRIVATE_H

#include <kmdkit/klib.h>

extern PVOID KmdRoutines[KmdRoutineCount];

VOID KmdPoolInitialize(VOID);

#endif
