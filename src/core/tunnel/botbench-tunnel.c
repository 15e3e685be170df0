/* botbench-tunnel.c: runs a tunnel program and reads its public URL
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The program runs as a GSubprocess, its stdout and stderr merged and read
 * line by line on the thread-default main context of new(); the last
 * lines are kept for error messages.  The first line that announces the
 * public URL (botbench_tunnel_parse_url_line()) finishes start(); exiting
 * first, or printing nothing usable within the timeout, fails it.  On
 * Linux the program gets SIGTERM when Botbench dies, so a crash never
 * leaves a tunnel open to a port nobody listens on.
 */
#define G_LOG_DOMAIN "botbench-tunnel"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <signal.h>
#include <string.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

#include "botbench-tunnel.h"

#define TAIL_LINES     20
#define TAIL_LINE_MAX  400
#define KILL_AFTER_MS  2000
#define EXIT_GRACE_MS  1000

struct _BotbenchTunnel
{
  GObject              parent_instance;

  BotbenchTunnelVia    via;
  guint                port;
  char                *ssh_host;
  guint                url_timeout;

  BotbenchTunnelState  state;
  char                *url;
  GError              *error;
  GQueue               tail;          /* char *, oldest first */

  GSubprocess         *process;
  GDataInputStream    *output;
  GCancellable        *cancellable;   /* of this run's reads and wait */
  GTask               *start_task;    /* until the URL, the exit or the timeout */
  GSource             *timeout;
  gulong               cancelled_id;
  /* Exited: how (until its last output is read, at most EXIT_GRACE_MS). */
  char                *exit_how;
  gboolean             output_done;
  GSource             *exit_grace;
  GCancellable        *start_cancellable;
};

G_DEFINE_FINAL_TYPE (BotbenchTunnel, botbench_tunnel, G_TYPE_OBJECT)

enum {
  SIGNAL_DIED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void read_next_line (BotbenchTunnel *self);
static void finish_exit    (BotbenchTunnel *self);
static void clear_exit     (BotbenchTunnel *self);

static void
tail_add (BotbenchTunnel *self,
          const char     *line)
{
  g_autofree char *valid = g_utf8_make_valid (line, -1);

  if (g_utf8_strlen (valid, -1) > TAIL_LINE_MAX)
    *g_utf8_offset_to_pointer (valid, TAIL_LINE_MAX) = '\0';
  g_queue_push_tail (&self->tail, g_steal_pointer (&valid));
  while (self->tail.length > TAIL_LINES)
    g_free (g_queue_pop_head (&self->tail));
}

char *
botbench_tunnel_dup_output_tail (BotbenchTunnel *self)
{
  GString *text = g_string_new (NULL);

  g_return_val_if_fail (BOTBENCH_IS_TUNNEL (self), NULL);

  for (GList *l = self->tail.head; l != NULL; l = l->next)
    {
      if (text->len > 0)
        g_string_append_c (text, '\n');
      g_string_append (text, l->data);
    }

  return g_string_free (text, FALSE);
}

/* The last few non-empty lines, for an error message. */
static char *
tail_for_message (BotbenchTunnel *self)
{
  g_autoptr(GPtrArray) lines = g_ptr_array_new ();
  GString *text = g_string_new (NULL);

  for (GList *l = self->tail.tail; l != NULL && lines->len < 4; l = l->prev)
    if (*(const char *)l->data != '\0')
      g_ptr_array_insert (lines, 0, l->data);

  for (guint i = 0; i < lines->len; i++)
    {
      if (i > 0)
        g_string_append_c (text, '\n');
      g_string_append (text, g_ptr_array_index (lines, i));
    }

  return g_string_free (text, FALSE);
}

static void
clear_timeout (BotbenchTunnel *self)
{
  if (self->timeout != NULL)
    {
      g_source_destroy (self->timeout);
      g_clear_pointer (&self->timeout, g_source_unref);
    }
}

static void
disconnect_start_cancellable (BotbenchTunnel *self)
{
  if (self->start_cancellable != NULL)
    {
      g_cancellable_disconnect (self->start_cancellable, self->cancelled_id);
      self->cancelled_id = 0;
      g_clear_object (&self->start_cancellable);
    }
}

/* Finishes start() with error (taken), if it is still waiting. */
static void
fail_start (BotbenchTunnel *self,
            GError         *error)
{
  g_autoptr(GTask) task = g_steal_pointer (&self->start_task);

  clear_timeout (self);
  disconnect_start_cancellable (self);
  if (task != NULL)
    g_task_return_error (task, error);
  else
    g_error_free (error);
}

static gboolean
kill_cb (gpointer data)
{
  GSubprocess *process = data;

  if (g_subprocess_get_identifier (process) != NULL)
    g_subprocess_force_exit (process);
  return G_SOURCE_REMOVE;
}

/* SIGTERM now, SIGKILL if it is still there in 2 s. */
static void
terminate (BotbenchTunnel *self)
{
  g_autoptr(GSubprocess) process = g_steal_pointer (&self->process);
  GSource *source;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->output);
  clear_exit (self);
  if (process == NULL || g_subprocess_get_identifier (process) == NULL)
    return;

