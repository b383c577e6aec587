/* cli/commands.c — the command table: one row per command, with its
 * arguments and one row per option.  Help, the option parser and the
 * completion are all made from these rows (cli/cli.h). */
#include "config.h"
#include "cli/cli.h"

#include <stddef.h>

const struct cli_opt cli_store_opt = {
	.name = "store", .id = OPT_STORE, .arg = "DIR", .value = CLI_V_DIR,
	.help = "the store folder",
};

static const char *const sort_keys[] = {
	"started", "-started", "duration", "-duration", "name", "-name",
	"status", "-status", "id", "-id", "tags", "-tags", NULL,
};

static const struct cli_command stack_subs[] = {
	{ "register", cmd_stack_register,
	  .args = (const struct cli_arg[]){ { "NAME", CLI_V_TEXT, 0 }, { 0 } },
	  .opts = (const struct cli_opt[]){
		{ .name = "artifact-store", .id = OPT_ARTIFACT_STORE, .arg = "PATH",
		  .value = CLI_V_DIR, .flags = CLI_REQUIRED,
		  .help = "folder for the artifacts of runs on this stack" },
		{ .name = "orchestrator", .id = OPT_ORCHESTRATOR, .arg = "FLAVOR",
		  .choices = (const char *const[]){ "local", "slurm", NULL },
		  .help = "what runs the steps: local (default) or slurm" },
		{ .name = "partition", .id = OPT_PARTITION, .arg = "P",
		  .help = "slurm: the partition of the jobs (a step's resources.partition wins)" },
		{ .name = "account", .id = OPT_ACCOUNT, .arg = "A",
		  .help = "slurm: the account the jobs are charged to" },
		{ .name = "qos", .id = OPT_QOS, .arg = "Q", .help = "slurm: the jobs' QoS" },
		{ .name = "slurm-opt", .id = OPT_SLURM_OPT, .arg = "OPT", .flags = CLI_MANY,
		  .help = "slurm: one more sbatch option ('--constraint=avx2'), repeatable" },
		{ .name = "component", .id = OPT_COMPONENT, .arg = "KIND=NAME",
		  .flags = CLI_MANY,
		  .help = "an optional component (experiment_tracker=…)" },
		{ .name = "force", .id = OPT_FORCE,
		  .help = "replace a stack of that name (its settings and components too)" },
		{ 0 } },
	  .summary = "register a stack" },
	{ "ls", cmd_stack_ls,
	  .opts = (const struct cli_opt[]){
		{ .name = "json", .id = OPT_JSON, .help = "the stacks as JSON" },
		{ .name = "csv", .id = OPT_CSV, .help = "the stacks as CSV" },
		{ 0 } },
	  .summary = "list stacks" },
	{ "rm", cmd_stack_rm,
	  .args = (const struct cli_arg[]){ { "NAME", CLI_V_STACK, 0 }, { 0 } },
	  .opts = (const struct cli_opt[]){
		{ .name = "force", .id = OPT_FORCE,
		  .help = "remove it even though runs used it (they keep its name)" },
		{ 0 } },
	  .summary = "remove a stack (refused while runs used it, unless --force)" },
	{ 0 },
};

static const struct cli_command secret_subs[] = {
	{ "set", cmd_secret_set,
	  .args = (const struct cli_arg[]){ { "NAME", CLI_V_TEXT, 0 },
					    { "KEY=VALUE", CLI_V_TEXT, CLI_MANY },
					    { 0 } },
	  .flags = CLI_NO_STORE,
	  .summary = "set keys of a secret (KEY=- reads the value from stdin)" },
	{ "ls", cmd_secret_ls,
	  .opts = (const struct cli_opt[]){
		{ .name = "json", .id = OPT_JSON, .help = "the names and keys as JSON" },
		{ .name = "csv", .id = OPT_CSV, .help = "one row a key, as CSV" },
		{ 0 } },
	  .flags = CLI_NO_STORE, .summary = "names and keys, never values" },
	{ "rm", cmd_secret_rm,
	  .args = (const struct cli_arg[]){ { "NAME", CLI_V_TEXT, 0 }, { 0 } },
	  .flags = CLI_NO_STORE, .summary = "remove a secret" },
	{ 0 },
};

