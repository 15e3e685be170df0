/* botbench-sidebar-row.c: one page in the window's sidebar
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The window's sidebar lists the pages of its page stack; a row shows a
 * GtkStackPage's icon-name and title through bindings in the .ui.
 */
#define G_LOG_DOMAIN "botbench-sidebar-row"

#include "config.h"

#include "botbench-application-private.h"
#include "botbench-sidebar-row.h"

struct _BotbenchSidebarRow
{
  GtkListBoxRow  parent_instance;

  GtkStackPage  *page;
};

G_DEFINE_FINAL_TYPE (BotbenchSidebarRow, botbench_sidebar_row, GTK_TYPE_LIST_BOX_ROW)

enum {
  PROP_0,
  PROP_PAGE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
botbench_sidebar_row_dispose (GObject *object)
{
  BotbenchSidebarRow *self = (BotbenchSidebarRow *)object;

  gtk_widget_dispose_template (GTK_WIDGET (self), BOTBENCH_TYPE_SIDEBAR_ROW);
  g_clear_object (&self->page);

  G_OBJECT_CLASS (botbench_sidebar_row_parent_class)->dispose (object);
}

static void
botbench_sidebar_row_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  BotbenchSidebarRow *self = BOTBENCH_SIDEBAR_ROW (object);

  switch (prop_id)
    {
    case PROP_PAGE:
      g_value_set_object (value, self->page);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
botbench_sidebar_row_set_property (GObject      *object,
                                   guint         prop_id,
                                   const GValue *value,
                                   GParamSpec   *pspec)
{
  BotbenchSidebarRow *self = BOTBENCH_SIDEBAR_ROW (object);

  switch (prop_id)
    {
    case PROP_PAGE:
      g_assert (self->page == NULL);
      self->page = g_value_dup_object (value);
      /* The row is focused, not its label: it carries the page's title. */
      gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      gtk_stack_page_get_title (self->page), -1);
      g_object_notify_by_pspec (object, properties[PROP_PAGE]);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
botbench_sidebar_row_class_init (BotbenchSidebarRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = botbench_sidebar_row_dispose;
  object_class->get_property = botbench_sidebar_row_get_property;
  object_class->set_property = botbench_sidebar_row_set_property;

  properties[PROP_PAGE] =
    g_param_spec_object ("page", NULL, NULL, GTK_TYPE_STACK_PAGE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                         G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  _botbench_ensure_resources ();
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/botbench/Botbench/botbench-sidebar-row.ui");
}

static void
botbench_sidebar_row_init (BotbenchSidebarRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
botbench_sidebar_row_new (GtkStackPage *page)
{
  g_return_val_if_fail (GTK_IS_STACK_PAGE (page), NULL);

  return g_object_new (BOTBENCH_TYPE_SIDEBAR_ROW, "page", page, NULL);
}

GtkStackPage *
botbench_sidebar_row_get_page (BotbenchSidebarRow *self)
{
  g_return_val_if_fail (BOTBENCH_IS_SIDEBAR_ROW (self), NULL);

  return self->page;
}
