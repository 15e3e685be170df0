/* botbench-ui-test-widgets.h: finding, reading and driving widgets in the
 * window tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "botbench-ui-test-utils.h"

G_BEGIN_DECLS

/* The name of the visible child of the GtkStack under @root whose
 * buildable id is @stack_id (fails the test if there is none). */
const char *botbench_ui_test_visible_child     (gpointer           root,
                                                const char        *stack_id);
/* The shown (visible) toplevel whose type is @type or derives from it, or
 * NULL. */
GtkWidget  *botbench_ui_test_find_toplevel     (GType              type);
/* What a click on a response button does: asserts @dialog is there,
 * emits @response, then closes it. */
void        botbench_ui_test_respond           (AdwMessageDialog  *dialog,
                                                const char        *response);
/* Types @text into @entry_row, which must be a mapped AdwEntryRow. */
void        botbench_ui_test_type_into         (GtkWidget         *entry_row,
                                                const char        *text);
/* A mapped GtkLabel under @widget (itself included) whose text, markup
 * removed, contains @text; or NULL. */
GtkWidget  *botbench_ui_test_find_text         (GtkWidget         *widget,
                                                const char        *text);
/* Waits until botbench_ui_test_find_text (@widget, @text) finds a label
 * and returns it; else takes the screenshot text-failure.png (see
 * botbench_ui_test_screenshot()) and fails, listing the mapped labels. */
GtkWidget  *botbench_ui_test_assert_text_shown (BotbenchUiFixture *f,
                                                GtkWidget         *widget,
                                                const char        *text);

G_END_DECLS
