/* botbench-event-list-model.c: lazy GListModel of stored events
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The model never loads the whole store.  It knows the count of matching
 * events with id <= last_id (its snapshot) and fetches items a page of
 * PAGE_SIZE at a time, keeping at most MAX_PAGES pages (LRU).
 *
 * Positions are newest first, but pages are numbered from the OLDEST end:
 * position p is row r = n_items - 1 - p, on page r / PAGE_SIZE.  New events
 * only ever add rows at the top, so every full page stays valid when the
 * store grows; only a partial top page is dropped.  A page next to a cached
 * one is fetched with a keyset query (after the last id of the page below,
 * or before the first id of the page above); a jump to an arbitrary page
 * asks the store for the id at that offset (a narrow index scan) and reads
 * the page from there.
 *
 * The store writes its full-text index a little after each commit.  With a
 * search, the snapshot is therefore bounded by the indexed id as well: an
 * event is counted once it is indexed (events-added comes again then), and
 * never counted as a non-match before.  Setting a search waits briefly for
 * the index to catch up with the events already listed.
 */

#define G_LOG_DOMAIN "botbench-event-list-model"

#include "config.h"

#include <string.h>

#include "botbench-event-list-model.h"
#include "botbench-event-store-private.h"

#define PAGE_SIZE 64
#define MAX_PAGES 16
/* How long a reload with a search waits for the full-text index. */
#define INDEX_WAIT_MS 250

typedef struct
{
  guint      index;   /* page number from the oldest end */
  GPtrArray *items;   /* BotbenchEvent, oldest first */
  GList      link;    /* in lru; data = the page */
} Page;

struct _BotbenchEventListModel
{
  GObject             parent_instance;

  BotbenchEventStore *store;
  char               *event_name;
  char               *verified;
  char               *source;
  char               *search;
  gboolean            searching;   /* search has a word: the index bounds the snapshot */

  guint               n_items;
  gint64              last_id;     /* the snapshot: n_items counts ids <= last_id */
  GHashTable         *pages;       /* index → Page */
  GQueue              lru;         /* most recently used first */
};

