/* tui/app.c — the browser's loop: a stack of views; a key becomes an
 * action (keys.c), which the top view's row for it handles, else the row
 * of an action every view has (below); then compute (the view's recalc)
 * and paint (screen.c).  A watch on the store (PRAGMA data_version once a
 * second while idle, no read transaction held while waiting) makes new
 * runs and step changes show up by themselves. */
#include "config.h"
#include "tui/tui.h"
#include "tui/internal.h"

#include <curses.h>
#include <langinfo.h>
#include <locale.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "core/exec/launch.h"
#include "core/runs.h"
#include "core/session.h"
#include "core/testhook.h"
#include "tui/screen.h"
#include "tui/tui_config.h"
#include "tui/widget_dialog.h"

/* Ctrl-C: a flag the loop, the dialogs and long jobs look at (the browser
 * ends cleanly, status 0, as tig and lazygit do). */
static volatile sig_atomic_t interrupted;

static int64_t now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static void set_notice(struct tui *t, int bad, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));

static void set_notice(struct tui *t, int bad, const char *fmt, va_list ap)
{
	vsnprintf(t->notice, sizeof t->notice, fmt, ap);
	t->notice_bad = bad;
}

void tui_notice(struct tui *t, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	set_notice(t, 0, fmt, ap);
	va_end(ap);
}

void tui_error(struct tui *t, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	set_notice(t, 1, fmt, ap);
	va_end(ap);
}

int tui_busy(struct tui *t, const char *progress)
{
	int y = t->lines - 1;
	move(y, 0);
	clrtoeol();
	tui_put(t, y, 1, t->cols - 2, progress, PAIR_WARN, A_BOLD);
	refresh();
	/* the main loop sets its own timeout again before it waits */
	timeout(0);
	int ch, stop = interrupted != 0; /* Ctrl-C stops the job too */
	while ((ch = getch()) != ERR)
		if (ch != KEY_RESIZE)
			stop = 1;
	return stop;
}

int tui_refuse_read_only(struct tui *t, const char *what)
{
	if (!t->read_only)
		return 0;
	tui_error(t, "read-only: %s is disabled (%s)", what,
		  t->read_only == 2 ? "you may not write this store" : "started with --read-only");
	return 1;
}

int tui_pin(struct tui *t, int64_t run_id)
{
	if (tui_refuse_read_only(t, "pinning a baseline"))
		return 0;
	struct store_run r = { 0 };
	struct rl_err err = RL_ERR_INIT;
	int pinned = 0;
	if (store_run_get(t->store, run_id, &r, &err) == 0) {
		char *doubt = runs_pin_doubt(&r);
		char *lines[] = { doubt };
		if (doubt && !tui_confirm(t, "Pin the baseline", lines, 1,
					  "Pin it as the baseline anyway? [y/N]")) {
			tui_notice(t, "nothing pinned");
		} else if (runs_pin(t->store, run_id, &err) == 0) {
			tui_notice(t, "run %lld is now the baseline of %s", (long long)run_id,
				   r.pipeline);
			pinned = 1;
		}
		free(doubt);
	}
	if (err.code)
		tui_error(t, "%s", rl_err_msg(&err));
	rl_err_clear(&err);
	store_run_clear(&r);
	return pinned;
}

struct view *view_new(const struct view_ops *ops, void *data, void (*free_data)(void *))
{
	struct view *v = data ? calloc(1, sizeof(*v)) : NULL;
	if (!v) {
		if (data)
			free_data(data);
		return NULL;
	}
	v->ops = ops;
	v->data = data;
	return v;
}

void tui_push(struct tui *t, struct view *v)
{
	if (!v)
		return;
	struct rl_err err = RL_ERR_INIT;
	if (v->ops->load(v, t, &err) < 0) {
		tui_error(t, "%s", rl_err_msg(&err));
		rl_err_clear(&err);
		v->ops->free(v);
		free(v);
		return;
	}
	v->below = t->top;
	t->top = v;
}

static void pop(struct tui *t)
{
	struct view *v = t->top;
	t->top = v->below;
	v->ops->free(v);
	free(v);
}

void tui_changed(struct tui *t)
{
	for (struct view *v = t->top; v; v = v->below)
		v->stale = 1;
}

/* Whether another process committed to the store since we last looked
 * (PRAGMA data_version: our own writes do not count, tui_changed says
 * those): then every view on the stack is stale. */
