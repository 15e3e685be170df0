/* botbench-requests-page-private.h: the page's instance struct, for tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "botbench-requests-page.h"

G_BEGIN_DECLS

struct _BotbenchRequestsPage
{
  GtkWidget              parent_instance;

  BotbenchApplication   *app;
  GtkFilterListModel    *filtered;
  GtkSortListModel      *sorted;
  GtkSingleSelection    *selection;
  GtkCustomFilter       *filter;
  /* UUID of the profile whose calls are shown. */
  char                  *profile_uuid;
  GtkFileChooserNative  *chooser;

  /* Template widgets */
  GtkStack              *stack;
  AdwStatusPage         *empty_page;
  AdwLeaflet            *leaflet;
  GtkListView           *list_view;
  GtkStack              *detail_stack;
  GtkLabel              *method_label;
  GtkLabel              *status_label;
  GtkLabel              *meta_label;
  GtkLabel              *url_label;
  GtkLabel              *error_label;
  GtkTextView           *request_view;
  GtkTextView           *response_view;
};

/* What Export does once a file is chosen (toasts "win.toast" when done). */
void _botbench_requests_page_export_to (BotbenchRequestsPage *self,
                                        GFile                *file);

G_END_DECLS
