#!/usr/bin/env python3
"""bench/tui_drive.py — replay a fixed key script against the real
`runlens tui` through a pseudo-terminal and read its trace.

    tui_drive.py RUNLENS_BIN STORE_DIR [ROUNDS]

The browser is started ROUNDS times (default 3) on a 120x40 terminal with
RUNLENS_TUI_TRACE set; each key is sent once the browser has traced the
one before, so every key is timed on its own.  Prints:

    tui_first_frame_ms  median over the rounds
    tui_key_p50_ms, tui_key_p99_ms  over every key of every round
    tui_peak_rss_mb     the largest of the rounds
    tui_keys            how many keys were timed
"""
import os
import sys
import tempfile

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
import ptydrive  # noqa: E402

# navigation down the 1M list (each page further down fetches from the
# store), the 20 param and metric columns of the newest runs scrolled
# sideways (Tab right, h left) up there and deep down, back up, open a
# run, back, the pipelines view, back, quit
SCRIPT = (["j"] * 10 + ["\t"] * 8 + ["h"] * 8 + ["\x06"] * 15 + ["\t"] * 8 + ["h"] * 8
          + ["k"] * 5 + ["\x02"] * 5 + ["g"]
          + ["\r", "j", "j", "q"] + ["p", "j", "q"] + ["j"] * 5)
QUIT = "Q"


def fail(msg):
    ptydrive.fail("tui bench", msg)


def one_round(binary, store, trace):
    tui = ptydrive.Tui(binary, store, trace, 40, 120, env=dict(os.environ, TZ="UTC"))
    tui.wait_for("first_frame_us", 1)
    for i, key in enumerate(SCRIPT):
        tui.send(key)
        tui.wait_for("key ", i + 1)
    return tui.quit(QUIT)


def main():
    if len(sys.argv) < 3:
        fail("usage: tui_drive.py RUNLENS_BIN STORE_DIR [ROUNDS]")
    binary, store = sys.argv[1], sys.argv[2]
    rounds = int(sys.argv[3]) if len(sys.argv) > 3 else 3
    first, keys, rss = [], [], []
    with tempfile.TemporaryDirectory() as tmp:
        for r in range(rounds):
            trace = os.path.join(tmp, "trace-%d" % r)
            for line in one_round(binary, store, trace):
                f = line.split()
                if f[0] == "first_frame_us":
                    first.append(int(f[1]) / 1000.0)
                elif f[0] == "key":
                    keys.append(int(f[3]) / 1000.0)
                elif f[0] == "peak_rss_kb":
                    rss.append(int(f[1]) / 1024.0)
    if not first or not keys or not rss:
        fail("the trace lacks first_frame_us, key or peak_rss_kb lines")
    print("tui_first_frame_ms %.3f" % ptydrive.pct(first, 50))
    print("tui_key_p50_ms %.3f" % ptydrive.pct(keys, 50))
    print("tui_key_p99_ms %.3f" % ptydrive.pct(keys, 99))
    print("tui_peak_rss_mb %.1f" % max(rss))
    print("tui_keys %d" % len(keys))


if __name__ == "__main__":
    main()
