/* botbench-sandbox-tls.h: the sandbox's self-signed certificate (internal)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* A new ECDSA P-256 key and a self-signed certificate for "localhost" and
 * 127.0.0.1, valid for ten years, both as PEM. */
gboolean botbench_sandbox_tls_generate         (char       **cert_pem,
                                                char       **key_pem,
                                                GError     **error);
/* Reads DIR/sandbox-cert.pem and DIR/sandbox-key.pem, generating and saving
 * them (key mode 0600) the first time. */
gboolean botbench_sandbox_tls_load_or_generate (const char  *dir,
                                                char       **cert_pem,
                                                char       **key_pem,
                                                GError     **error);

G_END_DECLS
