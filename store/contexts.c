/* store/contexts.c — the context.json of each attempt (schema 5), every
 * distinct text kept once, made of pieces each kept once.
 *
 * A context is cut into pieces where its content says, not at fixed
 * offsets (content-defined chunking: a gear hash runs over the bytes and
 * a piece ends where its low 13 bits are zero, pieces of 2 to 64 KB, 10
 * KB on average): a long run of bytes that many contexts share — the
 * run's params and custom context, the same in every step and attempt of
 * a run and in every run given the same values — is cut the same way in
 * each of them wherever it starts, so its pieces are stored once and each
 * attempt adds only what is its own.  A context shorter than a piece is
 * one piece.  Pieces are found again by a 63-bit hash (store_hash63) and
 * then compared whole; contexts by the hash and size of their text and then by
 * their list of pieces (equal texts are cut alike, so they have the same
 * pieces).  The gear table below must never change: pieces cut with
 * another would still be read right, only no longer shared. */
#include "config.h"
#include "store/internal.h"

#include <stdlib.h>
#include <string.h>

#include "util/buf.h"

#define PIECE_MIN 2048
#define PIECE_MAX 65536
#define PIECE_MASK ((UINT64_C(1) << 13) - 1)
/* SQLite's default limit on the length of one value: no context could
 * have been stored longer, and a crafted store cannot make us build one */
#define CONTEXT_MAX 1000000000

static uint64_t gear[256];
static int gear_ready;

static void gear_init(void)
{
	/* splitmix64 from a fixed seed: the same table in every build */
	uint64_t x = UINT64_C(0x72756e6c656e7321);
	for (int i = 0; i < 256; i++) {
		uint64_t z = (x += UINT64_C(0x9e3779b97f4a7c15));
		z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
		z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
		gear[i] = z ^ (z >> 31);
	}
	gear_ready = 1;
}

/* The length of the piece that starts at P (N bytes left). */
static size_t piece_len(const unsigned char *p, size_t n)
{
	if (n <= PIECE_MIN)
		return n;
	size_t end = n < PIECE_MAX ? n : PIECE_MAX;
	uint64_t h = 0;
	for (size_t i = PIECE_MIN; i < end; i++) {
		h = (h << 1) + gear[p[i]];
		if (!(h & PIECE_MASK))
			return i + 1;
	}
	return end;
}

static int piece_id(struct store *s, const unsigned char *p, size_t n, int64_t *id,
		    struct rl_err *err)
{
	static const char find[] =
		"SELECT id FROM context_pieces WHERE hash = ?1 AND data = ?2 LIMIT 1";
	static const char add[] = "INSERT INTO context_pieces (hash, data) VALUES (?1, ?2)";
	const char *what = "cannot record the context";
	int64_t h = store_hash63(p, n);
	sqlite3_stmt *st = store_stmt(s, find, err);
	if (!st)
		return -1;
	if (bind_i64(st, 1, h) || sqlite3_bind_blob(st, 2, p, (int)n, SQLITE_STATIC))
		return store_fail(s, sqlite3_errcode(s->db), what, err);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*id = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	if (rc == SQLITE_ROW)
		return 0;
	if (rc != SQLITE_DONE)
		return store_fail(s, rc, what, err);
	st = store_stmt(s, add, err);
	if (!st)
		return -1;
	if (bind_i64(st, 1, h) || sqlite3_bind_blob(st, 2, p, (int)n, SQLITE_STATIC))
		return store_fail(s, sqlite3_errcode(s->db), what, err);
	if (store_run_stmt(s, st, what, err) < 0)
		return -1;
	*id = sqlite3_last_insert_rowid(s->db);
	return 0;
}

/* 1 when context ID is made of exactly the N pieces IDS, in order. */
static int same_pieces(struct store *s, int64_t id, const int64_t *ids, int n, int *same,
		       struct rl_err *err)
{
	static const char sql[] =
		"SELECT piece_id FROM context_parts WHERE context_id = ? ORDER BY seq";
	sqlite3_stmt *st = store_stmt(s, sql, err);
	if (!st)
		return -1;
	if (bind_i64(st, 1, id))
		return store_fail(s, sqlite3_errcode(s->db), "cannot read a context", err);
	int rc, k = 0;
	*same = 1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && *same) {
		if (k >= n || sqlite3_column_int64(st, 0) != ids[k])
			*same = 0;
		k++;
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		return store_fail(s, rc, "cannot read a context", err);
	*same = *same && k == n;
	return 0;
}

/* The context of hash H, size SIZE and pieces IDS already stored: its id
 * in *found (0: none). */
static int find_context(struct store *s, int64_t h, int64_t size, const int64_t *ids,
			int n, int64_t *found, struct rl_err *err)
{
	static const char sql[] = "SELECT id FROM contexts WHERE hash = ? AND size = ?";
	sqlite3_stmt *st = store_stmt(s, sql, err);
	*found = 0;
	if (!st)
		return -1;
	if (bind_i64(st, 1, h) || bind_i64(st, 2, size))
		return store_fail(s, sqlite3_errcode(s->db), "cannot read a context", err);
	int rc, ret = 0;
	while (!*found && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		int same = 0;
		int64_t id = sqlite3_column_int64(st, 0);
		if (same_pieces(s, id, ids, n, &same, err) < 0) {
			ret = -1;
			break;
		}
		if (same)
			*found = id;
	}
	sqlite3_reset(st);
	if (ret == 0 && !*found && rc != SQLITE_DONE)
		ret = store_fail(s, rc, "cannot read a context", err);
	return ret;
}

