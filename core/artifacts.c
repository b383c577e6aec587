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
