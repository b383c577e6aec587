/* tui/layout.c — fitting table columns to the screen width. */
#include "config.h"
#include "tui/layout.h"

void layout_fit(const struct tui_col *cols, int nc, int avail, int *w, int *vis)
{
	int total = -2, nat[64];
	for (int c = 0; c < nc; c++) {
		vis[c] = 1;
		total += w[c] + 2;
		if (c < 64)
			nat[c] = w[c];
	}
	for (int c = 0; c < nc && total > avail; c++)
		while (!cols[c].grow && w[c] > 16 && total > avail) {
			w[c]--;
			total--;
		}
	while (total > avail) {
		int k = -1;
		for (int c = 0; c < nc; c++)
			if (vis[c] && cols[c].drop > 0 && (k < 0 || cols[c].drop >= cols[k].drop))
				k = c;
		if (k < 0)
			break;
		vis[k] = 0;
		total -= w[k] + 2;
	}
	/* leaving columns out may have made room for what was trimmed */
	for (int c = 0; c < nc && c < 64 && total < avail; c++)
		while (vis[c] && w[c] < nat[c] && total < avail) {
			w[c]++;
			total++;
		}
	while (total > avail) {
		int k = -1;
		for (int c = 0; c < nc; c++)
			if (vis[c] && !cols[c].grow && w[c] > 10 && (k < 0 || w[c] > w[k]))
				k = c;
		if (k < 0)
			for (int c = 0; c < nc; c++)
				if (vis[c] && cols[c].grow && w[c] > 8)
					k = c;
		if (k < 0)
			for (int c = 0; c < nc; c++)
				if (vis[c] && w[c] > 4 && (k < 0 || w[c] > w[k]))
					k = c;
		if (k < 0)
			break;
		w[k]--;
		total--;
	}
	int last = nc - 1;
	while (last > 0 && !vis[last])
		last--;
	if (nc > 0 && total < avail && !cols[last].right)
		w[last] += avail - total;
}

int layout_window(const int *w, int nc, int frozen, int first, int avail)
{
	int x = 0;
	for (int c = 0; c < frozen && c < nc; c++)
		x += w[c] + 2;
	int end = first;
	while (end < nc && (end == first || x + w[end] <= avail)) {
		x += w[end] + 2;
		end++;
	}
	return end;
}
