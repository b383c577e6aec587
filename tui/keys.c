/* tui/keys.c — from the tables to the screen: which action a key is
 * (actions.h), which row of a view handles it, and the status-bar hints
 * and `?` screen of a view, generated from the rows of its actions (and
 * of the actions every view has), so they say what the view does. */
#include "config.h"
#include "tui/internal.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/buf.h"

#define KEYS_MAX 4 /* keys of one action */

static struct {
	int key[KEYS_MAX];
	const char *label, *bar, *bar_ascii;
	char *made; /* the label made from the keys after keys_bind (malloc'd) */
} keymap[ACT__COUNT] = {
#define TUI_ACT_ROW(name, k1, k2, label, bar, bar_ascii) \
	[ACT_##name] = { { k1, k2 }, label, bar, bar_ascii, NULL },
	TUI_ACTIONS(TUI_ACT_ROW)
#undef TUI_ACT_ROW
};

static const char *const action_names[ACT__COUNT] = {
#define TUI_ACT_NAME(name, k1, k2, label, bar, bar_ascii) [ACT_##name] = #name,
	TUI_ACTIONS(TUI_ACT_NAME)
#undef TUI_ACT_NAME
};

/* The third keys (their labels are in actions.h): Tab goes right (the
 * next tab), Shift-Tab left (the previous one), as in browsers. */
static const struct {
	enum tui_action a;
	int key;
} more_keys[] = {
	{ ACT_LEFT, KEY_BTAB },
	{ ACT_RIGHT, '\t' },
};

static void keys_init(void)
{
	static int done;
	if (done)
		return;
	done = 1;
	for (size_t i = 0; i < sizeof more_keys / sizeof more_keys[0]; i++)
		for (int k = 0; k < KEYS_MAX; k++)
			if (!keymap[more_keys[i].a].key[k]) {
				keymap[more_keys[i].a].key[k] = more_keys[i].key;
				break;
			}
}

enum tui_action keys_action_of(int ch)
{
	keys_init();
	if (ch == KEY_ENTER || ch == '\r')
		ch = '\n';
	if (ch == 0)
		return ACT_NONE;
	for (int a = ACT_NONE + 1; a < ACT__COUNT; a++)
		for (int k = 0; k < KEYS_MAX; k++)
			if (keymap[a].key[k] == ch)
				return (enum tui_action)a;
	return ACT_NONE;
}

enum tui_action keys_action_named(const char *name)
{
	for (int a = ACT_NONE + 1; name && *name && a < ACT__COUNT; a++) {
		const char *n = action_names[a], *p = name;
		/* "rerun_from", "rerun-from", "RERUN_FROM" */
		for (; *n && *p; n++, p++)
			if ((*p == '-' ? '_' : *p >= 'a' && *p <= 'z' ? *p - 32 : *p) != *n)
				break;
		if (!*n && !*p)
			return (enum tui_action)a;
	}
	return ACT_NONE;
}

const char *keys_action_name(enum tui_action a)
{
	static char lower[ACT__COUNT][24]; /* as the config file writes it */
	if (a <= ACT_NONE || a >= ACT__COUNT)
		return "";
	if (!lower[a][0])
		for (size_t i = 0; action_names[a][i] && i < sizeof lower[a] - 1; i++)
			lower[a][i] = (char)(action_names[a][i] >= 'A' && action_names[a][i] <= 'Z'
						     ? action_names[a][i] + 32
						     : action_names[a][i]);
	return lower[a];
}

const char *keys_key_name(int key)
{
	static char one[8];
	switch (key) {
	case '\n': case KEY_ENTER: return "Enter";
	case 27: return "Esc";
	case '\t': return "Tab";
	case KEY_BTAB: return "S-Tab";
	case ' ': return "Space";
	case KEY_UP: return "Up";
	case KEY_DOWN: return "Down";
	case KEY_LEFT: return "Left";
	case KEY_RIGHT: return "Right";
	case KEY_PPAGE: return "PgUp";
	case KEY_NPAGE: return "PgDn";
	case KEY_HOME: return "Home";
	case KEY_END: return "End";
	case KEY_DC: return "Del";
	case KEY_BACKSPACE: case 127: return "Backspace";
	default: break;
	}
	if (key >= KEY_F(1) && key <= KEY_F(12)) {
		snprintf(one, sizeof one, "F%d", key - KEY_F(0));
		return one;
	}
	if (key > 0 && key < 32) {
		snprintf(one, sizeof one, "C-%c", 'a' + key - 1);
		return one;
	}
	if (key > 32 && key < 127) {
		snprintf(one, sizeof one, "%c", key);
		return one;
	}
	return "?";
}

/* The label of A made from its keys: "Up/k". */
static void make_label(enum tui_action a)
{
	struct buf b = BUF_INIT;
	for (int k = 0; k < KEYS_MAX; k++) {
		int key = keymap[a].key[k];
		if (!key || (key == KEY_ENTER && b.len))
			continue;
		buf_printf(&b, "%s%s", b.len ? "/" : "", keys_key_name(key));
	}
	free(keymap[a].made);
	keymap[a].made = buf_steal(&b);
}

int keys_bind(int key, enum tui_action a)
{
	keys_init();
	if (key <= 0 || a < ACT_NONE || a >= ACT__COUNT)
		return -1;
	if (a != ACT_NONE) {
		int k = 0;
		while (k < KEYS_MAX && keymap[a].key[k] && keymap[a].key[k] != key)
			k++;
		if (k == KEYS_MAX)
			return -1; /* it has as many keys as it can */
	}
	/* the key leaves the action it had */
	for (int b = ACT_NONE + 1; b < ACT__COUNT; b++)
		for (int k = 0; k < KEYS_MAX; k++)
			if (keymap[b].key[k] == key && b != (int)a) {
				memmove(&keymap[b].key[k], &keymap[b].key[k + 1],
					(size_t)(KEYS_MAX - k - 1) * sizeof(int));
				keymap[b].key[KEYS_MAX - 1] = 0;
				make_label((enum tui_action)b);
				k--;
			}
	if (a != ACT_NONE) {
		int k = 0;
		while (keymap[a].key[k] && keymap[a].key[k] != key)
			k++;
		keymap[a].key[k] = key;
		make_label(a);
	}
	return 0;
}

void keys_rebind(enum tui_action a, const int *keys, int n)
{
	keys_init();
	if (a <= ACT_NONE || a >= ACT__COUNT || n < 1)
		return;
	while (keymap[a].key[0])
		keys_bind(keymap[a].key[0], ACT_NONE);
	for (int i = 0; i < n; i++)
		keys_bind(keys[i], a);
}

static const struct view_action *row_in(const struct view_action *rows, int n,
					enum tui_action a)
{
	for (int i = 0; rows && i < n; i++)
		if (rows[i].action == a)
			return &rows[i];
	return NULL;
}

const struct view_action *keys_row(const struct view_ops *ops, enum tui_action a)
{
	return ops ? row_in(ops->actions, ops->nactions, a) : NULL;
}

const struct view_action *keys_global_row(enum tui_action a)
{
	return row_in(tui_global_actions, tui_nglobal_actions, a);
}

const char *keys_label(enum tui_action a)
{
	if (a <= ACT_NONE || a >= ACT__COUNT)
		return "";
	return keymap[a].made ? keymap[a].made : keymap[a].label;
}

const char *keys_bar_label(enum tui_action a, int utf8)
{
	if (a <= ACT_NONE || a >= ACT__COUNT)
		return "";
	if (keymap[a].made) /* rebound: its first key */
		return keymap[a].key[0] ? keys_key_name(keymap[a].key[0]) : "";
	return !utf8 && keymap[a].bar_ascii ? keymap[a].bar_ascii : keymap[a].bar;
}

/* One hint of the bar: "←/→ tabs". */
struct hint {
	char *full, *brief; /* malloc'd */
	int first, count;   /* its rows of the view's actions */
};

static char *hint_text(const struct buf *keys, const char *word)
{
	struct buf b = BUF_INIT;
	buf_printf(&b, "%s %s", keys->data ? keys->data : "", word);
	return buf_steal(&b);
}

/* The hints of OPS, neighbours with the same hint joined; returns their
 * number (*out malloc'd). */
static int collect_hints(const struct view_ops *ops, int utf8, struct hint **out)
{
	int n = 0;
	*out = calloc((size_t)(ops->nactions ? ops->nactions : 1), sizeof(**out));
	for (int i = 0; *out && i < ops->nactions;) {
		const struct view_action *r = &ops->actions[i];
		if (!r->hint) {
			i++;
			continue;
		}
		struct buf keys = BUF_INIT;
		int j = i;
		for (; j < ops->nactions && ops->actions[j].hint &&
		       !strcmp(ops->actions[j].hint, r->hint);
		     j++)
			buf_printf(&keys, "%s%s", j > i ? "/" : "", keys_bar_label(ops->actions[j].action, utf8));
		(*out)[n].full = hint_text(&keys, r->hint);
		(*out)[n].brief = hint_text(&keys, r->hint_short ? r->hint_short : r->hint);
		(*out)[n].first = i;
		(*out)[n].count = j - i;
		n++;
		buf_free(&keys);
		i = j;
	}
	return n;
}

static int hints_width(const struct hint *h, int n, const int *brief, int sep)
{
	int w = 0;
	for (int i = 0; i < n; i++)
		w += (i ? sep : 0) + fmt_width(brief[i] ? h[i].brief : h[i].full);
	return w;
}

/* Where the hint H starts (column X0 of the bar's text): each key's
 * label is its action's, the word the first action's. */
static void hint_spans(const struct view_ops *ops, const struct hint *h, int x0, int w,
		       int utf8, struct key_span *spans, int *nspans, int max)
{
	int x = x0;
	for (int k = 0; k < h->count && *nspans < max; k++) {
		enum tui_action a = ops->actions[h->first + k].action;
		int lw = fmt_width(keys_bar_label(a, utf8));
		/* with the "/" or the space after it: no gap between */
		spans[(*nspans)++] = (struct key_span){ x, x + lw + 1, a };
		x += lw + 1;
	}
	if (*nspans < max && x < x0 + w)
		spans[(*nspans)++] = (struct key_span){ x, x0 + w, ops->actions[h->first].action };
}

void keys_hints(const struct view_ops *ops, int utf8, int width, struct buf *out)
{
	keys_hints_at(ops, utf8, width, out, NULL, NULL, 0);
}

void keys_hints_at(const struct view_ops *ops, int utf8, int width, struct buf *out,
		   struct key_span *spans, int *nspans, int max)
{
	struct hint *h = NULL;
	int n = collect_hints(ops, utf8, &h);
	int *brief = calloc((size_t)(n ? n : 1), sizeof(int));
	const char *sep = utf8 ? " · " : " | ";
	if (!h || !brief)
		goto cleanup;
	/* too wide: the short forms from the last hint back, then fewer hints */
	for (int i = n - 1; i >= 0 && hints_width(h, n, brief, 3) > width; i--)
		brief[i] = 1;
	while (n > 0 && hints_width(h, n, brief, 3) > width)
		n--;
	for (int i = 0, x = 0; i < n; i++) {
		const char *text = brief[i] ? h[i].brief : h[i].full;
		x += i ? 3 : 0;
		if (spans && nspans)
			hint_spans(ops, &h[i], x, fmt_width(text), utf8, spans, nspans, max);
		x += fmt_width(text);
		buf_printf(out, "%s%s", i ? sep : "", text);
	}
cleanup:
	for (int i = 0; h && i < ops->nactions; i++) {
		free(h[i].full);
		free(h[i].brief);
	}
	free(h);
	free(brief);
}

int keys_help(const struct view_ops *ops, struct key_help **rows, int *n)
{
	int cap = ops->nactions + tui_nglobal_actions + 6, k = 0;
	struct key_help *r = calloc((size_t)cap, sizeof(*r));
	*rows = r;
	*n = 0;
	if (!r)
		return -1;
	r[k++] = (struct key_help){ NULL, ops->name, 1, ACT_NONE };
	for (int i = 0; i < ops->nactions; i++)
		r[k++] = (struct key_help){ keys_label(ops->actions[i].action), ops->actions[i].help, 0,
					    ops->actions[i].action };
	for (int i = 0; i < 3 && ops->help_note[i]; i++)
		r[k++] = (struct key_help){ NULL, ops->help_note[i], 0, ACT_NONE };
	r[k++] = (struct key_help){ NULL, "", 0, ACT_NONE };
	r[k++] = (struct key_help){ NULL, "Everywhere", 1, ACT_NONE };
	for (int i = 0; i < tui_nglobal_actions; i++)
		if (!keys_row(ops, tui_global_actions[i].action))
			r[k++] = (struct key_help){ keys_label(tui_global_actions[i].action),
					    tui_global_actions[i].help, 0,
					    tui_global_actions[i].action };
	*n = k;
	return 0;
}
