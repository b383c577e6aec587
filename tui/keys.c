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

#include "util/buf.h"

/* The key table; keys_bind (the config file's [keys]) changes a row. */
static struct {
	int key1, key2;
	const char *label, *bar, *bar_ascii;
} keymap[ACT__COUNT] = {
#define TUI_ACT_ROW(name, k1, k2, label, bar, bar_ascii) [ACT_##name] = { k1, k2, label, bar, bar_ascii },
	TUI_ACTIONS(TUI_ACT_ROW)
#undef TUI_ACT_ROW
};

static const char *const action_names[ACT__COUNT] = {
#define TUI_ACT_NAME(name, k1, k2, label, bar, bar_ascii) [ACT_##name] = #name,
	TUI_ACTIONS(TUI_ACT_NAME)
#undef TUI_ACT_NAME
};

/* The labels of rebound actions ("x", "B/C-b"). */
static char bound_label[ACT__COUNT][40];

enum tui_action keys_action_named(const char *name)
{
	for (int a = ACT_NONE + 1; name && *name && a < ACT__COUNT; a++) {
		const char *n = action_names[a], *p = name;
		/* "page_up", "page-up", "PAGE_UP" */
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
	static char lower[ACT__COUNT][24];
	if (a <= ACT_NONE || a >= ACT__COUNT)
		return "";
	if (!lower[a][0])
		for (size_t i = 0; action_names[a][i] && i < sizeof lower[a] - 1; i++)
			lower[a][i] = (char)(action_names[a][i] >= 'A' && action_names[a][i] <= 'Z'
						     ? action_names[a][i] + 32
						     : action_names[a][i]);
	return lower[a];
}

void keys_bind(enum tui_action a, const int *keys, int n, const char *label)
{
	if (a <= ACT_NONE || a >= ACT__COUNT || n < 1)
		return;
	/* the key leaves the action that had it: the new binding wins */
	for (int i = 0; i < n && i < 2; i++)
		for (int b = ACT_NONE + 1; b < ACT__COUNT; b++) {
			if (b == (int)a)
				continue;
			if (keymap[b].key1 == keys[i]) {
				keymap[b].key1 = keymap[b].key2;
				keymap[b].key2 = 0;
			} else if (keymap[b].key2 == keys[i]) {
				keymap[b].key2 = 0;
			}
		}
	keymap[a].key1 = keys[0];
	keymap[a].key2 = n > 1 ? keys[1] : 0;
	snprintf(bound_label[a], sizeof bound_label[a], "%s", label);
	keymap[a].label = keymap[a].bar = bound_label[a];
	keymap[a].bar_ascii = NULL;
}

enum tui_action keys_action_of(int ch)
{
	if (ch == KEY_ENTER || ch == '\r')
		ch = '\n';
	for (int a = ACT_NONE + 1; a < ACT__COUNT; a++)
		if ((keymap[a].key1 && keymap[a].key1 == ch) ||
		    (keymap[a].key2 && keymap[a].key2 == ch))
			return (enum tui_action)a;
	return ACT_NONE;
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
	return a > ACT_NONE && a < ACT__COUNT ? keymap[a].label : "";
}

const char *keys_bar_label(enum tui_action a, int utf8)
{
	if (a <= ACT_NONE || a >= ACT__COUNT)
		return "";
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
	r[k++] = (struct key_help){ NULL, ops->name, 1 };
	for (int i = 0; i < ops->nactions; i++)
		r[k++] = (struct key_help){ keys_label(ops->actions[i].action), ops->actions[i].help, 0 };
	for (int i = 0; i < 3 && ops->help_note[i]; i++)
		r[k++] = (struct key_help){ NULL, ops->help_note[i], 0 };
	r[k++] = (struct key_help){ NULL, "", 0 };
	r[k++] = (struct key_help){ NULL, "Everywhere", 1 };
	for (int i = 0; i < tui_nglobal_actions; i++)
		if (!keys_row(ops, tui_global_actions[i].action))
			r[k++] = (struct key_help){ keys_label(tui_global_actions[i].action),
					    tui_global_actions[i].help, 0 };
	*n = k;
	return 0;
}
