/*
 * scenario.c - libconfig scenarios: parse, override, check, extract.
 *
 * The only file that calls libconfig. Loading goes in four passes so that
 * every error is caught before anything runs:
 *   1. parse the file (libconfig resolves @include against the scenario's
 *      folder and keeps file:line for every setting);
 *   2. apply --set overrides to settings that exist, keeping their type;
 *   3. walk the whole tree against the table of known keys below (unknown
 *      key, wrong type);
 *   4. read every curve, looking each setting up in the curve first and in
 *      the shared part second, and check ranges, bindings and the offered
 *      rates against the curve's line rate.
 * Kernel defaults (CFS granularities, RT throttling, PELT) apply when a host
 * file leaves them out; costs never have defaults.
 */
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <libconfig.h>

#include "err.h"
#include "scenario.h"

enum kind { K_GROUP, K_LIST, K_INT, K_NUM, K_STR, K_INTS, K_NUMS };

struct key {
    const char *path; /* '*' matches one thread name */
    enum kind kind;
};

/* Every setting a scenario may hold. Curves may hold name, host.*, vm.*
 * and threads.*. */
static const struct key keys[] = {
    {"name", K_STR},
    {"costmodel", K_GROUP},
    {"costmodel.db", K_STR},
    {"costmodel.id", K_STR},
    {"sim", K_GROUP},
    {"sim.seed", K_INT},
    {"sim.reps", K_INT},
    {"sim.warmup_ms", K_NUM},
    {"sim.duration_ms", K_NUM},
    {"traffic", K_GROUP},
    {"traffic.frame_bytes", K_INT},
    {"traffic.rates_kpps", K_NUMS},
    {"host", K_GROUP},
    {"host.cores", K_INT},
    {"host.online", K_INTS},
    {"host.rt_runtime_us", K_INT},
    {"host.rt_period_us", K_INT},
    {"host.rt_runtime_share", K_INT},
    {"host.cfs_latency_us", K_INT},
    {"host.cfs_min_granularity_us", K_INT},
    {"host.cfs_wakeup_granularity_us", K_INT},
    {"host.fair", K_STR},
    {"host.eevdf_slice_us", K_INT},
    {"host.tick_us", K_INT},
    {"host.balance_interval_us", K_INT},
    {"host.load_halflife_us", K_INT},
    {"host.active_balance_load", K_NUM},
    {"host.active_balance_tries", K_INT},
    {"host.softirq_max_us", K_INT},
    {"host.nic", K_GROUP},
    {"host.nic.irq_core", K_INT},
    {"host.nic.link_gbps", K_NUM},
    {"host.nic.irq_coalesce_us", K_NUM},
    {"host.nic.napi_budget", K_INT},
    {"host.nic.rx_ring", K_INT},
    {"host.nic.tx_ring", K_INT},
    {"host.nic.qdisc_len", K_INT},
    {"host.vhost", K_GROUP},
    {"host.vhost.weight", K_INT},
    {"host.vhost.batch", K_INT},
    {"host.vhost.preempt_every", K_INT},
    {"host.qemu", K_GROUP},
    {"host.qemu.rx_burst", K_INT},
    {"host.qemu.tx_burst", K_INT},
    {"host.qemu.timer_hz", K_INT},
    {"vm", K_GROUP},
    {"vm.guest_budget", K_INT},
    {"vm.guest_hz", K_INT},
    {"vm.rx_refill", K_INT},
    {"vm.interconnect", K_STR},
    {"vm.kick", K_STR},
    {"host.router", K_STR},
    {"traffic.flows", K_INT},
    {"routing", K_GROUP},
    {"routing.routes", K_INT},
    {"routing.cache_entries", K_INT},
    {"vm.queues", K_GROUP},
    {"vm.queues.macvtap", K_INT},
    {"vm.queues.virtio_rx", K_INT},
    {"vm.queues.virtio_tx", K_INT},
    {"vm.queues.guest_qdisc", K_INT},
    {"threads", K_GROUP},
    {"threads.*", K_GROUP},
    {"threads.*.kind", K_STR},
    {"threads.*.cpus", K_INTS},
    {"threads.*.policy", K_STR},
    {"threads.*.nice", K_INT},
    {"threads.*.priority", K_INT},
    {"threads.*.runtime_ms", K_NUM},
    {"threads.*.period_ms", K_NUM},
    {"threads.*.move_every_ms", K_NUM},
    {"threads.*.cgroup", K_STR},
    {"cgroups", K_LIST},
    {"cgroups.*.path", K_STR},
    {"cgroups.*.shares", K_INT},
    {"curves", K_LIST},
    {"vms", K_LIST},
    {"vms.*.name", K_STR},
    {"vms.*.role", K_STR},
    {"threads.*.vm", K_STR},
    {"threads.*.nic", K_INT},
    {"traffic.spread", K_STR},
    {"traffic.pacing", K_STR},
    {"vm.internal", K_STR},
    {"measure", K_GROUP},
    {"measure.connect", K_STR},
    {"measure.domain", K_STR},
    {"measure.tool", K_STR},
    {"measure.point_s", K_NUM},
    {"measure.settle_s", K_NUM},
    {"measure.drain_s", K_NUM},
    {"measure.reps", K_INT},
    {"measure.rates_kpps", K_NUMS},
    {"measure.extend", K_GROUP},
    {"measure.extend.factor", K_NUM},
    {"measure.extend.max_kpps", K_NUM},
    {"measure.generator", K_GROUP},
    {"measure.generator.netns", K_STR},
    {"measure.generator.dev", K_STR},
    {"measure.generator.conf", K_STR},
    {"measure.generator.dst_mac", K_STR},
    {"measure.generator.dst_ip", K_STR},
    {"measure.generator.cpus", K_INTS},
    {"measure.sink", K_GROUP},
    {"measure.sink.netns", K_STR},
    {"measure.sink.dev", K_STR},
};

static const char *const kind_text[] = {
    [K_GROUP] = "a group { ... }",
    [K_LIST] = "a list ( ... )",
    [K_INT] = "an integer",
    [K_NUM] = "a number",
    [K_STR] = "a string",
    [K_INTS] = "an array of integers [ ... ]",
    [K_NUMS] = "an array of numbers [ ... ]",
};

/* CFS weights of nice -20..19 (kernel/sched/core.c sched_prio_to_weight). */
static const int nice_weight[40] = {
    88761, 71755, 56483, 46273, 36291, 29154, 23254, 18705, 14949, 11916,
    9548,  7620,  6100,  4904,  3906,  3121,  2501,  1991,  1586,  1277,
    1024,  820,   655,   526,   423,   335,   272,   215,   172,   137,
    110,   87,    70,    56,    45,    36,    29,    23,    18,    15,
};

/* A setting --set gave its value, so that an error about the value names
 * the option rather than the file's line. */
struct override {
    const config_setting_t *s;
    const char *arg; /* KEY=VALUE */
    size_t keylen;
};

struct ctx {
    config_t cfg;
    const char *path;
    config_setting_t *curve; /* current curve group, or NULL */
    char *err;
    size_t errlen;
    struct override *over; /* one per --set at most */
    int nover;
};

static int fail(struct ctx *x, const config_setting_t *s, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    for (int i = 0; s && i < x->nover; i++)
        if (x->over[i].s == s) {
            snprintf(x->err, x->errlen, "--set %s: %s", x->over[i].arg, msg);
            return SIM_EINPUT;
        }
    const char *file = s ? config_setting_source_file(s) : NULL;
    int line = s ? (int)config_setting_source_line(s) : 0;
    if (line > 0)
        snprintf(x->err, x->errlen, "%s:%d: %s", file ? file : x->path, line,
                 msg);
    else
        snprintf(x->err, x->errlen, "%s: %s", x->path, msg);
    return SIM_EINPUT;
}

/* ---- Pass 2: overrides --------------------------------------------- */

static const struct key *find_key(const char *path);

