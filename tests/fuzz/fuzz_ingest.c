/* tests/fuzz/fuzz_ingest.c — libFuzzer target: the record lines steps
 * append for the runner (core/ingest.c), read the way the runner reads
 * them: appended to the records file in pieces, polled after each piece,
 * then a final poll.  Any bytes: good lines are stored, bad lines are
 * skipped with a note, nothing crashes; each input's writes are rolled
 * back so the store stays small.  The same bytes as a metrics_file are
 * flattened into metrics when they are JSON. */
#include "config.h"

#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "core/ingest.h"
#include "core/spec.h"
#include "store/store.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct store *st;
static int64_t step_run_id;
static char records[64], warn[64];
static struct spec_output outputs[2] = { { (char *)"model", (char *)"m" },
					 { (char *)"data", (char *)"d" } };
static struct spec_step step = { .name = (char *)"train", .outputs = outputs,
				 .noutputs = 2 };
static char *secrets[] = { (char *)"hunter2", (char *)"s3cr3t" };

static void die(const char *what, struct rl_err *err)
{
	fprintf(stderr, "%s: %s\n", what, rl_err_msg(err));
	abort();
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	static char dir[] = "/tmp/runlens-fuzz-ingest.XXXXXX";
	struct rl_err err = RL_ERR_INIT;
	int64_t pid = 0, rid = 0;
	if (!mkdtemp(dir) || store_open(dir, STORE_CREATE, &st, &err) < 0)
		die("cannot make a store", &err);
	struct store_run_new r = { .name = "fuzz", .status = "running",
				   .started_ms = 1, .params_json = "{}" };
	if (store_pipeline_ensure(st, "fuzz", NULL, &pid, &err) < 0)
		die("pipeline", &err);
	r.pipeline_id = pid;
	if (store_run_create(st, &r, &rid, &err) < 0 ||
	    store_step_run_create(st, rid, "train", 0, 1, "{}", &step_run_id,
				  &err) < 0)
		die("run", &err);
	snprintf(records, sizeof records, "%s/records", dir);
	snprintf(warn, sizeof warn, "%s/warn", dir);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rl_err err = RL_ERR_INIT;
	struct ingest ing = { .path = records, .step_run_id = step_run_id,
			      .step = &step, .secrets = secrets, .nsecrets = 2,
			      .warn_path = warn };
	ing.state = cJSON_CreateObject();
	int fd = open(records, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0 || !ing.state)
		abort();
	unlink(warn);
	if (store_begin(st, &err) < 0)
		die("begin", &err);
	/* append in pieces whose sizes come from the data itself */
	size_t off = 0;
	while (off < size) {
		size_t piece = 1 + (data[off] % 97);
		if (piece > size - off)
			piece = size - off;
		if (write(fd, data + off, piece) != (ssize_t)piece)
			abort();
		off += piece;
		if (ingest_poll(st, &ing, 0, &err) < 0)
			die("poll", &err);
	}
	if (ingest_poll(st, &ing, 1, &err) < 0)
		die("final poll", &err);
	close(fd);
	cJSON *doc = cJSON_ParseWithLength((const char *)data, size);
	if (doc && ingest_metrics_json(st, step_run_id, doc, &err) < 0)
		die("metrics_file", &err);
	cJSON_Delete(doc);
	store_rollback(st);
	ingest_release(&ing);
	cJSON_Delete(ing.state);
	return 0;
}
