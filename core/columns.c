/* core/columns.c — the experiment table's columns: choosing them, their
 * cells, the best run of a metric, short headers (the rules are in
 * core/columns.h). */
#include "config.h"
#include "core/columns.h"

#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/buf.h"
#include "util/names.h"

const char *const columns_fixed_names[COLS_FIXED] = {
	"id", "name", "pipeline", "status", "started", "duration", "tags", "sweep", "git",
};

enum columns_kind columns_kind_of(const char *name, int *fixed)
{
	for (int i = 0; i < COLS_FIXED; i++)
		if (!strcasecmp(name, columns_fixed_names[i])) {
			if (fixed)
				*fixed = i;
			return COLK_FIXED;
		}
	if (fixed)
		*fixed = -1;
	return strncmp(name, "params.", 7) == 0 ? COLK_PARAM : COLK_METRIC;
}

void columns_free(char **v, int n)
{
	for (int i = 0; v && i < n; i++)
		free(v[i]);
	free(v);
}

/* ------------------------------------------------------------------ */
/* Choosing                                                            */

struct list {
	char **v;
	int n, cap;
};

static int list_find(const struct list *l, const char *name)
{
	for (int i = 0; i < l->n; i++)
		if (!strcmp(l->v[i], name))
			return i;
	return -1;
}

static int list_add(struct list *l, const char *name)
{
	if (list_find(l, name) >= 0)
		return 0;
	if (l->n == l->cap) {
		int cap = l->cap ? 2 * l->cap : 16;
		char **v = realloc(l->v, (size_t)cap * sizeof *v);
		if (!v)
			return -1;
		l->v = v;
		l->cap = cap;
	}
	return (l->v[l->n] = strdup(name)) ? (l->n++, 0) : -1;
}

static void list_remove(struct list *l, const char *pattern, int glob)
{
	int k = 0;
	for (int i = 0; i < l->n; i++) {
		int hit = glob ? fnmatch(pattern, l->v[i], 0) == 0 : !strcmp(pattern, l->v[i]);
		if (hit)
			free(l->v[i]);
		else
			l->v[k++] = l->v[i];
	}
	l->n = k;
}

static int is_glob(const char *p)
{
	return strpbrk(p, "*?[") != NULL;
}

/* The canonical name of an exact item: fixed names in lower case. */
static const char *canonical(const char *item)
{
	int fixed;
	return columns_kind_of(item, &fixed) == COLK_FIXED ? columns_fixed_names[fixed] : item;
}

/* One item of the spec: add or remove what it names. */
static int apply_item(struct list *l, char *item, char *const *avail, int navail,
		      columns_known_fn known, void *ctx, struct rl_err *err)
{
	int remove = item[0] == '-';
	if (item[0] == '-' || item[0] == '+')
		item++;
	if (!*item)
		return rl_err_set(err, RL_E_USAGE, "an empty name");
	if (is_glob(item)) {
		if (remove) {
			list_remove(l, item, 1);
			return 0;
		}
		for (int i = 0; i < navail; i++)
			if (fnmatch(item, avail[i], 0) == 0 && list_add(l, avail[i]) < 0)
				return rl_err_set(err, RL_E_NOMEM, NULL);
		return 0;
	}
	const char *name = canonical(item);
	int have = columns_kind_of(name, NULL) == COLK_FIXED;
	for (int i = 0; !have && i < navail; i++)
		have = !strcmp(avail[i], name);
	if (!have) {
		char *why = NULL;
		int k = known ? known(ctx, name, &why, err) : 0;
		if (k < 0)
			return -1;
		if (!k) {
			rl_err_set(err, RL_E_USAGE, "%s", why ? why : name);
			free(why);
			return -1;
		}
		free(why);
	}
	if (remove)
		list_remove(l, name, 0);
	else if (list_add(l, name) < 0)
		return rl_err_set(err, RL_E_NOMEM, NULL);
	return 0;
}