/* Create the known setting `key`, absent from the file, with its groups,
 * so that --set can give a value to anything a scenario may hold. */
static config_setting_t *add_known(struct ctx *x, const char *key)
{
    const struct key *k = find_key(key);
    if (!k || k->kind == K_GROUP || k->kind == K_LIST)
        return NULL;
    static const int type[] = {
        [K_INT] = CONFIG_TYPE_INT64,  [K_NUM] = CONFIG_TYPE_FLOAT,
        [K_STR] = CONFIG_TYPE_STRING, [K_INTS] = CONFIG_TYPE_ARRAY,
        [K_NUMS] = CONFIG_TYPE_ARRAY,
    };
    char buf[256];
    snprintf(buf, sizeof buf, "%s", key);
    config_setting_t *g = config_root_setting(&x->cfg);
    char *save, *part = strtok_r(buf, ".", &save);
    while (part) {
        char *next = strtok_r(NULL, ".", &save);
        config_setting_t *c = config_setting_get_member(g, part);
        if (!c)
            c = config_setting_add(g, part,
                                   next ? CONFIG_TYPE_GROUP : type[k->kind]);
        if (!c || (next && config_setting_type(c) != CONFIG_TYPE_GROUP))
            return NULL;
        g = c;
        part = next;
    }
    return g;
}

/* Make s, a member of a group, anew as a setting of `type`: libconfig
 * cannot change a setting's type, and one the file wrote as a 32-bit
 * integer can hold neither a larger integer nor a fraction. */
static config_setting_t *retype(config_setting_t *s, int type)
{
    config_setting_t *g = config_setting_parent(s);
    char name[256];
    if (!g || !config_setting_name(s))
        return NULL;
    snprintf(name, sizeof name, "%s", config_setting_name(s));
    if (!config_setting_remove(g, name))
        return NULL;
    return config_setting_add(g, name, type);
}

/* Note that `arg` gave s its value (the last --set of a key wins). */
static void note_override(struct ctx *x, const config_setting_t *s,
                          const char *arg, size_t keylen)
{
    int i = 0;
    while (i < x->nover && !(x->over[i].keylen == keylen &&
                             strncmp(x->over[i].arg, arg, keylen) == 0))
        i++;
    x->over[i] = (struct override){s, arg, keylen};
    if (i == x->nover)
        x->nover++;
}

static int set_one(struct ctx *x, const char *arg)
{
    char key[256];
    const char *eq = strchr(arg, '=');
    if (!eq || eq == arg || (size_t)(eq - arg) >= sizeof key) {
        snprintf(x->err, x->errlen,
                 "--set %s: expected KEY=VALUE, e.g. sim.reps=3", arg);
        return SIM_EINPUT;
    }
    memcpy(key, arg, (size_t)(eq - arg));
    key[eq - arg] = '\0';
    const char *val = eq + 1;
    config_setting_t *s = config_lookup(&x->cfg, key);
    if (!s)
        s = add_known(x, key);
    if (!s) {
        snprintf(x->err, x->errlen, "--set %s: no such setting in %s", key,
                 x->path);
        return SIM_EINPUT;
    }
    const struct key *k = find_key(key);
    char *end;
    errno = 0;
    int type = config_setting_type(s);
    switch (type) {
    case CONFIG_TYPE_INT:
    case CONFIG_TYPE_INT64:
    case CONFIG_TYPE_FLOAT: {
        /* A whole number stays as the file wrote it; a setting of a
         * number kind takes a fraction too. */
        long long v = strtoll(val, &end, 10);
        int whole = *val != '\0' && !*end && !errno;
        if (whole && type != CONFIG_TYPE_FLOAT) {
            if (type == CONFIG_TYPE_INT && (v < INT_MIN || v > INT_MAX))
                s = retype(s, CONFIG_TYPE_INT64);
            if (!s || !config_setting_set_int64(s, v))
                goto bad;
        } else {
            errno = 0;
            double d = strtod(val, &end);
            if (*val == '\0' || *end || errno || !isfinite(d) ||
                (k ? k->kind == K_INT : type != CONFIG_TYPE_FLOAT))
                goto bad;
            if (type != CONFIG_TYPE_FLOAT)
                s = retype(s, CONFIG_TYPE_FLOAT);
            if (!s || !config_setting_set_float(s, d))
                goto bad;
        }
        break;
    }
    case CONFIG_TYPE_STRING: {
        size_t n = strlen(val); /* "text" as in the file, or bare text */
        if (n >= 2 && val[0] == '"' && val[n - 1] == '"') {
            char *bare = xstrdup(val + 1);
            bare[n - 2] = '\0';
            config_setting_set_string(s, bare);
            free(bare);
        } else {
            config_setting_set_string(s, val);
        }
        break;
    }
    case CONFIG_TYPE_ARRAY: {
        /* [a, b, c] of the array's element type */
        if (*val != '[' || val[strlen(val) - 1] != ']')
            goto bad;
        int is_float =
            k ? k->kind == K_NUMS
              : config_setting_length(s) > 0 &&
                    config_setting_type(config_setting_get_elem(s, 0)) ==
                        CONFIG_TYPE_FLOAT;
        while (config_setting_length(s) > 0)
            config_setting_remove_elem(s, 0);
        const char *p = val + 1;
        while (*p && *p != ']') {
            errno = 0;
            double v = strtod(p, &end);
            if (end == p || errno || !isfinite(v) ||
                (!is_float && (v != floor(v) || v < INT_MIN || v > INT_MAX)))
                goto bad;
            if (is_float)
                config_setting_set_float_elem(s, -1, v);
            else
                config_setting_set_int_elem(s, -1, (int)v);
            p = end;
            while (*p == ' ' || *p == ',')
                p++;
        }
        break;
    }
    default:
        snprintf(x->err, x->errlen,
                 "--set %s: only numbers, strings and "
                 "arrays can be set",
                 key);
        return SIM_EINPUT;
    }
    note_override(x, s, arg, (size_t)(eq - arg));
    return 0;
bad:;
    static const char *const want[] = {
        [K_INT] = "an integer", [K_NUM] = "a number", [K_STR] = "a string",
        [K_INTS] = "integers as [a, b, ...]",
        [K_NUMS] = "numbers as [a, b, ...]",
    };
    snprintf(x->err, x->errlen, "--set %s: expected %s", arg,
             k && k->kind >= K_INT ? want[k->kind] : "a value of the "
                                                      "setting's type");
    return SIM_EINPUT;
}

/* ---- Pass 3: known keys and types ---------------------------------- */

static int path_matches(const char *pattern, const char *path)
{
    while (*pattern && *path) {
        if (*pattern == '*') {
            while (*path && *path != '.')
                path++;
            pattern++;
            continue;
        }
        if (*pattern++ != *path++)
            return 0;
    }
    return *pattern == '\0' && *path == '\0';
}

static const struct key *find_key(const char *path)
{
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        if (path_matches(keys[i].path, path))
            return &keys[i];
    return NULL;
}

static int has_kind(const config_setting_t *s, enum kind k)
{
    int t = config_setting_type(s);
    switch (k) {
    case K_GROUP:
        return t == CONFIG_TYPE_GROUP;
    case K_LIST:
        return t == CONFIG_TYPE_LIST;
    case K_INT:
        return t == CONFIG_TYPE_INT || t == CONFIG_TYPE_INT64;
    case K_NUM:
        return t == CONFIG_TYPE_INT || t == CONFIG_TYPE_INT64 ||
               t == CONFIG_TYPE_FLOAT;
    case K_STR:
        return t == CONFIG_TYPE_STRING;
    case K_INTS:
    case K_NUMS: {
        if (t != CONFIG_TYPE_ARRAY)
            return 0;
        if (config_setting_length(s) == 0)
            return 1;
        int et = config_setting_type(config_setting_get_elem(s, 0));
        if (k == K_INTS)
            return et == CONFIG_TYPE_INT || et == CONFIG_TYPE_INT64;
        return et == CONFIG_TYPE_INT || et == CONFIG_TYPE_INT64 ||
               et == CONFIG_TYPE_FLOAT;
    }
    }
    return 0;
}