static int store_moved(struct tui *t)
{
	int64_t v = t->version;
	if (store_data_version(t->store, &v, NULL) < 0 || v == t->version)
		return 0;
	t->version = v;
	tui_changed(t);
	testhook_pause("TUI_STORE_CHANGED");
	return 1;
}

static void reload(struct tui *t)
{
	struct rl_err err = RL_ERR_INIT;
	t->top->stale = 0;
	if (t->top->ops->load(t->top, t, &err) < 0)
		tui_error(t, "%s", rl_err_msg(&err));
	rl_err_clear(&err);
}

/* What the loop does after a handler said R: back (the view it comes
 * back to shows the store as it is now), or reload every view. */
static void after(struct tui *t, int r)
{
	if (!t->top)
		return;
	if (r & TUI_QUIT) {
		while (t->top)
			pop(t);
		return;
	}
	if (r & TUI_POP) {
		pop(t);
		if (t->top)
			store_moved(t);
	} else if (r & TUI_RELOAD) {
		tui_changed(t);
	}
	if (t->top && t->top->stale)
		reload(t);
}

static void on_sigint(int sig)
{
	(void)sig;
	interrupted = 1;
}

int tui_interrupted(void)
{
	return interrupted != 0;
}

void tui_interrupt_reset(void)
{
	interrupted = 0;
}

/* ------------------------------------------------------------------ */
/* The actions every view has                                           */

static int act_back(struct view *v, struct tui *t, enum tui_action a)
{
	(void)v, (void)t, (void)a;
	return TUI_POP;
}

/* Esc: dismiss the message on the status bar, else back; never quits
 * (q does, from the first view; Q from any). */
static int act_cancel(struct view *v, struct tui *t, enum tui_action a)
{
	(void)a;
	if (t->had_notice)
		return TUI_REDRAW;
	if (v->below)
		return TUI_POP;
	tui_notice(t, "Esc does not quit: q quits the browser");
	return TUI_REDRAW;
}

static int act_quit(struct view *v, struct tui *t, enum tui_action a)
{
	(void)v, (void)a;
	while (t->top)
		pop(t);
	return TUI_HANDLED;
}

/* h/l (and the arrows, Tab) in a view with nothing sideways: back and
 * open, as ranger and lf do. */
static int act_side(struct view *v, struct tui *t, enum tui_action a)
{
	if (a == ACT_LEFT)
		return v->below ? TUI_POP : TUI_HANDLED;
	const struct view_action *open = keys_row(v->ops, ACT_OPEN);
	if (!open) {
		tui_notice(t, "nothing to open here");
		return TUI_REDRAW;
	}
	return open->run(v, t, ACT_OPEN);
}

static int act_pipelines(struct view *v, struct tui *t, enum tui_action a)
{
	(void)a;
	if (v->ops != &view_pipelines_ops) /* else: already there */
		tui_push(t, view_pipelines_new());
	return TUI_REDRAW;
}

int tui_reap_dead_runs(struct tui *t)
{
	if (t->read_only)
		return 0;
	int n = 0;
	struct rl_err err = RL_ERR_INIT;
	/* the screen must not wait: a lock held elsewhere is tried again at
	 * the next look, and a run with cluster jobs to cancel (seconds of
	 * Slurm) is left to a command */
	store_set_busy_ms(t->store, 100);
	int rc = session_reap_dead_local_runs(t->store, &n, &err);
	store_set_busy_ms(t->store, -1);
	if (rc < 0 && err.code != RL_E_BUSY)
		tui_error(t, "%s", rl_err_msg(&err));
	else if (rc == 0 && n > 0)
		tui_notice(t, "marked %d run%s interrupted: %s runner is gone", n,
			   n == 1 ? "" : "s", n == 1 ? "its" : "their");
	rl_err_clear(&err);
	return n > 0;
}

static int act_refresh(struct view *v, struct tui *t, enum tui_action a)
{
	(void)v, (void)a;
	clearok(stdscr, TRUE);
	tui_reap_dead_runs(t); /* F5 looks now */
	return TUI_RELOAD;
}

static int act_help(struct view *v, struct tui *t, enum tui_action a)
{
	(void)v, (void)a;
	t->help = 1;
	t->help_top = 0;
	return TUI_REDRAW;
}

