/* botbench-doctor-place.c: where a host is, and which URLs are Botbench's own
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A host is on this machine (loopback, "localhost"), on a private network
 * (RFC 1918, link-local, CGNAT, fc00::/7, .local and dot-less names) or
 * public; the portal's place follows from its URL's host unless the
 * doctor is told (BotbenchDoctorPortal).  A handler URL under the
 * profile's public URL goes through the tunnel to the listener; one under
 * the listener's URL goes to it directly.
 */
#define G_LOG_DOMAIN "botbench-doctor"

#include "config.h"

#include <string.h>

#include "botbench-doctor-private.h"

/* ------------------------------------------------------------------------ */
/* places                                                                   */

static DoctorPlace
ipv4_place (const guint8 *b)
{
  if (b[0] == 127 || b[0] == 0)
    return DOCTOR_PLACE_LOOPBACK;
  if (b[0] == 10 || (b[0] == 172 && (b[1] & 0xf0) == 16) || (b[0] == 192 && b[1] == 168) ||
      (b[0] == 169 && b[1] == 254) || (b[0] == 100 && (b[1] & 0xc0) == 64))
    return DOCTOR_PLACE_PRIVATE;
  return DOCTOR_PLACE_PUBLIC;
}

static DoctorPlace
host_place (const char *host)
{
  static const char *local_suffixes[] = {
    ".local", ".localdomain", ".internal", ".lan", ".home.arpa",
  };
  g_autofree char *literal = NULL;
  g_autofree char *lower = NULL;
  g_autoptr(GInetAddress) address = NULL;

  if (host == NULL || *host == '\0')
    return DOCTOR_PLACE_LOOPBACK;

  if (*host == '[')
    literal = g_strndup (host + 1, strlen (host) - (g_str_has_suffix (host, "]") ? 2 : 1));
  else
    literal = g_strdup (host);

  address = g_inet_address_new_from_string (literal);
  if (address != NULL)
    {
      const guint8 *b = g_inet_address_to_bytes (address);
      static const guint8 mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

      if (g_inet_address_get_family (address) == G_SOCKET_FAMILY_IPV4)
        return ipv4_place (b);
      if (g_inet_address_get_is_loopback (address) || g_inet_address_get_is_any (address))
        return DOCTOR_PLACE_LOOPBACK;
      if ((b[0] & 0xfe) == 0xfc || (b[0] == 0xfe && (b[1] & 0xc0) == 0x80))
        return DOCTOR_PLACE_PRIVATE;
      if (memcmp (b, mapped, sizeof mapped) == 0)
        return ipv4_place (b + 12);
      return DOCTOR_PLACE_PUBLIC;
    }

  lower = g_ascii_strdown (literal, -1);
  while (g_str_has_suffix (lower, "."))
    lower[strlen (lower) - 1] = '\0';
  if (g_str_equal (lower, "localhost") || g_str_has_suffix (lower, ".localhost"))
    return DOCTOR_PLACE_LOOPBACK;
  if (strchr (lower, '.') == NULL)
    return DOCTOR_PLACE_PRIVATE;
  for (guint i = 0; i < G_N_ELEMENTS (local_suffixes); i++)
    if (g_str_has_suffix (lower, local_suffixes[i]))
      return DOCTOR_PLACE_PRIVATE;

  return DOCTOR_PLACE_PUBLIC;
}

DoctorPlace
_botbench_doctor_place_of_host (BotbenchDoctor *self,
                                const char     *host)
{
  if (self->place_func != NULL)
    return self->place_func (host, self->place_data);

  return host_place (host);
}

DoctorPlace
_botbench_doctor_portal_place (BotbenchDoctor *self)
{
  const char *portal_url;
  g_autoptr(GUri) uri = NULL;

  switch (self->portal)
    {
    case BOTBENCH_DOCTOR_PORTAL_LOCAL:
      return DOCTOR_PLACE_LOOPBACK;
    case BOTBENCH_DOCTOR_PORTAL_REMOTE:
      return DOCTOR_PLACE_PUBLIC;
    case BOTBENCH_DOCTOR_PORTAL_AUTO:
    default:
      break;
    }

  portal_url = botbench_profile_get_portal_url (botbench_rest_client_get_profile (self->client));
  uri = portal_url != NULL ? g_uri_parse (portal_url, SOUP_HTTP_URI_FLAGS, NULL) : NULL;
  if (uri == NULL)
    return DOCTOR_PLACE_PUBLIC;

  return host_place (g_uri_get_host (uri));
}

/* ------------------------------------------------------------------------ */
/* is it ours?                                                              */

static gboolean
url_under (const char *url,
           const char *base)
{
  g_autoptr(GUri) u = NULL;
  g_autoptr(GUri) b = NULL;
  const char *base_path;

  if (base == NULL)
    return FALSE;

  u = g_uri_parse (url, SOUP_HTTP_URI_FLAGS, NULL);
  b = g_uri_parse (base, SOUP_HTTP_URI_FLAGS, NULL);
  if (u == NULL || b == NULL || g_uri_get_host (u) == NULL || g_uri_get_host (b) == NULL)
    return FALSE;

  if (g_ascii_strcasecmp (g_uri_get_scheme (u), g_uri_get_scheme (b)) != 0 ||
      g_ascii_strcasecmp (g_uri_get_host (u), g_uri_get_host (b)) != 0 ||
      g_uri_get_port (u) != g_uri_get_port (b))
    return FALSE;

  base_path = g_uri_get_path (b);
  if (base_path == NULL || *base_path == '\0' || g_str_equal (base_path, "/"))
    return TRUE;

  return g_str_has_prefix (g_uri_get_path (u), base_path);
}

gboolean
_botbench_doctor_url_is_ours (BotbenchDoctor *self,
                              const char     *url,
                              gboolean       *through_public)
{
  const char *public_url = self->public_url;

  if (public_url == NULL)
    public_url = botbench_profile_get_public_base_url (botbench_rest_client_get_profile (self->client));

  /* The public URL first: a handler under it goes through the tunnel. */
  *through_public = url_under (url, public_url);
  if (*through_public)
    return TRUE;

  return url_under (url, self->listener_url);
}

char *
_botbench_doctor_root_of (const char *url)
{
  g_autoptr(GUri) uri = g_uri_parse (url, SOUP_HTTP_URI_FLAGS, NULL);
  g_autoptr(GUri) root = NULL;

  if (uri == NULL)
    return NULL;

  root = g_uri_build (G_URI_FLAGS_NONE, g_uri_get_scheme (uri), NULL, g_uri_get_host (uri),
                      g_uri_get_port (uri), "/", NULL, NULL);
  return g_uri_to_string (root);
}