static int check_tree(struct ctx *x, config_setting_t *g, const char *prefix,
                      int in_curve)
{
    for (int i = 0; i < config_setting_length(g); i++) {
        config_setting_t *s = config_setting_get_elem(g, i);
        const char *name = config_setting_name(s);
        char path[256];
        snprintf(path, sizeof path, "%s%s%s", prefix, *prefix ? "." : "", name);
        const struct key *k = find_key(path);
        if (in_curve && strcmp(path, "name") != 0 &&
            strncmp(path, "host", 4) != 0 && strncmp(path, "vm", 2) != 0 &&
            strncmp(path, "threads", 7) != 0 &&
            strncmp(path, "routing", 7) != 0 && strcmp(path, "traffic") != 0 &&
            strcmp(path, "traffic.flows") != 0 &&
            strcmp(path, "traffic.pacing") != 0 && strcmp(path, "vms") != 0 &&
            strcmp(path, "measure") != 0 &&
            strcmp(path, "measure.rates_kpps") != 0)
            k = NULL;
        if (!k)
            return fail(x, s, "unknown setting '%s'%s", path,
                        in_curve ? " in a curve (a curve may set name, "
                                   "host, vm, vms, threads, routing, "
                                   "traffic.flows, traffic.pacing and "
                                   "measure.rates_kpps)"
                                 : "");
        if (!has_kind(s, k->kind))
            return fail(x, s, "'%s' must be %s", path, kind_text[k->kind]);
        if (k->kind == K_GROUP) {
            int rc = check_tree(x, s, path, in_curve);
            if (rc)
                return rc;
        } else if (k->kind == K_LIST) { /* curves, vms, cgroups */
            int curves = strcmp(path, "curves") == 0;
            char each[sizeof path + 2];
            snprintf(each, sizeof each, "%s.*", path);
            for (int j = 0; j < config_setting_length(s); j++) {
                config_setting_t *c = config_setting_get_elem(s, j);
                if (config_setting_type(c) != CONFIG_TYPE_GROUP)
                    return fail(x, c, "each of '%s' must be a group { ... }",
                                path);
                int rc = curves ? check_tree(x, c, "", 1)
                                : check_tree(x, c, each, 0);
                if (rc)
                    return rc;
            }
        }
    }
    return 0;
}

/* ---- Pass 4: values ------------------------------------------------ */

/* A setting from the current curve, else from the shared part. */
static config_setting_t *get(struct ctx *x, const char *path)
{
    config_setting_t *s = NULL;
    if (x->curve)
        s = config_setting_lookup(x->curve, path);
    return s ? s : config_lookup(&x->cfg, path);
}

static double num_of(const config_setting_t *s)
{
    return config_setting_type(s) == CONFIG_TYPE_FLOAT
               ? config_setting_get_float(s)
               : (double)config_setting_get_int64(s);
}

/* Read a number in [lo, hi] (or the default when absent and dflt_ok). */
static int get_num(struct ctx *x, const char *path, double lo, double hi,
                   int required, double dflt, double *out)
{
    config_setting_t *s = get(x, path);
    if (!s) {
        if (required)
            return fail(x, x->curve, "missing setting '%s'", path);
        *out = dflt;
        return 0;
    }
    double v = num_of(s);
    if (!(v >= lo && v <= hi)) {
        if (hi >= 1e15 && v < lo)
            return fail(x, s, "'%s' must be at least %.15g (got %.15g)", path,
                        lo, v);
        return fail(x, s, "'%s' must be between %.15g and %.15g (got %.15g)",
                    path, lo, hi, v);
    }
    *out = v;
    return 0;
}

/* The largest setting in microseconds: it becomes int64 nanoseconds, and
 * 10^12 us (11.6 days) in ns leaves room to add it to any simulated time
 * without overflow. */
#define US_MAX 1e12

static int get_i64(struct ctx *x, const char *path, double lo, double hi,
                   int required, double dflt, int64_t *out)
{
    double v = 0;
    int rc = get_num(x, path, lo, hi, required, dflt, &v);
    if (!rc)
        *out = (int64_t)v;
    return rc;
}

/* A string setting that must be one of n names (default names[0]): *out
 * is its index. */
static int get_choice(struct ctx *x, const char *path, const char *const *names,
                      int n, int *out)
{
    const config_setting_t *s = get(x, path);
    const char *v = s ? config_setting_get_string(s) : names[0];
    for (*out = 0; *out < n; ++*out)
        if (strcmp(v, names[*out]) == 0)
            return 0;
    char list[256] = "";
    for (int i = 0; i < n; i++)
        snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s",
                 i == 0       ? ""
                 : i == n - 1 ? " or "
                              : ", ",
                 names[i]);
    return fail(x, s, "'%s' must be %s (got '%s')", path, list, v);
}

static int get_int(struct ctx *x, const char *path, double lo, double hi,
                   int required, double dflt, int *out)
{
    double v;
    int rc = get_num(x, path, lo, hi, required, dflt, &v);
    if (!rc)
        *out = (int)v;
    return rc;
}

/* A set of cores from an int array, each in [0, ncores). */
static int get_cores(struct ctx *x, const char *path, int ncores, uint64_t *out)
{
    config_setting_t *s = get(x, path);
    if (!s)
        return fail(x, x->curve, "missing setting '%s'", path);
    uint64_t m = 0;
    for (int i = 0; i < config_setting_length(s); i++) {
        int c = config_setting_get_int_elem(s, i);
        if (c < 0 || c >= ncores)
            return fail(x, s,
                        "'%s' names core %d but the host has %d cores "
                        "(0-%d)",
                        path, c, ncores, ncores - 1);
        m |= 1ULL << c;
    }
    if (!m)
        return fail(x, s, "'%s' must name at least one core", path);
    *out = m;
    return 0;
}