  g_subprocess_send_signal (process, SIGTERM);
  source = g_timeout_source_new (KILL_AFTER_MS);
  g_source_set_callback (source, kill_cb, g_object_ref (process), g_object_unref);
  g_source_set_static_name (source, "[botbench] kill the tunnel");
  g_source_attach (source, g_main_context_get_thread_default ());
  g_source_unref (source);
}

static void
set_failed (BotbenchTunnel *self,
            GError         *error)
{
  g_clear_error (&self->error);
  self->error = error;
  g_clear_pointer (&self->url, g_free);
  self->state = BOTBENCH_TUNNEL_STATE_FAILED;
}


static void
line_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(BotbenchTunnel) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;
  g_autofree char *url = NULL;
  gsize len;

  line = g_data_input_stream_read_line_finish_utf8 (G_DATA_INPUT_STREAM (source), result, &len, &error);
  if (line == NULL && error != NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA))
    {
      /* Not UTF-8 (a progress bar, colours): skip it. */
      read_next_line (self);
      return;
    }
  if (G_DATA_INPUT_STREAM (source) != self->output)
    return;   /* stopped */
  if (line == NULL)
    {
      /* End of output (or a read error): the exit, if it came, can be told. */
      self->output_done = TRUE;
      if (self->exit_how != NULL)
        finish_exit (self);
      return;
    }

  g_strchomp (line);
  g_debug ("%s: %s", botbench_tunnel_via_to_string (self->via), line);
  tail_add (self, line);

  if (self->state == BOTBENCH_TUNNEL_STATE_STARTING &&
      (url = botbench_tunnel_parse_url_line (self->via, line)) != NULL)
    {
      g_autoptr(GTask) task = g_steal_pointer (&self->start_task);

      clear_timeout (self);
      disconnect_start_cancellable (self);
      self->url = g_strdup (url);
      self->state = BOTBENCH_TUNNEL_STATE_RUNNING;
      if (task != NULL)
        g_task_return_pointer (task, g_steal_pointer (&url), g_free);
    }

  read_next_line (self);
}

static void
read_next_line (BotbenchTunnel *self)
{
  if (self->output == NULL)
    return;

  g_data_input_stream_read_line_async (self->output, G_PRIORITY_DEFAULT, self->cancellable,
                                       line_cb, g_object_ref (self));
}

static char *
describe_exit (GSubprocess *process)
{
  if (g_subprocess_get_if_signaled (process))
    /* Translators: %d is a signal number */
    return g_strdup_printf (_("killed by signal %d"), g_subprocess_get_term_sig (process));

  /* Translators: %d is an exit status */
  return g_strdup_printf (_("exit status %d"), g_subprocess_get_exit_status (process));
}