const struct view_action tui_global_actions[] = {
	{ .action = ACT_BACK, .run = act_back, .help = "back to the view before (quit from the first)" },
	{ .action = ACT_CANCEL, .run = act_cancel,
	  .help = "dismiss the message, else back (never quits)" },
	{ .action = ACT_QUIT, .run = act_quit, .help = "quit the browser" },
	{ .action = ACT_LEFT, .run = act_side, .help = "back, where nothing is sideways (as h in ranger)" },
	{ .action = ACT_RIGHT, .run = act_side, .help = "open, where nothing is sideways (as l in ranger)" },
	{ .action = ACT_PIPELINES, .run = act_pipelines, .help = "the pipelines" },
	{ .action = ACT_COMMAND, .run = tui_act_command,
	  .help = "a command: :42 :run NAME :pin :tag T :filter E :q (Tab)" },
	{ .action = ACT_YANK, .run = tui_act_yank, .help = "copy the run's id, name or output's path" },
	{ .action = ACT_UNPIN, .run = tui_act_unpin, .help = "unpin the baseline of the run's pipeline" },
	{ .action = ACT_REFRESH, .run = act_refresh, .help = "reload from the store" },
	{ .action = ACT_HELP, .run = act_help, .help = "this help: the keys of the view" },
};
const int tui_nglobal_actions = sizeof tui_global_actions / sizeof tui_global_actions[0];

/* Action A on the top view, or its global row; QUIET: no notice when no
 * one handles it. */
static int act(struct tui *t, enum tui_action a, int quiet)
{
	struct view *v = t->top;
	const struct view_action *row = keys_row(v->ops, a);
	if (!row)
		row = keys_global_row(a);
	if (!row) {
		if (!quiet && a != ACT_NONE)
			tui_notice(t, "%s does nothing in this view (? lists its keys)",
				   keys_label(a));
		return 0;
	}
	int r = row->run(v, t, a);
	after(t, r);
	return r;
}

int tui_act(struct tui *t, enum tui_action a)
{
	return act(t, a, 0);
}

/* ------------------------------------------------------------------ */
/* The loop                                                             */

struct loop {
	int dirty;
	int64_t t0;	   /* when the browser started (for the trace) */
	int64_t last_poll; /* when it was looked at */
	int64_t last_reap; /* when runs whose runner is gone were looked for */
};

static void paint(struct tui *t, struct loop *L)
{
	if (t->help) {
		screen_paint_help(t, t->help_top);
	} else {
		screen_recalc(t);
		screen_paint(t);
	}
	if (L->t0 && t->trace) {
		fprintf(t->trace, "first_frame_us %lld\n", (long long)(now_us() - L->t0));
		fflush(t->trace);
	}
	L->t0 = 0;
	L->dirty = 0;
}

static void trace_key(struct tui *t, int ch, int64_t start)
{
	if (!t->trace)
		return;
	fprintf(t->trace, "key %d us %lld\n", ch, (long long)(now_us() - start));
	fflush(t->trace);
}

/* A mouse event as an action or a click for the view. */
static void on_mouse(struct tui *t)
{
	MEVENT ev;
	if (getmouse(&ev) != OK)
		return;
	enum tui_action wheel = ACT_NONE;
#ifdef BUTTON5_PRESSED
	if (ev.bstate & BUTTON5_PRESSED)
		wheel = ACT_DOWN;
#endif
	if (ev.bstate & BUTTON4_PRESSED)
		wheel = ACT_UP;
	for (int i = 0; wheel && i < 3 && t->top; i++)
		act(t, wheel, 1);
	int dbl = (ev.bstate & BUTTON1_DOUBLE_CLICKED) != 0;
	if (wheel || (!(ev.bstate & (BUTTON1_CLICKED | BUTTON1_PRESSED | BUTTON1_RELEASED)) && !dbl))
		return;
	/* the bars: a key hint does its action, the title goes back */
	enum tui_action bar = screen_bar_action(t, ev.y, ev.x);
	if (bar != ACT_NONE || ev.y == 0 || ev.y == t->lines - 1) {
		if (bar != ACT_NONE)
			act(t, bar, 0);
		return;
	}
	if (!t->top->ops->click) {
		if (dbl)
			act(t, ACT_OPEN, 1);
		return;
	}
	after(t, t->top->ops->click(t->top, t, ev.y, ev.x, dbl));
}

/* / n N on the ? screen: the next row that has what was asked, at the
 * top; says when the search went round, as vim does. */