static int read_host(struct ctx *x, struct vsr_config *c)
{
    int rc;
    int64_t us;
    if ((rc = get_int(x, "host.cores", 1, STATS_MAX_CORES, 1, 0, &c->ncores)))
        return rc;
    c->online = (c->ncores >= 64 ? ~0ULL : (1ULL << c->ncores) - 1);
    if (get(x, "host.online") &&
        (rc = get_cores(x, "host.online", c->ncores, &c->online)))
        return rc;
    struct host_params *h = &c->hp;
    if ((rc = get_i64(x, "host.rt_period_us", 1, US_MAX, 0, 1000000, &us)))
        return rc;
    h->rt_period_ns = us * 1000;
    if ((rc = get_i64(x, "host.rt_runtime_us", -1, US_MAX, 0, 950000, &us)))
        return rc;
    h->rt_runtime_ns = us < 0 ? -1 : us * 1000;
    if (h->rt_runtime_ns > h->rt_period_ns)
        return fail(x, get(x, "host.rt_runtime_us"),
                    "'host.rt_runtime_us' must not exceed rt_period_us");
    if ((rc = get_int(x, "host.rt_runtime_share", 0, 1, 0, 0,
                      &h->rt_runtime_share)))
        return rc;
    /* The fair class's tunables default to the kernel's, which Linux
     * scales by 1 + log2 of the online CPUs, at most 8 (update_sysctl(),
     * SCHED_TUNABLESCALING_LOG; again whenever a CPU comes or goes,
     * rq_online_fair()): 6 ms, 0.75 ms and 1 ms become 18, 2.25 and 3 ms
     * on 4 CPUs. */
    int online = __builtin_popcountll(c->online);
    int64_t factor = 1 + (online >= 8   ? 3
                          : online >= 4 ? 2
                          : online >= 2 ? 1
                                        : 0);
    if ((rc = get_i64(x, "host.cfs_latency_us", 1, US_MAX, 0, 6000 * factor,
                      &us)))
        return rc;
    h->cfs_latency_ns = us * 1000;
    if ((rc = get_i64(x, "host.cfs_min_granularity_us", 1, US_MAX, 0,
                      750 * factor, &us)))
        return rc;
    h->cfs_min_gran_ns = us * 1000;
    if ((rc = get_i64(x, "host.cfs_wakeup_granularity_us", 0, US_MAX, 0,
                      1000 * factor, &us)))
        return rc;
    h->cfs_wakeup_gran_ns = us * 1000;
    static const char *const fairs[] = {"cfs", "eevdf"};
    int fair;
    if ((rc = get_choice(x, "host.fair", fairs, 2, &fair)))
        return rc;
    h->fair = sched_find_fair(fairs[fair]);
    /* EEVDF's base slice, 0.75 ms, is scaled alike. */
    if ((rc = get_i64(x, "host.eevdf_slice_us", 1, US_MAX, 0, 750 * factor,
                      &us)))
        return rc;
    h->eevdf_slice_ns = us * 1000;
    if ((rc = get_i64(x, "host.tick_us", 1, US_MAX, 0, 4000, &us)))
        return rc;
    h->tick_ns = us * 1000;
    if ((rc = get_i64(x, "host.balance_interval_us", 1, US_MAX, 0, 4000,
                      &us)))
        return rc;
    h->balance_interval_ns = us * 1000;
    if ((rc = get_i64(x, "host.load_halflife_us", 1, US_MAX, 0, 32000,
                      &us)))
        return rc;
    h->load_halflife_ns = us * 1000;
    if ((rc = get_num(x, "host.active_balance_load", 0, 1, 0, 0.9,
                      &h->active_balance_load)))
        return rc;
    if ((rc = get_int(x, "host.active_balance_tries", 0, 1000, 0, 3,
                      &h->active_balance_tries)))
        return rc;

    if ((rc = get_int(x, "host.nic.irq_core", 0, c->ncores - 1, 1, 0,
                      &c->irq_core)))
        return rc;
    if (!(c->online >> c->irq_core & 1))
        return fail(x, get(x, "host.nic.irq_core"),
                    "'host.nic.irq_core' must be an online core");
    if ((rc = get_num(x, "host.nic.link_gbps", 1e-3, 1e4, 0, 1.0,
                      &c->link_gbps)))
        return rc;
    double co;
    if ((rc = get_num(x, "host.nic.irq_coalesce_us", 0, 1e6, 0, 50, &co)))
        return rc;
    c->irq_coalesce_ns = (int64_t)(co * 1000);
    int64_t sq;
    if ((rc = get_i64(x, "host.softirq_max_us", 0, US_MAX, 0, 0, &sq)))
        return rc;
    c->softirq_max_ns = sq * 1000;
    int q;
    if ((rc = get_int(x, "host.nic.napi_budget", 1, 1 << 20, 0, 64,
                      &c->napi_budget)))
        return rc;
    if ((rc = get_int(x, "host.nic.rx_ring", 1, 1 << 20, 0, 256, &q)))
        return rc;
    c->q.nic_rx = (uint32_t)q;
    int tx_ring, qdisc;
    if ((rc = get_int(x, "host.nic.tx_ring", 1, 1 << 20, 0, 256, &tx_ring)))
        return rc;
    if ((rc = get_int(x, "host.nic.qdisc_len", 0, 1 << 20, 0, 1000, &qdisc)))
        return rc;
    c->q.nic_tx = (uint32_t)(tx_ring + qdisc);
    if ((rc = get_int(x, "host.vhost.weight", 1, 1 << 24, 0, 256,
                      &c->vhost_weight)))
        return rc;
    if ((rc = get_int(x, "host.vhost.batch", 1, 1 << 16, 0, 64,
                      &c->vhost_batch)))
        return rc;
    if ((rc = get_int(x, "host.vhost.preempt_every", 0, 1 << 24, 0, 0,
                      &c->vhost_preempt_every)))
        return rc;
    if ((rc = get_int(x, "host.qemu.rx_burst", 1, 1 << 24, 0, 50,
                      &c->qemu_rx_burst)))
        return rc;
    if ((rc = get_int(x, "host.qemu.tx_burst", 1, 1 << 24, 0, 256,
                      &c->qemu_tx_burst)))
        return rc;
    /* QEMU's main loop wakes for its timers about every millisecond */
    return get_int(x, "host.qemu.timer_hz", 1, 100000, 0, 1000,
                   &c->qemu_timer_hz);
}

static int read_vm(struct ctx *x, struct vsr_config *c)
{
    int rc, q;
    if ((rc = get_int(x, "vm.guest_budget", 1, 1 << 20, 0, 64,
                      &c->guest_budget)))
        return rc;
    /* CONFIG_HZ of Debian's kernels */
    if ((rc = get_int(x, "vm.guest_hz", 1, 100000, 0, 250, &c->guest_hz)))
        return rc;
    static const char *const links[] = {"macvtap", "bridge", "openvswitch",
                                        "netmap"}; /* enum vsr_interconnect */
    int link;
    if ((rc = get_choice(x, "vm.interconnect", links, 4, &link)))
        return rc;
    c->interconnect = (enum vsr_interconnect)link;
    /* How the guest's virtio notifications reach QEMU: an ioeventfd that
     * KVM signals (the default), or, without KVM, an MMIO write that the
     * vCPU thread handles itself under QEMU's global lock. */
    static const char *const kicks[] = {"ioeventfd", "mmio"};
    if ((rc = get_choice(x, "vm.kick", kicks, 2, &c->kick_mmio)))
        return rc;
    static const char *const names[] = {
        "vm.queues.macvtap", "vm.queues.virtio_rx", "vm.queues.virtio_tx",
        "vm.queues.guest_qdisc"};
    static const double dflt[] = {500, 256, 256, 1000};
    uint32_t *dst[] = {&c->q.macvtap, &c->q.virtio_rx, &c->q.virtio_tx,
                       &c->q.guest_qdisc};
    for (int i = 0; i < 4; i++) {
        if ((rc = get_int(x, names[i], 1, 1 << 24, 0, dflt[i], &q)))
            return rc;
        *dst[i] = (uint32_t)q;
    }
    /* virtio_net refills its rx ring once more than half of it is spent
     * (Linux 3.x); later kernels, once more than half a NAPI budget is */
    const int ring = (int)c->q.virtio_rx;
    if ((rc = get_int(x, "vm.rx_refill", 0, ring - 1, 0, ring / 2, &q)))
        return rc;
    c->rx_refill = (uint32_t)q;
    return 0;
}

/* threads.NAME.move_every_ms: the thread is pinned in turn to each core
 * of its cpus, moved on this often (as `vsrcal measure` does to price a
 * move on a live host). Linux refuses a deadline task an affinity
 * narrower than its root domain, and vsrcal moves the domain's threads,
 * not the generator it starts. */
static int read_moves(struct ctx *x, const struct vsr_config *c,
                      const char *name, struct vsr_thread_cfg *t)
{
    char path[160];
    double ms;
    int rc;
    snprintf(path, sizeof path, "threads.%s.move_every_ms", name);
    if ((rc = get_num(x, path, 0.1, 1e6, 0, 0, &ms)))
        return rc;
    t->move_every_ns = (int64_t)(ms * 1e6);
    if (!get(x, path))
        return 0;
    if (__builtin_popcountll(t->cpus & c->online) < 2)
        return fail(x, get(x, path),
                    "'%s' moves thread '%s' between the cores of its cpus, "
                    "which name only one online core",
                    path, name);
    if (t->cls->rank == SCHED_DEADLINE)
        return fail(x, get(x, path),
                    "'%s': a deadline thread cannot be pinned to one core "
                    "(Linux refuses it an affinity narrower than its root "
                    "domain)",
                    path);
    if (t->kind == VSR_GEN)
        return fail(x, get(x, path),
                    "'%s': only the domain's threads can be moved, not the "
                    "generator",
                    path);
    return 0;
}