static void list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (BotbenchEventListModel, botbench_event_list_model, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

enum {
  PROP_0,
  PROP_STORE,
  PROP_EVENT_NAME,
  PROP_SEARCH,
  PROP_VERIFIED,
  PROP_SOURCE,
  PROP_N_ITEMS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* ---- pages ----------------------------------------------------------------- */

static void
page_free (gpointer data)
{
  Page *page = data;

  g_ptr_array_unref (page->items);
  g_free (page);
}

static void
botbench_event_list_model_drop_page (BotbenchEventListModel *self,
                                     Page                   *page)
{
  g_queue_unlink (&self->lru, &page->link);
  g_hash_table_remove (self->pages, GUINT_TO_POINTER (page->index));
}

static void
botbench_event_list_model_drop_pages (BotbenchEventListModel *self)
{
  g_queue_init (&self->lru);
  g_hash_table_remove_all (self->pages);
}

/* Only the top page can be partial. */
static void
botbench_event_list_model_drop_partial_pages (BotbenchEventListModel *self)
{
  GList *l = self->lru.head;

  while (l != NULL)
    {
      Page *page = l->data;

      l = l->next;
      if (page->items->len < PAGE_SIZE)
        botbench_event_list_model_drop_page (self, page);
    }
}

static Page *
botbench_event_list_model_lookup_page (BotbenchEventListModel *self,
                                       guint                   index_)
{
  return g_hash_table_lookup (self->pages, GUINT_TO_POINTER (index_));
}

void
botbench_event_filter_free (BotbenchEventFilter *filter)
{
  if (filter == NULL)
    return;

  g_free (filter->event_name);
  g_free (filter->search);
  g_free (filter->verified);
  g_free (filter->source);
  g_free (filter);
}

void
botbench_event_filter_to_query (const BotbenchEventFilter *filter,
                                BotbenchEventQuery        *query)
{
  g_return_if_fail (filter != NULL);
  g_return_if_fail (query != NULL);

  query->event_name = filter->event_name;
  query->search = filter->search;
  query->verified = filter->verified;
  query->source = filter->source;
}

static void
botbench_event_list_model_fill_filter (BotbenchEventListModel *self,
                                       BotbenchEventQuery     *query)
{
  memset (query, 0, sizeof *query);
  query->event_name = self->event_name;
  query->search = self->search;
  query->verified = self->verified;
  query->source = self->source;
}

BotbenchEventFilter *
botbench_event_list_model_dup_filter (BotbenchEventListModel *self)
{
  BotbenchEventFilter *filter;

  g_return_val_if_fail (BOTBENCH_IS_EVENT_LIST_MODEL (self), NULL);

  filter = g_new0 (BotbenchEventFilter, 1);
  filter->event_name = g_strdup (self->event_name);
  filter->search = g_strdup (self->search);
  filter->verified = g_strdup (self->verified);
  filter->source = g_strdup (self->source);
  return filter;
}

static void
reverse_items (GPtrArray *items)
{
  for (guint i = 0, j = items->len; i + 1 < j; i++, j--)
    {
      gpointer tmp = items->pdata[i];

      items->pdata[i] = items->pdata[j - 1];
      items->pdata[j - 1] = tmp;
    }
}

static Page *
botbench_event_list_model_fetch_page (BotbenchEventListModel *self,
                                      guint                   index_)
{
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(GError) error = NULL;
  BotbenchEventQuery query;
  Page *below = index_ > 0 ? botbench_event_list_model_lookup_page (self, index_ - 1) : NULL;
  Page *above = botbench_event_list_model_lookup_page (self, index_ + 1);
  Page *page;

  botbench_event_list_model_fill_filter (self, &query);
  query.limit = PAGE_SIZE;

  if (index_ == 0)
    {
      query.ascending = TRUE;
      query.before_id = self->last_id + 1;
    }
  else if (below != NULL && below->items->len == PAGE_SIZE)
    {
      query.ascending = TRUE;
      query.before_id = self->last_id + 1;
      query.after_id = botbench_event_get_id (g_ptr_array_index (below->items, PAGE_SIZE - 1));
    }
  else if (above != NULL && above->items->len > 0)
    {
      query.ascending = FALSE;
      query.before_id = botbench_event_get_id (g_ptr_array_index (above->items, 0));
    }
  else
    {
      /* A jump: count from whichever end of the list is nearer. */
      gint64 from_oldest = (gint64)index_ * PAGE_SIZE;
      gint64 from_newest = (gint64)self->n_items - from_oldest - PAGE_SIZE;

      query.before_id = self->last_id + 1;

      if (from_newest <= 0)
        {
          /* The top page: just the newest rows, however many there are. */
          query.ascending = FALSE;
          query.limit = PAGE_SIZE + from_newest;
        }
      else if (from_newest < from_oldest)
        {
          gint64 newest_id;

          query.ascending = FALSE;
          newest_id = botbench_event_store_id_at_offset (self->store, &query, from_newest, &error);
          if (newest_id <= 0)
            goto not_found;
          query.before_id = newest_id + 1;
        }
      else
        {
          gint64 oldest_id;

          query.ascending = TRUE;
          oldest_id = botbench_event_store_id_at_offset (self->store, &query, from_oldest, &error);
          if (oldest_id <= 0)
            goto not_found;
          /* after_id 0 means "no bound", which is right for the first id too. */
          query.after_id = oldest_id - 1;
        }
    }

  items = botbench_event_store_query (self->store, &query, &error);
  if (items == NULL)
    {
      g_debug ("Cannot read page %u: %s", index_, error->message);
      return NULL;
    }

  if (!query.ascending)
    reverse_items (items);

  page = g_new0 (Page, 1);
  page->index = index_;
  page->items = g_steal_pointer (&items);
  page->link.data = page;
  g_hash_table_insert (self->pages, GUINT_TO_POINTER (index_), page);
  g_queue_push_head_link (&self->lru, &page->link);

  while (self->lru.length > MAX_PAGES)
    botbench_event_list_model_drop_page (self, g_queue_peek_tail (&self->lru));

  return page;

not_found:
  if (error != NULL)
    g_debug ("Cannot find page %u: %s", index_, error->message);
  return NULL;
}

/* ---- store signals --------------------------------------------------------- */

/* New rows go on top.  A cached, partial top page takes as many of them as
 * fit with one small keyset read (only the new rows, not the page again),
 * so a flood costs the UI thread what it shows and rows keep their
 * objects; anything else is dropped and read when asked for. */
static void
botbench_event_list_model_grow_top_page (BotbenchEventListModel *self,
                                         gint64                  new_last_id,
                                         gint64                  n_new)
{
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(GError) error = NULL;
  BotbenchEventQuery query;
  guint fill = self->n_items % PAGE_SIZE;
  Page *page;
  guint need;

  page = fill > 0 ? botbench_event_list_model_lookup_page (self, self->n_items / PAGE_SIZE) : NULL;
  if (page == NULL || page->items->len != fill)
    {
      botbench_event_list_model_drop_partial_pages (self);
      return;
    }

  need = (guint)MIN (n_new, (gint64)(PAGE_SIZE - fill));

  botbench_event_list_model_fill_filter (self, &query);
  query.ascending = TRUE;
  query.after_id = botbench_event_get_id (g_ptr_array_index (page->items, fill - 1));
  query.before_id = new_last_id + 1;
  query.limit = need;

  items = botbench_event_store_query (self->store, &query, &error);
  if (items == NULL || items->len != need)
    {
      if (error != NULL)
        g_debug ("Cannot read new events: %s", error->message);
      botbench_event_list_model_drop_page (self, page);
      return;
    }

  for (guint i = 0; i < items->len; i++)
    g_ptr_array_add (page->items, g_object_ref (g_ptr_array_index (items, i)));
}

static void
botbench_event_list_model_events_added_cb (BotbenchEventListModel *self,
                                           gint64                  last_id,
                                           BotbenchEventStore     *store)
{
  g_autoptr(GError) error = NULL;
  BotbenchEventQuery query;
  gint64 n_new;

  g_assert (BOTBENCH_IS_EVENT_LIST_MODEL (self));

  if (self->searching)
    last_id = MIN (last_id, _botbench_event_store_get_indexed_id (self->store));

  if (last_id <= self->last_id)
    return;

  botbench_event_list_model_fill_filter (self, &query);
  query.after_id = self->last_id;
  query.before_id = last_id + 1;
  n_new = botbench_event_store_count (self->store, &query, &error);
  if (n_new < 0)
    {
      /* last_id stays: the next batch counts these too. */
      g_debug ("Cannot count new events: %s", error->message);
      return;
    }

  if (n_new > 0)
    botbench_event_list_model_grow_top_page (self, last_id, n_new);

  self->last_id = last_id;
  if (n_new == 0)
    return;

  self->n_items += n_new;

  g_list_model_items_changed (G_LIST_MODEL (self), 0, 0, n_new);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ITEMS]);
}

