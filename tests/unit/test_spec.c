/* tests/unit/test_spec.c — pipeline files: every error class, the DAG
 * order, params and ${…} substitution; then the helpers the files of the
 * module share (core/spec_internal.h), one by one. */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "client/records.h"
#include "core/spec.h"
#include "core/spec_internal.h"
#include "util/buf.h"
#include "util/num.h"

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

/* V as runlens records it (every number exact). */
static char *json(const cJSON *v)
{
	return json_print(v, 0);
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

/* What cJSON parses but would not keep as written is refused at its
 * place, not changed: a number beyond a double, an integer a double does
 * not hold, a string holding \u0000 (cJSON cuts it there), and nesting
 * deeper than cJSON reads (which it reported as "expected a value"). */
START_TEST(test_kept_as_written)
{
	parse_fails("{\"name\": \"x\",\n \"params\": {\"big\": 1e999}}",
		    "p.json:2:20: 1e999 is too large for a number (it would become infinity); "
		    "write it as a string (\"1e999\") to keep it as text");
	parse_fails("{\"name\": \"x\", \"params\": {\"seed\": 9007199254740993}}",
		    "p.json:1:34: 9007199254740993 is not exactly representable as a number");
	parse_fails("{\"name\": \"x\", \"params\": {\"t\": 1e-999}}",
		    "p.json:1:31: 1e-999 is too small for a number (it would become 0)");
	parse_fails("{\"name\": \"x\",\n \"description\": \"a\\u0000b\"}",
		    "p.json:2:19: a string holds \\u0000, which runlens cannot keep");
	struct buf deep = BUF_INIT;
	buf_puts(&deep, "{\"name\": \"x\", \"params\": {\"d\": ");
	for (int i = 0; i < 1001; i++)
		buf_putc(&deep, '[');
	for (int i = 0; i < 1001; i++)
		buf_putc(&deep, ']');
	buf_puts(&deep, "}}");
	parse_fails(deep.data, "p.json:1:1029: JSON nested deeper than 1000 levels");
	buf_free(&deep);
	/* kept as written: these pass */
	struct spec *s = parse_ok("{\"name\": \"x\", \"params\": {\"a\": 9007199254740992, "
				  "\"b\": \"9007199254740993\", \"c\": 1e308, \"d\": \"\\\\u0000\"}, "
				  "\"steps\": [{\"name\": \"s\", \"run\": \"t ${params.a} ${params.b} "
				  "${params.c} ${params.d}\"}]}");
	spec_free(&s);
}
END_TEST

/* -p NAME=VALUE: the same rule, with how to pass the value as text. */
START_TEST(test_params_kept_as_written)
{
	struct spec *s = parse_ok("{\"name\": \"x\", \"params\": {\"n\": 1, \"any\": null, "
				  "\"xs\": [1], \"t\": \"text\"}, \"steps\": [{\"name\": \"s\", "
				  "\"run\": \"t ${params.n} ${params.any} ${params.xs} ${params.t}\"}]}");
	struct rl_err err = RL_ERR_INIT;
	const struct {
		const char *assignment, *why;
	} bad[] = {
		{ "any=9007199254740993",
		  "-p any=9007199254740993: not exactly representable as a number (a double holds "
		  "integers exactly only up to 2^53); quote it to pass text: "
		  "-p 'any=\"9007199254740993\"'" },
		{ "any=1e999",
		  "-p any=1e999: too large for a number (it would become infinity); quote it to "
		  "pass text: -p 'any=\"1e999\"'" },
		{ "n=9007199254740993",
		  "-p n=9007199254740993: not exactly representable as a number (a double holds "
		  "integers exactly only up to 2^53); the pipeline declares 'n' a number (1): "
		  "declare it a string (\"n\": \"1\") to pass text" },
		{ "xs=[1, {\"a\": 1e999}]",
		  "-p xs=[1, {\"a\": 1e999}]: 1e999 is too large for a number (it would become "
		  "infinity); write it as a string (\"1e999\") to keep it as text" },
		{ "any=\"a\\u0000b\"",
		  "-p any=\"a\\u0000b\": a string holds \\u0000, which runlens cannot keep (text "
		  "ends at a NUL)" },
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		char *one[] = { (char *)bad[i].assignment };
		ck_assert_int_eq(spec_set_params(s, one, 1, &err), -1);
		ck_assert_int_eq(err.code, RL_E_USAGE);
		ck_assert_str_eq(rl_err_msg(&err), bad[i].why);
	}
	/* a string param takes the text as it is; what a double holds passes */
	char *good[] = { "t=9007199254740993", "n=9007199254740992", "any=[1e308, -0.5]" };
	ck_assert_int_eq(spec_set_params(s, good, 3, &err), 0);
	char *p = json(s->params);
	ck_assert_str_eq(p, "{\"n\":9007199254740992,\"any\":[1e+308,-0.5],\"xs\":[1],"
			    "\"t\":\"9007199254740993\"}");
	free(p);
	rl_err_clear(&err);
	spec_free(&s);
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
	{
		/* too long for a file system: a spec error, before anything is
		 * recorded (a run failed at mkdir with its steps left running) */
		char text[4096], part[300], name[140];
		memset(part, 'p', 256);
		part[256] = '\0';
		snprintf(text, sizeof text, "{\"name\": \"x\", \"steps\": [{\"name\": \"a\", \"run\": "
			 "\"t\", \"outputs\": {\"o\": \"d/%s\"}}]}", part);
		parse_fails(text, "field 'outputs.o': 'd/pppppppppppppppppppppppppppppppppppppp…' is "
				  "too long for a path: at most 1024 bytes, 255 in each folder or file name");
		part[255] = '\0';
		snprintf(text, sizeof text, "{\"name\": \"x\", \"steps\": [{\"name\": \"a\", \"run\": "
			 "\"t\", \"outputs\": {\"o\": \"%s/%s/%s/%s/%s\"}}]}", part, part, part, part,
			 part);
		parse_fails(text, "is too long for a path");
		snprintf(text, sizeof text, "{\"name\": \"x\", \"steps\": [{\"name\": \"a\", \"run\": "
			 "\"t\", \"outputs\": {\"o\": \"%s\"}}]}", part);
		struct spec *ok = parse_ok(text);
		spec_free(&ok);
		memset(name, 's', 129);
		name[129] = '\0';
		snprintf(text, sizeof text, "{\"name\": \"x\", \"steps\": [{\"name\": \"%s\", \"run\": "
			 "\"t\"}]}", name);
		parse_fails(text, "step 1: \"name\" must be a non-empty string of at most 128 letters");
	}
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
	parse_fails("{\"name\": \"x\", \"params\": {\"f\": \"y\"}, \"steps\": [{\"name\": \"a\", "
		    "\"run\": \"t\", \"outputs\": {\"o\": \"${params.f}.txt\"}}]}",
		    "field 'outputs.o': '${params.f}.txt': an output's path is fixed");
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

START_TEST(test_retry_delay)
{
	/* retry_delay and retry_backoff (issue 19): per step over defaults;
	 * the wait before attempt k+1 is delay × backoff^(k-1), capped */
	struct spec *s = parse_ok(
		"{\"name\": \"x\", \"defaults\": {\"retry_delay\": 2, \"retry_backoff\": 3},\n"
		" \"steps\": [\n"
		"  {\"name\": \"a\", \"run\": \"t\", \"retries\": 3},\n"
		"  {\"name\": \"b\", \"run\": \"t\", \"retry_delay\": 1, \"retry_backoff\": 2},\n"
		"  {\"name\": \"c\", \"run\": \"t\", \"retry_delay\": 0.25},\n"
		"  {\"name\": \"d\", \"run\": \"t\", \"retry_delay\": 86400, \"retry_backoff\": 1000}\n"
		" ]}");
	const struct spec_step *a = &s->steps[0], *b = &s->steps[1], *c = &s->steps[2],
			       *d = &s->steps[3];
	ck_assert(a->retry_delay == 2 && a->retry_backoff == 3);
	ck_assert(spec_retry_wait(a, 1) == 2);
	ck_assert(spec_retry_wait(a, 2) == 6);
	ck_assert(spec_retry_wait(a, 3) == 18);
	ck_assert(spec_retry_wait(b, 1) == 1);
	ck_assert(spec_retry_wait(b, 2) == 2);
	ck_assert(spec_retry_wait(b, 3) == 4);
	ck_assert(c->retry_backoff == 3); /* from defaults */
	ck_assert(spec_retry_wait(c, 2) == 0.75);
	ck_assert(spec_retry_wait(d, 1) == SPEC_RETRY_WAIT_MAX);
	ck_assert(spec_retry_wait(d, 1000000) == SPEC_RETRY_WAIT_MAX); /* no overflow */
	spec_free(&s);

	s = parse_ok("{\"name\": \"x\", \"steps\": [{\"name\": \"a\", \"run\": \"t\", \"retries\": 2}]}");
	ck_assert(s->steps[0].retry_delay == 0 && s->steps[0].retry_backoff == 1);
	ck_assert(spec_retry_wait(&s->steps[0], 1) == 0); /* at once, as before */
	ck_assert(spec_retry_wait(&s->steps[0], 2) == 0);
	spec_free(&s);

	parse_fails("{\"name\": \"x\", \"steps\": [{\"name\": \"a\", \"run\": \"t\", \"retry_delay\": -1}]}",
		    "p.json: step 'a', field 'retry_delay': expected a number of seconds from 0 to "
		    "86400 (one day), got a negative number");
	parse_fails("{\"name\": \"x\", \"steps\": [{\"name\": \"a\", \"run\": \"t\", \"retry_delay\": \"5s\"}]}",
		    "field 'retry_delay': expected a number of seconds from 0 to 86400 (one day), "
		    "got a string");
	parse_fails("{\"name\": \"x\", \"steps\": [{\"name\": \"a\", \"run\": \"t\", \"retry_delay\": 1e9}]}",
		    "field 'retry_delay': expected a number of seconds from 0 to 86400 (one day), "
		    "got more than a day");
	parse_fails("{\"name\": \"x\", \"steps\": [{\"name\": \"a\", \"run\": \"t\", \"retry_backoff\": 0.5}]}",
		    "step 'a', field 'retry_backoff': expected a factor from 1 to 1000 (each wait is "
		    "that many times the one before), got a number below 1");
	parse_fails("{\"name\": \"x\", \"steps\": [{\"name\": \"a\", \"run\": \"t\", \"retry_backoff\": true}]}",
		    "field 'retry_backoff': expected a factor from 1 to 1000");
	parse_fails("{\"name\": \"x\", \"steps\": [{\"name\": \"a\", \"run\": \"t\", \"retry_backoff\": 1001}]}",
		    "got a number over 1000");
	parse_fails("{\"name\": \"x\", \"defaults\": {\"retry_delay\": null}, \"steps\": [{\"name\": \"a\", \"run\": \"t\"}]}",
		    "field 'defaults.retry_delay': expected a number of seconds");
	parse_fails("{\"name\": \"x\", \"defaults\": {\"retry_backoff\": 0}, \"steps\": [{\"name\": \"a\", \"run\": \"t\"}]}",
		    "field 'defaults.retry_backoff': expected a factor from 1 to 1000");
	parse_fails("{\"name\": \"x\", \"steps\": [{\"name\": \"a\", \"run\": \"t\", \"retry_dalay\": 1}]}",
		    "retry_dalay");
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
	/* the shell's own ${…}: still an error, saying how to write it */
	parse_fails("{\"name\": \"x\", \"steps\": [{\"name\": \"a\", \"run\": \"x=ab; echo ${#x}\"}]}",
		    "p.json: step 'a', field 'run': unknown ${#x}: runlens substitutes ${params.X}, "
		    "${inputs.X}, ${outputs.X}, ${run.id}, ${run.name} and ${step.name}; write "
		    "$${#x} to pass ${#x} to the shell as it is ($$ alone stays $$)");
	parse_fails("{\"name\": \"x\", \"steps\": [{\"name\": \"a\", \"run\": [\"t\", \"${x:-d}\"]}]}",
		    "write $${x:-d} to pass ${x:-d} to the program as it is");
	parse_fails("{\"name\": \"x\", \"steps\": [{\"name\": \"a\", \"run\": \"t\", \"env\": {\"E\": \"${HOME}\"}}]}",
		    "write $${HOME} to pass ${HOME} to the step as it is");
	/* allowed: everything else, $$ escapes and plain $VAR */
	struct spec *s = parse_ok(
		"{\"name\": \"x\", \"params\": {\"n\": 1}, \"steps\": [{\"name\": \"a\", "
		"\"run\": \"echo $HOME $${x} $${#x} $${x:-d} $$ ${run.id} ${run.name} ${step.name} ${params.n} ${outputs.o}\", "
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
	/* upstream: d of a (through b), b of a; not c of b (siblings), not
	 * a of itself, nothing for bad indexes */
	ck_assert_int_eq(spec_is_upstream(s, spec_step_index(s, "d"), spec_step_index(s, "a")), 1);
	ck_assert_int_eq(spec_is_upstream(s, spec_step_index(s, "b"), spec_step_index(s, "a")), 1);
	ck_assert_int_eq(spec_is_upstream(s, spec_step_index(s, "a"), spec_step_index(s, "b")), 0);
	ck_assert_int_eq(spec_is_upstream(s, spec_step_index(s, "c"), spec_step_index(s, "b")), 0);
	ck_assert_int_eq(spec_is_upstream(s, spec_step_index(s, "e"), spec_step_index(s, "a")), 0);
	ck_assert_int_eq(spec_is_upstream(s, 0, 0), 0);
	ck_assert_int_eq(spec_is_upstream(NULL, 0, 1), 0);
	ck_assert_int_eq(spec_is_upstream(s, 0, 99), 0);
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
	/* a step's own param declared as "${params.X}" takes a value of that
	 * param's kind: a number stays a number */
	struct spec *r = parse_ok("{\"name\": \"r\", \"params\": {\"lr\": 0.1, \"s\": \"x\"},"
				  " \"steps\": [{\"name\": \"b\", \"run\": \"t\", \"params\": "
				  "{\"lr\": \"${params.lr}\", \"t\": \"${params.s}\"}}]}");
	char *own[] = { "b.lr=0.7", "b.t=1" };
	ck_assert_int_eq(spec_check_overrides(r, own, 2, NULL), 0);
	ck_assert_int_eq(spec_set_params(r, own, 2, NULL), 0);
	p = json(r->steps[0].params);
	ck_assert_str_eq(p, "{\"lr\":0.7,\"t\":\"1\"}");
	free(p);
	spec_free(&r);
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
	struct spec_subst v = { "42", "x-1", ins, outs, 0 };
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

/* ------------------------------------------------------------------ */
/* The helpers shared between the files of the module                  */

START_TEST(test_value_errors)
{
	struct rl_err err = RL_ERR_INIT;
	struct spec_ctx c = { "p.json", &err };
	ck_assert_int_eq(spec_error(&c, "s", "f", "x %d", 1), -1);
	ck_assert_int_eq(err.code, RL_E_SPEC);
	ck_assert_str_eq(rl_err_msg(&err), "p.json: step 's', field 'f': x 1");
	spec_error(&c, "s", NULL, "x");
	ck_assert_str_eq(rl_err_msg(&err), "p.json: step 's': x");
	spec_error(&c, NULL, "f", "x");
	ck_assert_str_eq(rl_err_msg(&err), "p.json: field 'f': x");
	spec_error(&c, NULL, NULL, "%s", "");
	ck_assert_str_eq(rl_err_msg(&err), "p.json: ");
	spec_error(&c, "a\nb", NULL, "q '%s'", "\x1b[31m");
	ck_assert_str_eq(rl_err_msg(&err), "p.json: step 'a\\x0ab': q '\\x1b[31m'");

	char *d = spec_strdup(&c, "dup");
	ck_assert_str_eq(d, "dup");
	free(d);
	spec_strv_free(NULL, 3);
	char **v = calloc(3, sizeof(char *));
	v[0] = strdup("a");
	v[1] = strdup("b");
	spec_strv_free(v, 2);

	ck_assert(spec_valid_name("a-b_1", 0));
	ck_assert(!spec_valid_name("a.b", 0));
	ck_assert(spec_valid_name("a.b", 1));
	ck_assert(!spec_valid_name("", 1));
	ck_assert(!spec_valid_name(NULL, 1));
	ck_assert(!spec_valid_name("a b", 1));
	ck_assert(!spec_valid_name("\xc3\xa9", 0));
	char longest[SPEC_NAME_MAX + 2];
	memset(longest, 'a', SPEC_NAME_MAX);
	longest[SPEC_NAME_MAX] = '\0';
	ck_assert(spec_valid_name(longest, 0));
	longest[SPEC_NAME_MAX] = 'a';
	longest[SPEC_NAME_MAX + 1] = '\0';
	ck_assert(!spec_valid_name(longest, 1)); /* a folder's name, env names */
	ck_assert_int_eq(spec_check_name(&c, "s", "outputs", "output", longest), -1);
	ck_assert_str_eq(rl_err_msg(&err), "p.json: step 's', field 'outputs': output name "
				    "'aaaaaaaaaaaaaaaaaaaa…' is longer than 128 characters");

	ck_assert_int_eq(spec_check_name(&c, "s", "inputs", "input", "in_1"), 0);
	ck_assert_int_eq(spec_check_name(&c, "s", "outputs", "output", "o.p"), -1);
	ck_assert_str_eq(rl_err_msg(&err), "p.json: step 's', field 'outputs': output name 'o.p' "
				    "may only hold letters, digits, '_' and '-'");
	ck_assert_int_eq(spec_check_name(&c, NULL, "params", "param", ""), -1);
	ck_assert_str_eq(rl_err_msg(&err), "p.json: field 'params': param name '' "
				    "may only hold letters, digits, '_' and '-'");
	rl_err_clear(&err);
}
END_TEST

START_TEST(test_value_keys_and_types)
{
	const char *dup = "x";
	ck_assert_int_eq(spec_duplicate_key(NULL, &dup), 0);
	ck_assert_ptr_null(dup);
	const char *cases[][2] = {
		{ "{}", NULL },
		{ "{\"a\": 1, \"b\": 2}", NULL },
		{ "{\"a\": 1, \"a\": 2}", "a" },
		/* the key repeated first in the order of first appearance */
		{ "{\"x\": 1, \"y\": 2, \"y\": 3, \"x\": 4}", "x" },
		{ "{\"x\": 1, \"y\": 2, \"z\": 3, \"z\": 3, \"y\": 4}", "y" },
		{ "[1, 2]", NULL },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		cJSON *o = cJSON_Parse(cases[i][0]);
		ck_assert_int_eq(spec_duplicate_key(o, &dup), 0);
		if (cases[i][1])
			ck_assert_str_eq(dup, cases[i][1]);
		else
			ck_assert_ptr_null(dup);
		cJSON_Delete(o);
	}
	/* many keys, the repeat far apart */
	cJSON *big = cJSON_CreateObject();
	char key[32];
	for (int i = 0; i < 5000; i++) {
		snprintf(key, sizeof key, "k%d", i);
		cJSON_AddNumberToObject(big, key, i);
	}
	ck_assert_int_eq(spec_duplicate_key(big, &dup), 0);
	ck_assert_ptr_null(dup);
	cJSON_AddNumberToObject(big, "k4999", 1);
	cJSON_AddNumberToObject(big, "k17", 1);
	ck_assert_int_eq(spec_duplicate_key(big, &dup), 0);
	ck_assert_str_eq(dup, "k17");
	cJSON_Delete(big);

	const char *types[][2] = {
		{ "\"s\"", "a string" }, { "1.5", "a number" }, { "true", "a boolean" },
		{ "null", "null" },	 { "[]", "an array" },	{ "{}", "an object" },
	};
	for (size_t i = 0; i < sizeof types / sizeof types[0]; i++) {
		cJSON *v = cJSON_Parse(types[i][0]);
		ck_assert_str_eq(spec_type_name(v), types[i][1]);
		cJSON_Delete(v);
	}
	ck_assert_str_eq(spec_type_name(NULL), "something else");
}
END_TEST

/* Run one typed reader on the JSON TEXT; return its message ("" when it
 * succeeds), to compare. */
enum reader { R_INT, R_NUM, R_BOOL, R_OBJECT, R_STRINGS };

static char *read_value(enum reader r, const char *text, double *got)
{
	struct rl_err err = RL_ERR_INIT;
	struct spec_ctx c = { "p.json", &err };
	cJSON *v = text ? cJSON_Parse(text) : NULL;
	int i = -1, rc = -1;
	double d = -1;
	char **strv = NULL;
	switch (r) {
	case R_INT:
		rc = spec_nonneg_int(&c, "s", "f", v, &i);
		d = i;
		break;
	case R_NUM:
		rc = spec_nonneg_num(&c, "s", "f", v, &d);
		break;
	case R_BOOL:
		rc = spec_boolean(&c, NULL, "f", v, &i);
		d = i;
		break;
	case R_OBJECT:
		rc = spec_object(&c, "s", "f", v);
		d = 0;
		break;
	case R_STRINGS:
		rc = spec_string_array(&c, "s", "f", v, &strv, &i);
		d = i;
		if (rc == 0)
			spec_strv_free(strv, i);
		break;
	}
	*got = d;
	char *m = strdup(rc == 0 ? "" : rl_err_msg(&err));
	ck_assert_int_eq(rc == 0, err.code == RL_E_OK);
	rl_err_clear(&err);
	cJSON_Delete(v);
	return m;
}

static void reads(enum reader r, const char *text, const char *want, double value)
{
	double got;
	char *m = read_value(r, text, &got);
	ck_assert_str_eq(m, want);
	if (!*want)
		ck_assert_msg(got == value, "%s: got %g, not %g", text, got, value);
	free(m);
}

/* The start of the messages of test_value_readers. */
#define AT_SF "p.json: step 's', field 'f': "

START_TEST(test_value_readers)
{
	reads(R_INT, "3", "", 3);
	reads(R_INT, "1000000", "", 1000000);
	reads(R_INT, "1000001", AT_SF "expected a non-negative integer, got a number over 1000000", 0);
	reads(R_INT, "1.5", AT_SF "expected a non-negative integer, got a negative or fractional number", 0);
	reads(R_INT, "-1", AT_SF "expected a non-negative integer, got a negative or fractional number", 0);
	reads(R_INT, "\"2\"", AT_SF "expected a non-negative integer, got a string", 0);
	reads(R_INT, NULL, AT_SF "expected a non-negative integer, got something else", 0);

	reads(R_NUM, "1.5", "", 1.5);
	reads(R_NUM, "0", "", 0);
	reads(R_NUM, "-0.5", AT_SF "expected a non-negative number of seconds, got a negative number", 0);
	reads(R_NUM, "true", AT_SF "expected a non-negative number of seconds, got a boolean", 0);

	reads(R_BOOL, "true", "", 1);
	reads(R_BOOL, "false", "", 0);
	reads(R_BOOL, "\"no\"", "p.json: field 'f': expected true or false, got a string", 0);

	reads(R_OBJECT, "{\"a\": {\"b\": [1, {\"k\": 1}]}}", "", 0);
	reads(R_OBJECT, "[1]", AT_SF "expected an object, got an array", 0);
	reads(R_OBJECT, "{\"a\": {\"b\": [1, {\"k\": 1, \"k\": 2}]}}",
	      "p.json: step 's', field 'f.a.b[1]': duplicate key 'k'", 0);
	reads(R_OBJECT, "{\"a\": 1, \"a\": {\"k\": 1, \"k\": 2}}", AT_SF "duplicate key 'a'", 0);

	reads(R_STRINGS, "[\"a\", \"b\"]", "", 2);
	reads(R_STRINGS, "[]", "", 0);
	reads(R_STRINGS, "\"a\"", AT_SF "expected an array of strings, got a string", 0);
	reads(R_STRINGS, "[\"a\", 1]", AT_SF "expected an array of strings, element 2 is a number", 0);
}
END_TEST

/* The fields note_field saw, in order, each followed by ','. */
static char seen[64];

/* A field parser for test_parse_fields: notes the field's value (a
 * string); "fail" fails. */
static int note_field(const struct spec_at *at, const cJSON *v)
{
	size_t n = strlen(seen);
	snprintf(seen + n, sizeof seen - n, "%s,", v->valuestring);
	if (strcmp(v->valuestring, "fail") == 0)
		return spec_error(at->c, at->st->name, "b", "failed");
	return 0;
}

static const char *parse_with(const struct spec_field *fields, const char *text,
			      struct rl_err *err)
{
	struct spec_ctx c = { "p.json", err };
	struct spec_step st = { .name = "s" };
	struct spec_at at = { &c, NULL, &st, NULL };
	cJSON *obj = cJSON_Parse(text);
	seen[0] = '\0';
	rl_err_clear(err);
	int rc = spec_parse_fields(fields, obj, &at);
	cJSON_Delete(obj);
	ck_assert_int_eq(rc, err->code == RL_E_OK ? 0 : -1);
	return rc == 0 ? "" : rl_err_msg(err);
}

START_TEST(test_parse_fields)
{
	static const struct spec_field fields[] = {
		{ .name = "skip" },
		{ .name = "b", .parse = note_field },
		{ .name = "a", .required = 1, .parse = note_field },
		{ .name = NULL },
	};
	struct rl_err err = RL_ERR_INIT;
	/* in the order of the table, not of the object; "skip" is known */
	ck_assert_str_eq(parse_with(fields, "{\"a\": \"A\", \"skip\": 1, \"b\": \"B\"}", &err), "");
	ck_assert_str_eq(seen, "B,A,");
	ck_assert_str_eq(parse_with(fields, "{\"a\": \"A\"}", &err), "");
	ck_assert_str_eq(seen, "A,");
	ck_assert_str_eq(parse_with(fields, "{\"b\": \"B\"}", &err),
			 "p.json: step 's': missing field 'a'");
	ck_assert_str_eq(seen, "B,");
	/* duplicates, then unknown fields, come before any parser */
	ck_assert_str_eq(parse_with(fields, "{\"a\": \"A\", \"zz\": 1, \"b\": \"B\", \"b\": \"C\"}",
				    &err),
			 "p.json: step 's': duplicate field 'b'");
	ck_assert_str_eq(parse_with(fields, "{\"b\": \"B\", \"zz\": 1, \"yy\": 2}", &err),
			 "p.json: step 's': unknown field 'zz'");
	ck_assert_str_eq(seen, "");
	/* a parser's error stops the rest */
	ck_assert_str_eq(parse_with(fields, "{\"a\": \"A\", \"b\": \"fail\"}", &err),
			 "p.json: step 's', field 'b': failed");
	ck_assert_str_eq(seen, "fail,");
	rl_err_clear(&err);
}
END_TEST

START_TEST(test_json_helpers)
{
	struct rl_err err = RL_ERR_INIT;
	cJSON *root = NULL;
	const char *ok = " {\"a\": [1, 2]}\n\n";
	ck_assert_int_eq(spec_json_parse("p.json", ok, strlen(ok), &root, &err), 0);
	ck_assert(cJSON_IsArray(cJSON_GetObjectItem(root, "a")));
	cJSON_Delete(root);
	root = NULL;
	const char *bad[][2] = {
		{ "{\"a\": 1,\n \"b\" 2}", "p.json:2:6: JSON syntax error: expected ':' after the key near '2}'" },
		{ "{} {}", "p.json:1:4: JSON syntax error: text after the end of the document" },
		{ "\n", "p.json:1:1: JSON syntax error: the file is empty" },
		{ "[1", "p.json:1:2: JSON syntax error: unexpected end of file" },
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		ck_assert_int_eq(spec_json_parse("p.json", bad[i][0], strlen(bad[i][0]), &root,
						 &err), -1);
		ck_assert_ptr_null(root);
		ck_assert_int_eq(err.code, RL_E_SPEC);
		ck_assert_str_eq(rl_err_msg(&err), bad[i][1]);
	}
	rl_err_clear(&err);

	/* the lines of the step objects: only those of the top-level
	 * "steps" array, whatever strings and nested arrays hold */
	const char *t = "{\"x\": {\"steps\": [{}]},\n"
			" \"s\": \"\\\"steps\\\": [{\",\n"
			" \"steps\" :\n [\n  {\"a\": [{}, {}], \"steps\": [{}]},\n\n"
			"  {\"b\": \"{\\n\"}, {\n}]}";
	int *lines = spec_json_step_lines(t, strlen(t), 4);
	ck_assert_ptr_nonnull(lines);
	ck_assert_int_eq(lines[0], 5);
	ck_assert_int_eq(lines[1], 7);
	ck_assert_int_eq(lines[2], 7);
	ck_assert_int_eq(lines[3], 0); /* there are three */
	free(lines);
	lines = spec_json_step_lines("{}", 2, 0);
	ck_assert_ptr_nonnull(lines);
	free(lines);
}
END_TEST

START_TEST(test_names)
{
	struct spec_names t;
	ck_assert_int_eq(spec_names_init(&t, 3), 0);
	ck_assert_int_eq(spec_names_find(&t, "a"), -1);
	ck_assert_int_eq(spec_names_add(&t, "a", 0), -1);
	ck_assert_int_eq(spec_names_add(&t, "b", 1), -1);
	ck_assert_int_eq(spec_names_add(&t, "a", 2), 0); /* the first stays */
	ck_assert_int_eq(spec_names_find(&t, "a"), 0);
	ck_assert_int_eq(spec_names_find(&t, "b"), 1);
	ck_assert_int_eq(spec_names_add(&t, "", 2), -1);
	ck_assert_int_eq(spec_names_find(&t, ""), 2);
	ck_assert_int_eq(spec_names_add(&t, "d", 3), -2); /* full */
	ck_assert_int_eq(spec_names_find(&t, "d"), -1);
	ck_assert_int_eq(spec_names_add(&t, NULL, 3), -2);
	ck_assert_int_eq(spec_names_find(&t, NULL), -1);
	ck_assert_int_eq(spec_names_find(NULL, "a"), -1);
	ck_assert_int_eq(spec_names_add(NULL, "a", 0), -2);
	spec_names_free(&t);
	spec_names_free(&t);
	spec_names_free(NULL);
	ck_assert_int_eq(spec_names_find(&t, "a"), -1);
	ck_assert_int_eq(spec_names_init(&t, -1), -1);
	spec_names_free(&t);

	/* many keys */
	enum { N = 20000 };
	char(*keys)[16] = malloc(N * sizeof *keys);
	ck_assert_int_eq(spec_names_init(&t, N), 0);
	for (int i = 0; i < N; i++) {
		snprintf(keys[i], sizeof keys[i], "step-%d", i);
		ck_assert_int_eq(spec_names_add(&t, keys[i], i), -1);
	}
	for (int i = 0; i < N; i++)
		ck_assert_int_eq(spec_names_find(&t, keys[i]), i);
	ck_assert_int_eq(spec_names_find(&t, "step-20000"), -1);
	spec_names_free(&t);
	free(keys);

	/* the first repeat: what comparing each key with every later one
	 * finds first */
	int i = -1, j = -1;
	const char *none[] = { "a", "b", "c" };
	ck_assert_int_eq(spec_first_repeat(none, 3, &i, &j), 0);
	ck_assert_int_eq(spec_first_repeat(NULL, 0, &i, &j), 0);
	const char *rep[] = { "a", "b", "c", "c", "b", "a", "b" };
	ck_assert_int_eq(spec_first_repeat(rep, 7, &i, &j), 1);
	ck_assert_int_eq(i, 0);
	ck_assert_int_eq(j, 5);
	ck_assert_int_eq(spec_first_repeat(rep + 1, 6, &i, &j), 1);
	ck_assert_int_eq(i, 0); /* "b" */
	ck_assert_int_eq(j, 3);
	ck_assert_int_eq(spec_first_repeat(rep + 2, 2, &i, &j), 1);
	ck_assert_int_eq(i, 0);
	ck_assert_int_eq(j, 1);
}
END_TEST

START_TEST(test_step_helpers)
{
	struct spec *s = parse_ok(full);
	const struct spec_step *eval = &s->steps[2];
	ck_assert_int_eq(spec_input_index(eval, "model"), 0);
	ck_assert_int_eq(spec_input_index(eval, "labels"), 2);
	ck_assert_int_eq(spec_input_index(eval, "metrics"), -1);
	ck_assert_int_eq(spec_output_index(eval, "metrics"), 0);
	ck_assert_int_eq(spec_output_index(eval, "model"), -1);
	ck_assert_int_eq(spec_output_index(&s->steps[0], "data"), 0);

	struct rl_err err = RL_ERR_INIT;
	struct spec_ctx c = { "p.json", &err };
	for (int i = 0; i < s->nsteps; i++)
		ck_assert_int_eq(spec_check_env_names(&c, &s->steps[i]), 0);
	/* names that would share a variable, by kind */
	struct spec_input ins[] = { { .name = "a" }, { .name = "x-y" }, { .name = "X_Y" },
				    { .name = "x.y" } };
	struct spec_output outs[] = { { .name = "o" }, { .name = "p" }, { .name = "O" } };
	struct spec_step st = { .name = "st", .inputs = ins, .ninputs = 4,
				.outputs = outs, .noutputs = 2 };
	ck_assert_int_eq(spec_check_env_names(&c, &st), -1);
	ck_assert_str_eq(rl_err_msg(&err), "p.json: step 'st', field 'inputs': "
				    "'x-y' and 'X_Y' would both be RUNLENS_INPUT_X_Y");
	st.ninputs = 2;
	ck_assert_int_eq(spec_check_env_names(&c, &st), 0);
	st.noutputs = 3;
	ck_assert_int_eq(spec_check_env_names(&c, &st), -1);
	ck_assert_str_eq(rl_err_msg(&err), "p.json: step 'st', field 'outputs': "
				    "'o' and 'O' would both be RUNLENS_OUTPUT_O");
	st.noutputs = 0;
	st.params = cJSON_Parse("{\"lr\": 1, \"n\": 2, \"N\": 3, \"LR\": 4}");
	ck_assert_int_eq(spec_check_env_names(&c, &st), -1);
	ck_assert_str_eq(rl_err_msg(&err), "p.json: step 'st', field 'params': "
				    "'lr' and 'LR' would both be RUNLENS_PARAM_LR");
	cJSON_Delete(st.params);
	st.params = NULL;
	ck_assert_int_eq(spec_check_env_names(&c, &st), 0);
	rl_err_clear(&err);
	spec_free(&s);
}
END_TEST

/* A spec made by hand for the helpers that run after the steps are
 * parsed: step I is named NAMES[I] and needs the steps in NEEDS[I]
 * (names separated by spaces). */
static struct spec *graph(int n, const char *const *names, const char *const *needs)
{
	struct spec_private *sp = calloc(1, sizeof(*sp));
	struct spec *s = &sp->pub;
	s->path = strdup("g.json");
	s->steps = calloc((size_t)n, sizeof(*s->steps));
	sp->extra = calloc((size_t)n, sizeof(*sp->extra));
	s->nsteps = n;
	ck_assert_int_eq(spec_names_init(&sp->names, n), 0);
	for (int i = 0; i < n; i++) {
		struct spec_step *st = &s->steps[i];
		st->name = strdup(names[i]);
		ck_assert_int_eq(spec_names_add(&sp->names, st->name, i), -1);
		st->needs = calloc(16, sizeof(char *));
		char *copy = strdup(needs[i]), *save = NULL;
		for (char *w = strtok_r(copy, " ", &save); w; w = strtok_r(NULL, " ", &save))
			st->needs[st->nneeds++] = strdup(w);
		free(copy);
	}
	return s;
}

START_TEST(test_dag_helpers)
{
	struct rl_err err = RL_ERR_INIT;
	struct spec_ctx c = { "g.json", &err };
	const char *names[] = { "a", "b", "c", "d" };
	const char *needs[] = { "c d c", "", "b", "b b" };
	struct spec *s = graph(4, names, needs);
	ck_assert_int_eq(spec_step_index(s, "c"), 2);
	ck_assert_int_eq(spec_step_index(s, "e"), -1);
	ck_assert_int_eq(spec_resolve_refs(&c, s), 0);
	ck_assert_int_eq(s->steps[0].ndeps, 2); /* unique, ascending */
	ck_assert_int_eq(s->steps[0].deps[0], 2);
	ck_assert_int_eq(s->steps[0].deps[1], 3);
	ck_assert_int_eq(s->steps[1].ndeps, 0);
	ck_assert_int_eq(s->steps[3].ndeps, 1);
	ck_assert_int_eq(spec_dag_order(s, &err), 0);
	const int want[] = { 1, 2, 3, 0 };
	for (int i = 0; i < 4; i++)
		ck_assert_int_eq(s->order[i], want[i]);
	spec_free(&s);

	const char *bad[] = { "", "zz", "", "" };
	s = graph(4, names, bad);
	ck_assert_int_eq(spec_resolve_refs(&c, s), -1);
	ck_assert_str_eq(rl_err_msg(&err), "g.json: step 'b', field 'needs': unknown step 'zz'");
	spec_free(&s);
	const char *self[] = { "", "", "c", "" };
	s = graph(4, names, self);
	ck_assert_int_eq(spec_resolve_refs(&c, s), -1);
	ck_assert_str_eq(rl_err_msg(&err), "g.json: step 'c', field 'needs': "
				    "a step cannot depend on itself (cycle: c -> c)");
	spec_free(&s);
	const char *cyc[] = { "", "d", "b", "c" };
	s = graph(4, names, cyc);
	ck_assert_int_eq(spec_resolve_refs(&c, s), 0);
	ck_assert_int_eq(spec_dag_order(s, &err), -1);
	ck_assert_str_eq(rl_err_msg(&err), "g.json: cycle between steps: b -> c -> d -> b");
	spec_free(&s);
	rl_err_clear(&err);
}
END_TEST

/* The order of a random graph against the rule said plainly: each time,
 * the first step in file order whose dependencies are all placed. */
START_TEST(test_dag_order_rule)
{
	enum { N = 300 };
	static char names[N][8];
	static char needs[N][64];
	const char *np[N], *dp[N];
	srand(12);
	for (int round = 0; round < 20; round++) {
		for (int i = 0; i < N; i++) {
			snprintf(names[i], sizeof names[i], "s%d", i);
			needs[i][0] = '\0';
			/* edges only from later to earlier in a shuffled rank,
			 * so no cycle */
			for (int k = rand() % 4; k > 0; k--) {
				int j = rand() % N;
				int ri = (i * 7919) % N, rj = (j * 7919) % N;
				if (rj < ri) {
					size_t len = strlen(needs[i]);
					snprintf(needs[i] + len, sizeof needs[i] - len, " s%d", j);
				}
			}
			np[i] = names[i];
			dp[i] = needs[i];
		}
		struct spec *s = graph(N, np, dp);
		struct rl_err err = RL_ERR_INIT;
		struct spec_ctx c = { "g.json", &err };
		ck_assert_int_eq(spec_resolve_refs(&c, s), 0);
		ck_assert_int_eq(spec_dag_order(s, &err), 0);
		unsigned char placed[N] = { 0 };
		for (int k = 0; k < N; k++) {
			int pick = -1;
			for (int i = 0; i < N && pick < 0; i++) {
				int ready = !placed[i];
				for (int d = 0; ready && d < s->steps[i].ndeps; d++)
					ready = placed[s->steps[i].deps[d]];
				if (ready)
					pick = i;
			}
			ck_assert_int_eq(s->order[k], pick);
			placed[pick] = 1;
		}
		spec_free(&s);
	}
}
END_TEST

START_TEST(test_params_helpers)
{
	struct rl_err err = RL_ERR_INIT;
	struct spec_ctx c = { "p.json", &err };
	cJSON *v = cJSON_Parse("{\"lr\": 1, \"n-2\": 2}");
	ck_assert_int_eq(spec_check_params(&c, NULL, v), 0);
	cJSON_Delete(v);
	v = cJSON_Parse("{\"lr\": 1, \"a b\": 2}");
	ck_assert_int_eq(spec_check_params(&c, "s", v), -1);
	ck_assert_str_eq(rl_err_msg(&err), "p.json: step 's', field 'params': param name 'a b' "
				    "may only hold letters, digits, '_' and '-'");
	cJSON_Delete(v);
	v = cJSON_Parse("[1]");
	ck_assert_int_eq(spec_check_params(&c, NULL, v), -1);
	ck_assert_str_eq(rl_err_msg(&err), "p.json: field 'params': expected an object, got an array");
	cJSON_Delete(v);
	ck_assert_int_eq(spec_check_params(&c, NULL, NULL), -1);
	rl_err_clear(&err);

	struct spec *s = parse_ok(full);
	cJSON *refs = cJSON_Parse("[\"tag\", \"lr\", \"zz\", \"epochs\"]");
	cJSON *own = cJSON_Parse("{\"epochs\": 9, \"mine\": true}");
	const struct { const cJSON *refs, *own; const char *want; } cases[] = {
		{ NULL, NULL, "{}" },
		{ refs, NULL, "{\"tag\":\"x\",\"lr\":0.01,\"epochs\":3}" },
		{ NULL, own, "{\"epochs\":9,\"mine\":true}" },
		{ refs, own, "{\"tag\":\"x\",\"lr\":0.01,\"epochs\":9,\"mine\":true}" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct step_extra x = { (cJSON *)cases[i].refs, (cJSON *)cases[i].own, NULL };
		cJSON *p = spec_step_params(s, &x);
		char *t = json(p);
		ck_assert_str_eq(t, cases[i].want);
		free(t);
		cJSON_Delete(p);
	}
	cJSON_Delete(refs);
	cJSON_Delete(own);
	spec_free(&s);
}
END_TEST

START_TEST(test_subst_helpers)
{
	struct spec *s = parse_ok(full);
	struct rl_err err = RL_ERR_INIT;
	struct spec_ctx c = { "p.json", &err };
	struct spec_env env[] = { { "E", "${params.tag}-${run.id}" } };
	struct spec_step st = { .name = "st", .run_shell = "x ${params.lr} $${params.nope}",
				.env = env, .nenv = 1, .workdir = "${params.lr}/${params.own}" };
	struct step_extra x = { cJSON_CreateArray(), cJSON_Parse("{\"own\": 1, \"tag\": 2}"),
				cJSON_CreateArray() };
	ck_assert_int_eq(spec_check_templates(&c, s, &st, &x), 0);
	/* each pipeline param once, in the order first met; own ones not */
	char *t = json(x.refs);
	ck_assert_str_eq(t, "[\"lr\"]");
	free(t);
	cJSON_Delete(x.own);
	x.own = NULL;
	ck_assert_int_eq(spec_check_templates(&c, s, &st, &x), -1);
	ck_assert_str_eq(rl_err_msg(&err), "p.json: step 'st', field 'workdir': unknown ${params.own}");
	t = json(x.refs);
	ck_assert_str_eq(t, "[\"lr\",\"tag\"]");
	free(t);
	st.workdir = NULL;
	char *argv[] = { "echo", "${outputs.o" };
	st.run_shell = NULL;
	st.run_argv = argv;
	st.run_argc = 2;
	ck_assert_int_eq(spec_check_templates(&c, s, &st, &x), -1);
	ck_assert_str_eq(rl_err_msg(&err), "p.json: step 'st', field 'run': unterminated ${ in "
					   "'${outputs.o' (write $${ to pass ${ on as it is)");
	st.run_argc = 1;
	env[0].value = "${inputs.d}";
	ck_assert_int_eq(spec_check_templates(&c, s, &st, &x), -1);
	ck_assert_str_eq(rl_err_msg(&err), "p.json: step 'st', field 'env.E': unknown ${inputs.d}");
	st.nenv = 0;
	ck_assert_int_eq(spec_check_templates(&c, s, &st, &x), 0);
	cJSON_Delete(x.refs);
	cJSON_Delete(x.own_refs);
	rl_err_clear(&err);
	spec_free(&s);
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
	tcase_add_test(tc, test_kept_as_written);
	tcase_add_test(tc, test_params_kept_as_written);
	tcase_add_test(tc, test_field_errors);
	tcase_add_test(tc, test_type_errors);
	tcase_add_test(tc, test_reference_errors);
	tcase_add_test(tc, test_more_errors);
	tcase_add_test(tc, test_step_details);
	tcase_add_test(tc, test_retry_delay);
	tcase_add_test(tc, test_template_errors);
	tcase_add_test(tc, test_dag_order);
	tcase_add_test(tc, test_params);
	tcase_add_test(tc, test_substitute);
	tcase_add_test(tc, test_null_and_files);
	tcase_add_test(tc, test_value_errors);
	tcase_add_test(tc, test_value_keys_and_types);
	tcase_add_test(tc, test_value_readers);
	tcase_add_test(tc, test_parse_fields);
	tcase_add_test(tc, test_json_helpers);
	tcase_add_test(tc, test_names);
	tcase_add_test(tc, test_step_helpers);
	tcase_add_test(tc, test_dag_helpers);
	tcase_add_test(tc, test_dag_order_rule);
	tcase_add_test(tc, test_params_helpers);
	tcase_add_test(tc, test_subst_helpers);
	tcase_add_test(tc, test_many_steps);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