/* The index of the group at `path` (its parents added first when new),
 * or -1 with an error naming setting s. */
static int cgroup_index(struct ctx *x, struct vsr_config *c,
                        const config_setting_t *s, const char *what,
                        const char *path)
{
    size_t n = strlen(path), max = sizeof c->cgroup[0].path - 1;
    if (n == 0 || n > max || path[0] == '/' || path[n - 1] == '/' ||
        strstr(path, "//") || strpbrk(path, " \t\n")) {
        fail(x, s,
             "'%s' must be a group's path below the root, as "
             "\"machine/vm/emulator\", at most %zu characters (got '%s')",
             what, max, path);
        return -1;
    }
    int parent = -1;
    for (const char *slash = path;; slash++) {
        slash = strchr(slash, '/');
        size_t len = slash ? (size_t)(slash - path) : n;
        int k = -1;
        for (int i = 0; i < c->ncgroups && k < 0; i++)
            if (strlen(c->cgroup[i].path) == len &&
                memcmp(c->cgroup[i].path, path, len) == 0)
                k = i;
        if (k < 0) {
            if (c->ncgroups == CGROUP_MAX) {
                fail(x, s, "at most %d control groups", CGROUP_MAX);
                return -1;
            }
            k = c->ncgroups++;
            snprintf(c->cgroup[k].path, sizeof c->cgroup[k].path, "%.*s",
                     (int)len, path);
            c->cgroup[k].g = (struct cgroup){parent, 1024};
        }
        parent = k;
        if (!slash)
            return k;
    }
}

/* The groups of 'cgroups' with other shares than 1024 (cpu.shares; cgroup
 * v2's cpu.weight x 10.24). Threads name the rest. */
static int read_cgroups(struct ctx *x, struct vsr_config *c)
{
    c->ncgroups = 0;
    config_setting_t *l = get(x, "cgroups");
    for (int i = 0; l && i < config_setting_length(l); i++) {
        config_setting_t *e = config_setting_get_elem(l, i);
        const char *path;
        if (!config_setting_lookup_string(e, "path", &path))
            return fail(x, e, "group %d of 'cgroups' has no path", i + 1);
        int k = cgroup_index(x, c, e, "cgroups.path", path);
        if (k < 0)
            return SIM_EINPUT;
        config_setting_t *sh = config_setting_lookup(e, "shares");
        if (sh) {
            long long v = config_setting_get_int64(sh);
            if (config_setting_type(sh) != CONFIG_TYPE_INT || v < 2 ||
                v > 262144)
                return fail(x, sh,
                            "'cgroups.shares' of '%s' must be an integer "
                            "from 2 to 262144",
                            path);
            c->cgroup[k].g.shares = (int)v;
        }
    }
    return 0;
}

static int read_thread(struct ctx *x, struct vsr_config *c, const char *name,
                       struct vsr_thread_cfg *t)
{
    char path[160];
    int rc;
    snprintf(t->name, sizeof t->name, "%s", name);
    snprintf(path, sizeof path, "threads.%s.kind", name);
    config_setting_t *s = get(x, path);
    if (!s)
        return fail(x, get(x, "threads"),
                    "missing setting '%s' (vcpu, vhost, vhost-rx, vhost-tx, "
                    "io or generator)",
                    path);
    const char *kind = config_setting_get_string(s);
    if (strcmp(kind, "vcpu") == 0)
        t->kind = VSR_VCPU;
    else if (strcmp(kind, "vhost") == 0)
        t->kind = VSR_VHOST;
    else if (strcmp(kind, "vhost-rx") == 0)
        t->kind = VSR_VHOST_RX;
    else if (strcmp(kind, "vhost-tx") == 0)
        t->kind = VSR_VHOST_TX;
    else if (strcmp(kind, "io") == 0)
        t->kind = VSR_IO;
    else if (strcmp(kind, "generator") == 0)
        t->kind = VSR_GEN;
    else
        return fail(x, s,
                    "'%s' must be vcpu, vhost, vhost-rx, vhost-tx, io or "
                    "generator (got '%s')",
                    path, kind);

    snprintf(path, sizeof path, "threads.%s.vm", name);
    config_setting_t *vs = get(x, path);
    t->vm = 0;
    if (vs) {
        const char *vm = config_setting_get_string(vs);
        t->vm = -1;
        for (int m = 0; m < c->nvm; m++)
            if (strcmp(c->vm[m].name, vm) == 0)
                t->vm = m;
        if (t->vm < 0)
            return fail(x, vs, "'%s' names no VM of 'vms' (got '%s')", path,
                        vm);
    } else if (c->nvm > 1) {
        return fail(x, s, "missing setting '%s' (the VM of thread '%s')", path,
                    name);
    }
    snprintf(path, sizeof path, "threads.%s.nic", name);
    int nics = c->vm[t->vm].role == VSR_LB ? 2 : 1;
    if ((rc = get_int(x, path, 0, nics - 1, 0, 0, &t->nic)))
        return rc;

    snprintf(path, sizeof path, "threads.%s.cgroup", name);
    t->cgroup = -1;
    if ((s = get(x, path)) &&
        (t->cgroup = cgroup_index(x, c, s, path,
                                  config_setting_get_string(s))) < 0)
        return SIM_EINPUT;

    snprintf(path, sizeof path, "threads.%s.cpus", name);
    if ((rc = get_cores(x, path, c->ncores, &t->cpus)))
        return rc;
    if (!(t->cpus & c->online))
        return fail(x, get(x, path),
                    "'%s' binds thread '%s' only to "
                    "offline cores",
                    path, name);

    snprintf(path, sizeof path, "threads.%s.policy", name);
    s = get(x, path);
    const char *pol = s ? config_setting_get_string(s) : "cfs";
    t->cls = sched_find(pol);
    if (!t->cls || t->cls->rank == SCHED_IRQ)
        return fail(x, s, "'%s' must be cfs, fifo or deadline (got '%s')", path,
                    pol);
    t->weight = 1024;
    if (t->cls->rank == SCHED_CFS) {
        int nice;
        snprintf(path, sizeof path, "threads.%s.nice", name);
        if ((rc = get_int(x, path, -20, 19, 0, 0, &nice)))
            return rc;
        t->weight = nice_weight[nice + 20];
        t->nice = nice;
    } else if (t->cls->rank == SCHED_FIFO) {
        snprintf(path, sizeof path, "threads.%s.priority", name);
        if ((rc = get_int(x, path, 1, 99, 1, 0, &t->prio)))
            return rc;
    } else {
        double q, p;
        snprintf(path, sizeof path, "threads.%s.runtime_ms", name);
        if ((rc = get_num(x, path, 1e-3, 1e6, 1, 0, &q)))
            return rc;
        config_setting_t *qs = get(x, path);
        snprintf(path, sizeof path, "threads.%s.period_ms", name);
        if ((rc = get_num(x, path, 1e-3, 1e6, 1, 0, &p)))
            return rc;
        if (q > p)
            return fail(x, qs,
                        "'threads.%s.runtime_ms' (%g) must not "
                        "exceed period_ms (%g)",
                        name, q, p);
        t->dl_runtime_ns = (int64_t)(q * 1e6);
        t->dl_period_ns = (int64_t)(p * 1e6);
    }
    return read_moves(x, c, name, t);
}

/* 1 when every thread of group g has a kind: the group then replaces the
 * shared threads instead of adjusting them. */
static int defines_threads(const config_setting_t *g)
{
    if (!g || config_setting_length(g) == 0)
        return 0;
    for (int i = 0; i < config_setting_length(g); i++)
        if (!config_setting_lookup(config_setting_get_elem(g, i), "kind"))
            return 0;
    return 1;
}