static void
clear_exit (BotbenchTunnel *self)
{
  g_clear_pointer (&self->exit_how, g_free);
  if (self->exit_grace != NULL)
    {
      g_source_destroy (self->exit_grace);
      g_clear_pointer (&self->exit_grace, g_source_unref);
    }
}

/* The program exited and its output is read (or the grace is over: a
 * child of it may hold the pipe open): fails start(), or says it died. */
static void
finish_exit (BotbenchTunnel *self)
{
  g_autofree char *how = g_steal_pointer (&self->exit_how);
  g_autofree char *output = NULL;
  const char *program = botbench_tunnel_via_program (self->via);
  GError *error;

  clear_exit (self);
  if (how == NULL)
    return;
  output = tail_for_message (self);

  if (self->state == BOTBENCH_TUNNEL_STATE_STARTING)
    {
      if (*output != '\0')
        /* Translators: %s the program, %s how it ended, %s its last lines of output */
        error = g_error_new (BOTBENCH_TUNNEL_ERROR, BOTBENCH_TUNNEL_ERROR_EXITED,
                             _("%s ended (%s) before it printed a public URL:\n%s"), program, how, output);
      else
        error = g_error_new (BOTBENCH_TUNNEL_ERROR, BOTBENCH_TUNNEL_ERROR_EXITED,
                             _("%s ended (%s) before it printed a public URL"), program, how);
      set_failed (self, g_error_copy (error));
      fail_start (self, error);
      return;
    }

  if (self->state == BOTBENCH_TUNNEL_STATE_RUNNING)
    {
      /* Translators: %s the program, %s how it ended, %s the URL */
      error = g_error_new (BOTBENCH_TUNNEL_ERROR, BOTBENCH_TUNNEL_ERROR_EXITED,
                           _("The tunnel stopped: %s ended (%s), so %s no longer reaches the listener"),
                           program, how, self->url);
      set_failed (self, error);
      g_signal_emit (self, signals[SIGNAL_DIED], 0, self->error);
    }
}

static gboolean
exit_grace_cb (gpointer data)
{
  BotbenchTunnel *self = data;

  g_clear_pointer (&self->exit_grace, g_source_unref);
  finish_exit (self);
  return G_SOURCE_REMOVE;
}

static void
wait_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(BotbenchTunnel) self = user_data;
  GSubprocess *process = G_SUBPROCESS (source);

  if (!g_subprocess_wait_finish (process, result, NULL) || process != self->process)
    return;   /* stopped on purpose (the process is no longer ours) */

  g_clear_object (&self->process);
  clear_exit (self);
  self->exit_how = describe_exit (process);
  if (self->output_done)
    {
      finish_exit (self);
      return;
    }

  self->exit_grace = g_timeout_source_new (EXIT_GRACE_MS);
  g_source_set_callback (self->exit_grace, exit_grace_cb, self, NULL);
  g_source_set_static_name (self->exit_grace, "[botbench] tunnel output after exit");
  g_source_attach (self->exit_grace, g_main_context_get_thread_default ());
}

static gboolean
url_timeout_cb (gpointer data)
{
  BotbenchTunnel *self = data;
  g_autofree char *output = tail_for_message (self);
  GError *error;

  g_clear_pointer (&self->timeout, g_source_unref);
  if (*output != '\0')
    /* Translators: %s the program, %u seconds, %s its last lines of output */
    error = g_error_new (BOTBENCH_TUNNEL_ERROR, BOTBENCH_TUNNEL_ERROR_NO_URL,
                         _("%s printed no public URL within %u seconds. Its last words:\n%s"),
                         botbench_tunnel_via_program (self->via), self->url_timeout, output);
  else
    error = g_error_new (BOTBENCH_TUNNEL_ERROR, BOTBENCH_TUNNEL_ERROR_NO_URL,
                         _("%s printed nothing within %u seconds"),
                         botbench_tunnel_via_program (self->via), self->url_timeout);
  terminate (self);
  set_failed (self, g_error_copy (error));
  fail_start (self, error);

  return G_SOURCE_REMOVE;
}

