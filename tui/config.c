/* tui/config.c — the browser's config file (the format: tui_config.h): a
 * pure line parser that checks each line against the keys it knows and
 * keeps the good ones in one table, the bad ones as "PATH:LINE: what". */
#include "config.h"
#include "tui/tui_config.h"

#include <curses.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "core/columns.h"
#include "tui/internal.h"
#include "util/buf.h"
#include "util/fs.h"
#include "util/timeutil.h"

struct entry {
	char *key; /* "theme", "colors.better", "keys.compare" */
	char *value;
};

static struct {
	struct entry *e;
	int n;
	char **errors;
	int nerrors;
	const char **section_keys; /* config_section's answer */
} cfg;

void config_free(void)
{
	for (int i = 0; i < cfg.n; i++) {
		free(cfg.e[i].key);
		free(cfg.e[i].value);
	}
	for (int i = 0; i < cfg.nerrors; i++)
		free(cfg.errors[i]);
	free(cfg.e);
	free(cfg.errors);
	free(cfg.section_keys);
	memset(&cfg, 0, sizeof cfg);
}

char *config_default_path(void)
{
	return fs_xdg_file("XDG_CONFIG_HOME", ".config", "config");
}

/* NAME with ~ for $HOME, as people write it. */
static char *short_name(const char *name)
{
	const char *home = getenv("HOME");
	size_t h = home ? strlen(home) : 0;
	struct buf b = BUF_INIT;
	if (h > 1 && !strncmp(name, home, h) && name[h] == '/')
		buf_printf(&b, "~%s", name + h);
	else
		buf_puts(&b, name);
	return buf_steal(&b);
}

/* The error "NAME:LINE: " and FMT with its one %s replaced by A. */
static void add_error(const char *name, int line, const char *fmt, const char *a)
{
	char **e = realloc(cfg.errors, (size_t)(cfg.nerrors + 1) * sizeof *e);
	if (!e)
		return;
	cfg.errors = e;
	struct buf b = BUF_INIT;
	char *shown = short_name(name);
	const char *at = strstr(fmt, "%s");
	buf_printf(&b, "%s:%d: ", shown ? shown : name, line);
	if (at) {
		buf_append(&b, fmt, (size_t)(at - fmt));
		buf_puts(&b, a);
		buf_puts(&b, at + 2);
	} else {
		buf_puts(&b, fmt);
	}
	free(shown);
	cfg.errors[cfg.nerrors++] = buf_steal(&b);
}

/* Set KEY to VALUE (a later line wins). */
static void put(const char *key, const char *value)
{
	for (int i = 0; i < cfg.n; i++)
		if (!strcmp(cfg.e[i].key, key)) {
			char *v = strdup(value);
			if (v) {
				free(cfg.e[i].value);
				cfg.e[i].value = v;
			}
			return;
		}
	struct entry *e = realloc(cfg.e, (size_t)(cfg.n + 1) * sizeof *e);
	if (!e)
		return;
	cfg.e = e;
	cfg.e[cfg.n].key = strdup(key);
	cfg.e[cfg.n].value = strdup(value);
	if (!cfg.e[cfg.n].key || !cfg.e[cfg.n].value) {
		free(cfg.e[cfg.n].key);
		free(cfg.e[cfg.n].value);
		return;
	}
	cfg.n++;
}

const char *config_get(const char *key)
{
	for (int i = 0; key && i < cfg.n; i++)
		if (!strcmp(cfg.e[i].key, key))
			return cfg.e[i].value;
	return NULL;
}

int config_section(const char *section, const char ***keys)
{
	size_t len = section ? strlen(section) : 0;
	int k = 0;
	free(cfg.section_keys);
	cfg.section_keys = calloc((size_t)cfg.n + 1, sizeof *cfg.section_keys);
	for (int i = 0; cfg.section_keys && len && i < cfg.n; i++)
		if (!strncmp(cfg.e[i].key, section, len) && cfg.e[i].key[len] == '.')
			cfg.section_keys[k++] = cfg.e[i].key + len + 1;
	*keys = k ? cfg.section_keys : NULL;
	return k;
}

int config_nerrors(void)
{
	return cfg.nerrors;
}

const char *config_error(int i)
{
	return i >= 0 && i < cfg.nerrors ? cfg.errors[i] : NULL;
}

int config_color(const char *value)
{
	static const char *const names[] = { "black", "red",	 "green", "yellow",
					     "blue",  "magenta", "cyan",  "white" };
	if (!value || !*value)
		return -2;
	if (!strcasecmp(value, "default"))
		return -1;
	for (int i = 0; i < 8; i++)
		if (!strcasecmp(value, names[i]))
			return i;
	char *end;
	errno = 0;
	long n = strtol(value, &end, 10);
	if (errno || *end || end == value || n < 0 || n > 255)
		return -2;
	return (int)n;
}