static int read_threads(struct ctx *x, struct vsr_config *c)
{
    config_setting_t *g =
        x->curve ? config_setting_lookup(x->curve, "threads") : NULL;
    config_setting_t *base = config_lookup(&x->cfg, "threads");
    if (!base && !g)
        return fail(x, x->curve, "missing setting 'threads'");
    config_setting_t *names = defines_threads(g) || !base ? g : base;
    c->nthreads = 0;
    int nvcpu[VSR_MAX_VMS] = {0}, nvh[VSR_MAX_VMS][2] = {{0}},
        nrx[VSR_MAX_VMS][2] = {{0}}, ntx[VSR_MAX_VMS][2] = {{0}},
        nio[VSR_MAX_VMS][2] = {{0}}, ngen = 0;
    for (int i = 0; i < config_setting_length(names); i++) {
        if (c->nthreads == VSR_MAX_THREADS)
            return fail(x, names, "at most %d threads", VSR_MAX_THREADS);
        struct vsr_thread_cfg *t = &c->thread[c->nthreads++];
        const char *name =
            config_setting_name(config_setting_get_elem(names, i));
        int rc = read_thread(x, c, name, t);
        if (rc)
            return rc;
        nvcpu[t->vm] += t->kind == VSR_VCPU;
        nvh[t->vm][t->nic] += t->kind == VSR_VHOST;
        nrx[t->vm][t->nic] += t->kind == VSR_VHOST_RX;
        ntx[t->vm][t->nic] += t->kind == VSR_VHOST_TX;
        nio[t->vm][t->nic] += t->kind == VSR_IO;
        ngen += t->kind == VSR_GEN;
    }
    if (ngen > 1)
        return fail(x, names, "at most one generator thread (has %d)", ngen);
    if (ngen == 1 && (c->nvm > 1 || c->native ||
                      c->interconnect != VSR_MACVTAP))
        return fail(x, names,
                    "a generator thread sends into the TAP of one router "
                    "VM: it needs one VM, vm.interconnect = \"macvtap\" "
                    "(a plain TAP) and host.router = \"vm\"");
    static const char *const pacings[] = {"even", "per_second"};
    int pacing, rc = get_choice(x, "traffic.pacing", pacings, 2, &pacing);
    if (rc)
        return rc;
    if (pacing && ngen == 0)
        return fail(x, get(x, "traffic.pacing"),
                    "'traffic.pacing' = \"per_second\" paces a generator "
                    "thread (trafgen -b), and the scenario has none");
    c->gen_burst_ns = pacing ? 1000000000 : 0;
    if (g && names == base) /* adjusting: no new threads */
        for (int i = 0; i < config_setting_length(g); i++) {
            config_setting_t *s = config_setting_get_elem(g, i);
            if (!config_setting_lookup(base, config_setting_name(s)))
                return fail(x, s,
                            "curve sets thread '%s' that the "
                            "scenario's threads do not define (give every "
                            "thread of the curve a kind to replace them)",
                            config_setting_name(s));
        }
    for (int m = 0; m < c->nvm; m++) {
        const char *vm = c->vm[m].name;
        if (nvcpu[m] < 1 || nvcpu[m] > 2)
            return fail(x, names,
                        "VM '%s' must have 1 or 2 vcpu threads (has %d)", vm,
                        nvcpu[m]);
        for (int k = 0; k < (c->vm[m].role == VSR_LB ? 2 : 1); k++) {
            int h = nvh[m][k], r = nrx[m][k], t = ntx[m][k], io = nio[m][k];
            if (!((h + io == 1 && r + t == 0) ||
                  (h + io == 0 && r == 1 && t == 1)))
                return fail(x, names,
                            "NIC %d of VM '%s' needs one vhost thread, one "
                            "vhost-rx and one vhost-tx thread, or one io "
                            "thread",
                            k, vm);
            if (c->interconnect == VSR_NETMAP && io != 1)
                return fail(x, names,
                            "netmap needs the VM's packets moved by an io "
                            "thread (QEMU's), not vhost-net");
        }
    }
    if (c->interconnect == VSR_NETMAP && c->nvm > 1)
        return fail(x, names, "netmap serves one VM");
    return 0;
}

/* The VMs (one router named "vm" by default) and how flows are spread
 * over several of them. */
static int read_vms(struct ctx *x, struct vsr_config *c)
{
    config_setting_t *l = get(x, "vms");
    c->nvm = 0;
    if (!l) {
        c->nvm = 1;
        snprintf(c->vm[0].name, sizeof c->vm[0].name, "vm");
        c->vm[0].role = VSR_ROUTER;
    }
    int n = l ? config_setting_length(l) : 0, routers = !l;
    if (l && (n < 1 || n > VSR_MAX_VMS))
        return fail(x, l, "'vms' must list 1 to %d VMs (has %d)", VSR_MAX_VMS,
                    n);
    for (int i = 0; i < n; i++) {
        config_setting_t *e = config_setting_get_elem(l, i);
        struct vsr_vm_cfg *vm = &c->vm[c->nvm++];
        const char *name, *role = "router";
        if (!config_setting_lookup_string(e, "name", &name))
            return fail(x, e, "VM %d of 'vms' has no name", i + 1);
        snprintf(vm->name, sizeof vm->name, "%s", name);
        config_setting_lookup_string(e, "role", &role);
        if (strcmp(role, "router") != 0 && strcmp(role, "lb") != 0)
            return fail(x, config_setting_lookup(e, "role"),
                        "'vms.%s.role' must be router or lb (got '%s')", name,
                        role);
        vm->role = strcmp(role, "lb") == 0 ? VSR_LB : VSR_ROUTER;
        routers += vm->role == VSR_ROUTER;
        for (int j = 0; j < i; j++)
            if (strcmp(c->vm[j].name, name) == 0)
                return fail(x, e, "two VMs are named '%s'", name);
    }
    if (!routers)
        return fail(x, l, "'vms' must hold at least one router");
    static const char *const spreads[] = {"hash", "rr"};
    static const char *const links[] = {"openvswitch", "bridge"};
    int i, rc;
    if ((rc = get_choice(x, "traffic.spread", spreads, 2, &i)))
        return rc;
    c->spread = i ? VSR_SPREAD_RR : VSR_SPREAD_HASH;
    if ((rc = get_choice(x, "vm.internal", links, 2, &i)))
        return rc;
    c->internal = i ? VSR_BRIDGE : VSR_OVS;
    return 0;
}

/* Where packets are routed (a VM, or the host itself), over how many flows
 * and routes, with how big a route cache. */
static int read_routing(struct ctx *x, struct vsr_config *c)
{
    static const char *const routers[] = {"vm", "native"};
    int rc, n;
    if ((rc = get_choice(x, "host.router", routers, 2, &c->native)))
        return rc;
    if ((rc = get_int(x, "traffic.flows", 1, 1 << 30, 0, 1, &n)))
        return rc;
    c->flows = (uint32_t)n;
    if ((rc = get_int(x, "routing.routes", 1, 1 << 30, 0, 1, &n)))
        return rc;
    c->routes = (uint32_t)n;
    if ((rc = get_int(x, "routing.cache_entries", 1, 1 << 30, 0, 32768, &n)))
        return rc;
    c->route_cache = (uint32_t)n;
    return 0;
}

static int read_curve(struct ctx *x, struct scenario_curve *sc, int idx)
{
    int rc;
    config_setting_t *s =
        x->curve ? config_setting_lookup(x->curve, "name") : NULL;
    if (x->curve && !s)
        return fail(x, x->curve, "curve %d has no name", idx + 1);
    snprintf(sc->name, sizeof sc->name, "%s",
             s ? config_setting_get_string(s) : "default");
    if ((rc = read_host(x, &sc->cfg)) || (rc = read_vm(x, &sc->cfg)) ||
        (rc = read_routing(x, &sc->cfg)) || (rc = read_vms(x, &sc->cfg)) ||
        (rc = read_cgroups(x, &sc->cfg)) || (rc = read_threads(x, &sc->cfg)))
        return rc;
    return 0;
}