static void
botbench_event_list_model_events_removed_cb (BotbenchEventListModel *self,
                                             BotbenchEventStore     *store)
{
  botbench_event_list_model_reload (self);
}

/* ---- GListModel ---------------------------------------------------------- */

static GType
botbench_event_list_model_get_item_type (GListModel *model)
{
  return BOTBENCH_TYPE_EVENT;
}

static guint
botbench_event_list_model_get_n_items (GListModel *model)
{
  return BOTBENCH_EVENT_LIST_MODEL (model)->n_items;
}

static gpointer
botbench_event_list_model_get_item (GListModel *model,
                                    guint       position)
{
  BotbenchEventListModel *self = BOTBENCH_EVENT_LIST_MODEL (model);
  guint row;
  guint index_;
  guint offset;
  Page *page;

  if (position >= self->n_items)
    return NULL;

  row = self->n_items - 1 - position;
  index_ = row / PAGE_SIZE;
  offset = row % PAGE_SIZE;

  page = botbench_event_list_model_lookup_page (self, index_);
  if (page != NULL && offset >= page->items->len)
    {
      botbench_event_list_model_drop_page (self, page);
      page = NULL;
    }

  if (page == NULL)
    page = botbench_event_list_model_fetch_page (self, index_);
  else if (self->lru.head != &page->link)
    {
      g_queue_unlink (&self->lru, &page->link);
      g_queue_push_head_link (&self->lru, &page->link);
    }

  /* Only when rows vanished under us; events-removed reloads soon. */
  if (page == NULL || offset >= page->items->len)
    return NULL;

  return g_object_ref (g_ptr_array_index (page->items, offset));
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = botbench_event_list_model_get_item_type;
  iface->get_n_items = botbench_event_list_model_get_n_items;
  iface->get_item = botbench_event_list_model_get_item;
}

/* ---- GObject ----------------------------------------------------------------- */

