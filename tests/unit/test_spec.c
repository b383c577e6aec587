/* tests/unit/test_spec.c — pipeline files: every error class, the DAG
 * order, params and ${…} substitution. */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/spec.h"
#include "util/buf.h"

static const char *full =
	"{\n"
	"  \"name\": \"train\",\n"
	"  \"description\": \"nightly churn model\",\n"
	"  \"params\":  {\"lr\": 0.01, \"epochs\": 3, \"tag\": \"x\"},\n"
	"  \"tags\":    [\"nightly\"],\n"
	"  \"context\": {\"workspace_id\": \"acme\", \"feature_flags\": {\"new_loss\": true}},\n"
	"  \"model\":   {\"name\": \"churn\"},\n"
	"  \"stack\":   \"default\",\n"
	"  \"metrics\": {\"loss\": \"min\", \"accuracy\": \"max\"},\n"
	"  \"defaults\": {\"retries\": 1, \"timeout\": 0, \"cache\": true},\n"
	"  \"steps\": [\n"
	"    {\"name\": \"load\",  \"run\": [\"python3\", \"load.py\"],\n"
	"     \"outputs\": {\"data\": \"data.csv\"}},\n"
	"    {\"name\": \"train\", \"run\": \"python3 train.py --lr ${params.lr} --data ${inputs.data}\",\n"
	"     \"inputs\":  {\"data\": \"load.data\"},\n"
	"     \"outputs\": {\"model\": \"model.bin\"},\n"
	"     \"retries\": 2, \"timeout\": 600,\n"
	"     \"resources\": {\"cpus\": 2, \"memory\": \"4G\"},\n"
	"     \"env\": {\"OMP_NUM_THREADS\": \"2\"},\n"
	"     \"context\": {\"feature_flags\": {\"new_loss\": false}},\n"
	"     \"secrets\": [\"warehouse\"]},\n"
	"    {\"name\": \"evaluate\", \"run\": [\"python3\", \"eval.py\"],\n"
	"     \"inputs\":  {\"model\": \"train.model\", \"data\": \"load.data\",\n"
	"                 \"labels\": {\"path\": \"data/labels.csv\"}},\n"
	"     \"outputs\": {\"metrics\": \"metrics.json\"},\n"
	"     \"params\": {\"threshold\": 0.5},\n"
	"     \"metrics_file\": \"metrics\"}\n"
	"  ]\n"
	"}\n";

static struct spec *parse_ok(const char *text)
{
	struct spec *s = NULL;
	struct rl_err err = RL_ERR_INIT;
	int rc = spec_parse(text, strlen(text), "p.json", "/pipes", &s, &err);
	ck_assert_msg(rc == 0, "parse failed: %s", rl_err_msg(&err));
	rl_err_clear(&err);
	return s;
}

/* Parse TEXT, expect a spec error whose message contains WANT. */
static void parse_fails(const char *text, const char *want)
{
	struct spec *s = NULL;
	struct rl_err err = RL_ERR_INIT;
	int rc = spec_parse(text, strlen(text), "p.json", NULL, &s, &err);
	ck_assert_msg(rc == -1, "parse of %s should fail", text);
	ck_assert_ptr_null(s);
	ck_assert_int_eq(err.code, RL_E_SPEC);
	ck_assert_msg(strstr(rl_err_msg(&err), want) != NULL,
		      "message '%s' lacks '%s'", rl_err_msg(&err), want);
	ck_assert_msg(strchr(rl_err_msg(&err), '\n') == NULL, "multi-line message");
	rl_err_clear(&err);
}

static char *json(const cJSON *v)
{
	return cJSON_PrintUnformatted(v);
}

START_TEST(test_full_example)
{
	struct spec *s = parse_ok(full);
	ck_assert_str_eq(s->name, "train");
	ck_assert_str_eq(s->description, "nightly churn model");
	ck_assert_str_eq(s->dir, "/pipes");
	ck_assert_int_eq(s->ntags, 1);
	ck_assert_str_eq(s->stack, "default");
	ck_assert_int_eq(s->nsteps, 3);
	ck_assert_int_eq(s->defaults.retries, 1);

	struct spec_step *load = &s->steps[0], *train = &s->steps[1],
			 *eval = &s->steps[2];
	ck_assert_int_eq(load->line, 12);
	ck_assert_int_eq(train->line, 14);
	ck_assert_int_eq(eval->line, 22);
	ck_assert_int_eq(load->run_argc, 2);
	ck_assert_str_eq(load->run_argv[1], "load.py");
	ck_assert_ptr_null(load->run_shell);
	ck_assert_int_eq(load->retries, 1); /* from defaults */
	ck_assert_int_eq(load->cache, 1);
	ck_assert_ptr_nonnull(train->run_shell);
	ck_assert_int_eq(train->retries, 2);
	ck_assert(train->timeout == 600);
	ck_assert_int_eq(train->cache, 0); /* secrets: cache off by default */
	ck_assert_int_eq(train->nsecrets, 1);
	ck_assert_int_eq(train->nenv, 1);
	ck_assert_str_eq(train->env[0].key, "OMP_NUM_THREADS");
	ck_assert_int_eq(train->ndeps, 1);
	ck_assert_int_eq(train->deps[0], 0);
	ck_assert_int_eq(train->inputs[0].kind, SPEC_INPUT_STEP);
	ck_assert_str_eq(train->inputs[0].step, "load");
	ck_assert_str_eq(train->inputs[0].output, "data");
	ck_assert_int_eq(train->inputs[0].step_index, 0);

	ck_assert_int_eq(eval->ninputs, 3);
	ck_assert_int_eq(eval->inputs[2].kind, SPEC_INPUT_PATH);
	ck_assert_str_eq(eval->inputs[2].path, "data/labels.csv");
	ck_assert_int_eq(eval->ndeps, 2);
	ck_assert_int_eq(eval->deps[0], 0);
	ck_assert_int_eq(eval->deps[1], 1);
	ck_assert_str_eq(eval->metrics_file, "metrics");

	/* a step depends on the params it references, and its own */
	char *p = json(train->params);
	ck_assert_str_eq(p, "{\"lr\":0.01}");
	free(p);
	p = json(eval->params);
	ck_assert_str_eq(p, "{\"threshold\":0.5}");
	free(p);
	p = json(load->params);
	ck_assert_str_eq(p, "{}");
	free(p);

	ck_assert_int_eq(s->order[0], 0);
	ck_assert_int_eq(s->order[1], 1);
	ck_assert_int_eq(s->order[2], 2);
	ck_assert_int_eq(spec_step_index(s, "evaluate"), 2);
	ck_assert_int_eq(spec_step_index(s, "nope"), -1);
	spec_free(&s);
	ck_assert_ptr_null(s);
}
END_TEST

