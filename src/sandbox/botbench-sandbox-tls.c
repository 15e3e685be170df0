/* botbench-sandbox-tls.c: the certificate the sandbox serves with --tls
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Made with the gnutls x509 API (GIO has no certificate writer).  The key is
 * exported as PKCS#8 ("BEGIN PRIVATE KEY"), which GTlsCertificate reads.
 * _botbench_sandbox_load_certificate() picks the files given, the pair kept
 * next to the state, or a pair made for this process.
 */
#define G_LOG_DOMAIN "botbench-sandbox-tls"

#include "config.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <string.h>
#include <time.h>

#include "botbench-sandbox.h"
#include "botbench-sandbox-private.h"
#include "botbench-sandbox-tls.h"

#define CERT_FILE "sandbox-cert.pem"
#define KEY_FILE  "sandbox-key.pem"
#define VALID_SECONDS (10 * 365 * 24 * 3600)

static gboolean
check (int      rc,
       GError **error)
{
  if (rc >= 0)
    return TRUE;

  g_set_error (error, BOTBENCH_SANDBOX_ERROR, BOTBENCH_SANDBOX_ERROR_TLS,
               _("Cannot create the sandbox certificate: %s"), gnutls_strerror (rc));
  return FALSE;
}

static char *
datum_to_string (gnutls_datum_t *datum)
{
  char *s = g_strndup ((const char *)datum->data, datum->size);

  gnutls_free (datum->data);
  datum->data = NULL;

  return s;
}

gboolean
botbench_sandbox_tls_generate (char   **cert_pem,
                               char   **key_pem,
                               GError **error)
{
  static const guchar loopback[4] = { 127, 0, 0, 1 };
  static const char cn[] = "Botbench sandbox";
  gnutls_x509_privkey_t key = NULL;
  gnutls_x509_crt_t crt = NULL;
  gnutls_datum_t out = { NULL, 0 };
  guchar serial[16];
  time_t now = time (NULL);
  gboolean ok = FALSE;

  g_return_val_if_fail (cert_pem != NULL && key_pem != NULL, FALSE);

  for (guint i = 0; i < sizeof serial; i++)
    serial[i] = g_random_int_range (0, 256);
  serial[0] &= 0x7f;   /* a positive INTEGER */

  if (!check (gnutls_x509_privkey_init (&key), error) ||
      !check (gnutls_x509_privkey_generate (key, GNUTLS_PK_ECDSA,
                                            GNUTLS_CURVE_TO_BITS (GNUTLS_ECC_CURVE_SECP256R1), 0),
              error) ||
      !check (gnutls_x509_crt_init (&crt), error) ||
      !check (gnutls_x509_crt_set_version (crt, 3), error) ||
      !check (gnutls_x509_crt_set_serial (crt, serial, sizeof serial), error) ||
      !check (gnutls_x509_crt_set_activation_time (crt, now - 3600), error) ||
      !check (gnutls_x509_crt_set_expiration_time (crt, now + VALID_SECONDS), error) ||
      !check (gnutls_x509_crt_set_dn_by_oid (crt, GNUTLS_OID_X520_COMMON_NAME, 0, cn, strlen (cn)), error) ||
      !check (gnutls_x509_crt_set_issuer_dn_by_oid (crt, GNUTLS_OID_X520_COMMON_NAME, 0, cn, strlen (cn)), error) ||
      !check (gnutls_x509_crt_set_subject_alt_name (crt, GNUTLS_SAN_DNSNAME, "localhost",
                                                    strlen ("localhost"), GNUTLS_FSAN_SET), error) ||
      !check (gnutls_x509_crt_set_subject_alt_name (crt, GNUTLS_SAN_IPADDRESS, loopback,
                                                    sizeof loopback, GNUTLS_FSAN_APPEND), error) ||
      !check (gnutls_x509_crt_set_basic_constraints (crt, 0, -1), error) ||
      !check (gnutls_x509_crt_set_key_usage (crt, GNUTLS_KEY_DIGITAL_SIGNATURE), error) ||
      !check (gnutls_x509_crt_set_key_purpose_oid (crt, GNUTLS_KP_TLS_WWW_SERVER, 0), error) ||
      !check (gnutls_x509_crt_set_key (crt, key), error) ||
      !check (gnutls_x509_crt_sign2 (crt, crt, key, GNUTLS_DIG_SHA256, 0), error))
    goto out;

  if (!check (gnutls_x509_crt_export2 (crt, GNUTLS_X509_FMT_PEM, &out), error))
    goto out;
  *cert_pem = datum_to_string (&out);

  if (!check (gnutls_x509_privkey_export2_pkcs8 (key, GNUTLS_X509_FMT_PEM, NULL,
                                                 GNUTLS_PKCS_PLAIN, &out), error))
    {
      g_clear_pointer (cert_pem, g_free);
      goto out;
    }
  *key_pem = datum_to_string (&out);
  ok = TRUE;

out:
  if (crt != NULL)
    gnutls_x509_crt_deinit (crt);
  if (key != NULL)
    gnutls_x509_privkey_deinit (key);

  return ok;
}

