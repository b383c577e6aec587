/* core/artifacts.c — the content-addressed artifact store
 * (core/artifacts.h). */
#include "config.h"
#include "core/artifacts.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/hash.h"
#include "util/fs.h"

void artifacts_make_read_only(const char *path)
{
	struct stat st;
	if (lstat(path, &st) < 0)
		return;
	if (S_ISREG(st.st_mode)) {
		chmod(path, st.st_mode & ~(mode_t)0222);
		return;
	}
	if (!S_ISDIR(st.st_mode))
		return;
	DIR *d = opendir(path);
	struct dirent *de;
	while (d && (de = readdir(d)) != NULL) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		char *child = fs_join(path, de->d_name);
		if (child)
			artifacts_make_read_only(child);
		free(child);
	}
	if (d)
		closedir(d);
}

char *artifacts_put(const char *root, const char *path, const char *hex)
{
	char prefix[3] = { hex[0], hex[1], '\0' };
	char *d1 = fs_join(root, prefix);
	char *d2 = d1 ? fs_join(d1, hex) : NULL;
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	char *dest = d2 ? fs_join(d2, base) : NULL;
	char *result = NULL;
	free(d1);
	if (!dest)
		goto cleanup;
	char have[HASH_HEX_LEN + 1];
	if (fs_exists(dest) && hash_path(dest, have, NULL, NULL, NULL) == 0 &&
	    strcmp(have, hex) == 0) {
		/* the same content is already stored: keep one copy */
		if (fs_remove_tree(path, NULL) < 0)
			goto keep;
	} else {
		/* new content, or a stored copy that was changed: replace it */
		if (fs_exists(dest)) {
			chmod(dest, 0755);
			fs_remove_tree(dest, NULL);
		}
		if (fs_mkdirs(d2, NULL) < 0 || rename(path, dest) < 0)
			goto keep;
		artifacts_make_read_only(dest);
	}
	if (symlink(dest, path) < 0) {
		/* the content is safe in the store; the link is a convenience */
	}
	result = dest;
	dest = NULL;
	goto cleanup;
keep:
	result = strdup(path);
cleanup:
	free(d2);
	free(dest);
	return result;
}

/* Is PATH inside one of the artifact stores?  (Never delete users' files
 * that were recorded as external inputs.) */
static int in_roots(const char *path, char **roots, int n)
{
	for (int i = 0; i < n; i++) {
		size_t l = strlen(roots[i]);
		if (l && strncmp(path, roots[i], l) == 0 && path[l] == '/')
			return 1;
	}
	return 0;
}

/* Is PATH, after a root's "/", the layout artifacts_put makes: "ab/" then
 * the 64 hex digits of a SHA-256 that start with "ab", "/" and a name?
 * A row of a crafted store can name any path under any folder a stack
 * names: only a content folder of that shape is ever removed. */
static int content_layout(const char *rest)
{
	if (strlen(rest) < 2 + 1 + 64 + 2 || strncmp(rest, rest + 3, 2) != 0 || rest[2] != '/')
		return 0;
	for (int i = 3; i < 3 + 64; i++)
		if (!strchr("0123456789abcdef", rest[i]) || !rest[i])
			return 0;
	const char *name = rest + 3 + 64;
	return name[0] == '/' && name[1] && !strchr(name + 1, '/') && strcmp(name + 1, ".") &&
	       strcmp(name + 1, "..");
}

static int is_content(const char *path, char **roots, int n)
{
	for (int i = 0; i < n; i++) {
		size_t l = strlen(roots[i]);
		while (l > 1 && roots[i][l - 1] == '/')
			l--;
		if (l && strncmp(path, roots[i], l) == 0 && path[l] == '/' &&
		    content_layout(path + l + 1))
			return 1;
	}
	return 0;
}

/* The artifact stores: the default one and every stack's. */
static int artifact_roots(struct store *s, char ***out, int *n, struct rl_err *err)
{
	struct store_stack *stacks = NULL;
	int nst = 0;
	if (store_stacks_page(s, NULL, 1000, &stacks, &nst, err) < 0)
		return -1;
	char **roots = calloc((size_t)nst + 2, sizeof(char *));
	int k = 0;
	int nomem = !roots;
	if (roots) {
		roots[k++] = fs_join(store_dir(s), "artifacts");
		for (int i = 0; i < nst; i++)
			if (stacks[i].artifact_store && stacks[i].artifact_store[0] == '/')
				roots[k++] = strdup(stacks[i].artifact_store);
		for (int i = 0; i < k; i++)
			nomem |= !roots[i];
	}
	store_stacks_free(stacks, nst);
	if (nomem) {
		for (int i = 0; roots && i < k; i++)
			free(roots[i]);
		free(roots);
		return rl_err_set(err, RL_E_NOMEM, NULL);
	}
	*out = roots;
	*n = k;
	return 0;
}

/* ROOT/ab/abcdef…/NAME: remove the content folder, and ROOT/ab when it
 * is left empty.  1 when removed. */
static int remove_content(const char *path, char **roots, int nroots)
{
	if (!is_content(path, roots, nroots))
		return 0;
	char *dir = fs_dirname(path);
	int removed = dir && in_roots(dir, roots, nroots) && fs_remove_tree(dir, NULL) == 0;
	char *parent = dir ? fs_dirname(dir) : NULL;
	if (parent)
		rmdir(parent); /* only when empty */
	free(parent);
	free(dir);
	return removed;
}

int artifacts_gc(struct store *s, struct artifacts_gc_result *res, struct rl_err *err)
{
	char **paths = NULL, **roots = NULL;
	int n = 0, nroots = 0, rc = -1;
	memset(res, 0, sizeof *res);
	if (artifact_roots(s, &roots, &nroots, err) < 0 || store_begin(s, err) < 0)
		goto cleanup;
	if (store_gc_artifacts(s, &res->dropped, &paths, &n, &res->bytes, err) < 0) {
		store_rollback(s);
		goto cleanup;
	}
	if (store_commit(s, err) < 0)
		goto cleanup;
	for (int i = 0; i < n; i++)
		res->removed += remove_content(paths[i], roots, nroots);
	rc = 0;
cleanup:
	for (int i = 0; i < n; i++)
		free(paths[i]);
	free(paths);
	for (int i = 0; i < nroots; i++)
		free(roots[i]);
	free(roots);
	return rc;
}