START_TEST(test_syntax_errors)
{
	/* missing comma on line 3, column 16 */
	parse_fails("{\"name\": \"x\",\n \"steps\": [\n  {\"name\": \"a\" \"run\": \"true\"}\n ]}\n",
		    "p.json:3:16: JSON syntax error: expected ',' or '}' near '\"run\": \"true\"}'");
	parse_fails("{\"name\": \"x\",", "p.json:1:13: JSON syntax error: unexpected end of file");
	parse_fails("{\n  \"steps\": [\n    1,\n  ]\n}",
		    "p.json:4:3: JSON syntax error: a ',' before a closing bracket (trailing comma) near ']'");
	parse_fails("{\"a\": [1, 2}", "p.json:1:12: JSON syntax error: expected ',' or ']' near '}'");
	parse_fails("{\"a\" 1}", "p.json:1:6: JSON syntax error: expected ':' after the key near '1}'");
	parse_fails("{\"a\": }", "p.json:1:7: JSON syntax error: expected a value near '}'");
	parse_fails("{\"a\": 1, b: 2}", "1:10: JSON syntax error: expected a key in double quotes");
	parse_fails("{\"a\": \"x}", "p.json:1:8: JSON syntax error: a string is not closed with '\"'");
	parse_fails("{\"a\": \"\\q\"}", "p.json:1:8: JSON syntax error: invalid string");
	/* columns count characters, not bytes */
	parse_fails("{\"\xc3\xa9\": 1 2}", "p.json:1:9: JSON syntax error: expected ',' or '}' near '2}'");
	parse_fails("", "p.json:1:1: JSON syntax error: the file is empty");
	parse_fails(" \n ", "JSON syntax error: the file is empty");
	parse_fails("[1, 2]", "expected a JSON object at the top, got an array");
	parse_fails("{\"name\": \"x\", \"steps\": [{\"name\": \"a\", \"run\": \"true\"}]} trailing",
		    "p.json:1:56: JSON syntax error: text after the end");
}
END_TEST

START_TEST(test_field_errors)
{
	parse_fails("{\"name\": \"x\", \"stepz\": []}", "p.json: unknown field 'stepz'");
	parse_fails("{\"steps\": [{\"name\": \"a\", \"run\": \"true\"}]}", "missing field 'name'");
	parse_fails("{\"name\": \"x\"}", "missing field 'steps'");
	parse_fails("{\"name\": \"x\", \"steps\": []}", "expected a non-empty array of steps");
	parse_fails("{\"name\": \"x y\", \"steps\": [{\"name\": \"a\", \"run\": \"true\"}]}",
		    "field 'name'");
	parse_fails("{\"name\": \"x\", \"name\": \"y\", \"steps\": [{\"name\": \"a\", \"run\": \"t\"}]}",
		    "duplicate field 'name'");
	parse_fails("{\"name\": \"x\", \"params\": [1], \"steps\": [{\"name\": \"a\", \"run\": \"t\"}]}",
		    "field 'params': expected an object, got an array");
	parse_fails("{\"name\": \"x\", \"metrics\": {\"loss\": \"low\"}, \"steps\": [{\"name\": \"a\", \"run\": \"t\"}]}",
		    "field 'metrics.loss': expected \"min\" or \"max\"");
	parse_fails("{\"name\": \"x\", \"defaults\": {\"retry\": 1}, \"steps\": [{\"name\": \"a\", \"run\": \"t\"}]}",
		    "field 'defaults': unknown field 'retry'");
	parse_fails("{\"name\": \"x\", \"steps\": [{\"name\": \"a\", \"run\": \"true\", \"retires\": 2}]}",
		    "p.json: step 'a': unknown field 'retires'");
	parse_fails("{\"name\": \"x\", \"steps\": [{\"name\": \"a\", \"run\": \"true\", \"run\": \"x\"}]}",
		    "step 'a': duplicate field 'run'");
	parse_fails("{\"name\": \"x\", \"steps\": [{\"name\": \"a\"}]}", "step 'a': missing field 'run'");
	parse_fails("{\"name\": \"x\", \"steps\": [{\"run\": \"true\"}]}", "step 1 has no \"name\"");
	parse_fails("{\"name\": \"x\", \"steps\": [{\"name\": \"a.b\", \"run\": \"true\"}]}",
		    "step 1: \"name\" must be");
}
END_TEST

