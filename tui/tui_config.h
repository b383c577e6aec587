/* tui/tui_config.h (tui/config.c) — the browser's config file:
 * $XDG_CONFIG_HOME/runlens/config (~/.config/runlens/config without it).  Lines of `key = value`, `#`
 * comments, and sections `[colors]`, `[keys]`, `[columns]`:
 *
 *   theme = dark                  # dark (the default) or light
 *   date_format = %Y-%m-%d %H:%M  # strftime(3), for STARTED and the panes
 *   yank_command = xclip -selection clipboard
 *   [colors]
 *   better = cyan                 # a colour name, default, or 0-255
 *   worse = magenta
 *   dim = 244
 *   [keys]
 *   compare = x                   # an action = one or two keys
 *   pin = B C-b
 *   [columns]
 *   train = id name status params.lr train.loss   # a pipeline; * for all
 *
 * A bad line is kept as an error "PATH:LINE: what" (the path with ~ for
 * $HOME) and ignored; the rest applies.  The values live in one table for
 * the browser's life (config_get); the parser is pure (config_parse) so it
 * is tested on strings. */
#ifndef RUNLENS_TUI_TUI_CONFIG_H
#define RUNLENS_TUI_TUI_CONFIG_H

#include <stddef.h>
#include <stdint.h>

/* The file's path: $XDG_CONFIG_HOME/runlens/config, else
 * $HOME/.config/runlens/config; NULL when neither is set.  Malloc'd. */
char *config_default_path(void);

/* Replace the table with what TEXT (N bytes, from the file NAME, as the
 * errors name it) says.  Returns the number of bad lines (0: none). */
int config_parse(const char *text, size_t n, const char *name);

/* config_parse of the file at PATH; a missing file is an empty config
 * (0), an unreadable one an error.  Returns the number of errors. */
int config_load(const char *path);

/* The value of KEY: "theme", "date_format", "yank_command",
 * "colors.better", "keys.compare", "columns.PIPELINE" ("columns.*"), or
 * NULL when the file does not set it.  The string lives until the next
 * config_parse or config_free. */
const char *config_get(const char *key);

/* The keys set in section SECTION ("keys"), in file order: *keys points
 * into the table (NULL when none).  Returns how many. */
int config_section(const char *section, const char ***keys);

/* The bad lines: "~/.config/runlens/config:3: unknown key 'colour'". */
int config_nerrors(void);
const char *config_error(int i);

/* The time MS (ms since the epoch) in the local zone as date_format
 * says, else as time_local_short ("2026-12-01 13:52"). */
void config_time(int64_t ms, char *buf, size_t size);

/* Empty the table. */
void config_free(void);

/* The colour of a config value: 0..255, -1 for "default", -2 when VALUE
 * is no colour. */
int config_color(const char *value);

/* A key as the config file writes it ("x", "C-x", "F5", "Enter",
 * "Space", "Tab", "Esc", "Del", "Home", "End", "PgUp", "PgDn", "Up",
 * "Down", "Left", "Right") as the curses key code; -1 when it is none. */
int config_key_code(const char *name);

#endif