int config_key_code(const char *name)
{
	static const struct {
		const char *name;
		int code;
	} named[] = {
		{ "Enter", '\n' }, { "Space", ' ' },	  { "Tab", '\t' },	  { "Esc", 27 },
		{ "Del", KEY_DC }, { "Home", KEY_HOME }, { "End", KEY_END },	  { "PgUp", KEY_PPAGE },
		{ "PgDn", KEY_NPAGE }, { "Up", KEY_UP }, { "Down", KEY_DOWN }, { "Left", KEY_LEFT },
		{ "Right", KEY_RIGHT }, { "Backspace", KEY_BACKSPACE },
	};
	if (!name || !*name)
		return -1;
	if (!name[1] && name[0] > ' ' && name[0] < 127)
		return (unsigned char)name[0];
	if ((name[0] == 'C' || name[0] == 'c') && name[1] == '-' && name[2] && !name[3]) {
		int c = name[2] | 0x20;
		return c >= 'a' && c <= 'z' ? c - 'a' + 1 : -1;
	}
	if ((name[0] == 'F' || name[0] == 'f') && name[1] >= '1' && name[1] <= '9') {
		char *end;
		long n = strtol(name + 1, &end, 10);
		return !*end && n >= 1 && n <= 12 ? KEY_F((int)n) : -1;
	}
	for (size_t i = 0; i < sizeof named / sizeof named[0]; i++)
		if (!strcasecmp(name, named[i].name))
			return named[i].code;
	return -1;
}

/* strftime with the user's format: a format that is not a literal is
 * the point here. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
static size_t user_strftime(char *buf, size_t size, const char *fmt, const struct tm *tm)
{
	return strftime(buf, size, fmt, tm);
}
#pragma GCC diagnostic pop

void config_time(int64_t ms, char *buf, size_t size)
{
	const char *fmt = config_get("date_format");
	if (!fmt) {
		time_local_short(ms, buf, size);
		return;
	}
	time_t secs = (time_t)(ms / 1000);
	struct tm tm;
	if (size == 0)
		return;
	buf[0] = '\0';
	if (!localtime_r(&secs, &tm) || user_strftime(buf, size, fmt, &tm) == 0)
		time_local_short(ms, buf, size);
}

/* ------------------------------------------------------------------ */
/* Checking one line                                                   */

enum section { SEC_TOP, SEC_COLORS, SEC_KEYS, SEC_COLUMNS, SEC_BAD };

static const char *const section_names[] = { "", "colors", "keys", "columns" };

/* The value of a [keys] line: one or two keys, space or comma apart. */
static int keys_ok(const char *value, const char **bad)
{
	char *copy = strdup(value), *save = NULL;
	int n = 0, ok = copy != NULL;
	for (char *w = copy ? strtok_r(copy, " ,", &save) : NULL; ok && w;
	     w = strtok_r(NULL, " ,", &save)) {
		if (config_key_code(w) < 0 || ++n > 2) {
			*bad = value;
			ok = 0;
		}
	}
	free(copy);
	return ok && n > 0;
}

/* The value of a [columns] line: names as `ls --columns` has them. */
static int columns_ok(const char *value, char **bad)
{
	char *copy = strdup(value), *save = NULL;
	int n = 0, ok = copy != NULL;
	for (char *w = copy ? strtok_r(copy, " ,", &save) : NULL; ok && w;
	     w = strtok_r(NULL, " ,", &save)) {
		n++;
		enum columns_kind k = columns_kind_of(w, NULL);
		if ((k == COLK_PARAM && !w[7]) ||
		    (k == COLK_METRIC && (!strchr(w, '.') || w[0] == '.' || w[strlen(w) - 1] == '.'))) {
			*bad = strdup(w);
			ok = 0;
		}
	}
	free(copy);
	return ok && n > 0;
}

static void check_line(enum section sec, const char *key, const char *value, const char *name,
		       int line)
{
	struct buf full = BUF_INIT;
	char *bad = NULL;
	const char *badc = NULL;
	if (sec != SEC_TOP)
		buf_printf(&full, "%s.", section_names[sec]);
	buf_puts(&full, key);
	switch (sec) {
	case SEC_TOP:
		if (!strcmp(key, "theme")) {
			if (strcmp(value, "dark") && strcmp(value, "light")) {
				add_error(name, line, "theme: '%s' is neither dark nor light", value);
				goto done;
			}
		} else if (!strcmp(key, "date_format")) {
			char out[128];
			struct tm tm = { .tm_year = 126, .tm_mon = 11, .tm_mday = 31, .tm_hour = 23 };
			if (!*value || user_strftime(out, sizeof out, value, &tm) == 0) {
				add_error(name, line,
					  "date_format: '%s' makes no date (strftime, at most 127 "
					  "characters)",
					  value);
				goto done;
			}
		} else if (strcmp(key, "yank_command")) {
			add_error(name, line, "unknown key '%s'", key);
			goto done;
		}
		break;
	case SEC_COLORS:
		if (strcmp(key, "better") && strcmp(key, "worse") && strcmp(key, "dim")) {
			add_error(name, line, "unknown colour '%s' (better, worse, dim)", key);
			goto done;
		}
		if (config_color(value) == -2) {
			add_error(name, line,
				  "'%s' is no colour (black, red, green, yellow, blue, magenta, cyan, "
				  "white, default, or 0-255)",
				  value);
			goto done;
		}
		break;
	case SEC_KEYS:
		if (keys_action_named(key) == ACT_NONE) {
			add_error(name, line, "unknown action '%s' (the names are in runlens(1))",
				  key);
			goto done;
		}
		if (!keys_ok(value, &badc)) {
			add_error(name, line, "'%s' is not one or two keys (x, C-x, F5, Enter, …)",
				  value);
			goto done;
		}
		break;
	case SEC_COLUMNS:
		if (!columns_ok(value, &bad)) {
			add_error(name, line, "'%s' is no column (id, name, params.P, STEP.METRIC)",
				  bad ? bad : value);
			goto done;
		}
		break;
	case SEC_BAD: break;
	}
	put(full.data, value);
done:
	free(bad);
	buf_free(&full);
}