static gboolean
stop_idle_cb (gpointer data)
{
  botbench_tunnel_stop (data);
  return G_SOURCE_REMOVE;
}

static void
start_cancelled_cb (GCancellable   *cancellable,
                    BotbenchTunnel *self)
{
  /* Runs where cancel() was called: stop on the tunnel's context. */
  g_autoptr(GSource) source = g_idle_source_new ();

  g_source_set_callback (source, stop_idle_cb, g_object_ref (self), g_object_unref);
  g_source_set_static_name (source, "[botbench] tunnel start cancelled");
  g_source_attach (source, g_main_context_get_thread_default ());
}

#ifdef __linux__
static void
child_setup (gpointer data)
{
  /* The tunnel goes when Botbench goes, crash included. */
  prctl (PR_SET_PDEATHSIG, SIGTERM);
}
#endif

void
botbench_tunnel_start_async (BotbenchTunnel      *self,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_auto(GStrv) argv = NULL;

  g_return_if_fail (BOTBENCH_IS_TUNNEL (self));
  g_return_if_fail (self->state != BOTBENCH_TUNNEL_STATE_STARTING &&
                    self->state != BOTBENCH_TUNNEL_STATE_RUNNING);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, botbench_tunnel_start_async);

  g_clear_error (&self->error);
  g_queue_clear_full (&self->tail, g_free);

  argv = botbench_tunnel_build_argv (self->via, self->port, self->ssh_host, &error);
  if (argv == NULL)
    {
      set_failed (self, g_error_copy (error));
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  path = botbench_tunnel_via_find (self->via);
  if (path == NULL)
    {
      /* Translators: %s the program, then how to install it */
      set_failed (self, g_error_new (BOTBENCH_TUNNEL_ERROR, BOTBENCH_TUNNEL_ERROR_NOT_INSTALLED,
                                     _("%s is not installed. %s"), botbench_tunnel_via_program (self->via),
                                     botbench_tunnel_via_install_hint (self->via)));
      g_task_return_error (task, g_error_copy (self->error));
      return;
    }
  g_free (argv[0]);
  argv[0] = g_steal_pointer (&path);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE |
                                        G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                        G_SUBPROCESS_FLAGS_STDERR_MERGE);
#ifdef __linux__
  g_subprocess_launcher_set_child_setup (launcher, child_setup, NULL, NULL);
#endif
  self->process = g_subprocess_launcher_spawnv (launcher, (const char * const *)argv, &error);
  if (self->process == NULL)
    {
      set_failed (self, g_error_copy (error));
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  self->state = BOTBENCH_TUNNEL_STATE_STARTING;
  self->output_done = FALSE;
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  self->output = g_data_input_stream_new (g_subprocess_get_stdout_pipe (self->process));
  g_data_input_stream_set_newline_type (self->output, G_DATA_STREAM_NEWLINE_TYPE_ANY);
  self->start_task = g_steal_pointer (&task);

  self->timeout = g_timeout_source_new_seconds (self->url_timeout);
  g_source_set_callback (self->timeout, url_timeout_cb, self, NULL);
  g_source_set_static_name (self->timeout, "[botbench] tunnel URL timeout");
  g_source_attach (self->timeout, g_main_context_get_thread_default ());

  if (cancellable != NULL)
    {
      self->start_cancellable = g_object_ref (cancellable);
      self->cancelled_id = g_cancellable_connect (cancellable, G_CALLBACK (start_cancelled_cb), self, NULL);
    }

  g_subprocess_wait_async (self->process, NULL, wait_cb, g_object_ref (self));
  read_next_line (self);
}

