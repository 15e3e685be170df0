/* botbench-event-import-fetched.c: is an imported fetched event stored already?
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A fetched event is one portal event: the store's UNIQUE (fetch_portal,
 * fetch_bot, fetch_event_id) index refuses a second row with the same
 * three, and a refused insert would fail the import's whole batch.  So an
 * import looks the three up first, on a read-only connection of its own
 * (opened at the first fetched event: most files have none), and counts a
 * match as a duplicate even when the rest of the line differs.
 */
#define G_LOG_DOMAIN "botbench-event-import"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "botbench-event-import-private.h"
#include "botbench-event-store-internal.h"

struct _BotbenchImportFetched
{
  char         *path;
  sqlite3      *db;
  sqlite3_stmt *find;
};

BotbenchImportFetched *
_botbench_import_fetched_new (BotbenchEventStore *store)
{
  BotbenchImportFetched *fetched = g_new0 (BotbenchImportFetched, 1);

  fetched->path = g_strdup (botbench_event_store_get_path (store));
  return fetched;
}

void
_botbench_import_fetched_free (BotbenchImportFetched *fetched)
{
  if (fetched == NULL)
    return;

  sqlite3_finalize (fetched->find);
  sqlite3_close (fetched->db);
  g_free (fetched->path);
  g_free (fetched);
}

static gboolean
import_fetched_open (BotbenchImportFetched  *fetched,
                     GError                **error)
{
  int rc;

  if (fetched->find != NULL)
    return TRUE;

  if (fetched->db == NULL)
    {
      fetched->db = _botbench_event_store_open_connection (fetched->path, error);
      if (fetched->db == NULL)
        return FALSE;
      if (!_botbench_event_store_exec_sql (fetched->db, "PRAGMA query_only = 1",
                                           BOTBENCH_EVENT_STORE_ERROR_QUERY, error))
        return FALSE;
    }

  rc = sqlite3_prepare_v2 (fetched->db,
                           "SELECT id FROM events WHERE fetch_portal = ?1 AND fetch_bot = ?2 "
                           "AND fetch_event_id = ?3",
                           -1, &fetched->find, NULL);
  if (rc != SQLITE_OK)
    {
      _botbench_event_store_set_sqlite_error (error, fetched->db, rc, BOTBENCH_EVENT_STORE_ERROR_QUERY,
                                              _("Cannot read the event database"));
      return FALSE;
    }

  return TRUE;
}

gint64
_botbench_import_fetched_find (BotbenchImportFetched  *fetched,
                               BotbenchEvent          *event,
                               GError                **error)
{
  gint64 id = 0;
  int rc;

  if (botbench_event_get_source (event) != BOTBENCH_EVENT_SOURCE_FETCHED ||
      botbench_event_get_fetch_portal (event) == NULL)
    return 0;

  if (!import_fetched_open (fetched, error))
    return -1;

  sqlite3_bind_text (fetched->find, 1, botbench_event_get_fetch_portal (event), -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (fetched->find, 2, botbench_event_get_fetch_bot_id (event));
  sqlite3_bind_int64 (fetched->find, 3, botbench_event_get_fetch_event_id (event));
  rc = sqlite3_step (fetched->find);
  if (rc == SQLITE_ROW)
    id = sqlite3_column_int64 (fetched->find, 0);
  else if (rc != SQLITE_DONE)
    {
      _botbench_event_store_set_sqlite_error (error, fetched->db, rc, BOTBENCH_EVENT_STORE_ERROR_QUERY,
                                              _("Cannot read the event database"));
      id = -1;
    }

  /* Resetting ends the read transaction. */
  sqlite3_reset (fetched->find);
  sqlite3_clear_bindings (fetched->find);

  return id;
}

gboolean
_botbench_import_fetched_same (BotbenchEvent *a,
                               BotbenchEvent *b)
{
  return botbench_event_get_source (a) == BOTBENCH_EVENT_SOURCE_FETCHED &&
         botbench_event_get_source (b) == BOTBENCH_EVENT_SOURCE_FETCHED &&
         g_strcmp0 (botbench_event_get_fetch_portal (a), botbench_event_get_fetch_portal (b)) == 0 &&
         botbench_event_get_fetch_bot_id (a) == botbench_event_get_fetch_bot_id (b) &&
         botbench_event_get_fetch_event_id (a) == botbench_event_get_fetch_event_id (b);
}