static char *trim(char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	char *e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
		*--e = '\0';
	return s;
}

int config_parse(const char *text, size_t n, const char *name)
{
	config_free();
	enum section sec = SEC_TOP;
	int line = 0;
	const char *p = text, *end = text ? text + n : NULL;
	if (!name)
		name = "config";
	while (p && p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
		char *raw = strndup(p, len);
		p = nl ? nl + 1 : end;
		line++;
		if (!raw)
			break;
		if (memchr(p - len - (nl ? 1 : 0), '\0', len)) {
			add_error(name, line, "%s", "a NUL byte");
			free(raw);
			continue;
		}
		char *s = trim(raw);
		/* a comment: the whole line, or after " #" */
		char *hash = *s == '#' ? s : strstr(s, " #");
		if (hash)
			*hash = '\0';
		s = trim(s);
		if (!*s) {
			free(raw);
			continue;
		}
		if (*s == '[') {
			char *close = strchr(s, ']');
			sec = SEC_BAD;
			if (close && !close[1]) {
				*close = '\0';
				char *secname = trim(s + 1);
				if (!strcmp(secname, "colours"))
					secname = "colors";
				for (int i = 1; i < 4; i++)
					if (!strcmp(secname, section_names[i]))
						sec = (enum section)i;
				if (sec == SEC_BAD)
					add_error(name, line,
						  "unknown section [%s] (colors, keys, columns)", secname);
			} else {
				add_error(name, line, "'%s' is no section: [NAME]", s);
			}
			free(raw);
			continue;
		}
		char *eq = strchr(s, '=');
		if (!eq) {
			add_error(name, line, "'%s' is not KEY = VALUE", s);
		} else if (sec != SEC_BAD) {
			*eq = '\0';
			char *key = trim(s), *value = trim(eq + 1);
			if (!*key)
				add_error(name, line, "%s", "a line with no key before '='");
			else if (!*value)
				add_error(name, line, "'%s' has no value", key);
			else
				check_line(sec, key, value, name, line);
		}
		/* lines of an unknown section: its line said so once */
		free(raw);
	}
	return cfg.nerrors;
}

int config_load(const char *path)
{
	char *text = NULL;
	size_t n = 0;
	struct rl_err err = RL_ERR_INIT;
	config_free();
	if (!path)
		return 0;
	if (fs_read_file(path, &text, &n, &err) < 0) {
		int missing = err.code == RL_E_NOT_FOUND || errno == ENOENT;
		rl_err_clear(&err);
		if (missing)
			return 0;
		add_error(path, 0, "%s", "cannot be read");
		return cfg.nerrors;
	}
	int r = config_parse(text, n, path);
	free(text);
	return r;
}

/* ------------------------------------------------------------------ */
/* The browser's side                                                   */

/* A [keys] line's value as key codes and the label of the ? screen
 * ("B/C-b"). */
static int parse_keys(const char *value, int *codes, struct buf *label)
{
	char *copy = strdup(value), *save = NULL;
	int n = 0;
	for (char *w = copy ? strtok_r(copy, " ,", &save) : NULL; w && n < 2;
	     w = strtok_r(NULL, " ,", &save)) {
		int c = config_key_code(w);
		if (c < 0)
			continue;
		codes[n++] = c;
		buf_printf(label, "%s%s", n > 1 ? "/" : "", w);
	}
	free(copy);
	return n;
}

void tui_config_start(struct tui *t)
{
	char *path = config_default_path();
	int bad = config_load(path);
	free(path);
	const char **keys = NULL;
	int n = config_section("keys", &keys);
	for (int i = 0; i < n; i++) {
		struct buf full = BUF_INIT, label = BUF_INIT;
		int codes[2];
		buf_printf(&full, "keys.%s", keys[i]);
		const char *value = config_get(full.data);
		int k = value ? parse_keys(value, codes, &label) : 0;
		if (k)
			keys_rebind(keys_action_named(keys[i]), codes, k);
		buf_free(&full);
		buf_free(&label);
	}
	if (bad == 1)
		tui_error(t, "runlens: %s", config_error(0));
	else if (bad > 1)
		tui_error(t, "runlens: %s (and %d more bad lines)", config_error(0), bad - 1);
}
