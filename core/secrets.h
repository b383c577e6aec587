/* core/secrets.h — secrets: kept outside the store in
 * $XDG_CONFIG_HOME/runlens/secrets.json (default ~/.config/runlens/),
 * mode 0600, as {"NAME": {"KEY": "value", …}, …}.  Masking their values
 * is util/mask.h.
 */
#ifndef RUNLENS_CORE_SECRETS_H
#define RUNLENS_CORE_SECRETS_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "util/buf.h"
#include "util/error.h"


/* The secrets file's path (malloc'd). */
char *secrets_path(void);

/* Load the secrets file; a missing file is an empty object.  A file that
 * group or others may read is refused (RL_E_INPUT) with a message saying
 * how to fix it. */
int secrets_load(cJSON **out, struct rl_err *err);

/* Write the secrets file (mode 0600, its folder 0700).  When the file is
 * a symlink, the file it points to is written and the link kept. */
int secrets_save(const cJSON *doc, struct rl_err *err);

#endif