static uint64_t fnv1a(const char *s)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 0x100000001b3ULL;
    return h;
}

/* A string of at most len-1 bytes into out (default dflt when absent). */
static int get_str(struct ctx *x, const char *path, char *out, size_t len,
                   const char *dflt)
{
    const config_setting_t *s = get(x, path);
    if (!s) {
        if (!dflt)
            return fail(x, x->curve, "missing setting '%s'", path);
        snprintf(out, len, "%s", dflt);
        return 0;
    }
    const char *v = config_setting_get_string(s);
    if (strlen(v) >= len)
        return fail(x, s, "'%s' must be at most %zu bytes long", path,
                    len - 1);
    snprintf(out, len, "%s", v);
    return 0;
}

/* A path relative to the scenario's folder, unless absolute. */
static void resolve(const struct ctx *x, const char *p, char *out, size_t len)
{
    if (p[0] == '/' || p[0] == '\0') {
        snprintf(out, len, "%s", p);
        return;
    }
    char tmp[512];
    snprintf(tmp, sizeof tmp, "%s", x->path);
    snprintf(out, len, "%s/%s", dirname(tmp), p);
}

/* A curve's own measure.rates_kpps: which of the plan's rates vsrcal
 * measures it at (a curve that prices one effect needs no full sweep). */
static int read_curve_rates(struct ctx *x, struct scenario *s)
{
    const struct scenario_measure *m = &s->measure;
    config_setting_t *curves = config_lookup(&x->cfg, "curves");
    for (int i = 0; curves && i < s->ncurves; i++) {
        config_setting_t *r = config_setting_lookup(
            config_setting_get_elem(curves, i), "measure.rates_kpps");
        if (!r)
            continue;
        if (config_setting_length(r) < 1)
            return fail(x, r, "a curve's 'measure.rates_kpps' must hold 1 "
                        "or more of the plan's rates");
        for (int j = 0; j < config_setting_length(r); j++) {
            double kpps = num_of(config_setting_get_elem(r, j));
            int k = 0;
            while (k < m->nrates &&
                   !(fabs(kpps - m->rates_kpps[k]) <= 1e-9 * kpps))
                k++;
            if (k == m->nrates)
                return fail(x, r, "a curve's 'measure.rates_kpps' must hold "
                            "rates the plan measures (measure.rates_kpps, "
                            "else traffic.rates_kpps); %g is not one",
                            kpps);
            s->curve[i].measure_rates |= (uint64_t)1 << k;
        }
    }
    return 0;
}

static int read_measure(struct ctx *x, struct scenario *s, int ncores)
{
    struct scenario_measure *m = &s->measure;
    static const char *const tools[] = {"auto", "trafgen", "pktgen"};
    char conf[512];
    int rc, tool;
    if (!config_lookup(&x->cfg, "measure")) {
        config_setting_t *curves = config_lookup(&x->cfg, "curves");
        for (int i = 0; curves && i < s->ncurves; i++) {
            config_setting_t *c = config_setting_lookup(
                config_setting_get_elem(curves, i), "measure");
            if (c)
                return fail(x, c, "a curve's 'measure' needs the plan's "
                            "measure group");
        }
        return 0;
    }
    m->present = 1;
    if ((rc = get_str(x, "measure.connect", m->connect, sizeof m->connect,
                      "qemu:///system")) ||
        (rc = get_str(x, "measure.domain", m->domain, sizeof m->domain,
                      NULL)) ||
        (rc = get_choice(x, "measure.tool", tools, 3, &tool)) ||
        (rc = get_str(x, "measure.generator.netns", m->gen_netns,
                      sizeof m->gen_netns, "")) ||
        (rc = get_str(x, "measure.generator.dev", m->gen_dev,
                      sizeof m->gen_dev, NULL)) ||
        (rc = get_str(x, "measure.generator.conf", conf, sizeof conf, "")) ||
        (rc = get_str(x, "measure.generator.dst_mac", m->gen_dst_mac,
                      sizeof m->gen_dst_mac, "")) ||
        (rc = get_str(x, "measure.generator.dst_ip", m->gen_dst_ip,
                      sizeof m->gen_dst_ip, "")) ||
        (config_lookup(&x->cfg, "measure.generator.cpus") &&
         (rc = get_cores(x, "measure.generator.cpus", ncores,
                         &m->gen_cpus))) ||
        (rc = get_str(x, "measure.sink.netns", m->sink_netns,
                      sizeof m->sink_netns, "")) ||
        (rc = get_str(x, "measure.sink.dev", m->sink_dev, sizeof m->sink_dev,
                      NULL)) ||
        (rc = get_num(x, "measure.point_s", 0.1, 3600, 0, 2.0,
                      &m->point_s)) ||
        (rc = get_num(x, "measure.settle_s", 0, 60, 0, 0.5, &m->settle_s)) ||
        (rc = get_num(x, "measure.drain_s", 0, 60, 0, m->settle_s,
                      &m->drain_s)) ||
        (rc = get_int(x, "measure.reps", 1, 100, 0, 3, &m->reps)))
        return rc;
    config_setting_t *ext = config_lookup(&x->cfg, "measure.extend");
    if (ext && !config_setting_lookup(ext, "max_kpps"))
        return fail(x, ext, "'measure.extend' needs max_kpps, the highest "
                    "rate to go on to");
    if (ext &&
        ((rc = get_num(x, "measure.extend.factor", 1.01, 10, 0, 1.3,
                       &m->extend_factor)) ||
         (rc = get_num(x, "measure.extend.max_kpps", 1e-3, 1e6, 1, 0,
                       &m->extend_max_kpps))))
        return rc;
    snprintf(m->tool, sizeof m->tool, "%s", tools[tool]);
    if (conf[0])
        resolve(x, conf, m->gen_conf, sizeof m->gen_conf);
    config_setting_t *r = config_lookup(&x->cfg, "measure.rates_kpps");
    if (!r) {
        m->nrates = s->nrates;
        memcpy(m->rates_kpps, s->rates_kpps, sizeof m->rates_kpps);
        return read_curve_rates(x, s);
    }
    m->nrates = config_setting_length(r);
    if (m->nrates < 1 || m->nrates > SCENARIO_MAX_RATES)
        return fail(x, r, "'measure.rates_kpps' must hold 1 to %d rates",
                    SCENARIO_MAX_RATES);
    for (int i = 0; i < m->nrates; i++) {
        m->rates_kpps[i] = num_of(config_setting_get_elem(r, i));
        if (!(m->rates_kpps[i] > 0))
            return fail(x, r, "'measure.rates_kpps' must hold positive rates "
                        "(got %g)", m->rates_kpps[i]);
        if (!isfinite(m->rates_kpps[i]))
            return fail(x, r, "'measure.rates_kpps' must hold finite rates "
                        "(got %g)", m->rates_kpps[i]);
    }
    return read_curve_rates(x, s);
}

/* The offered rates of the sweep `r` must fit on the link of curve `sc`:
 * no rate above its line rate for its frame size (a relative 10^-9 over
 * is rounding, not a faster link). */
static int check_line_rate(struct ctx *x, const config_setting_t *r,
                           const struct scenario *s,
                           const struct scenario_curve *sc)
{
    double line_kpps = vsr_line_rate_pps(&sc->cfg) / 1e3;
    char whose[96] = ""; /* a curve with a link of its own is named */
    if (x->curve && config_setting_lookup(x->curve, "host.nic.link_gbps"))
        snprintf(whose, sizeof whose, " of curve '%s'", sc->name);
    for (int i = 0; i < s->nrates; i++)
        if (!(s->rates_kpps[i] <= line_kpps * (1 + 1e-9)))
            return fail(x, r,
                        "'traffic.rates_kpps' must hold rates up to the line "
                        "rate, %.3f kpps for %d-byte frames at %g Gbps%s "
                        "(got %.15g)",
                        line_kpps, sc->cfg.frame_bytes, sc->cfg.link_gbps,
                        whose, s->rates_kpps[i]);
    return 0;
}