START_TEST(test_type_errors)
{
	parse_fails("{\"name\": \"x\", \"steps\": [{\"name\": \"a\", \"run\": \"t\", \"retries\": \"2\"}]}",
		    "step 'a', field 'retries': expected a non-negative integer, got a string");
	parse_fails("{\"name\": \"x\", \"steps\": [{\"name\": \"a\", \"run\": \"t\", \"retries\": 1.5}]}",
		    "field 'retries': expected a non-negative integer");
	parse_fails("{\"name\": \"x\", \"steps\": [{\"name\": \"a\", \"run\": \"t\", \"timeout\": -1}]}",
		    "step 'a', field 'timeout': expected a non-negative number of seconds");
	parse_fails("{\"name\": \"x\", \"steps\": [{\"name\": \"a\", \"run\": 5}]}",
		    "step 'a', field 'run': expected a string (run by /bin/sh) or an array (argv), got a number");
	parse_fails("{\"name\": \"x\", \"steps\": [{\"name\": \"a\", \"run\": []}]}",
		    "field 'run': expected a non-empty array");
	parse_fails("{\"name\": \"x\", \"steps\": [{\"name\": \"a\", \"run\": [\"ls\", 3]}]}",
		    "field 'run': expected an array of strings, element 2 is a number");
	parse_fails("{\"name\": \"x\", \"steps\": [{\"name\": \"a\", \"run\": \"t\", \"env\": {\"A\": {\"b\": 1}}}]}",
		    "step 'a', field 'env.A': expected a string, number or boolean, got an object");
	parse_fails("{\"name\": \"x\", \"steps\": [{\"name\": \"a\", \"run\": \"t\", \"cache\": \"no\"}]}",
		    "field 'cache': expected true or false");
	parse_fails("{\"name\": \"x\", \"steps\": [{\"name\": \"a\", \"run\": \"t\", \"outputs\": {\"o\": \"/abs\"}}]}",
		    "field 'outputs.o': '/abs' must be a relative path");
	parse_fails("{\"name\": \"x\", \"steps\": [{\"name\": \"a\", \"run\": \"t\", \"outputs\": {\"o\": \"a/../../x\"}}]}",
		    "must be a relative path");
	parse_fails("{\"name\": \"x\", \"steps\": [{\"name\": \"a\", \"run\": \"t\", \"outputs\": {\"o.p\": \"x\"}}]}",
		    "output name 'o.p' may only hold");
	parse_fails("{\"name\": \"x\", \"steps\": [{\"name\": \"a\", \"run\": \"t\", \"inputs\": {\"i\": 3}}]}",
		    "field 'inputs.i': expected \"step.output\" or {\"path\": …}, got a number");
	parse_fails("{\"name\": \"x\", \"steps\": [{\"name\": \"a\", \"run\": \"t\", \"metrics_file\": \"m\"}]}",
		    "field 'metrics_file': 'm' is not one of the step's outputs");
}
END_TEST

START_TEST(test_reference_errors)
{
	parse_fails("{\"name\": \"x\", \"steps\": [{\"name\": \"a\", \"run\": \"t\"}, {\"name\": \"a\", \"run\": \"t\"}]}",
		    "duplicate step name 'a'");
	parse_fails("{\"name\": \"x\", \"steps\": [{\"name\": \"a\", \"run\": \"t\", \"inputs\": {\"d\": \"trian.model\"}}]}",
		    "step 'a', field 'inputs.d': unknown step 'trian'");
	parse_fails("{\"name\": \"x\", \"steps\": [{\"name\": \"b\", \"run\": \"t\"}, "
		    "{\"name\": \"a\", \"run\": \"t\", \"inputs\": {\"d\": \"b.model\"}}]}",
		    "step 'a', field 'inputs.d': unknown output 'model' of step 'b'");
	parse_fails("{\"name\": \"x\", \"steps\": [{\"name\": \"a\", \"run\": \"t\", \"needs\": [\"zz\"]}]}",
		    "step 'a', field 'needs': unknown step 'zz'");
	parse_fails("{\"name\": \"x\", \"steps\": [{\"name\": \"a\", \"run\": \"t\", \"needs\": [\"a\"]}]}",
		    "p.json: step 'a', field 'needs': a step cannot depend on itself (cycle: a -> a)");
	parse_fails("{\"name\": \"x\", \"steps\": [{\"name\": \"a\", \"run\": \"t\", "
		    "\"inputs\": {\"i\": \"a.o\"}, \"outputs\": {\"o\": \"o\"}}]}",
		    "step 'a', field 'inputs.i': a step cannot depend on itself");
	parse_fails("{\"name\": \"x\", \"steps\": ["
		    "{\"name\": \"a\", \"run\": \"t\", \"needs\": [\"c\"]},"
		    "{\"name\": \"b\", \"run\": \"t\", \"needs\": [\"a\"]},"
		    "{\"name\": \"c\", \"run\": \"t\", \"needs\": [\"b\"]},"
		    "{\"name\": \"d\", \"run\": \"t\"}]}",
		    "p.json: cycle between steps: ");
	/* the cycle names exactly its three steps */
	struct spec *s = NULL;
	struct rl_err err = RL_ERR_INIT;
	const char *cyc = "{\"name\": \"x\", \"steps\": ["
			  "{\"name\": \"a\", \"run\": \"t\", \"needs\": [\"c\"]},"
			  "{\"name\": \"b\", \"run\": \"t\", \"needs\": [\"a\"]},"
			  "{\"name\": \"c\", \"run\": \"t\", \"needs\": [\"b\"]},"
			  "{\"name\": \"d\", \"run\": \"t\"}]}";
	ck_assert_int_eq(spec_parse(cyc, strlen(cyc), "p.json", NULL, &s, &err), -1);
	ck_assert_int_eq(err.code, RL_E_SPEC);
	ck_assert_str_eq(rl_err_msg(&err), "p.json: cycle between steps: a -> b -> c -> a");
	/* through inputs, behind a step that is not in the cycle, starting
	 * at the first of its steps in file order */
	const char *cyc2 = "{\"name\": \"x\", \"steps\": ["
			   "{\"name\": \"down\", \"run\": \"t\", \"needs\": [\"q\"]},"
			   "{\"name\": \"p\", \"run\": \"t\", \"inputs\": {\"i\": \"q.o\"}, \"outputs\": {\"o\": \"o\"}},"
			   "{\"name\": \"q\", \"run\": \"t\", \"inputs\": {\"i\": \"p.o\"}, \"outputs\": {\"o\": \"o\"}}]}";
	ck_assert_int_eq(spec_parse(cyc2, strlen(cyc2), "p.json", NULL, &s, &err), -1);
	ck_assert_str_eq(rl_err_msg(&err), "p.json: cycle between steps: p -> q -> p");
	ck_assert_ptr_null(s);
	rl_err_clear(&err);
}
END_TEST

