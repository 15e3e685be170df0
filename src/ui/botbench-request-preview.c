/* botbench-request-preview.c: a portal request shown before it is sent
 * (Register, Update), secrets masked, with Copy as curl
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The request as text (URL, body, curl line) is built in one place, at
 * the top of this file.
 */
#define G_LOG_DOMAIN "botbench-request-preview"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "botbench-application-private.h"
#include "botbench-request-preview.h"

/* Long values (PERSONAL_PHOTO) are cut in the preview, not in the request. */
#define PREVIEW_MAX_VALUE 120

struct _BotbenchRequestPreview
{
  AdwMessageDialog  parent_instance;

  char             *curl;

  /* Template widgets */
  GtkLabel         *url_label;
  GtkLabel         *body_label;
};

G_DEFINE_FINAL_TYPE (BotbenchRequestPreview, botbench_request_preview, ADW_TYPE_MESSAGE_DIALOG)

/* The request as text */

char *
botbench_request_preview_dup_url (BotbenchProfile *profile,
                                  const char      *method)
{
  const char *portal = botbench_profile_get_portal_url (profile);
  g_autofree char *base = NULL;

  if (botbench_profile_get_kind (profile) == BOTBENCH_PROFILE_KIND_WEBHOOK)
    base = botbench_profile_dup_display_url (profile);
  if (base == NULL)
    base = g_strdup_printf ("%s%srest/", portal != NULL ? portal : "",
                            portal != NULL && g_str_has_suffix (portal, "/") ? "" : "/");
  if (!g_str_has_suffix (base, "/"))
    {
      char *tmp = g_strconcat (base, "/", NULL);

      g_free (base);
      base = tmp;
    }

  return g_strdup_printf ("%s%s.json", base, method);
}

static JsonObject *
object_member (JsonObject *object,
               const char *key)
{
  JsonNode *node = json_object_get_member (object, key);

  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

/* The body as sent; CLIENT_ID (webhooks) and auth (OAuth) are added by the
 * REST client and shown masked. */
char *
botbench_request_preview_dup_body (BotbenchProfile *profile,
                                   JsonObject      *params,
                                   gboolean         for_display)
{
  g_autoptr(JsonNode) root = json_node_new (JSON_NODE_OBJECT);
  g_autoptr(JsonObject) body = json_object_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(GList) members = json_object_get_members (params);

  for (GList *l = members; l != NULL; l = l->next)
    {
      JsonNode *member = json_object_get_member (params, l->data);

      json_object_set_member (body, l->data, json_node_copy (member));
    }

  if (botbench_profile_get_kind (profile) == BOTBENCH_PROFILE_KIND_WEBHOOK)
    json_object_set_string_member (body, "CLIENT_ID", "•••");
  else
    json_object_set_string_member (body, "auth", "•••");

  if (for_display)
    {
      const char *keys[] = { "PROPERTIES", "FIELDS" };

      for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
        {
          JsonObject *inner = object_member (body, keys[i]);

          if (inner != NULL && object_member (inner, "PROPERTIES") != NULL)
            inner = object_member (inner, "PROPERTIES");
          if (inner != NULL && json_object_has_member (inner, "PERSONAL_PHOTO") &&
              json_object_get_string_member (inner, "PERSONAL_PHOTO") != NULL)
            {
              const char *photo = json_object_get_string_member (inner, "PERSONAL_PHOTO");
              g_autofree char *size = g_format_size (strlen (photo));
              g_autofree char *cut = NULL;

              if (strlen (photo) > PREVIEW_MAX_VALUE)
                {
                  /* Translators: a long base64 value cut short in the preview */
                  cut = g_strdup_printf (_("%.40s… (%s of base64)"), photo, size);
                  json_object_set_string_member (inner, "PERSONAL_PHOTO", cut);
                }
            }
        }
    }

  json_node_set_object (root, body);
  json_generator_set_root (generator, root);
  json_generator_set_pretty (generator, for_display);
  json_generator_set_indent (generator, 2);
  return json_generator_to_data (generator, NULL);
}

char *
botbench_request_preview_dup_curl (BotbenchProfile *profile,
                                   const char      *method,
                                   JsonObject      *params)
{
  g_autofree char *url = NULL;
  g_autofree char *body = NULL;
  g_autofree char *quoted_url = NULL;
  g_autofree char *quoted_body = NULL;

  url = botbench_request_preview_dup_url (profile, method);
  body = botbench_request_preview_dup_body (profile, params, FALSE);
  quoted_url = g_shell_quote (url);
  quoted_body = g_shell_quote (body);

  return g_strdup_printf ("curl -X POST -H 'Content-Type: application/json' -d %s %s",
                          quoted_body, quoted_url);
}

/* The dialog */

static void
copy_curl_clicked_cb (BotbenchRequestPreview *self)
{
  GtkWindow *parent = gtk_window_get_transient_for (GTK_WINDOW (self));

  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (self)), self->curl);
  /* win.toast escapes the markup. */
  if (parent != NULL)
    gtk_widget_activate_action (GTK_WIDGET (parent), "win.toast", "s",
                                _("Copied as curl (the secret is masked)"));
}

