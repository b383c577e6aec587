/* core/testhook.h — pauses that tests put where a race would be.
 *
 * testhook_pause(POINT) sleeps when the environment has
 * RUNLENS_TEST_PAUSE_<POINT>_MS=N (1 to 600000 ms), after appending
 * "POINT\n" to the file $RUNLENS_TEST_PAUSE_MARK when that is set (so a
 * test knows the pause has begun).  Otherwise it does nothing.  The points
 * (HACKING.md lists them with the tests that use them):
 *   AFTER_PUT   the runner, between moving an output into the artifact
 *               store and recording it (core/attempt.c)
 *   GC          gc, between deleting the artifact rows and removing their
 *               content (core/artifacts.c)
 *   TUI_STORE_CHANGED  the browser, when it has seen that another
 *               process changed the store (tui/app.c)
 *   SEARCH_SLICE the browser, at every slice of a long query it watches
 *               (tui/view_runs.c): a slow disk
 * Nothing else of runlens reads these variables.
 */
#ifndef RUNLENS_CORE_TESTHOOK_H
#define RUNLENS_CORE_TESTHOOK_H

void testhook_pause(const char *point);

#endif