START_TEST(test_more_errors)
{
	/* duplicate keys deeper down */
	parse_fails("{\"name\": \"x\", \"context\": {\"f\": {\"a\": 1, \"a\": 2}}, "
		    "\"steps\": [{\"name\": \"a\", \"run\": \"t\"}]}",
		    "p.json: field 'context.f': duplicate key 'a'");
	parse_fails("{\"name\": \"x\", \"steps\": [{\"name\": \"a\", \"run\": \"t\", "
		    "\"env\": {\"E\": \"1\", \"E\": \"2\"}}]}",
		    "p.json: step 'a', field 'env': duplicate key 'E'");
	parse_fails("{\"name\": \"x\", \"steps\": [{\"name\": \"a\", \"run\": \"t\", "
		    "\"resources\": {\"l\": [{\"k\": 1, \"k\": 1}]}}]}",
		    "step 'a', field 'resources.l[0]': duplicate key 'k'");
	/* names that would share an environment variable */
	parse_fails("{\"name\": \"x\", \"steps\": [{\"name\": \"a\", \"run\": \"t\", "
		    "\"outputs\": {\"data-set\": \"a\", \"data_set\": \"b\"}}]}",
		    "step 'a', field 'outputs': 'data-set' and 'data_set' would both be RUNLENS_OUTPUT_DATA_SET");
	parse_fails("{\"name\": \"x\", \"params\": {\"lr\": 1}, \"steps\": [{\"name\": \"a\", "
		    "\"run\": \"t ${params.lr}\", \"params\": {\"LR\": 2}}]}",
		    "step 'a', field 'params': 'lr' and 'LR' would both be RUNLENS_PARAM_LR");
	parse_fails("{\"name\": \"x\", \"steps\": [{\"name\": \"a\", \"run\": \"t\", "
		    "\"inputs\": {\"d\": {\"path\": \"x\"}, \"D\": {\"path\": \"y\"}}}]}",
		    "field 'inputs': 'd' and 'D' would both be RUNLENS_INPUT_D");
	/* bad names */
	parse_fails("{\"name\": \"x\", \"params\": {\"a b\": 1}, \"steps\": [{\"name\": \"a\", \"run\": \"t\"}]}",
		    "p.json: field 'params': param name 'a b' may only hold");
	parse_fails("{\"name\": \"x\", \"steps\": [{\"name\": \"a\", \"run\": \"t\", \"inputs\": {\"$i\": {\"path\": \"x\"}}}]}",
		    "step 'a', field 'inputs': input name '$i' may only hold");
	parse_fails("{\"name\": \"x\", \"steps\": [{\"name\": \"a\", \"run\": \"t\", \"params\": {\"p.q\": 1}}]}",
		    "step 'a', field 'params': param name 'p.q' may only hold");
	parse_fails("{\"name\": \"\", \"steps\": [{\"name\": \"a\", \"run\": \"t\"}]}", "p.json: field 'name': expected");
	parse_fails("{\"name\": \"x\", \"steps\": [{\"name\": \"\", \"run\": \"t\"}]}", "step 1: \"name\" must be");
	/* other top-level fields */
	parse_fails("{\"name\": \"x\", \"model\": {\"version\": 1}, \"steps\": [{\"name\": \"a\", \"run\": \"t\"}]}",
		    "field 'model.name': expected a non-empty string");
	parse_fails("{\"name\": \"x\", \"model\": {\"name\": \"m\", \"version\": true}, \"steps\": [{\"name\": \"a\", \"run\": \"t\"}]}",
		    "field 'model.version': expected a string or a number, got a boolean");
	parse_fails("{\"name\": \"x\", \"stack\": \"\", \"steps\": [{\"name\": \"a\", \"run\": \"t\"}]}",
		    "field 'stack': expected the name of a stack");
	parse_fails("{\"name\": \"x\", \"tags\": [1], \"steps\": [{\"name\": \"a\", \"run\": \"t\"}]}",
		    "field 'tags': expected an array of strings");
	parse_fails("{\"name\": \"x\", \"defaults\": {\"retries\": -1}, \"steps\": [{\"name\": \"a\", \"run\": \"t\"}]}",
		    "field 'defaults.retries': expected a non-negative integer");
	parse_fails("{\"name\": \"x\", \"steps\": {\"name\": \"a\"}}", "field 'steps': expected a non-empty array");
	parse_fails("{\"name\": \"x\", \"steps\": [3]}", "step 1: expected an object, got a number");
	/* other step fields */
	parse_fails("{\"name\": \"x\", \"steps\": [{\"name\": \"a\", \"run\": \"\"}]}", "step 'a', field 'run': must not be empty");
	parse_fails("{\"name\": \"x\", \"steps\": [{\"name\": \"a\", \"run\": \"t\", \"needs\": \"b\"}]}",
		    "step 'a', field 'needs': expected an array of strings, got a string");
	parse_fails("{\"name\": \"x\", \"steps\": [{\"name\": \"a\", \"run\": \"t\", \"inputs\": {\"i\": \"nodot\"}}]}",
		    "field 'inputs.i': expected \"step.output\"");
	parse_fails("{\"name\": \"x\", \"steps\": [{\"name\": \"a\", \"run\": \"t\", \"inputs\": {\"i\": {\"path\": 1}}}]}",
		    "field 'inputs.i': expected {\"path\": \"…\"}");
	parse_fails("{\"name\": \"x\", \"steps\": [{\"name\": \"a\", \"run\": \"t\", \"outputs\": {\"o\": \"..\"}}]}",
		    "field 'outputs.o': '..' must be a relative path");
	parse_fails("{\"name\": \"x\", \"steps\": [{\"name\": \"a\", \"run\": \"t\", \"outputs\": {\"o\": \"a/..\"}}]}",
		    "must be a relative path");
	parse_fails("{\"name\": \"x\", \"steps\": [{\"name\": \"a\", \"run\": \"t\", \"env\": {\"E\": [1]}}]}",
		    "field 'env.E': expected a string, number or boolean, got an array");
	parse_fails("{\"name\": \"x\", \"steps\": [{\"name\": \"a\", \"run\": \"t\", \"workdir\": 1}]}",
		    "field 'workdir': expected a folder path");
	parse_fails("{\"name\": \"x\", \"steps\": [{\"name\": \"a\", \"run\": \"t\", \"secrets\": [\"a b\"]}]}",
		    "field 'secrets': 'a b' is not a valid secret name");
	parse_fails("{\"name\": \"x\", \"steps\": [{\"name\": \"a\", \"run\": \"t\", \"resources\": 2}]}",
		    "field 'resources': expected an object, got a number");
}
END_TEST