static void help_find(struct tui *t, int from, int dir)
{
	int wrapped = 0, row = screen_help_find(t, from, dir, &wrapped);
	if (row < 0) {
		snprintf(t->help_msg, sizeof t->help_msg, "'%s' is not on this screen",
			 t->help_find);
		return;
	}
	t->help_top = row;
	if (wrapped)
		snprintf(t->help_msg, sizeof t->help_msg, "search hit %s, continuing at %s",
			 dir > 0 ? "BOTTOM" : "TOP", dir > 0 ? "TOP" : "BOTTOM");
	else
		snprintf(t->help_msg, sizeof t->help_msg, "'%s' — n next, N previous",
			 t->help_find);
}

static void close_help(struct tui *t)
{
	t->help = 0;
	t->help_top = 0;
	t->help_find[0] = '\0';
}

/* The mouse on the ? screen: the wheel scrolls it; a click on a key's row
 * closes it and returns that key's action, for the view under it (so
 * every action is a click away, whatever the status bar had room for);
 * a click elsewhere closes it. */
static enum tui_action on_help_mouse(struct tui *t)
{
	MEVENT ev;
	if (getmouse(&ev) != OK)
		return ACT_NONE;
	int wheel = (ev.bstate & BUTTON4_PRESSED) ? -3 : 0, rows = screen_help_rows(t);
#ifdef BUTTON5_PRESSED
	if (ev.bstate & BUTTON5_PRESSED)
		wheel = 3;
#endif
	if (wheel) {
		t->help_top += wheel;
		t->help_top = t->help_top > rows - 1 ? rows - 1 : t->help_top;
		t->help_top = t->help_top < 0 ? 0 : t->help_top;
		return ACT_NONE;
	}
	if (!(ev.bstate & (BUTTON1_CLICKED | BUTTON1_DOUBLE_CLICKED)))
		return ACT_NONE;
	enum tui_action a = screen_help_action(t, t->help_top, ev.y, ev.x);
	close_help(t);
	return a;
}

/* A key while the ? screen is up: Up/Down scroll, / searches (n, N), the
 * mouse (on_help_mouse), any other key closes it.  Returns the action a
 * click asked for (ACT_NONE: none). */
static enum tui_action on_help_key(struct tui *t, int ch)
{
	t->help_msg[0] = '\0';
	if (ch == KEY_MOUSE) {
		return on_help_mouse(t);
	} else if (ch == KEY_DOWN || ch == 'j') {
		t->help_top += t->help_top < screen_help_rows(t) - 1;
	} else if (ch == KEY_UP || ch == 'k') {
		t->help_top -= t->help_top > 0;
	} else if (ch == '/') {
		char text[sizeof t->help_find];
		if (tui_prompt(t, "search the keys:", NULL, text, sizeof text) && text[0]) {
			snprintf(t->help_find, sizeof t->help_find, "%s", text);
			help_find(t, t->help_top - 1, 1);
		}
	} else if ((ch == 'n' || ch == 'N') && t->help_find[0]) {
		help_find(t, t->help_top, ch == 'n' ? 1 : -1);
	} else {
		close_help(t);
	}
	return ACT_NONE;
}

/* Every SESSION_HEARTBEAT_MS: a run whose runner died shows running
 * until some process marks it interrupted, and a dead runner writes
 * nothing the store watch would see — so the browser looks (as every
 * command that opens the store does; not with --read-only, nor when
 * the store is not ours to write).  1 when it marked one. */
static int reap_dead_runs(struct tui *t, struct loop *L, int64_t now)
{
	if (now - L->last_reap < SESSION_HEARTBEAT_MS * 1000LL)
		return 0;
	L->last_reap = now;
	return tui_reap_dead_runs(t);
}

/* No key for a while: the view's tick, reruns that ended, the store. */
static void on_idle(struct tui *t, struct loop *L, int64_t now)
{
	if (t->top->ops->tick && !t->help && (t->top->ops->tick(t->top, t) & TUI_REDRAW))
		L->dirty = 1;
	if (now - L->last_poll < 900000)
		return;
	L->last_poll = now;
	launch_reap(); /* reruns started from here that ended */
	if (reap_dead_runs(t, L, now)) {
		tui_changed(t); /* our own write: the loop reloads the top view */
		L->dirty = 1;
	}
	if (store_moved(t)) {
		if (!t->help) /* else when the ? screen closes */
			reload(t);
		L->dirty = 1;
	}
}