gboolean
botbench_sandbox_tls_load_or_generate (const char  *dir,
                                       char       **cert_pem,
                                       char       **key_pem,
                                       GError     **error)
{
  g_autofree char *cert_path = NULL;
  g_autofree char *key_path = NULL;
  g_autofree char *cert = NULL;
  g_autofree char *key = NULL;
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (dir != NULL, FALSE);

  cert_path = g_build_filename (dir, CERT_FILE, NULL);
  key_path = g_build_filename (dir, KEY_FILE, NULL);

  if (g_file_get_contents (cert_path, &cert, NULL, NULL) &&
      g_file_get_contents (key_path, &key, NULL, NULL))
    {
      *cert_pem = g_steal_pointer (&cert);
      *key_pem = g_steal_pointer (&key);
      return TRUE;
    }

  if (!botbench_sandbox_tls_generate (&cert, &key, error))
    return FALSE;

  if (g_mkdir_with_parents (dir, 0700) != 0 ||
      !g_file_set_contents_full (key_path, key, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0600, &local_error) ||
      !g_file_set_contents_full (cert_path, cert, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0644, &local_error))
    {
      g_set_error (error, BOTBENCH_SANDBOX_ERROR, BOTBENCH_SANDBOX_ERROR_TLS,
                   _("Cannot save the sandbox certificate in %s: %s"), dir,
                   local_error ? local_error->message : g_strerror (errno));
      return FALSE;
    }

  *cert_pem = g_steal_pointer (&cert);
  *key_pem = g_steal_pointer (&key);

  return TRUE;
}

/* The certificate of --tls: the files given, else one kept next to the
 * state, else one made for this process (stop/start keeps it). */
gboolean
_botbench_sandbox_load_certificate (BotbenchSandbox  *self,
                                    GError          **error)
{
  g_autofree char *cert = NULL;
  g_autofree char *key = NULL;
  g_autofree char *both = NULL;
  g_autoptr(GError) local_error = NULL;

  if (self->tls_cert_file != NULL)
    {
      if (!g_file_get_contents (self->tls_cert_file, &cert, NULL, &local_error) ||
          !g_file_get_contents (self->tls_key_file ? self->tls_key_file : self->tls_cert_file,
                                &key, NULL, &local_error))
        {
          g_set_error (error, BOTBENCH_SANDBOX_ERROR, BOTBENCH_SANDBOX_ERROR_TLS,
                       _("Cannot read the TLS certificate or key: %s"), local_error->message);
          return FALSE;
        }
    }
  else if (self->state_path != NULL)
    {
      g_autofree char *dir = g_path_get_dirname (self->state_path);

      if (!botbench_sandbox_tls_load_or_generate (dir, &cert, &key, error))
        return FALSE;
    }
  else
    {
      if (self->memory_cert_pem == NULL &&
          !botbench_sandbox_tls_generate (&self->memory_cert_pem, &self->memory_key_pem, error))
        return FALSE;
      cert = g_strdup (self->memory_cert_pem);
      key = g_strdup (self->memory_key_pem);
    }

  both = g_strconcat (cert, "\n", key, NULL);
  self->certificate = g_tls_certificate_new_from_pem (both, -1, &local_error);
  if (self->certificate == NULL)
    {
      g_set_error (error, BOTBENCH_SANDBOX_ERROR, BOTBENCH_SANDBOX_ERROR_TLS,
                   _("The TLS certificate or key is not usable: %s"), local_error->message);
      return FALSE;
    }
  g_object_get (self->certificate, "certificate-pem", &self->served_cert_pem, NULL);

  return TRUE;
}