/* Split SPEC at commas into trimmed items (malloc'd copy in *buf). */
static int split_items(const char *spec, char **buf, char ***items, int *n)
{
	*n = 0;
	*items = NULL;
	if (!(*buf = strdup(spec)))
		return -1;
	int cap = 1;
	for (const char *p = spec; *p; p++)
		cap += *p == ',';
	if (!(*items = calloc((size_t)cap, sizeof **items)))
		return -1;
	for (char *save = NULL, *tok = strtok_r(*buf, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		while (*tok == ' ' || *tok == '\t')
			tok++;
		char *end = tok + strlen(tok);
		while (end > tok && (end[-1] == ' ' || end[-1] == '\t'))
			*--end = '\0';
		if (*tok)
			(*items)[(*n)++] = tok;
	}
	return 0;
}

int columns_select(const char *spec, char *const *avail, int navail, char *const *defaults,
		   int ndefaults, columns_known_fn known, void *ctx, char ***out, int *nout,
		   struct rl_err *err)
{
	struct list l = { 0 };
	char *buf = NULL, **items = NULL;
	int n = 0, rc = -1;
	*out = NULL;
	*nout = 0;
	if (spec && split_items(spec, &buf, &items, &n) < 0) {
		rl_err_set(err, RL_E_NOMEM, NULL);
		goto cleanup;
	}
	if (spec && n == 0) {
		rl_err_set(err, RL_E_USAGE, "no columns named");
		goto cleanup;
	}
	int edits = n > 0;
	for (int i = 0; i < n; i++)
		edits &= items[i][0] == '-' || items[i][0] == '+';
	for (int i = 0; (!spec || edits) && i < ndefaults; i++)
		if (list_add(&l, defaults[i]) < 0) {
			rl_err_set(err, RL_E_NOMEM, NULL);
			goto cleanup;
		}
	for (int i = 0; i < n; i++)
		if (apply_item(&l, items[i], avail, navail, known, ctx, err) < 0)
			goto cleanup;
	*out = l.v;
	*nout = l.n;
	l.v = NULL;
	l.n = 0;
	rc = 0;
cleanup:
	columns_free(l.v, l.n);
	free(items);
	free(buf);
	return rc;
}

/* ------------------------------------------------------------------ */
/* Headers                                                             */

char *columns_header(const char *name, int width, char *const *others, int n, int utf8)
{
	return names_shorten(name, width, others, n, utf8);
}

/* The bytes of the first character of S (LEN bytes long). */
static size_t lead_len(const char *s, size_t len)
{
	size_t first = 1;
	while (first < len && ((unsigned char)s[first] & 0xC0) == 0x80)
		first++;
	return first;
}

void columns_headers_even(char **heads, char *const *names, int n)
{
	for (int i = 0; i < n; i++) {
		const char *dot = heads[i] ? strchr(names[i], '.') : NULL;
		size_t len = dot ? (size_t)(dot - names[i]) : 0;
		size_t first = len ? lead_len(names[i], len) : 0;
		/* heads[i]: the first part cut to its first character */
		if (!len || first == len || strncmp(heads[i], names[i], first) != 0 ||
		    heads[i][first] != '.')
			continue;
		for (int j = 0; j < n; j++) {
			/* names[j] starts with the same part, its header still whole */
			if (j == i || !heads[j] || strncmp(names[j], names[i], len + 1) != 0 ||
			    strncmp(heads[j], names[i], len + 1) != 0)
				continue;
			struct buf b = BUF_INIT;
			buf_append(&b, names[i], first);
			buf_puts(&b, heads[j] + len);
			if (b.data) {
				free(heads[j]);
				heads[j] = buf_steal(&b);
			}
		}
	}
}

/* ------------------------------------------------------------------ */
/* Rows                                                                */

static int row_load(struct store *s, struct columns_row *row, const struct store_run *r,
		    struct rl_err *err)
{
	row->run = r;
	columns_git_text(r, row->git, sizeof row->git);
	if (store_run_metrics(s, r->id, &row->m, &row->nm, err) < 0)
		return -1;
	if (compare_index_build(&row->ix, row->m, row->nm) < 0)
		return rl_err_set(err, RL_E_NOMEM, NULL);
	row->params = cJSON_Parse(r->params_json ? r->params_json : "{}");
	if (!cJSON_IsObject(row->params)) {
		cJSON_Delete(row->params);
		row->params = cJSON_CreateObject();
	}
	return row->params ? 0 : rl_err_set(err, RL_E_NOMEM, NULL);
}

/* The union of the rows' params, then of their metrics, each in the
 * order of the first row having it, after the fixed columns. */
static int table_avail(struct columns_table *t)
{
	struct list l = { 0 };
	struct buf name = BUF_INIT;
	int rc = 0;
	for (int i = 0; i < COLS_FIXED && rc == 0; i++)
		rc = list_add(&l, columns_fixed_names[i]);
	for (int r = 0; r < t->nrows && rc == 0; r++)
		for (cJSON *p = t->rows[r].params->child; p && rc == 0; p = p->next) {
			buf_reset(&name);
			rc = buf_printf(&name, "params.%s", p->string) < 0 ? -1
									  : list_add(&l, name.data);
		}
	for (int r = 0; r < t->nrows && rc == 0; r++)
		for (int k = 0; k < t->rows[r].nm && rc == 0; k++) {
			buf_reset(&name);
			rc = buf_printf(&name, "%s.%s", t->rows[r].m[k].step, t->rows[r].m[k].key) < 0
				     ? -1
				     : list_add(&l, name.data);
		}
	buf_free(&name);
	t->avail = l.v;
	t->navail = l.n;
	return rc;
}

static int count_pipelines(const struct columns_table *t)
{
	int n = 0;
	for (int r = 0; r < t->nrows; r++) {
		int seen = 0;
		for (int q = 0; q < r && !seen; q++)
			seen = t->rows[q].run->pipeline_id == t->rows[r].run->pipeline_id;
		n += !seen;
		if (n > 1)
			return n;
	}
	return n;
}

int columns_table_new(struct store *s, const struct store_run *runs, int n,
		      struct columns_table **out, struct rl_err *err)
{
	int began = 0, rc = -1;
	struct columns_table *t = calloc(1, sizeof *t);
	*out = NULL;
	if (!t || !(t->rows = calloc((size_t)(n ? n : 1), sizeof *t->rows)) ||
	    !(t->dirs = cJSON_CreateObject())) {
		columns_table_free(&t);
		return rl_err_set(err, RL_E_NOMEM, NULL);
	}
	if (store_read_begin(s, &began, err) < 0)
		goto cleanup;
	for (; t->nrows < n; t->nrows++)
		if (row_load(s, &t->rows[t->nrows], &runs[t->nrows], err) < 0) {
			t->nrows++;
			goto cleanup;
		}
	if (table_avail(t) < 0) {
		rl_err_set(err, RL_E_NOMEM, NULL);
		goto cleanup;
	}
	t->pipelines = count_pipelines(t);
	*out = t;
	t = NULL;
	rc = 0;
cleanup:
	store_read_end(s, began);
	columns_table_free(&t);
	return rc;
}

int columns_table_load_sweeps(struct store *s, struct columns_table *t, struct rl_err *err)
{
	int began = 0, rc = 0;
	if (store_read_begin(s, &began, err) < 0)
		return -1;
	for (int r = 0; r < t->nrows && rc == 0; r++) {
		struct columns_row *row = &t->rows[r];
		free(row->sweep_name);
		row->sweep_name = NULL;
		rc = store_run_sweep(s, row->run->id, &row->sweep_id, &row->sweep_name, err);
	}
	store_read_end(s, began);
	return rc;
}

void columns_table_free(struct columns_table **pt)
{
	struct columns_table *t = pt ? *pt : NULL;
	if (!t)
		return;
	for (int r = 0; t->rows && r < t->nrows; r++) {
		store_metrics_free(t->rows[r].m, t->rows[r].nm);
		compare_index_free(&t->rows[r].ix);
		cJSON_Delete(t->rows[r].params);
		free(t->rows[r].sweep_name);
	}
	free(t->rows);
	columns_free(t->avail, t->navail);
	cJSON_Delete(t->dirs);
	free(t);
	*pt = NULL;
}

/* ------------------------------------------------------------------ */
/* Cells                                                               */

static void fixed_cell(const struct columns_row *row, int fixed, struct columns_value *v)
{
	const struct store_run *r = row->run;
	switch (fixed) {
	case COLS_ID:
		v->kind = COLV_NUMBER;
		v->num = (double)r->id;
		break;
	case COLS_NAME: v->kind = COLV_TEXT; v->text = r->name; break;
	case COLS_PIPELINE: v->kind = COLV_TEXT; v->text = r->pipeline; break;
	case COLS_STATUS: v->kind = COLV_TEXT; v->text = r->status; break;
	case COLS_STARTED:
		v->kind = r->started_ms ? COLV_TIME : COLV_NONE;
		v->ms = r->started_ms;
		break;
	case COLS_DURATION:
		v->kind = r->started_ms ? COLV_SPAN : COLV_NONE;
		v->ms = r->ended_ms ? r->ended_ms - r->started_ms : -1; /* -1: still running */
		break;
	case COLS_TAGS: v->kind = COLV_TAGS; break;
	case COLS_SWEEP:
		v->kind = row->sweep_name ? COLV_TEXT : COLV_NONE;
		v->text = row->sweep_name;
		break;
	case COLS_GIT:
		v->kind = row->git[0] ? COLV_TEXT : COLV_NONE;
		v->text = row->git;
		break;
	}
}

void columns_git_text(const struct store_run *r, char *buf, size_t size)
{
	if (!size)
		return;
	buf[0] = '\0';
	if (r->git_commit && *r->git_commit)
		snprintf(buf, size, "%.7s%s", r->git_commit, r->git_dirty == 1 ? "*" : "");
}

void columns_cell(const struct columns_table *t, int row, const char *name, struct columns_value *v)
{
	int fixed;
	memset(v, 0, sizeof *v);
	const struct columns_row *r = &t->rows[row];
	switch (columns_kind_of(name, &fixed)) {
	case COLK_FIXED:
		fixed_cell(r, fixed, v);
		return;
	case COLK_PARAM: {
		const cJSON *p = cJSON_GetObjectItemCaseSensitive(r->params, name + 7);
		v->json = p;
		v->kind = !p ? COLV_NONE : cJSON_IsNumber(p) ? COLV_NUMBER
				    : cJSON_IsString(p) ? COLV_TEXT : COLV_JSON;
		v->num = p ? p->valuedouble : 0;
		v->text = cJSON_IsString(p) ? p->valuestring : NULL;
		return;
	}
	case COLK_METRIC: {
		const char *dot = strchr(name, '.');
		if (!dot)
			return;
		size_t sl = (size_t)(dot - name);
		char step[256];
		if (sl >= sizeof step)
			return;
		memcpy(step, name, sl);
		step[sl] = '\0';
		const struct store_metric *m = compare_index_find(&r->ix, step, dot + 1);
		if (m) {
			v->kind = COLV_NUMBER;
			v->num = m->value;
		}
		return;
	}
	}
}

/* Are two cells the same? */
static int same_cell(const struct columns_row *a, const struct columns_value *x,
		     const struct columns_row *b, const struct columns_value *y)
{
	if (x->kind != y->kind)
		return 0;
	if (x->json || y->json)
		return x->json && y->json && cJSON_Compare(x->json, y->json, 1);
	switch (x->kind) {
	case COLV_NONE: return 1;
	case COLV_NUMBER: return x->num == y->num;
	case COLV_TEXT: return !strcmp(x->text ? x->text : "", y->text ? y->text : "");
	case COLV_TIME:
	case COLV_SPAN: return x->ms == y->ms;
	case COLV_TAGS:
		if (a->run->ntags != b->run->ntags)
			return 0;
		for (int i = 0; i < a->run->ntags; i++)
			if (strcmp(a->run->tags[i], b->run->tags[i]))
				return 0;
		return 1;
	case COLV_JSON: return 0;
	}
	return 0;
}

void columns_only_changed(const struct columns_table *t, char **cols, int *n)
{
	int k = 0;
	for (int c = 0; c < *n; c++) {
		int fixed, keep = columns_kind_of(cols[c], &fixed) == COLK_FIXED &&
				  (fixed == COLS_ID || fixed == COLS_NAME);
		struct columns_value first, v;
		if (t->nrows)
			columns_cell(t, 0, cols[c], &first);
		for (int r = 1; !keep && r < t->nrows; r++) {
			columns_cell(t, r, cols[c], &v);
			keep = !same_cell(&t->rows[0], &first, &t->rows[r], &v);
		}
		if (keep || t->nrows < 2)
			cols[k++] = cols[c];
		else
			free(cols[c]);
	}
	*n = k;
}

/* Is param column NAME's value not the same on every row? */
static int param_differs(const struct columns_table *t, const char *name)
{
	struct columns_value first, v;
	columns_cell(t, 0, name, &first);
	for (int r = 1; r < t->nrows; r++) {
		columns_cell(t, r, name, &v);
		if (!same_cell(&t->rows[0], &first, &t->rows[r], &v))
			return 1;
	}
	return 0;
}

int columns_defaults(const struct columns_table *t, char ***out, int *n, struct rl_err *err)
{
	struct list l = { 0 };
	int rc = 0, in_sweep = 0;
	static const int head[] = { COLS_ID, COLS_NAME, COLS_PIPELINE, COLS_STATUS, COLS_STARTED,
				    COLS_DURATION };
	for (size_t i = 0; i < sizeof head / sizeof *head && rc == 0; i++)
		if (head[i] != COLS_PIPELINE || t->pipelines > 1)
			rc = list_add(&l, columns_fixed_names[head[i]]);
	for (int c = COLS_FIXED; c < t->navail && rc == 0; c++)
		if (columns_kind_of(t->avail[c], NULL) == COLK_PARAM &&
		    (t->nrows < 2 || param_differs(t, t->avail[c])))
			rc = list_add(&l, t->avail[c]);
	for (int c = COLS_FIXED; c < t->navail && rc == 0; c++)
		if (columns_kind_of(t->avail[c], NULL) == COLK_METRIC)
			rc = list_add(&l, t->avail[c]);
	int tagged = 0;
	for (int r = 0; r < t->nrows; r++) {
		in_sweep |= t->rows[r].sweep_id != 0;
		tagged |= t->rows[r].run->ntags > 0;
	}
	if (rc == 0 && tagged)
		rc = list_add(&l, columns_fixed_names[COLS_TAGS]);
	if (rc == 0 && in_sweep)
		rc = list_add(&l, columns_fixed_names[COLS_SWEEP]);
	if (rc < 0) {
		columns_free(l.v, l.n);
		return rl_err_set(err, RL_E_NOMEM, NULL);
	}
	*out = l.v;
	*n = l.n;
	return 0;
}

int columns_defaults_of(const struct store_field *f, int n, const struct store_recent *sum,
			char ***out, int *nout, struct rl_err *err)
{
	struct list l = { 0 };
	int rc = 0;
	/* the browser's order: the status beside the id, as it always was;
	 * the metrics, then the params, right after the name (which run was
	 * best, at a glance); the times after them */
	static const int head[] = { COLS_ID, COLS_STATUS, COLS_NAME, COLS_PIPELINE };
	static const int tail[] = { COLS_STARTED, COLS_DURATION, COLS_TAGS };
	for (size_t i = 0; i < sizeof head / sizeof *head && rc == 0; i++)
		if (head[i] != COLS_PIPELINE || sum->pipelines > 1)
			rc = list_add(&l, columns_fixed_names[head[i]]);
	for (int pass = 1; pass >= 0; pass--)
		for (int i = 0; i < n && rc == 0; i++) {
			int shared = f[i].pipelines >= sum->pipelines;
			if (f[i].is_metric != pass || !shared)
				continue;
			if (!pass && sum->runs > 1 && f[i].distinct < 2 && f[i].runs == sum->runs)
				continue; /* the same on every run */
			rc = list_add(&l, f[i].name);
		}
	for (size_t i = 0; i < sizeof tail / sizeof *tail && rc == 0; i++)
		rc = list_add(&l, columns_fixed_names[tail[i]]);
	if (rc == 0 && sum->in_sweeps)
		rc = list_add(&l, columns_fixed_names[COLS_SWEEP]);
	if (rc < 0) {
		columns_free(l.v, l.n);
		return rl_err_set(err, RL_E_NOMEM, NULL);
	}
	*out = l.v;
	*nout = l.n;
	return 0;
}

/* The "metrics" object of the pipeline of row ROW (NULL: none). */
static const cJSON *row_dirs(struct store *s, struct columns_table *t, int row)
{
	char key[32];
	snprintf(key, sizeof key, "%lld", (long long)t->rows[row].run->pipeline_id);
	cJSON *d = cJSON_GetObjectItemCaseSensitive(t->dirs, key);
	if (d)
		return cJSON_IsObject(d) ? d : NULL;
	struct store_run full = { 0 };
	cJSON *spec = NULL, *m = NULL;
	if (s && store_run_get(s, t->rows[row].run->id, &full, NULL) == 0 && full.spec_json)
		spec = cJSON_Parse(full.spec_json);
	store_run_clear(&full);
	m = cJSON_DetachItemFromObject(spec, "metrics");
	cJSON_Delete(spec);
	if (!cJSON_IsObject(m)) {
		cJSON_Delete(m);
		m = cJSON_CreateNull();
	}
	cJSON_AddItemToObject(t->dirs, key, m);
	return cJSON_IsObject(m) ? m : NULL;
}

int columns_best(struct store *s, struct columns_table *t, const char *name)
{
	if (columns_kind_of(name, NULL) != COLK_METRIC)
		return -1;
	int best = -1, have = 0, differ = 0, completed = 0;
	enum compare_dir dir = COMPARE_HIGHER;
	/* among the completed runs when one has the value: a failed run's
	 * numbers are not a result */
	for (int r = 0; r < t->nrows && !completed; r++) {
		struct columns_value v;
		columns_cell(t, r, name, &v);
		completed = v.kind == COLV_NUMBER && !strcmp(t->rows[r].run->status, "completed");
	}
	for (int r = 0; r < t->nrows; r++) {
		struct columns_value v, b;
		columns_cell(t, r, name, &v);
		if (v.kind != COLV_NUMBER ||
		    (completed && strcmp(t->rows[r].run->status, "completed")))
			continue;
		if (best < 0) {
			dir = compare_direction(row_dirs(s, t, r), name);
			best = r;
			have = 1;
			continue;
		}
		have++;
		columns_cell(t, best, name, &b);
		enum compare_result j = compare_judge(dir, v.num, b.num);
		differ |= j != COMPARE_SAME;
		if (j == COMPARE_BETTER)
			best = r;
	}
	return have >= 2 && differ ? best : -1;
}