static void run_loop(struct tui *t, int64_t t0)
{
	struct loop L = { .dirty = 1, .t0 = t0, .last_poll = now_us(), .last_reap = now_us() };
	store_data_version(t->store, &t->version, NULL);
	while (t->top && !interrupted) {
		/* a view that became top (back, the ? screen closed, a dialog
		 * ended) shows the store as it is now */
		if (!t->help && t->top->stale) {
			reload(t);
			L.dirty = 1;
		}
		if (L.dirty)
			paint(t, &L);
		/* wake up to watch the store (once a second) and, for views that
		 * follow something, ten times a second */
		timeout(t->top->ops->tick ? 100 : 1000);
		int ch = getch();
		int64_t start = now_us();
		if (ch == ERR) {
			on_idle(t, &L, start);
			continue;
		}
		L.dirty = 1;
		if (ch == KEY_RESIZE)
			continue;
		enum tui_action clicked = ACT_NONE;
		if (t->help && (clicked = on_help_key(t, ch)) == ACT_NONE)
			continue;
		t->had_notice = t->notice[0] != '\0';
		t->notice[0] = '\0';
		if (clicked != ACT_NONE) {
			/* the view, not the ? screen, under what the action opens */
			paint(t, &L);
			act(t, clicked, 0);
			L.dirty = 1;
		} else if (ch == KEY_MOUSE) {
			on_mouse(t);
		} else {
			act(t, keys_action_of(ch), keys_action_of(ch) == ACT_NONE);
		}
		if (t->top && t->trace) {
			paint(t, &L);
			trace_key(t, ch, start);
		}
	}
}

/* ------------------------------------------------------------------ */
/* Starting and ending                                                  */

static int start_screen(struct tui *t, struct rl_err *err)
{
	setlocale(LC_ALL, "");
	t->utf8 = strcmp(nl_langinfo(CODESET), "UTF-8") == 0;
	/* before initscr: ncurses then leaves SIGINT to us */
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_sigint;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	if (!initscr())
		return rl_err_set(err, RL_E_FAIL, "cannot start the terminal browser");
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	curs_set(0);
	set_escdelay(25);
	mmask_t mask = BUTTON1_CLICKED | BUTTON1_DOUBLE_CLICKED | BUTTON4_PRESSED;
#ifdef BUTTON5_PRESSED
	mask |= BUTTON5_PRESSED;
#endif
	mousemask(mask, NULL);
	screen_init_colors(t);
	getmaxyx(stdscr, t->lines, t->cols);
	return 0;
}

/* The runs, and on them run OPEN_RUN when not 0. */
static int first_views(struct tui *t, int64_t open_run, struct rl_err *err)
{
	tui_push(t, view_runs_new(0));
	if (open_run)
		tui_push(t, view_run_new(open_run));
	if (t->top)
		return 0;
	endwin();
	return rl_err_set(err, RL_E_FAIL, "%s", t->notice[0] ? t->notice : "cannot open the runs");
}

static void close_trace(struct tui *t)
{
	if (!t->trace)
		return;
	struct rusage ru;
	if (getrusage(RUSAGE_SELF, &ru) == 0)
		fprintf(t->trace, "peak_rss_kb %ld\n", ru.ru_maxrss);
	fclose(t->trace);
}

int tui_main(const struct tui_opts *o, struct rl_err *err)
{
	int64_t t0 = now_us(), open_run = 0;
	struct tui t;
	memset(&t, 0, sizeof t);
	t.read_only = o->read_only;
	int rc = -1;
	const char *trace = getenv("RUNLENS_TUI_TRACE");
	if (trace && *trace)
		t.trace = fopen(trace, "a");
	if (session_open(o->store_flag, o->read_only ? SESSION_READONLY : 0, &t.store, err) < 0)
		goto cleanup;
	/* a store this user may not write browses as with --read-only */
	if (store_access(t.store) == STORE_ACCESS_READ_ONLY)
		t.read_only = 2;
	if (session_note())
		snprintf(t.notice, sizeof t.notice, "%s", session_note());
	tui_config_start(&t); /* keys, colours, columns; its bad lines */
	if (o->run_ref && session_resolve_run(t.store, o->run_ref, &open_run, err) < 0)
		goto cleanup;
	if (start_screen(&t, err) < 0 || first_views(&t, open_run, err) < 0)
		goto cleanup;
	run_loop(&t, t0);
	endwin();
	rc = 0;
cleanup:
	signal(SIGINT, SIG_DFL);
	while (t.top)
		pop(&t);
	store_close(&t.store);
	close_trace(&t);
	config_free();
	return rc;
}