static int add_context(struct store *s, int64_t h, int64_t size, const int64_t *ids, int n,
		       int64_t *id, struct rl_err *err)
{
	static const char ctx[] = "INSERT INTO contexts (hash, size) VALUES (?, ?)";
	static const char part[] =
		"INSERT INTO context_parts (context_id, seq, piece_id) VALUES (?, ?, ?)";
	const char *what = "cannot record the context";
	sqlite3_stmt *st = store_stmt(s, ctx, err);
	if (!st)
		return -1;
	if (bind_i64(st, 1, h) || bind_i64(st, 2, size))
		return store_fail(s, sqlite3_errcode(s->db), what, err);
	if (store_run_stmt(s, st, what, err) < 0)
		return -1;
	*id = sqlite3_last_insert_rowid(s->db);
	for (int i = 0; i < n; i++) {
		st = store_stmt(s, part, err);
		if (!st)
			return -1;
		if (bind_i64(st, 1, *id) || sqlite3_bind_int(st, 2, i) || bind_i64(st, 3, ids[i]))
			return store_fail(s, sqlite3_errcode(s->db), what, err);
		if (store_run_stmt(s, st, what, err) < 0)
			return -1;
	}
	return 0;
}

int store_context_add(struct store *s, const char *text, int64_t *id, struct rl_err *err)
{
	const unsigned char *p = (const unsigned char *)text;
	size_t len = strlen(text);
	int64_t *ids = NULL, found = 0;
	int n = 0, cap = 0, rc = -1;
	if (len > CONTEXT_MAX)
		return rl_err_set(err, RL_E_INPUT, "the context is too large to record (%zu bytes)",
				  len);
	if (!gear_ready)
		gear_init();
	size_t at = 0;
	do { /* an empty text is one empty piece */
		size_t k = piece_len(p + at, len - at);
		int64_t *slot = grow_rows((void **)&ids, &n, &cap, sizeof *ids);
		if (!slot) {
			rl_err_set(err, RL_E_NOMEM, NULL);
			goto cleanup;
		}
		if (piece_id(s, p + at, k, slot, err) < 0)
			goto cleanup;
		at += k;
	} while (at < len);
	int64_t h = store_hash63(p, len);
	if (find_context(s, h, (int64_t)len, ids, n, &found, err) < 0)
		goto cleanup;
	if (found)
		*id = found;
	else if (add_context(s, h, (int64_t)len, ids, n, id, err) < 0)
		goto cleanup;
	rc = 0;
cleanup:
	free(ids);
	return rc;
}

int store_context_text(struct store *s, int64_t id, char **text, struct rl_err *err)
{
	static const char size_sql[] = "SELECT size FROM contexts WHERE id = ?";
	static const char data_sql[] =
		"SELECT p.data FROM context_parts c JOIN context_pieces p ON p.id = c.piece_id "
		"WHERE c.context_id = ? ORDER BY c.seq";
	struct buf b = BUF_INIT;
	int64_t size = -1;
	int rc = -1, src;
	*text = NULL;
	sqlite3_stmt *st = store_stmt(s, size_sql, err);
	if (!st)
		return -1;
	if (bind_i64(st, 1, id))
		return store_fail(s, sqlite3_errcode(s->db), "cannot read a context", err);
	if ((src = sqlite3_step(st)) == SQLITE_ROW)
		size = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	if (src != SQLITE_ROW && src != SQLITE_DONE)
		return store_fail(s, src, "cannot read a context", err);
	if (size > CONTEXT_MAX)
		size = -1; /* no such context was ever written: damaged */
	st = store_stmt(s, data_sql, err);
	if (!st)
		return -1;
	if (bind_i64(st, 1, id)) {
		store_fail(s, sqlite3_errcode(s->db), "cannot read a context", err);
		goto cleanup;
	}
	while ((src = sqlite3_step(st)) == SQLITE_ROW) {
		size_t n = (size_t)sqlite3_column_bytes(st, 0);
		const void *d = sqlite3_column_blob(st, 0);
		if (size < 0 || n > (size_t)size - b.len) {
			src = SQLITE_CORRUPT; /* longer than it says: pieces it does not have */
			break;
		}
		if (n && buf_append(&b, d, n) < 0) {
			rl_err_set(err, RL_E_NOMEM, NULL);
			goto cleanup;
		}
	}
	if (src == SQLITE_DONE && (int64_t)b.len != size)
		src = SQLITE_CORRUPT; /* a piece, or the context itself, is missing */
	if (src != SQLITE_DONE) {
		if (src == SQLITE_CORRUPT)
			rl_err_set(err, RL_E_CORRUPT,
				   "cannot read a context: the store database is damaged (context "
				   "%lld is not what it says); restore it from a backup, or move it "
				   "away to start a new store", (long long)id);
		else
			store_fail(s, src, "cannot read a context", err);
		goto cleanup;
	}
	*text = b.data ? buf_steal(&b) : strdup("");
	if (!*text) {
		rl_err_set(err, RL_E_NOMEM, NULL);
		goto cleanup;
	}
	rc = 0;
cleanup:
	sqlite3_reset(st);
	buf_free(&b);
	return rc;
}
