/* core/spec_resources.c — a step's "resources": what it asks of the
 * machine or the cluster.  cpus (scheduling slots locally, and
 * --cpus-per-task on Slurm), memory ("16G"), gpus, partition, and
 * slurm_opts (more sbatch options).  An unknown key is a spec error. */
#include "config.h"
#include "core/spec_internal.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#define RESOURCE_KEYS "cpus, memory, gpus, partition, slurm_opts"

/* sbatch options runlens sets itself: a step may not set them */
static const char *const owned_opts[] = {
	"--job-name", "-J", "--output", "-o", "--error", "-e", "--input", "-i",
	"--parsable", "--export", "--requeue", "--no-requeue", "--wrap",
	"--chdir", "-D", "--cpus-per-task", "-c", "--mem", "--gres", "--time",
	"-t", "--partition", "-p", "--array", "-a", "--wait", "-W", "--get-user-env",
	NULL,
};

/* The option OPT names (before '=' for a long one, its first two
 * characters for a short one) is one runlens sets?  A long one also when
 * it abbreviates one (sbatch takes "--outp" for --output). */
static const char *owned_opt(const char *opt)
{
	int is_long = opt[1] == '-';
	size_t n = is_long ? strcspn(opt, "=") : 2;
	for (int i = 0; owned_opts[i]; i++) {
		size_t len = strlen(owned_opts[i]);
		if ((len == n || (is_long && len > n)) && strncmp(owned_opts[i], opt, n) == 0)
			return owned_opts[i];
	}
	return NULL;
}

int spec_check_slurm_opt(const char *opt, const char **why)
{
	*why = NULL;
	int shape = opt && opt[0] == '-' &&
		    isalpha((unsigned char)(opt[1] == '-' ? opt[2] : opt[1]));
	if (!shape)
		*why = "expected an sbatch option starting with '-' (\"--constraint=avx2\")";
	else if (owned_opt(opt))
		*why = "runlens sets this option itself (see resources cpus, memory, gpus, "
		       "partition and the step's timeout)";
	for (const char *p = opt; p && *p && !*why; p++)
		if ((unsigned char)*p < 0x20)
			*why = "holds a control character";
	return *why ? -1 : 0;
}

/* "16G", "512M", "1024" (megabytes): digits and at most one of K, M, G, T. */
static int valid_memory(const char *s)
{
	size_t d = 0;
	while (isdigit((unsigned char)s[d]))
		d++;
	if (d == 0 || d > 12)
		return 0;
	if (!s[d])
		return 1;
	return strchr("KMGTkmgt", s[d]) && !s[d + 1];
}

static int positive_int(struct spec_ctx *c, const char *step, const char *field,
			const cJSON *v, int *out, int min)
{
	if (spec_nonneg_int(c, step, field, v, out) < 0)
		return -1;
	if (*out < min)
		return spec_error(c, step, field, "expected an integer of at least %d", min);
	return 0;
}

static int resource_string(struct spec_ctx *c, const char *step, const char *field,
			   const cJSON *v, const char **out)
{
	if (!cJSON_IsString(v) || !*v->valuestring)
		return spec_error(c, step, field, "expected a non-empty string, got %s",
				  cJSON_IsString(v) ? "an empty one" : spec_type_name(v));
	for (const char *p = v->valuestring; *p; p++)
		if ((unsigned char)*p <= ' ' || *p == ',')
			return spec_error(c, step, field,
					  "'%s' holds a space, comma or control character",
					  v->valuestring);
	*out = v->valuestring;
	return 0;
}

static int parse_slurm_opts(struct spec_ctx *c, const char *step, const cJSON *v,
			    struct spec_resources *res)
{
	const char *field = "resources.slurm_opts";
	if (!cJSON_IsArray(v))
		return spec_error(c, step, field, "expected an array of strings, got %s",
				  spec_type_name(v));
	int i = 0;
	for (const cJSON *o = v->child; o; o = o->next, i++) {
		const char *why;
		if (!cJSON_IsString(o))
			return spec_error(c, step, field,
					  "expected an array of strings, element %d is %s",
					  i + 1, spec_type_name(o));
		if (spec_check_slurm_opt(o->valuestring, &why) < 0)
			return spec_error(c, step, field, "'%s': %s", o->valuestring, why);
	}
	res->slurm_opts = v;
	return 0;
}

/* One key K of "resources". */
static int parse_key(struct spec_ctx *c, const char *step, const cJSON *k,
		     struct spec_resources *res)
{
	const char *n = k->string;
	if (!strcmp(n, "cpus"))
		return positive_int(c, step, "resources.cpus", k, &res->cpus, 1);
	if (!strcmp(n, "gpus"))
		return spec_nonneg_int(c, step, "resources.gpus", k, &res->gpus);
	if (!strcmp(n, "partition"))
		return resource_string(c, step, "resources.partition", k, &res->partition);
	if (!strcmp(n, "slurm_opts"))
		return parse_slurm_opts(c, step, k, res);
	if (!strcmp(n, "memory")) {
		if (resource_string(c, step, "resources.memory", k, &res->memory) < 0)
			return -1;
		if (!valid_memory(res->memory))
			return spec_error(c, step, "resources.memory",
					  "'%s' is not an amount of memory: digits and "
					  "K, M, G or T (\"4G\", \"512M\")", res->memory);
		/* Slurm's --mem=0 is a whole node's memory, not none */
		if (strtoull(res->memory, NULL, 10) == 0)
			return spec_error(c, step, "resources.memory",
					  "'%s' is no memory (leave memory out for no limit)",
					  res->memory);
		return 0;
	}
	return spec_error(c, step, "resources", "unknown key '%s' (known: " RESOURCE_KEYS ")", n);
}

int spec_parse_resources(struct spec_ctx *c, struct spec_step *st, const cJSON *v)
{
	if (spec_object(c, st->name, "resources", v) < 0)
		return -1;
	struct spec_resources res = { 0 };
	for (const cJSON *k = v->child; k; k = k->next)
		if (parse_key(c, st->name, k, &res) < 0)
			return -1;
	st->res = res;
	st->resources = (cJSON *)v;
	return 0;
}