static void
botbench_request_preview_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), BOTBENCH_TYPE_REQUEST_PREVIEW);

  G_OBJECT_CLASS (botbench_request_preview_parent_class)->dispose (object);
}

static void
botbench_request_preview_finalize (GObject *object)
{
  BotbenchRequestPreview *self = (BotbenchRequestPreview *)object;

  g_clear_pointer (&self->curl, g_free);

  G_OBJECT_CLASS (botbench_request_preview_parent_class)->finalize (object);
}

static void
botbench_request_preview_class_init (BotbenchRequestPreviewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = botbench_request_preview_dispose;
  object_class->finalize = botbench_request_preview_finalize;

  _botbench_ensure_resources ();
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/botbench/Botbench/botbench-request-preview.ui");
  gtk_widget_class_bind_template_child (widget_class, BotbenchRequestPreview, url_label);
  gtk_widget_class_bind_template_child (widget_class, BotbenchRequestPreview, body_label);
  gtk_widget_class_bind_template_callback (widget_class, copy_curl_clicked_cb);
}

static void
botbench_request_preview_init (BotbenchRequestPreview *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
botbench_request_preview_new (GtkWindow       *parent,
                              const char      *heading,
                              BotbenchProfile *profile,
                              const char      *method,
                              JsonObject      *params)
{
  BotbenchRequestPreview *self;
  g_autofree char *url = NULL;
  g_autofree char *body = NULL;
  g_autofree char *url_text = NULL;

  g_return_val_if_fail (BOTBENCH_IS_PROFILE (profile), NULL);
  g_return_val_if_fail (method != NULL, NULL);
  g_return_val_if_fail (params != NULL, NULL);

  url = botbench_request_preview_dup_url (profile, method);
  body = botbench_request_preview_dup_body (profile, params, TRUE);

  self = g_object_new (BOTBENCH_TYPE_REQUEST_PREVIEW,
                       "transient-for", parent,
                       "heading", heading,
                       NULL);
  /* Translators: %s is the REST method, e.g. imbot.register */
  adw_message_dialog_format_body (ADW_MESSAGE_DIALOG (self), _("POST %s, secrets masked:"), method);
  url_text = g_strdup_printf ("POST %s", url);
  gtk_label_set_label (self->url_label, url_text);
  gtk_label_set_label (self->body_label, body);
  self->curl = botbench_request_preview_dup_curl (profile, method, params);

  return GTK_WIDGET (self);
}

const char *
botbench_request_preview_get_body (BotbenchRequestPreview *self)
{
  g_return_val_if_fail (BOTBENCH_IS_REQUEST_PREVIEW (self), NULL);

  return gtk_label_get_label (self->body_label);
}