START_TEST(test_step_details)
{
	/* env numbers and booleans become text; explicit cache with secrets;
	 * defaults; templates in env and workdir */
	struct spec *s = parse_ok(
		"{\"name\": \"x.y-z\", \"params\": {\"w\": \"sub\", \"unused\": 1},\n"
		" \"defaults\": {\"retries\": 3, \"timeout\": 1.5, \"cache\": false},\n"
		" \"steps\": [\n"
		"  {\"name\": \"a\", \"run\": \"t\", \"env\": {\"N\": 2, \"F\": 0.5, \"B\": true, "
		"\"P\": \"${params.w}\"}, \"workdir\": \"${params.w}/x\"},\n"
		"  {\"name\": \"b\", \"run\": \"t\", \"secrets\": [\"s\"], \"cache\": true, \"retries\": 0, "
		"\"timeout\": 0, \"needs\": [\"a\", \"a\"], \"tags\": [\"t1\", \"t2\"]},\n"
		"  {\"name\": \"c\", \"run\": \"t\", \"cache\": true}\n"
		" ]}");
	ck_assert_str_eq(s->name, "x.y-z");
	ck_assert_ptr_null(s->description);
	ck_assert_ptr_null(s->model);
	ck_assert_ptr_null(s->stack);
	ck_assert_str_eq(s->dir, "/pipes");
	struct spec_step *a = &s->steps[0], *b = &s->steps[1], *c = &s->steps[2];
	ck_assert_int_eq(a->line, 4);
	ck_assert_int_eq(b->line, 5);
	ck_assert_int_eq(c->line, 6);
	ck_assert_int_eq(a->nenv, 4);
	ck_assert_str_eq(a->env[0].value, "2");
	ck_assert_str_eq(a->env[1].value, "0.5");
	ck_assert_str_eq(a->env[2].value, "true");
	ck_assert_str_eq(a->env[3].value, "${params.w}");
	ck_assert_str_eq(a->workdir, "${params.w}/x");
	ck_assert_int_eq(a->retries, 3);
	ck_assert(a->timeout == 1.5);
	ck_assert_int_eq(a->cache, 0);
	char *p = cJSON_PrintUnformatted(a->params);
	ck_assert_str_eq(p, "{\"w\":\"sub\"}");
	free(p);
	ck_assert_int_eq(b->cache, 1); /* explicit, despite the secret */
	ck_assert_int_eq(b->retries, 0);
	ck_assert(b->timeout == 0);
	ck_assert_int_eq(b->ndeps, 1);
	ck_assert_int_eq(b->nneeds, 2);
	ck_assert_int_eq(b->ntags, 2);
	ck_assert_str_eq(b->tags[1], "t2");
	ck_assert_int_eq(c->cache, 1);
	ck_assert_int_eq(c->ndeps, 0);
	ck_assert_ptr_null(c->inputs);
	spec_free(&s);
}
END_TEST

