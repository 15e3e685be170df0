/* fuzz-common.h: what every libFuzzer target of Botbench shares
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerInitialize   (int            *argc,
                            char         ***argv);
int LLVMFuzzerTestOneInput (const uint8_t  *data,
                            size_t          size);

/* Replaying a reproducer by hand runs the target without run-fuzzer.sh:
 * keep GSettings and GVfs out of the user's session all the same. */
static inline void
fuzz_init_environment (void)
{
  g_setenv ("GSETTINGS_BACKEND", "memory", FALSE);
  g_setenv ("GIO_USE_VFS", "local", FALSE);
  g_setenv ("NO_AT_BRIDGE", "1", FALSE);
}