char *
botbench_tunnel_start_finish (BotbenchTunnel  *self,
                              GAsyncResult    *result,
                              GError         **error)
{
  g_return_val_if_fail (BOTBENCH_IS_TUNNEL (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

void
botbench_tunnel_stop (BotbenchTunnel *self)
{
  g_return_if_fail (BOTBENCH_IS_TUNNEL (self));

  terminate (self);
  if (self->state == BOTBENCH_TUNNEL_STATE_STARTING || self->state == BOTBENCH_TUNNEL_STATE_RUNNING)
    self->state = BOTBENCH_TUNNEL_STATE_STOPPED;
  g_clear_pointer (&self->url, g_free);
  fail_start (self, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, _("The tunnel was stopped")));
}

BotbenchTunnelState
botbench_tunnel_get_state (BotbenchTunnel *self)
{
  g_return_val_if_fail (BOTBENCH_IS_TUNNEL (self), BOTBENCH_TUNNEL_STATE_STOPPED);
  return self->state;
}

BotbenchTunnelVia
botbench_tunnel_get_via (BotbenchTunnel *self)
{
  g_return_val_if_fail (BOTBENCH_IS_TUNNEL (self), BOTBENCH_TUNNEL_VIA_SSH);
  return self->via;
}

const char *
botbench_tunnel_get_url (BotbenchTunnel *self)
{
  g_return_val_if_fail (BOTBENCH_IS_TUNNEL (self), NULL);
  return self->state == BOTBENCH_TUNNEL_STATE_RUNNING ? self->url : NULL;
}

const GError *
botbench_tunnel_get_error (BotbenchTunnel *self)
{
  g_return_val_if_fail (BOTBENCH_IS_TUNNEL (self), NULL);
  return self->error;
}

void
botbench_tunnel_set_url_timeout (BotbenchTunnel *self,
                                 guint           seconds)
{
  g_return_if_fail (BOTBENCH_IS_TUNNEL (self));
  self->url_timeout = MAX (seconds, 1);
}

static void
botbench_tunnel_dispose (GObject *object)
{
  BotbenchTunnel *self = BOTBENCH_TUNNEL (object);

  if (self->process != NULL || self->start_task != NULL)
    botbench_tunnel_stop (self);

  G_OBJECT_CLASS (botbench_tunnel_parent_class)->dispose (object);
}

static void
botbench_tunnel_finalize (GObject *object)
{
  BotbenchTunnel *self = BOTBENCH_TUNNEL (object);

  clear_timeout (self);
  clear_exit (self);
  disconnect_start_cancellable (self);
  g_clear_object (&self->output);
  g_clear_object (&self->process);
  g_clear_object (&self->cancellable);
  g_queue_clear_full (&self->tail, g_free);
  g_clear_error (&self->error);
  g_free (self->url);
  g_free (self->ssh_host);

  G_OBJECT_CLASS (botbench_tunnel_parent_class)->finalize (object);
}

static void
botbench_tunnel_class_init (BotbenchTunnelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = botbench_tunnel_dispose;
  object_class->finalize = botbench_tunnel_finalize;

  signals[SIGNAL_DIED] =
    g_signal_new ("died", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_ERROR);
}

static void
botbench_tunnel_init (BotbenchTunnel *self)
{
  g_queue_init (&self->tail);
  self->url_timeout = BOTBENCH_TUNNEL_URL_TIMEOUT;
}

BotbenchTunnel *
botbench_tunnel_new (BotbenchTunnelVia  via,
                     guint              port,
                     const char        *ssh_host)
{
  BotbenchTunnel *self;

  g_return_val_if_fail ((guint)via <= BOTBENCH_TUNNEL_VIA_NGROK, NULL);

  self = g_object_new (BOTBENCH_TYPE_TUNNEL, NULL);
  self->via = via;
  self->port = port;
  self->ssh_host = g_strdup (ssh_host);
  return self;
}