static const struct cli_command state_subs[] = {
	{ "get", cmd_state_get,
	  .args = (const struct cli_arg[]){ { "KEY", CLI_V_TEXT, 0 }, { 0 } },
	  .flags = CLI_NO_STORE, .summary = "print a key of the run's state" },
	{ "set", cmd_state_set,
	  .args = (const struct cli_arg[]){ { "KEY", CLI_V_TEXT, 0 },
					    { "JSON", CLI_V_TEXT, 0 }, { 0 } },
	  .flags = CLI_NO_STORE, .summary = "set a key of the run's state" },
	{ 0 },
};

const struct cli_command cli_commands[] = {
	{ "run", cmd_run,
	  .args = (const struct cli_arg[]){ { "FILE", CLI_V_FILE, 0 }, { 0 } },
	  .opts = (const struct cli_opt[]){
		{ .name = "param", .id = 'p', .arg = "KEY=VALUE", .flags = CLI_MANY,
		  .help = "override a pipeline param (VALUE is JSON when it parses)" },
		{ .name = "name", .id = 'n', .arg = "NAME",
		  .help = "name the run (default: PIPELINE-YYYYMMDD-HHMMSS)" },
		{ .name = "tag", .id = 't', .arg = "TAG", .flags = CLI_MANY,
		  .help = "tag the run (repeatable)" },
		{ .name = "jobs", .id = 'j', .arg = "N",
		  .help = "run at most N steps at once (default: number of CPUs; on Slurm:\n"
			  "at most N jobs in flight)" },
		{ .name = "cpus", .id = OPT_CPUS, .arg = "N",
		  .help = "CPUs the local steps share: a step takes resources.cpus of them\n"
			  "(default: the machine's; not on Slurm, which places jobs itself)" },
		{ .name = "no-cache", .id = OPT_NO_CACHE,
		  .help = "run every step even when a cached result exists" },
		{ .name = "verify", .id = OPT_VERIFY,
		  .help = "re-hash each input artifact before its step runs (default:\n"
			  "its size, and its hash when it changed since it was stored)" },
		{ .name = "stack", .id = OPT_STACK, .arg = "NAME", .value = CLI_V_STACK,
		  .help = "run on this stack (default: the pipeline's, else 'default')" },
		{ .name = "dry-run", .id = OPT_DRY_RUN,
		  .help = "print what would run and what comes from the cache, and why "
			  "(nothing runs, nothing is recorded)" },
		{ .name = "json", .id = OPT_JSON,
		  .help = "print the outcome (or the plan) as JSON on stdout (progress on "
			  "stderr)" },
		{ .name = "csv", .id = OPT_CSV, .help = "the plan as CSV (with --dry-run)" },
		{ .name = "quiet", .id = 'q',
		  .help = "no metrics headline at the end" },
		{ .name = "headline", .id = OPT_HEADLINE,
		  .help = "the metrics headline (each metric, its change from the\n"
			  "baseline) also when stdout is not a terminal" },
		{ .name = "sweep", .id = OPT_SWEEP, .arg = "NAME",
		  .help = "name the sweep of the runs (default: PIPELINE-sweep-TIME);\n"
			  "also makes a sweep of one run" },
		{ .name = "parallel-runs", .id = OPT_PARALLEL_RUNS, .arg = "N",
		  .help = "in a sweep, carry out N runs at once (default 1)" },
		{ 0 } },
	  .summary = "run a pipeline and record it",
	  .notes = "A sweep: -p with a list or a range runs every combination as its own run,\n"
		   "grouped under one sweep: -p lr=0.01,0.1,1 -p seed=1..3 is 9 runs.  A VALUE\n"
		   "that is JSON as a whole is one value: -p 'msg=\"a,b\"', -p 'layers=[64,64]'.\n"
		   "One failing run does not stop the others; Ctrl-C stops them all.\n"
		   "Exit status: 0 when the run (every run of a sweep) completed, 1 when a step\n"
		   "failed or a run was interrupted, 2 for an invalid pipeline file or -p (nothing\n"
		   "is recorded then).\n" },
	{ "tui", cmd_tui,
	  .args = (const struct cli_arg[]){ { "RUN", CLI_V_RUN, CLI_OPTIONAL }, { 0 } },
	  .opts = (const struct cli_opt[]){
		{ .name = "read-only", .id = OPT_READ_ONLY,
		  .help = "refuse every action that would change the store" },
		{ 0 } },
	  .summary = "browse runs in the terminal (also plain `runlens` on a terminal)",
	  .notes = "Keys: arrows/jk move, Enter opens, l shows logs, q/Esc goes back, ? help.\n" },
	{ "pipelines", cmd_pipelines,
	  .opts = (const struct cli_opt[]){
		{ .name = "json", .id = OPT_JSON, .help = "machine-readable output: JSON" },
		{ .name = "csv", .id = OPT_CSV, .help = "machine-readable output: CSV" },
		{ 0 } },
	  .summary = "list pipelines with run counts and their last run" },
	{ "ls", cmd_ls,
	  .args = (const struct cli_arg[]){ { "PIPELINE", CLI_V_PIPELINE, CLI_OPTIONAL },
					    { 0 } },
	  .opts = (const struct cli_opt[]){
		{ .name = "where", .id = 'w', .arg = "EXPR",
		  .help = "only runs matching EXPR, e.g.\n'status=failed and tag=nightly "
			  "and evaluate.accuracy>0.9 and started>-7d'" },
		{ .name = "sort", .id = 's', .arg = "KEY", .choices = sort_keys,
		  .help = "order by KEY (ascending; -KEY descending): started,\n"
			  "duration, name, status, id, params.X, STEP.KEY" },
		{ .name = "limit", .id = 'n', .arg = "N",
		  .help = "show at most N runs (default 50; 0 = all)" },
		{ .name = "columns", .id = OPT_COLUMNS, .arg = "C,…",
		  .help = "these columns, in this order: names and globs (name,params.*,\n"
			  "evaluate.*); only -C/+C items change the defaults (-tags)" },
		{ .name = "only-changed", .id = OPT_ONLY_CHANGED,
		  .help = "leave out the columns that are the same on every run listed" },
		{ .name = "sweep", .id = OPT_SWEEP, .arg = "SWEEP",
		  .help = "only the runs of that sweep (its id, name or 'last')" },
		{ .name = "json", .id = OPT_JSON, .help = "machine-readable output: JSON" },
		{ .name = "csv", .id = OPT_CSV,
		  .help = "machine-readable output: CSV (every column; numbers exact,\n"
			  "STARTED in ISO 8601 UTC, DURATION in seconds)" },
		{ 0 } },
	  .summary = "list runs, newest first, with their params and metrics",
	  .notes = "Columns: id, name, pipeline, status, started, duration, tags, sweep,\n"
		   "params.X, STEP.KEY.  On a terminal the table fits its width: the params\n"
		   "that differ and every metric, the best value of each metric marked *.\n"
		   "EXPR: fields status, name, pipeline, tag, id, started, duration, sweep,\n"
		   "params.X, STEP.KEY (metrics); operators = != < <= > >= ~ (contains); and, or,\n"
		   "not, parentheses; times -7d/-12h/2026-11-20, durations 90s/5m/2h.  A field no\n"
		   "run has warns on stderr with the closest names that exist.\n" },
	{ "sweeps", cmd_sweeps,
	  .args = (const struct cli_arg[]){ { "SWEEP", CLI_V_TEXT, CLI_OPTIONAL }, { 0 } },
	  .opts = (const struct cli_opt[]){
		{ .name = "metric", .id = OPT_METRIC, .arg = "STEP.KEY",
		  .help = "rank a sweep's runs by this metric (default: the pipeline's\n"
			  "first in \"metrics\", else the first one recorded)" },
		{ .name = "limit", .id = 'n', .arg = "N",
		  .help = "list at most N sweeps (default 50; 0 = all)" },
		{ .name = "json", .id = OPT_JSON, .help = "machine-readable output: JSON" },
		{ .name = "csv", .id = OPT_CSV, .help = "machine-readable output: CSV" },
		{ 0 } },
	  .summary = "list sweeps; or compare the runs of one, best first",
	  .notes = "SWEEP is a sweep id, name or 'last'.  A sweep's runs are ranked by the\n"
		   "metric (its direction as compare judges it), the best marked *, then each\n"
		   "param of the grid is plotted against the metric.\n" },
	{ "show", cmd_show,
	  .args = (const struct cli_arg[]){ { "RUN", CLI_V_RUN, 0 }, { 0 } },
	  .opts = (const struct cli_opt[]){
		{ .name = "json", .id = OPT_JSON, .help = "the run as one JSON document" },
		{ .name = "csv", .id = OPT_CSV, .help = "the run's steps as CSV" },
		{ .name = "notes", .id = OPT_NOTES,
		  .help = "every note of the run with its time (default: the newest)" },
		{ 0 } },
	  .summary = "show a run: status, timings, params, tags, steps, metrics",
	  .notes = "RUN is a run id, a run name, 'last' or 'PIPELINE@last'.\n" },
	{ "step", cmd_step,
	  .args = (const struct cli_arg[]){ { "RUN", CLI_V_RUN, 0 },
					    { "STEP", CLI_V_STEP, 0 }, { 0 } },
	  .opts = (const struct cli_opt[]){
		{ .name = "json", .id = OPT_JSON, .help = "the step run as one JSON document" },
		{ .name = "csv", .id = OPT_CSV, .help = "its attempts as CSV" },
		{ 0 } },
	  .summary = "show a step run: context, inputs, outputs, metadata, attempts" },
	{ "logs", cmd_logs,
	  .args = (const struct cli_arg[]){ { "RUN", CLI_V_RUN, 0 },
					    { "STEP", CLI_V_STEP, 0 }, { 0 } },
	  .opts = (const struct cli_opt[]){
		{ .name = "attempt", .id = 'a', .arg = "N",
		  .help = "that attempt (default: the last)" },
		{ .name = "stdout", .id = OPT_STDOUT, .help = "only standard output" },
		{ .name = "stderr", .id = OPT_STDERR, .help = "only standard error" },
		{ .name = "follow", .id = 'f', .help = "keep printing while the step runs" },
		{ .name = "json", .id = OPT_JSON,
		  .help = "{\"stdout\": …, \"stderr\": …} (invalid UTF-8 replaced)" },
		{ 0 } },
	  .summary = "print the captured output of a step",
	  .notes = "On a terminal, control characters are shown as escapes (\\x1b); when\n"
		   "piped, the bytes are written as they were captured.\n" },
	{ "rerun", cmd_rerun,
	  .args = (const struct cli_arg[]){ { "RUN", CLI_V_RUN, 0 }, { 0 } },
	  .opts = (const struct cli_opt[]){
		{ .name = "from", .id = OPT_FROM, .arg = "STEP", .value = CLI_V_STEP,
		  .help = "re-execute STEP and everything downstream; reuse the\n"
			  "other steps' outputs from RUN" },
		{ .name = "force", .id = OPT_FORCE, .arg = "STEP", .value = CLI_V_STEP,
		  .flags = CLI_MANY,
		  .help = "re-execute STEP even if a cached result exists" },
		{ .name = "param", .id = 'p', .arg = "KEY=VALUE", .flags = CLI_MANY,
		  .help = "override a recorded param" },
		{ .name = "jobs", .id = 'j', .arg = "N", .help = "run at most N steps at once" },
		{ .name = "name", .id = 'n', .arg = "NAME", .help = "name the new run" },
		{ .name = "tag", .id = 't', .arg = "TAG", .flags = CLI_MANY,
		  .help = "tag the new run (repeatable)" },
		{ .name = "stack", .id = OPT_STACK, .arg = "NAME", .value = CLI_V_STACK,
		  .help = "run on this stack (default: the one RUN ran on)" },
		{ .name = "no-cache", .id = OPT_NO_CACHE,
		  .help = "run every step even when a cached result exists" },
		{ .name = "verify", .id = OPT_VERIFY,
		  .help = "re-hash each input artifact before its step runs (default:\n"
			  "its size, and its hash when it changed since it was stored)" },
		{ .name = "dry-run", .id = OPT_DRY_RUN,
		  .help = "print the plan (what runs, what is cached or reused, why)" },
		{ .name = "json", .id = OPT_JSON, .help = "the outcome (or the plan) as JSON" },
		{ .name = "csv", .id = OPT_CSV, .help = "the plan as CSV (with --dry-run)" },
		{ .name = "quiet", .id = 'q',
		  .help = "no metrics headline at the end" },
		{ .name = "headline", .id = OPT_HEADLINE,
		  .help = "the metrics headline (each metric, its change from the\n"
			  "baseline) also when stdout is not a terminal" },
		{ 0 } },
	  .summary = "run again from the recorded pipeline and params",
	  .notes = "The new run keeps the tags of RUN, adds its own --tag ones, runs on\n"
		   "RUN's stack unless --stack says another and records rerun_of = RUN\n"
		   "(its id and name, kept when RUN is deleted).\n" },
	{ "why", cmd_why,
	  .args = (const struct cli_arg[]){ { "RUN", CLI_V_RUN, 0 },
					    { "STEP", CLI_V_STEP, 0 }, { 0 } },
	  .opts = (const struct cli_opt[]){
		{ .name = "json", .id = OPT_JSON,
		  .help = "the verdict and the parts of the key as JSON" },
		{ .name = "csv", .id = OPT_CSV,
		  .help = "the parts of the key as CSV (values whole)" },
		{ 0 } },
	  .summary = "why a step was cached or re-executed",
	  .notes = "Compares each part of the step's cache key (command, workdir, env, params,\n"
		   "each input's hash, outputs) with the closest earlier run of the step.\n" },
	{ "spec", cmd_spec,
	  .args = (const struct cli_arg[]){ { "RUN", CLI_V_RUN, 0 },
					    { "FILE|OTHER", CLI_V_FILE, CLI_OPTIONAL },
					    { 0 } },
	  .opts = (const struct cli_opt[]){
		{ .name = "diff", .id = OPT_DIFF,
		  .help = "how it differs from FILE, from run OTHER, or (neither\n"
			  "given) from the pipeline file as it is now" },
		{ 0 } },
	  .summary = "print the pipeline file recorded for a run",
	  .notes = "The text is the file as the run read it.  With --diff, a FILE|OTHER that\n"
		   "is an existing file is that file, anything else a run.  The diff is\n"
		   "`diff -u` (or $RUNLENS_DIFF); the exit status is 0 either way.\n" },
	{ "dag", cmd_dag,
	  .args = (const struct cli_arg[]){ { "FILE|RUN", CLI_V_FILE, 0 }, { 0 } },
	  .summary = "draw a pipeline's steps and their edges (a run's with their status)",
	  .notes = "Steps in the order show lists them, one per line ('o'); an edge runs\n"
		   "down a lane from a step to the one that needs it, forking ('.') under\n"
		   "a step with several dependents and gathering (\"'\") above one with\n"
		   "several dependencies.\n" },
	{ "cat", cmd_cat,
	  .args = (const struct cli_arg[]){ { "RUN", CLI_V_RUN, 0 },
					    { "STEP.OUTPUT[/PATH]", CLI_V_OUTPUT, 0 },
					    { 0 } },
	  .summary = "print an output of a run (a file, or PATH in a folder output)",
	  .notes = "The artifact the run recorded, from the artifact store.  On a terminal,\n"
		   "control characters are shown as escapes; piped, the bytes as they are.\n" },
	{ "path", cmd_path,
	  .args = (const struct cli_arg[]){ { "RUN", CLI_V_RUN, 0 },
					    { "STEP.OUTPUT[/PATH]", CLI_V_OUTPUT, 0 },
					    { 0 } },
	  .summary = "print where an output of a run is stored (for scripts)" },
	{ "diff", cmd_diff,
	  .args = (const struct cli_arg[]){ { "RUN", CLI_V_RUN, 0 },
					    { "OTHER", CLI_V_RUN, 0 },
					    { "STEP.OUTPUT[/PATH]", CLI_V_OUTPUT, 0 },
					    { 0 } },
	  .opts = (const struct cli_opt[]){
		{ .name = "exit-code", .id = OPT_EXIT_CODE,
		  .help = "exit 1 when they differ (as git diff --exit-code)" },
		{ 0 } },
	  .summary = "show how an output differs between two runs",
	  .notes = "Runs `diff -u` on the two artifacts (`diff -ruN` for folders), or\n"
		   "$RUNLENS_DIFF (a command given the two paths, e.g. 'meld'), or\n"
		   "`git diff --no-index` where diff is not installed.\n" },
	{ "compare", cmd_compare,
	  .args = (const struct cli_arg[]){ { "RUN", CLI_V_RUN, 0 },
					    { "OTHER", CLI_V_RUN, CLI_OPTIONAL | CLI_MANY },
					    { 0 } },
	  .opts = (const struct cli_opt[]){
		{ .name = "all", .id = 'a', .help = "also what is the same" },
		{ .name = "json", .id = OPT_JSON, .help = "the comparisons as JSON" },
		{ .name = "csv", .id = OPT_CSV,
		  .help = "params and metrics compared, as CSV (values exact)" },
		{ .name = "md", .id = OPT_MD, .help = "a Markdown table, for a pull request" },
		{ .name = "fail-worse", .id = OPT_FAIL_WORSE, .arg = "METRIC[:TOL]",
		  .flags = CLI_MANY,
		  .help = "exit 1 when METRIC is worse than the other run's by more\n"
			  "than TOL (absolute, or relative with %: 0.01, 2%); 'all': every\n"
			  "metric" },
		{ 0 } },
	  .summary = "compare params and metrics with the baseline or other runs",
	  .notes = "Without OTHER, RUN is compared with its baseline (the pinned run, else the\n"
		   "newest completed earlier run).  Metrics are STEP.KEY with value, other value,\n"
		   "delta, % change and better/worse (the pipeline's \"metrics\" directions; else\n"
		   "loss/error/mse/mae/rmse/latency/time are lower-is-better).  Series compare by\n"
		   "their last point.  Only what differs unless --all.\n"
		   "--fail-worse names each regression on stderr and exits 1 (2 for a METRIC\n"
		   "neither run has), so CI can gate on the baseline.\n" },
	{ "metrics", cmd_metrics,
	  .args = (const struct cli_arg[]){ { "RUN", CLI_V_RUN, 0 },
					    { "STEP.KEY", CLI_V_TEXT, CLI_OPTIONAL | CLI_MANY },
					    { 0 } },
	  .opts = (const struct cli_opt[]){
		{ .name = "json", .id = OPT_JSON, .help = "the series as JSON" },
		{ .name = "csv", .id = OPT_CSV, .help = "the points as CSV (values exact)" },
		{ 0 } },
	  .summary = "print metric series: index, value, attempt, time",
	  .notes = "Without STEP.KEY every metric of the run.  The points of retried attempts\n"
		   "are included, each with its attempt number.\n" },
	{ "pin", cmd_pin,
	  .args = (const struct cli_arg[]){ { "RUN|PIPELINE", CLI_V_RUN, 0 }, { 0 } },
	  .opts = (const struct cli_opt[]){
		{ .name = "where", .id = 'w', .arg = "EXPR",
		  .help = "the baseline of PIPELINE is the newest completed earlier run\n"
			  "EXPR matches (tag=prod), from now on" },
		{ .name = "yes", .id = 'y', .help = "pin a run that did not complete without asking" },
		{ 0 } },
	  .summary = "make RUN the baseline of its pipeline (or choose it by a rule)",
	  .notes = "A pinned run comes first, then a pin --where rule, then the pipeline file's\n"
		   "\"baseline\": {\"where\": EXPR}, then the newest completed earlier run.\n"
		   "Pinning a run that did not complete asks on a terminal, warns elsewhere.\n" },
	{ "unpin", cmd_unpin,
	  .args = (const struct cli_arg[]){ { "PIPELINE", CLI_V_PIPELINE, 0 }, { 0 } },
	  .flags = CLI_OPTS_FIRST,
	  .summary = "clear the pinned baseline and the pin --where rule" },
	{ "tag", cmd_tag,
	  .args = (const struct cli_arg[]){ { "RUN", CLI_V_RUN, 0 },
					    { "TAG", CLI_V_TEXT, CLI_MANY }, { 0 } },
	  .flags = CLI_OPTS_FIRST, .summary = "add tags to a run" },
	{ "untag", cmd_untag,
	  .args = (const struct cli_arg[]){ { "RUN", CLI_V_RUN, 0 },
					    { "TAG", CLI_V_TEXT, CLI_MANY }, { 0 } },
	  .flags = CLI_OPTS_FIRST, .summary = "remove tags from a run",
	  .notes = "A tag the run does not have is said, not an error.\n" },
	{ "note", cmd_note,
	  .args = (const struct cli_arg[]){ { "RUN", CLI_V_RUN, 0 },
					    { "TEXT", CLI_V_TEXT, CLI_MANY }, { 0 } },
	  .flags = CLI_OPTS_FIRST, .summary = "add a note to a run",
	  .notes = "Every note is kept with its time: show prints the newest, show --notes\n"
		   "all of them.\n" },
	{ "rm", cmd_rm,
	  .args = (const struct cli_arg[]){ { "RUN", CLI_V_RUN, CLI_MANY }, { 0 } },
	  .opts = (const struct cli_opt[]){
		{ .name = "yes", .id = 'y', .help = "do not ask" },
		{ 0 } },
	  .summary = "delete runs and what they recorded",
	  .notes = "Asks first on a terminal; elsewhere needs --yes.  Artifacts stay until gc.\n" },
	{ "gc", cmd_gc, .flags = CLI_OPTS_FIRST,
	  .summary = "remove artifacts that no run references",
	  .notes = "An artifact shared through the cache stays while any run uses it.\n" },
	{ "stack", cmd_stack, .subs = stack_subs,
	  .summary = "register, list and remove stacks (where artifacts go, what runs steps)",
	  .notes = "A pipeline picks a stack with \"stack\", a run with --stack.\n" },
	{ "secret", cmd_secret_get, .subs = secret_subs,
	  .args = (const struct cli_arg[]){ { "NAME", CLI_V_TEXT, 0 },
					    { "KEY", CLI_V_TEXT, 0 }, { 0 } },
	  .flags = CLI_NO_STORE,
	  .summary = "keep secrets outside the store; a step reads the ones it declares",
	  .notes = "Secrets live in $XDG_CONFIG_HOME/runlens/secrets.json (mode 0600).\n"
		   "`secret NAME KEY` (inside a step) prints a secret the step declares.\n"
		   "Values are masked as *** in captured logs and metadata (a multi-line value\n"
		   "line by line too); a value needs at least 4 characters.\n" },
	{ "ctx", cmd_ctx,
	  .args = (const struct cli_arg[]){ { "FIELD", CLI_V_TEXT, CLI_OPTIONAL }, { 0 } },
	  .flags = CLI_NO_STORE,
	  .summary = "(inside a step) print the step context or one dotted field",
	  .notes = "FIELD is a dotted path: run.name, step.inputs.data.path, step.params.lr.\n"
		   "Strings print raw, anything else as JSON.  Exit 3 outside a step.\n" },
	{ "meta", cmd_meta,
	  .args = (const struct cli_arg[]){ { "KEY=VALUE", CLI_V_TEXT, CLI_MANY }, { 0 } },
	  .opts = (const struct cli_opt[]){
		{ .name = "output", .id = 'o', .arg = "NAME",
		  .help = "attach to that declared output" },
		{ 0 } },
	  .flags = CLI_NO_STORE | CLI_OPTS_FIRST,
	  .summary = "(inside a step) record metadata on the step run or one of its outputs",
	  .notes = "VALUE is JSON when it parses as JSON, else a string.  All or nothing.\n" },
	{ "metric", cmd_metric,
	  .args = (const struct cli_arg[]){ { "KEY", CLI_V_TEXT, 0 },
					    { "VALUE", CLI_V_TEXT, 0 }, { 0 } },
	  .opts = (const struct cli_opt[]){
		{ .name = "index", .id = 'i', .arg = "N",
		  .help = "the point's index in a series (epoch, step)" },
		{ 0 } },
	  .flags = CLI_NO_STORE | CLI_NEGATIVE_ARGS,
	  .summary = "(inside a step) record a numeric metric, or one point of a series" },
	{ "state", cmd_state, .subs = state_subs, .flags = CLI_NO_STORE,
	  .summary = "(inside a step) read or write the run's shared state",
	  .notes = "A step sees the state as of its start; its writes apply when it\n"
		   "completes successfully, in completion order; a failed step's are dropped.\n" },
	{ "baseline", cmd_baseline,
	  .args = (const struct cli_arg[]){ { "STEP.OUTPUT", CLI_V_TEXT, 0 }, { 0 } },
	  .flags = CLI_NO_STORE,
	  .summary = "(inside a step) print the path of an output of the baseline run",
	  .notes = "Exit 4 when the run has no baseline or the baseline lacks the output.\n" },
	{ "help", cmd_help,
	  .args = (const struct cli_arg[]){ { "COMMAND", CLI_V_COMMAND, CLI_OPTIONAL },
					    { 0 } },
	  .flags = CLI_NO_STORE, .summary = "the help of a command" },
	{ "job-exec", cmd_job_exec,
	  .args = (const struct cli_arg[]){ { "ATTEMPT_DIR", CLI_V_DIR, 0 }, { 0 } },
	  .flags = CLI_NO_STORE | CLI_HIDDEN | CLI_OPTS_FIRST,
	  .summary = "(on a cluster's node) run the step of an attempt folder",
	  .notes = "What a Slurm job's script execs: reads and removes the attempt's job.json,\n"
		   "runs the step in its own process group with its exact environment and\n"
		   "working folder, masks its output into the logs, forwards the signals the\n"
		   "job gets, and writes exit_status.  Exit: the step's (128+N for signal N),\n"
		   "1 when there is no job to run.  docs/slurm.md.\n" },
	{ "__complete", cmd_complete,
	  .args = (const struct cli_arg[]){ { "WORD", CLI_V_TEXT, CLI_MANY }, { 0 } },
	  .flags = CLI_NO_STORE | CLI_HIDDEN | CLI_RAW,
	  .summary = "candidates for the last WORD of a command line (bash completion)" },
	{ 0 },
};