static int read_all(struct ctx *x, struct scenario *s)
{
    int rc;
    const char *str;
    snprintf(s->name, sizeof s->name, "%s", "scenario");
    if (config_lookup_string(&x->cfg, "name", &str))
        snprintf(s->name, sizeof s->name, "%s", str);
    if (!config_lookup_string(&x->cfg, "costmodel.db", &str))
        return fail(x, NULL, "missing setting 'costmodel.db'");
    resolve(x, str, s->costmodel_db, sizeof s->costmodel_db);
    if (!config_lookup_string(&x->cfg, "costmodel.id", &str))
        return fail(x, NULL, "missing setting 'costmodel.id'");
    snprintf(s->costmodel_id, sizeof s->costmodel_id, "%s", str);

    /* Read whole: a double holds integers exactly up to 2^53 only. */
    const config_setting_t *seed = get(x, "sim.seed");
    long long sd = seed ? config_setting_get_int64(seed) : 1;
    if (sd < 0)
        return fail(x, seed, "'sim.seed' must be at least 0 (got %lld)", sd);
    s->seed = (uint64_t)sd;
    double v;
    if ((rc = get_int(x, "sim.reps", 1, 100000, 0, 10, &s->reps)))
        return rc;
    if ((rc = get_num(x, "sim.warmup_ms", 0, 1e7, 0, 100, &v)))
        return rc;
    s->warmup_ns = (int64_t)(v * 1e6);
    if ((rc = get_num(x, "sim.duration_ms", 1e-3, 1e7, 0, 1000, &v)))
        return rc;
    s->duration_ns = (int64_t)(v * 1e6);

    int frame;
    if ((rc = get_int(x, "traffic.frame_bytes", 60, 65536, 0, 64, &frame)))
        return rc;
    config_setting_t *r = config_lookup(&x->cfg, "traffic.rates_kpps");
    if (!r)
        return fail(x, NULL, "missing setting 'traffic.rates_kpps'");
    s->nrates = config_setting_length(r);
    if (s->nrates < 1 || s->nrates > SCENARIO_MAX_RATES)
        return fail(x, r, "'traffic.rates_kpps' must hold 1 to %d rates",
                    SCENARIO_MAX_RATES);
    for (int i = 0; i < s->nrates; i++) {
        s->rates_kpps[i] = num_of(config_setting_get_elem(r, i));
        if (!(s->rates_kpps[i] > 0))
            return fail(x, r,
                        "'traffic.rates_kpps' must hold positive "
                        "rates (got %g)",
                        s->rates_kpps[i]);
    }

    config_setting_t *curves = config_lookup(&x->cfg, "curves");
    s->ncurves = curves ? config_setting_length(curves) : 1;
    if (s->ncurves < 1 || s->ncurves > SCENARIO_MAX_CURVES)
        return fail(x, curves, "a scenario needs 1 to %d curves",
                    SCENARIO_MAX_CURVES);
    for (int i = 0; i < s->ncurves; i++) {
        x->curve = curves ? config_setting_get_elem(curves, i) : NULL;
        struct scenario_curve *sc = &s->curve[i];
        if ((rc = read_curve(x, sc, i)))
            return rc;
        sc->cfg.frame_bytes = frame;
        if ((rc = check_line_rate(x, r, s, sc)))
            return rc;
        /* A generator paced per second sends each second's packets at
         * its start: only whole seconds offer the rate. */
        int64_t period = sc->cfg.gen_burst_ns;
        if (period > 0 && s->duration_ns % period != 0)
            return fail(x, get(x, "sim.duration_ms"),
                        "'sim.duration_ms' must be a whole number of "
                        "seconds with traffic.pacing = \"per_second\" "
                        "(got %g ms)", (double)s->duration_ns / 1e6);
        for (int j = 0; j < i; j++)
            if (strcmp(s->curve[j].name, sc->name) == 0)
                return fail(x, x->curve, "two curves are named '%s'", sc->name);
    }
    x->curve = NULL;
    return read_measure(x, s, s->curve[0].cfg.ncores);
}

/* The configuration as libconfig writes it, in a new string. */
static char *config_text(config_t *cfg)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f)
        abort();
    config_write(cfg, f);
    fclose(f);
    return buf;
}

/* The include path on line `line` of `file`, into buf ("" if none). */
static void include_on_line(const char *file, int line, char *buf, size_t n)
{
    buf[0] = '\0';
    FILE *f = fopen(file, "r");
    char text[1024];
    for (int i = 1; f && fgets(text, sizeof text, f); i++) {
        if (i < line)
            continue;
        char *q = strstr(text, "@include");
        q = q ? strchr(q, '"') : NULL;
        char *e = q ? strchr(q + 1, '"') : NULL;
        if (e)
            snprintf(buf, n, "%.*s", (int)(e - q - 1), q + 1);
        break;
    }
    if (f)
        fclose(f);
}

/* libconfig's parse error as FILE:LINE: TEXT. An include it cannot open
 * is named, with where it was looked for: libconfig 1.5 takes every
 * @include path, an absolute one too, relative to the scenario's folder. */
static void parse_error(const config_t *cfg, const char *path,
                        const char *dir, char *err, size_t errlen)
{
    const char *file = config_error_file(cfg) ? config_error_file(cfg) : path;
    int line = config_error_line(cfg);
    char inc[512];
    if (strstr(config_error_text(cfg), "include"))
        include_on_line(file, line, inc, sizeof inc);
    else
        inc[0] = '\0';
    if (inc[0])
        snprintf(err, errlen, "%s:%d: cannot open include file '%s' (looked "
                 "for as %s/%s: @include paths are relative to the "
                 "scenario's folder)", file, line, inc, dir, inc);
    else
        snprintf(err, errlen, "%s:%d: %s", file, line,
                 config_error_text(cfg));
}

int scenario_load(struct scenario *s, const char *path, const char *const *set,
                  int nset, char *err, size_t errlen)
{
    struct ctx x = {.path = path, .err = err, .errlen = errlen};
    int rc = SIM_EINPUT;
    memset(s, 0, sizeof *s);
    snprintf(s->path, sizeof s->path, "%s", path);
    config_init(&x.cfg);
    char dir[512];
    snprintf(dir, sizeof dir, "%s", path);
    config_set_include_dir(&x.cfg, dirname(dir));
    struct stat st;
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
        snprintf(err, errlen, "%s: cannot read scenario: %s", path,
                 strerror(EISDIR));
        goto out;
    }
    if (!config_read_file(&x.cfg, path)) {
        if (config_error_type(&x.cfg) == CONFIG_ERR_FILE_IO)
            snprintf(err, errlen, "%s: cannot read scenario: %s", path,
                     strerror(errno ? errno : ENOENT));
        else
            parse_error(&x.cfg, path, config_get_include_dir(&x.cfg), err,
                        errlen);
        goto out;
    }
    x.over = xcalloc(nset > 0 ? (size_t)nset : 1, sizeof *x.over);
    for (int i = 0; i < nset; i++)
        if ((rc = set_one(&x, set[i])))
            goto out;
    if ((rc = check_tree(&x, config_root_setting(&x.cfg), "", 0)) ||
        (rc = read_all(&x, s)))
        goto out;

    /* The scenario as run: includes expanded, overrides applied. */
    s->text = config_text(&x.cfg);
    s->hash = fnv1a(s->text);
    /* What one run depends on: all of it but the number of replications. */
    config_setting_t *reps = config_lookup(&x.cfg, "sim.reps");
    if (reps)
        config_setting_set_int(reps, 0);
    char *runs_text = config_text(&x.cfg);
    s->run_hash = fnv1a(runs_text);
    free(runs_text);
    rc = 0;
out:
    free(x.over);
    config_destroy(&x.cfg);
    return rc;
}

void scenario_clear(struct scenario *s)
{
    free(s->text);
    s->text = NULL;
}