static void
botbench_event_list_model_constructed (GObject *object)
{
  BotbenchEventListModel *self = (BotbenchEventListModel *)object;

  G_OBJECT_CLASS (botbench_event_list_model_parent_class)->constructed (object);

  g_assert (BOTBENCH_IS_EVENT_STORE (self->store));

  g_signal_connect_object (self->store, "events-added",
                           G_CALLBACK (botbench_event_list_model_events_added_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->store, "events-removed",
                           G_CALLBACK (botbench_event_list_model_events_removed_cb),
                           self, G_CONNECT_SWAPPED);

  botbench_event_list_model_reload (self);
}

static void
botbench_event_list_model_dispose (GObject *object)
{
  BotbenchEventListModel *self = (BotbenchEventListModel *)object;

  if (self->pages != NULL)
    botbench_event_list_model_drop_pages (self);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (botbench_event_list_model_parent_class)->dispose (object);
}

static void
botbench_event_list_model_finalize (GObject *object)
{
  BotbenchEventListModel *self = (BotbenchEventListModel *)object;

  g_clear_pointer (&self->pages, g_hash_table_unref);
  g_clear_pointer (&self->event_name, g_free);
  g_clear_pointer (&self->verified, g_free);
  g_clear_pointer (&self->source, g_free);
  g_clear_pointer (&self->search, g_free);

  G_OBJECT_CLASS (botbench_event_list_model_parent_class)->finalize (object);
}

static void
botbench_event_list_model_get_property (GObject    *object,
                                        guint       prop_id,
                                        GValue     *value,
                                        GParamSpec *pspec)
{
  BotbenchEventListModel *self = BOTBENCH_EVENT_LIST_MODEL (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;

    case PROP_EVENT_NAME:
      g_value_set_string (value, self->event_name);
      break;

    case PROP_SEARCH:
      g_value_set_string (value, self->search);
      break;

    case PROP_VERIFIED:
      g_value_set_string (value, self->verified);
      break;

    case PROP_SOURCE:
      g_value_set_string (value, self->source);
      break;

    case PROP_N_ITEMS:
      g_value_set_uint (value, self->n_items);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
botbench_event_list_model_set_property (GObject      *object,
                                        guint         prop_id,
                                        const GValue *value,
                                        GParamSpec   *pspec)
{
  BotbenchEventListModel *self = BOTBENCH_EVENT_LIST_MODEL (object);

  switch (prop_id)
    {
    case PROP_STORE:
      self->store = g_value_dup_object (value);
      break;

    case PROP_EVENT_NAME:
      botbench_event_list_model_set_event_name (self, g_value_get_string (value));
      break;

    case PROP_SEARCH:
      botbench_event_list_model_set_search (self, g_value_get_string (value));
      break;

    case PROP_VERIFIED:
      botbench_event_list_model_set_verified (self, g_value_get_string (value));
      break;

    case PROP_SOURCE:
      botbench_event_list_model_set_source (self, g_value_get_string (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
botbench_event_list_model_class_init (BotbenchEventListModelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = botbench_event_list_model_constructed;
  object_class->dispose = botbench_event_list_model_dispose;
  object_class->finalize = botbench_event_list_model_finalize;
  object_class->get_property = botbench_event_list_model_get_property;
  object_class->set_property = botbench_event_list_model_set_property;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, BOTBENCH_TYPE_EVENT_STORE,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                          G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_EVENT_NAME] =
    g_param_spec_string ("event-name", NULL, NULL, NULL,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_SEARCH] =
    g_param_spec_string ("search", NULL, NULL, NULL,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /* A token state string ("verified", "wrong-token", "no-token",
   * "unknown"), or NULL for all. */
  properties[PROP_VERIFIED] =
    g_param_spec_string ("verified", NULL, NULL, NULL,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /* Where the events came from ("listener", "fetched", "replay",
   * "import"), or NULL for all. */
  properties[PROP_SOURCE] =
    g_param_spec_string ("source", NULL, NULL, NULL,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_N_ITEMS] =
    g_param_spec_uint ("n-items", NULL, NULL, 0, G_MAXUINT, 0,
                       (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
botbench_event_list_model_init (BotbenchEventListModel *self)
{
  self->pages = g_hash_table_new_full (NULL, NULL, NULL, page_free);
  g_queue_init (&self->lru);
}

/* ---- public API --------------------------------------------------------------- */

BotbenchEventListModel *
botbench_event_list_model_new (BotbenchEventStore *store)
{
  g_return_val_if_fail (BOTBENCH_IS_EVENT_STORE (store), NULL);

  return g_object_new (BOTBENCH_TYPE_EVENT_LIST_MODEL, "store", store, NULL);
}

BotbenchEventStore *
botbench_event_list_model_get_store (BotbenchEventListModel *self)
{
  g_return_val_if_fail (BOTBENCH_IS_EVENT_LIST_MODEL (self), NULL);

  return self->store;
}

/* "" and NULL both mean "no filter"; returns TRUE if *field changed. */
static gboolean
set_filter_string (char       **field,
                   const char  *value)
{
  if (value != NULL && *value == '\0')
    value = NULL;

  if (g_strcmp0 (*field, value) == 0)
    return FALSE;

  g_free (*field);
  *field = g_strdup (value);
  return TRUE;
}

void
botbench_event_list_model_set_event_name (BotbenchEventListModel *self,
                                          const char             *event_name)
{
  g_return_if_fail (BOTBENCH_IS_EVENT_LIST_MODEL (self));

  if (!set_filter_string (&self->event_name, event_name))
    return;

  /* During construction there is nothing to reload yet. */
  if (self->store != NULL)
    botbench_event_list_model_reload (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_EVENT_NAME]);
}

const char *
botbench_event_list_model_get_event_name (BotbenchEventListModel *self)
{
  g_return_val_if_fail (BOTBENCH_IS_EVENT_LIST_MODEL (self), NULL);

  return self->event_name;
}

void
botbench_event_list_model_set_verified (BotbenchEventListModel *self,
                                        const char             *verified)
{
  g_return_if_fail (BOTBENCH_IS_EVENT_LIST_MODEL (self));

  if (!set_filter_string (&self->verified, verified))
    return;

  if (self->store != NULL)
    botbench_event_list_model_reload (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_VERIFIED]);
}

const char *
botbench_event_list_model_get_verified (BotbenchEventListModel *self)
{
  g_return_val_if_fail (BOTBENCH_IS_EVENT_LIST_MODEL (self), NULL);

  return self->verified;
}

void
botbench_event_list_model_set_source (BotbenchEventListModel *self,
                                      const char             *source)
{
  g_return_if_fail (BOTBENCH_IS_EVENT_LIST_MODEL (self));

  if (!set_filter_string (&self->source, source))
    return;

  if (self->store != NULL)
    botbench_event_list_model_reload (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SOURCE]);
}

const char *
botbench_event_list_model_get_source (BotbenchEventListModel *self)
{
  g_return_val_if_fail (BOTBENCH_IS_EVENT_LIST_MODEL (self), NULL);

  return self->source;
}

void
botbench_event_list_model_set_search (BotbenchEventListModel *self,
                                      const char             *search)
{
  g_return_if_fail (BOTBENCH_IS_EVENT_LIST_MODEL (self));

  if (!set_filter_string (&self->search, search))
    return;

  {
    g_autofree char *match = _botbench_event_store_build_match (self->search);

    self->searching = match != NULL;
  }

  if (self->store != NULL)
    botbench_event_list_model_reload (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SEARCH]);
}

const char *
botbench_event_list_model_get_search (BotbenchEventListModel *self)
{
  g_return_val_if_fail (BOTBENCH_IS_EVENT_LIST_MODEL (self), NULL);

  return self->search;
}

void
botbench_event_list_model_reload (BotbenchEventListModel *self)
{
  g_autoptr(GError) error = NULL;
  BotbenchEventQuery query;
  guint old_n_items;
  gint64 n = 0;

  g_return_if_fail (BOTBENCH_IS_EVENT_LIST_MODEL (self));

  old_n_items = self->n_items;
  botbench_event_list_model_drop_pages (self);

  /* last_id is published only after its COMMIT, so every id up to it is
   * visible to the count below, and later ones arrive as events-added. */
  self->last_id = botbench_event_store_get_last_id (self->store);
  if (self->searching)
    {
      /* Usually a few ms; if the writer is far behind, the rest comes
       * with events-added. */
      _botbench_event_store_wait_indexed (self->store, self->last_id, INDEX_WAIT_MS);
      self->last_id = MIN (self->last_id, _botbench_event_store_get_indexed_id (self->store));
    }
  if (self->last_id > 0)
    {
      botbench_event_list_model_fill_filter (self, &query);
      query.before_id = self->last_id + 1;
      n = botbench_event_store_count (self->store, &query, &error);
      if (n < 0)
        {
          g_debug ("Cannot count events: %s", error->message);
          n = 0;
        }
    }

  self->n_items = (guint)MIN (n, (gint64)G_MAXUINT);

  if (old_n_items > 0 || self->n_items > 0)
    g_list_model_items_changed (G_LIST_MODEL (self), 0, old_n_items, self->n_items);
  if (old_n_items != self->n_items)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ITEMS]);
}