START_TEST(test_template_errors)
{
	parse_fails("{\"name\": \"x\", \"params\": {\"lr\": 1}, \"steps\": [{\"name\": \"a\", \"run\": \"t ${params.lrr}\"}]}",
		    "step 'a', field 'run': unknown ${params.lrr}");
	parse_fails("{\"name\": \"x\", \"steps\": [{\"name\": \"a\", \"run\": [\"t\", \"${inputs.x}\"]}]}",
		    "field 'run': unknown ${inputs.x}");
	parse_fails("{\"name\": \"x\", \"steps\": [{\"name\": \"a\", \"run\": \"t\", \"env\": {\"E\": \"${nope}\"}}]}",
		    "field 'env.E': unknown ${nope}");
	parse_fails("{\"name\": \"x\", \"steps\": [{\"name\": \"a\", \"run\": \"t\", \"workdir\": \"${run.date}\"}]}",
		    "field 'workdir': unknown ${run.date}");
	parse_fails("{\"name\": \"x\", \"steps\": [{\"name\": \"a\", \"run\": \"echo ${run.id\"}]}",
		    "unterminated ${");
	/* allowed: everything else, $$ escapes and plain $VAR */
	struct spec *s = parse_ok(
		"{\"name\": \"x\", \"params\": {\"n\": 1}, \"steps\": [{\"name\": \"a\", "
		"\"run\": \"echo $HOME $${x} ${run.id} ${run.name} ${step.name} ${params.n} ${outputs.o}\", "
		"\"outputs\": {\"o\": \"o\"}}]}");
	spec_free(&s);
}
END_TEST

START_TEST(test_dag_order)
{
	/* file order: d c b a; a needs b and c, b and c need d */
	struct spec *s = parse_ok(
		"{\"name\": \"x\", \"steps\": ["
		"{\"name\": \"a\", \"run\": \"t\", \"needs\": [\"b\", \"c\"]},"
		"{\"name\": \"b\", \"run\": \"t\", \"needs\": [\"d\"]},"
		"{\"name\": \"c\", \"run\": \"t\", \"needs\": [\"d\"]},"
		"{\"name\": \"d\", \"run\": \"t\"},"
		"{\"name\": \"e\", \"run\": \"t\"}]}");
	const char *want[] = { "d", "b", "c", "a", "e" };
	for (int i = 0; i < 5; i++)
		ck_assert_str_eq(s->steps[s->order[i]].name, want[i]);
	unsigned char mark[5] = { 0 };
	spec_mark_downstream(s, spec_step_index(s, "b"), mark);
	ck_assert_int_eq(mark[0], 1); /* a */
	ck_assert_int_eq(mark[1], 1); /* b itself */
	ck_assert_int_eq(mark[2], 0); /* c */
	ck_assert_int_eq(mark[3], 0); /* d */
	ck_assert_int_eq(mark[4], 0); /* e */
	memset(mark, 0, sizeof mark);
	spec_mark_downstream(s, spec_step_index(s, "d"), mark);
	ck_assert_int_eq(mark[0] + mark[1] + mark[2] + mark[3] + mark[4], 4);
	spec_mark_downstream(NULL, 0, mark);
	spec_mark_downstream(s, 99, mark);
	spec_free(&s);

	/* independent chains: a ready step that comes first in the file goes
	 * first, so a chain continues as soon as its step is ready */
	s = parse_ok("{\"name\": \"x\", \"steps\": ["
		     "{\"name\": \"b2\", \"run\": \"t\", \"needs\": [\"b1\"]},"
		     "{\"name\": \"a2\", \"run\": \"t\", \"needs\": [\"a1\"]},"
		     "{\"name\": \"b1\", \"run\": \"t\"},"
		     "{\"name\": \"a1\", \"run\": \"t\"}]}");
	const char *want2[] = { "b1", "b2", "a1", "a2" };
	for (int i = 0; i < 4; i++)
		ck_assert_str_eq(s->steps[s->order[i]].name, want2[i]);
	memset(mark, 0, sizeof mark);
	spec_mark_downstream(s, spec_step_index(s, "a1"), mark);
	ck_assert_int_eq(mark[0], 0);
	ck_assert_int_eq(mark[1], 1);
	ck_assert_int_eq(mark[2], 0);
	ck_assert_int_eq(mark[3], 1);
	spec_free(&s);

	/* independent steps keep file order */
	s = parse_ok("{\"name\": \"x\", \"steps\": [{\"name\": \"z\", \"run\": \"t\"},"
		     "{\"name\": \"y\", \"run\": \"t\"}, {\"name\": \"x\", \"run\": \"t\"}]}");
	ck_assert_int_eq(s->order[0], 0);
	ck_assert_int_eq(s->order[1], 1);
	ck_assert_int_eq(s->order[2], 2);
	spec_free(&s);
}
END_TEST

START_TEST(test_params)
{
	struct spec *s = parse_ok(full);
	char *good[] = { "lr=0.1", "tag=hello", "epochs=[1,2]" };
	ck_assert_int_eq(spec_set_params(s, good, 3, NULL), 0);
	char *p = json(s->params);
	ck_assert_str_eq(p, "{\"lr\":0.1,\"epochs\":[1,2],\"tag\":\"hello\"}");
	free(p);
	p = json(s->steps[1].params);
	ck_assert_str_eq(p, "{\"lr\":0.1}");
	free(p);
	struct rl_err err = RL_ERR_INIT;
	char *unknown[] = { "lrr=1" };
	ck_assert_int_eq(spec_set_params(s, unknown, 1, &err), -1);
	ck_assert_int_eq(err.code, RL_E_USAGE);
	ck_assert_str_eq(rl_err_msg(&err),
			 "unknown param 'lrr' (the pipeline declares: lr, epochs, tag)");
	char *noeq[] = { "lr" };
	ck_assert_int_eq(spec_set_params(s, noeq, 1, &err), -1);
	ck_assert_int_eq(err.code, RL_E_USAGE);
	ck_assert_str_eq(rl_err_msg(&err), "expected KEY=VALUE in 'lr'");
	char *nokey[] = { "=3" };
	ck_assert_int_eq(spec_set_params(s, nokey, 1, &err), -1);
	ck_assert_str_eq(rl_err_msg(&err), "expected KEY=VALUE in '=3'");
	/* nothing changes when one assignment is bad */
	char *half[] = { "lr=7", "nope=1" };
	ck_assert_int_eq(spec_set_params(s, half, 2, &err), -1);
	p = json(s->steps[1].params);
	ck_assert_str_eq(p, "{\"lr\":0.1}");
	free(p);
	/* a value is JSON only when all of it is; '=' may appear in it */
	char *text[] = { "tag=1 2", "lr=", "epochs=a=b" };
	ck_assert_int_eq(spec_set_params(s, text, 3, &err), 0);
	p = json(s->params);
	ck_assert_str_eq(p, "{\"lr\":\"\",\"epochs\":\"a=b\",\"tag\":\"1 2\"}");
	free(p);
	p = json(s->steps[1].params);
	ck_assert_str_eq(p, "{\"lr\":\"\"}");
	free(p);
	ck_assert_int_eq(spec_set_params(s, NULL, 0, &err), 0);
	ck_assert_int_eq(spec_set_params(NULL, good, 1, &err), -1);
	ck_assert_int_eq(spec_set_params(s, NULL, 1, &err), -1);
	rl_err_clear(&err);
	spec_free(&s);

	/* no params at all */
	s = parse_ok("{\"name\": \"x\", \"steps\": [{\"name\": \"a\", \"run\": \"t\"}]}");
	ck_assert_int_eq(spec_set_params(s, good, 1, &err), -1);
	ck_assert_str_eq(rl_err_msg(&err), "unknown param 'lr' (the pipeline declares no params)");
	rl_err_clear(&err);
	spec_free(&s);

	/* a step param wins over the pipeline param of the same name */
	s = parse_ok("{\"name\": \"x\", \"params\": {\"n\": 1}, \"steps\": [{\"name\": \"a\", "
		     "\"run\": \"echo ${params.n}\", \"params\": {\"n\": 5}}]}");
	char *over[] = { "n=9" };
	ck_assert_int_eq(spec_set_params(s, over, 1, NULL), 0);
	p = json(s->steps[0].params);
	ck_assert_str_eq(p, "{\"n\":5}");
	free(p);
	spec_free(&s);
}
END_TEST

START_TEST(test_substitute)
{
	struct spec *s = parse_ok(
		"{\"name\": \"x\", \"params\": {\"lr\": 0.01, \"n\": 3, \"s\": \"a b\", \"o\": {\"k\": [1]}},"
		" \"steps\": [{\"name\": \"p\", \"run\": \"t\", \"outputs\": {\"d\": \"d\"}},"
		" {\"name\": \"st\", \"run\": \"t\", \"inputs\": {\"d\": \"p.d\"}, \"outputs\": {\"m\": \"m.bin\"}}]}");
	char *ins[] = { "/in/d" };
	char *outs[] = { "/out/m.bin" };
	struct spec_subst v = { "42", "x-1", ins, outs };
	char *out = NULL;
	ck_assert_int_eq(spec_substitute(s, &s->steps[1],
					 "--lr ${params.lr} -n ${params.n} '${params.s}' ${params.o} "
					 "${inputs.d} ${outputs.m} ${run.id} ${run.name} ${step.name} $${x} $HOME",
					 &v, &out, NULL), 0);
	ck_assert_str_eq(out, "--lr 0.01 -n 3 'a b' {\"k\":[1]} /in/d /out/m.bin 42 x-1 st ${x} $HOME");
	free(out);
	struct rl_err err = RL_ERR_INIT;
	ck_assert_int_eq(spec_substitute(s, &s->steps[1], "${inputs.zz}", &v, &out, &err), -1);
	ck_assert(strstr(rl_err_msg(&err), "${inputs.zz}") != NULL);
	rl_err_clear(&err);
	ck_assert_int_eq(spec_substitute(NULL, NULL, NULL, NULL, &out, NULL), -1);
	ck_assert_int_eq(spec_substitute(s, &s->steps[1], "x", &v, NULL, NULL), -1);
	/* no paths given */
	ck_assert_int_eq(spec_substitute(s, &s->steps[1], "${outputs.m}", NULL, &out, &err), -1);
	rl_err_clear(&err);
	ck_assert_int_eq(spec_substitute(s, &s->steps[1], "", &v, &out, NULL), 0);
	ck_assert_str_eq(out, "");
	free(out);
	spec_free(&s);

	/* step params win, and render like pipeline params */
	s = parse_ok("{\"name\": \"x\", \"params\": {\"n\": 1, \"m\": true}, \"steps\": [{\"name\": \"a\", "
		     "\"run\": [\"echo\", \"${params.n}\", \"${params.m}\", \"${params.o}\"], "
		     "\"params\": {\"n\": \"five\", \"o\": null}}]}");
	ck_assert_int_eq(spec_substitute(s, &s->steps[0], s->steps[0].run_argv[1], &v, &out, NULL), 0);
	ck_assert_str_eq(out, "five");
	free(out);
	ck_assert_int_eq(spec_substitute(s, &s->steps[0], "${params.m} ${params.o} $${params.n}$$",
					 &v, &out, NULL), 0);
	ck_assert_str_eq(out, "true null ${params.n}$$");
	free(out);
	char *p = cJSON_PrintUnformatted(s->steps[0].params);
	ck_assert_str_eq(p, "{\"m\":true,\"n\":\"five\",\"o\":null}");
	free(p);
	spec_free(&s);
}
END_TEST

START_TEST(test_null_and_files)
{
	spec_free(NULL);
	struct spec *s = NULL;
	spec_free(&s);
	ck_assert_int_eq(spec_step_index(NULL, "x"), -1);
	struct rl_err err = RL_ERR_INIT;
	ck_assert_int_eq(spec_load_file("/nonexistent/p.json", &s, &err), -1);
	ck_assert_int_eq(err.code, RL_E_NOT_FOUND);
	ck_assert(strstr(rl_err_msg(&err), "/nonexistent/p.json") != NULL);
	ck_assert_int_eq(spec_load_file("/tmp", &s, &err), -1);
	ck_assert_int_eq(err.code, RL_E_USAGE);
	ck_assert_int_eq(spec_parse(NULL, 0, "x", NULL, &s, &err), -1);
	ck_assert_int_eq(spec_parse("{\"a\0", 4, "x", NULL, &s, &err), -1);
	ck_assert(strstr(rl_err_msg(&err), "NUL") != NULL);
	ck_assert_ptr_null(s);
	ck_assert_int_eq(spec_load_file(NULL, &s, &err), -1);
	rl_err_clear(&err);

	/* a real file: its folder becomes dir, its text the snapshot */
	char tmpl[] = "/tmp/rl-spec-XXXXXX";
	ck_assert_ptr_nonnull(mkdtemp(tmpl));
	char path[256];
	snprintf(path, sizeof path, "%s/p.json", tmpl);
	FILE *f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(full, f);
	fclose(f);
	ck_assert_int_eq(spec_load_file(path, &s, &err), 0);
	ck_assert_str_eq(s->dir, tmpl);
	ck_assert_str_eq(s->path, path);
	ck_assert_str_eq(s->text, full);
	spec_free(&s);
	f = fopen(path, "w");
	fputs("{\"name\": 1,}", f);
	fclose(f);
	ck_assert_int_eq(spec_load_file(path, &s, &err), -1);
	ck_assert_int_eq(err.code, RL_E_SPEC);
	ck_assert(strncmp(rl_err_msg(&err), path, strlen(path)) == 0);
	ck_assert(strstr(rl_err_msg(&err), ":1:12: JSON syntax error: a ',' before") != NULL);
	rl_err_clear(&err);
	/* a relative path: dir is still absolute */
	char *cwd = getcwd(NULL, 0);
	ck_assert_int_eq(chdir(tmpl), 0);
	f = fopen("q.json", "w");
	fputs(full, f);
	fclose(f);
	ck_assert_int_eq(spec_load_file("q.json", &s, &err), 0);
	ck_assert_str_eq(s->path, "q.json");
	ck_assert_str_eq(s->dir, tmpl);
	spec_free(&s);
	ck_assert_int_eq(chdir(cwd), 0);
	free(cwd);
	unlink(path);
	snprintf(path, sizeof path, "%s/q.json", tmpl);
	unlink(path);
	rmdir(tmpl);
}
END_TEST

/* 20,000 steps in a chain, and one step that needs them all: parsed in
 * well under the test's timeout (a lookup by name that goes through the
 * steps, or an order that scans them for each step, takes ~15 s here). */
START_TEST(test_many_steps)
{
	enum { N = 20000 };
	struct buf b = BUF_INIT;
	buf_puts(&b, "{\"name\": \"big\", \"steps\": [\n");
	for (int i = 0; i < N; i++) {
		buf_printf(&b, "{\"name\": \"s%d\", \"run\": [\"t\", \"${outputs.o}\"], "
			       "\"outputs\": {\"o\": \"o\"}", i);
		if (i > 0)
			buf_printf(&b, ", \"inputs\": {\"d\": \"s%d.o\"}", i - 1);
		buf_puts(&b, "},\n");
	}
	buf_puts(&b, "{\"name\": \"all\", \"run\": \"t\", \"needs\": [");
	for (int i = N - 1; i >= 0; i--)
		buf_printf(&b, "\"s%d\"%s", i, i ? ", " : "");
	buf_puts(&b, "]}]}\n");
	struct spec *s = parse_ok(b.data);
	ck_assert_int_eq(s->nsteps, N + 1);
	ck_assert_int_eq(s->steps[N - 1].line, N + 1);
	ck_assert_int_eq(s->steps[N].ndeps, N);
	for (int i = 0; i <= N; i++)
		ck_assert_int_eq(s->order[i], i);
	ck_assert_int_eq(spec_step_index(s, "s12345"), 12345);
	spec_free(&s);
	buf_free(&b);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("spec");
	TCase *tc = tcase_create("spec");
	tcase_add_test(tc, test_full_example);
	tcase_add_test(tc, test_syntax_errors);
	tcase_add_test(tc, test_field_errors);
	tcase_add_test(tc, test_type_errors);
	tcase_add_test(tc, test_reference_errors);
	tcase_add_test(tc, test_more_errors);
	tcase_add_test(tc, test_step_details);
	tcase_add_test(tc, test_template_errors);
	tcase_add_test(tc, test_dag_order);
	tcase_add_test(tc, test_params);
	tcase_add_test(tc, test_substitute);
	tcase_add_test(tc, test_null_and_files);
	tcase_add_test(tc, test_many_steps);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
