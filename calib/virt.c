/*
 * virt.c - what vsrcal asks libvirt about a domain, and the two pins.
 *
 * This is the only file of calib/ that calls libvirt, so that the API's
 * quirks are handled in one place:
 *
 * - Only calls and flags that work on both the QEMU driver and the test
 *   driver (the unit tests' fixture) are used. Pins are set with flags 0
 *   (the test driver refuses VIR_DOMAIN_AFFECT_LIVE) and read with
 *   VIR_DOMAIN_AFFECT_CURRENT. Scheduler settings are not read through
 *   virDomainGetSchedulerParametersFlags (it fails on the test driver, and
 *   has no RT policy anyway): they come from <cputune> in the live XML.
 *
 * - Host CPU maps are sized VIR_CPU_MAPLEN(n) with n the largest of the
 *   CPU counts virNodeGetInfo and virNodeGetCPUMap give, because the test
 *   driver's two disagree. A map becomes a uint64_t mask; CPUs from 64 up
 *   do not fit and are dropped when reading.
 *
 * - Thread ids come from QMP (`query-cpus-fast`, `query-iothreads`)
 *   through virDomainQemuMonitorCommand. libvirt marks a domain so queried
 *   as tainted ("custom-monitor") in its log, and changes nothing else.
 *   A driver without a monitor (the test driver) or a domain that is not
 *   running gives qmp = 0 and the reason, not an error: the caller has a
 *   fallback (thread names).
 *
 * - The domain XML and the QMP replies are read by two small scanners
 *   rather than by an XML or JSON library: a dozen elements and two
 *   replies are needed, and libvirt and QEMU format them predictably.
 *   Both still check that the whole text is well formed (tags balanced
 *   and closed, quotes closed, JSON grammar) and stop at the first fault
 *   with the line or offset, so that a truncated or foreign text is
 *   refused rather than half read. Nothing is read past the text's NUL.
 *   The XML scanner keeps the path of open elements, so that an element
 *   is taken only in its place (a <name> inside <metadata> is not the
 *   domain's). The JSON scanner looks only at the top-level members of
 *   each entry of "return" and skips every other value whole, counting
 *   its depth; so the "thread-id" inside "props" (the SMT thread index)
 *   is never mistaken for the entry's own.
 *
 * - libvirt prints every error to stderr by default. That is turned off,
 *   process-wide, by a handler that does nothing; each error comes back
 *   as one line: where (domain, URI), what was being done, then libvirt's
 *   own message (virGetLastErrorMessage).
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libvirt/libvirt-qemu.h>
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include "err.h"
#include "virt.h"

#if defined(__GNUC__)
#define PRINTF_LIKE(f, a) __attribute__((format(printf, f, a)))
#else
#define PRINTF_LIKE(f, a)
#endif

#define QMP_CPUS "{\"execute\":\"query-cpus-fast\"}"
#define QMP_IOTHREADS "{\"execute\":\"query-iothreads\"}"

/* Masks hold CPUs 0..63. */
#define MASK_BITS 64

struct virt {
    virConnectPtr conn;
    virDomainPtr dom;
    char *uri;  /* as given, for messages */
    char *name; /* the domain's, for messages */
};

/* Control characters (a newline in libvirt's message, say) become spaces,
 * so that an error is always one line. */
static void make_one_line(char *s)
{
    for (; *s != '\0'; s++)
        if ((unsigned char)*s < 0x20 || *s == 0x7f)
            *s = ' ';
}

PRINTF_LIKE(3, 4)
static void set_err(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;

    if (err == NULL || errlen == 0)
        return;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
    make_one_line(err);
}

/* A libvirt call on v failed: "domain NAME on URI: DOING: MESSAGE". */
PRINTF_LIKE(4, 5)
static void set_virt_err(const struct virt *v, char *err, size_t errlen,
                         const char *fmt, ...)
{
    char doing[160];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(doing, sizeof doing, fmt, ap);
    va_end(ap);
    set_err(err, errlen, "domain %s on %s: %s: %s", v->name, v->uri, doing,
            virGetLastErrorMessage());
}

/* libvirt's error handler: the error stays in virGetLastErrorMessage(),
 * nothing is printed. */
static void ignore_error(void *data, virErrorPtr error)
{
    (void)data;
    (void)error;
}

/* ------------------------------------------------------------------------
 * CPU maps and masks
 * ------------------------------------------------------------------------ */

static uint64_t map_to_mask(const unsigned char *map, int maplen)
{
    uint64_t mask = 0;

    for (int cpu = 0; cpu < maplen * 8 && cpu < MASK_BITS; cpu++)
        if (VIR_CPU_USED(map, cpu))
            mask |= UINT64_C(1) << cpu;
    return mask;
}

/* A map of VIR_CPU_MAPLEN(ncpus) bytes, to be freed by the caller. */
static unsigned char *mask_to_map(uint64_t mask, int ncpus, int *maplen)
{
    unsigned char *map;

    *maplen = VIR_CPU_MAPLEN(ncpus);
    map = xcalloc((size_t)*maplen, 1);
    for (int cpu = 0; cpu < ncpus && cpu < MASK_BITS; cpu++)
        if (mask & (UINT64_C(1) << cpu))
            VIR_USE_CPU(map, cpu);
    return map;
}

/* "0-2,5" for messages; "none" for an empty mask. */
static const char *mask_to_list(uint64_t mask, char *buf, size_t size)
{
    size_t len = 0;
    int cpu = 0;

    buf[0] = '\0';
    while (cpu < MASK_BITS && len < size) {
        int last;

        if (!(mask & (UINT64_C(1) << cpu))) {
            cpu++;
            continue;
        }
        last = cpu;
        while (last + 1 < MASK_BITS && (mask & (UINT64_C(1) << (last + 1))))
            last++;
        len += (size_t)snprintf(buf + len, size - len, "%s%d", len ? "," : "",
                                cpu);
        if (last > cpu && len < size)
            len += (size_t)snprintf(buf + len, size - len, "-%d", last);
        cpu = last + 1;
    }
    return mask ? buf : "none";
}

/* The host's CPU count for sizing maps, or -1. */
static int host_cpus(const struct virt *v, char *err, size_t errlen)
{
    virNodeInfo info;
    int n;

    if (virNodeGetInfo(v->conn, &info) < 0) {
        set_virt_err(v, err, errlen, "reading the host's CPU count");
        return -1;
    }
    n = virNodeGetCPUMap(v->conn, NULL, NULL, 0);
    if (n < 0) {
        set_virt_err(v, err, errlen, "reading the host's CPU map");
        return -1;
    }
    if (info.cpus > (unsigned)n)
        n = (int)info.cpus;
    if (VIR_NODEINFO_MAXCPUS(info) > (unsigned)n)
        n = (int)VIR_NODEINFO_MAXCPUS(info);
    return n;
}

/* A pin request's mask as a map for this host; NULL (and err) when it is
 * empty or names a CPU the host does not have. */
static unsigned char *pin_map(const struct virt *v, uint64_t cpus, int *maplen,
                              char *err, size_t errlen)
{
    char list[200];
    int n = host_cpus(v, err, errlen);

    if (n < 0)
        return NULL;
    if (cpus == 0) {
        set_err(err, errlen, "domain %s on %s: empty CPU set", v->name, v->uri);
        return NULL;
    }
    if (n < MASK_BITS && (cpus >> n) != 0) {
        set_err(err, errlen,
                "domain %s on %s: CPUs %s: the host has CPUs 0-%d only",
                v->name, v->uri, mask_to_list(cpus, list, sizeof list), n - 1);
        return NULL;
    }
    return mask_to_map(cpus, n, maplen);
}

/* ------------------------------------------------------------------------
 * Connection and pins
 * ------------------------------------------------------------------------ */

int virt_open(struct virt **out, const char *uri, const char *name, char *err,
              size_t errlen)
{
    struct virt *v;

    *out = NULL;
    if (name == NULL || name[0] == '\0') {
        set_err(err, errlen, "%s: no domain name given",
                uri ? uri : "default URI");
        return -1;
    }
    /* The remote driver writes to the daemon's socket: a daemon that dies
     * under a call would kill vsrcal with SIGPIPE, before it could restore
     * the host. Ignored, the call fails with EPIPE and vsrcal says so. */
    signal(SIGPIPE, SIG_IGN);
    if (virInitialize() < 0) {
        set_err(err, errlen, "initialising libvirt: %s",
                virGetLastErrorMessage());
        return -1;
    }
    virSetErrorFunc(NULL, ignore_error);

    v = xcalloc(1, sizeof *v);
    v->uri = xstrdup(uri ? uri : "the default URI");
    v->name = xstrdup(name);
    v->conn = virConnectOpen(uri);
    if (v->conn == NULL) {
        set_err(err, errlen, "connecting to %s: %s", v->uri,
                virGetLastErrorMessage());
        virt_close(v);
        return -1;
    }
    v->dom = virDomainLookupByName(v->conn, name);
    if (v->dom == NULL) {
        set_virt_err(v, err, errlen, "looking it up");
        virt_close(v);
        return -1;
    }
    *out = v;
    return 0;
}

void virt_close(struct virt *v)
{
    if (v == NULL)
        return;
    if (v->dom != NULL)
        virDomainFree(v->dom);
    if (v->conn != NULL)
        virConnectClose(v->conn);
    free(v->uri);
    free(v->name);
    free(v);
}

int virt_domain_running(struct virt *v)
{
    return virConnectIsAlive(v->conn) == 1 && virDomainIsActive(v->dom) == 1;
}

int virt_pin_vcpu(struct virt *v, int vcpu, uint64_t cpus, char *err,
                  size_t errlen)
{
    char list[200];
    unsigned char *map;
    int maplen, rc;

    if (vcpu < 0) {
        set_err(err, errlen, "domain %s on %s: no vCPU %d", v->name, v->uri,
                vcpu);
        return -1;
    }
    map = pin_map(v, cpus, &maplen, err, errlen);
    if (map == NULL)
        return -1;
    rc = virDomainPinVcpuFlags(v->dom, (unsigned)vcpu, map, maplen, 0);
    free(map);
    if (rc < 0) {
        set_virt_err(v, err, errlen, "pinning vCPU %d to CPUs %s", vcpu,
                     mask_to_list(cpus, list, sizeof list));
        return -1;
    }
    return 0;
}

int virt_pin_emulator(struct virt *v, uint64_t cpus, char *err, size_t errlen)
{
    char list[200];
    unsigned char *map;
    int maplen, rc;

    map = pin_map(v, cpus, &maplen, err, errlen);
    if (map == NULL)
        return -1;
    rc = virDomainPinEmulator(v->dom, map, maplen, 0);
    free(map);
    if (rc < 0) {
        set_virt_err(v, err, errlen, "pinning the emulator to CPUs %s",
                     mask_to_list(cpus, list, sizeof list));
        return -1;
    }
    return 0;
}

/* ------------------------------------------------------------------------
 * Reading a domain
 * ------------------------------------------------------------------------ */

static int read_xml(struct virt *v, struct virt_domain *d, char *err,
                    size_t errlen)
{
    char why[200];
    char *xml = virDomainGetXMLDesc(v->dom, 0);
    int rc;

    if (xml == NULL) {
        set_virt_err(v, err, errlen, "reading its XML");
        return -1;
    }
    rc = virt_parse_domain_xml(xml, d, why, sizeof why);
    free(xml);
    if (rc < 0)
        set_err(err, errlen, "domain %s on %s: %s", v->name, v->uri, why);
    return rc;
}

static int read_state(struct virt *v, struct virt_domain *d, char *err,
                      size_t errlen)
{
    unsigned id;

    d->active = virDomainIsActive(v->dom);
    if (d->active < 0) {
        set_virt_err(v, err, errlen, "reading its state");
        return -1;
    }
    id = virDomainGetID(v->dom);
    d->id = id == (unsigned)-1 ? -1 : (int)id;
    d->nvcpus = virDomainGetVcpusFlags(v->dom, VIR_DOMAIN_AFFECT_CURRENT);
    if (d->nvcpus < 0) {
        set_virt_err(v, err, errlen, "counting its vCPUs");
        return -1;
    }
    if (d->nvcpus > VIRT_MAX_VCPUS) {
        set_err(err, errlen, "domain %s on %s: %d vCPUs, more than %d", v->name,
                v->uri, d->nvcpus, VIRT_MAX_VCPUS);
        return -1;
    }
    return 0;
}

/* vcpu_affinity (live, running domains only) and vcpu_pin. */
static int read_vcpus(struct virt *v, struct virt_domain *d, int maplen,
                      char *err, size_t errlen)
{
    virVcpuInfo info[VIRT_MAX_VCPUS];
    unsigned char *maps;
    int n;

    if (d->nvcpus == 0)
        return 0;
    maps = xcalloc((size_t)d->nvcpus, (size_t)maplen);
    if (d->active) {
        n = virDomainGetVcpus(v->dom, info, d->nvcpus, maps, maplen);
        if (n < 0) {
            set_virt_err(v, err, errlen, "reading vCPU affinity");
            free(maps);
            return -1;
        }
        for (int i = 0; i < n; i++)
            if (info[i].number < (unsigned)d->nvcpus)
                d->vcpu_affinity[info[i].number] =
                    map_to_mask(VIR_GET_CPUMAP(maps, maplen, i), maplen);
    }
    n = virDomainGetVcpuPinInfo(v->dom, d->nvcpus, maps, maplen,
                                VIR_DOMAIN_AFFECT_CURRENT);
    if (n < 0) {
        set_virt_err(v, err, errlen, "reading vCPU pins");
        free(maps);
        return -1;
    }
    for (int i = 0; i < n && i < d->nvcpus; i++)
        d->vcpu_pin[i] = map_to_mask(VIR_GET_CPUMAP(maps, maplen, i), maplen);
    free(maps);
    return 0;
}

static int read_emulator_pin(struct virt *v, struct virt_domain *d, int maplen,
                             char *err, size_t errlen)
{
    unsigned char *map = xcalloc((size_t)maplen, 1);
    int rc = virDomainGetEmulatorPinInfo(v->dom, map, maplen,
                                         VIR_DOMAIN_AFFECT_CURRENT);

    if (rc < 0)
        set_virt_err(v, err, errlen, "reading the emulator pin");
    else
        d->emulator_pin = map_to_mask(map, maplen);
    free(map);
    return rc < 0 ? -1 : 0;
}

static int read_iothreads(struct virt *v, struct virt_domain *d, char *err,
                          size_t errlen)
{
    virDomainIOThreadInfoPtr *info = NULL;
    int n = virDomainGetIOThreadInfo(v->dom, &info, VIR_DOMAIN_AFFECT_CURRENT);

    if (n < 0) {
        set_virt_err(v, err, errlen, "reading its iothreads");
        return -1;
    }
    for (int i = 0; i < n && i < VIRT_MAX_IOTHREADS; i++) {
        d->iothread_id[i] = info[i]->iothread_id;
        d->iothread_pin[i] = map_to_mask(info[i]->cpumap, info[i]->cpumaplen);
    }
    for (int i = 0; i < n; i++)
        virDomainIOThreadInfoFree(info[i]);
    free(info);
    if (n > VIRT_MAX_IOTHREADS) {
        set_err(err, errlen, "domain %s on %s: %d iothreads, more than %d",
                v->name, v->uri, n, VIRT_MAX_IOTHREADS);
        return -1;
    }
    d->niothreads = n;
    return 0;
}

/* One QMP command; the reply (to free) or NULL with the reason in
 * d->qmp_error. */
static char *qmp(struct virt *v, struct virt_domain *d, const char *cmd,
                 const char *what)
{
    char *reply = NULL;

    if (virDomainQemuMonitorCommand(v->dom, cmd, &reply, 0) < 0) {
        set_err(d->qmp_error, sizeof d->qmp_error, "%s: %s", what,
                virGetLastErrorMessage());
        return NULL;
    }
    return reply;
}

/* Thread ids through QMP. Never an error: qmp is 1 when both replies were
 * read, else 0 with the reason in qmp_error. */
static void read_tids(struct virt *v, struct virt_domain *d)
{
    int vcpu_tid[VIRT_MAX_VCPUS];
    char ids[VIRT_MAX_IOTHREADS][32];
    int tids[VIRT_MAX_IOTHREADS];
    char *reply;
    int n;

    if (!d->active) {
        set_err(d->qmp_error, sizeof d->qmp_error, "domain not running");
        return;
    }
    reply = qmp(v, d, QMP_CPUS, "query-cpus-fast");
    if (reply == NULL)
        return;
    n = virt_parse_query_cpus_fast(reply, vcpu_tid, VIRT_MAX_VCPUS,
                                   d->qmp_error, sizeof d->qmp_error);
    free(reply);
    if (n < 0)
        return;
    reply = qmp(v, d, QMP_IOTHREADS, "query-iothreads");
    if (reply == NULL)
        return;
    n = virt_parse_query_iothreads(reply, ids, tids, VIRT_MAX_IOTHREADS,
                                   d->qmp_error, sizeof d->qmp_error);
    free(reply);
    if (n < 0)
        return;

    /* libvirt names iothread N "iothreadN" in QEMU. */
    for (int i = 0; i < d->niothreads; i++) {
        char want[32];

        snprintf(want, sizeof want, "iothread%u", d->iothread_id[i]);
        for (int j = 0; j < n; j++)
            if (strcmp(ids[j], want) == 0)
                d->iothread_tid[i] = tids[j];
    }
    memcpy(d->vcpu_tid, vcpu_tid, sizeof d->vcpu_tid);
    d->qmp = 1;
    d->qmp_error[0] = '\0';
}

int virt_read(struct virt *v, struct virt_domain *out, char *err, size_t errlen)
{
    int ncpus;

    memset(out, 0, sizeof *out);
    out->id = -1;
    if (read_xml(v, out, err, errlen) < 0 ||
        read_state(v, out, err, errlen) < 0)
        return -1;
    ncpus = host_cpus(v, err, errlen);
    if (ncpus < 0)
        return -1;
    out->node_cpus = ncpus;
    if (read_vcpus(v, out, VIR_CPU_MAPLEN(ncpus), err, errlen) < 0 ||
        read_emulator_pin(v, out, VIR_CPU_MAPLEN(ncpus), err, errlen) < 0 ||
        read_iothreads(v, out, err, errlen) < 0)
        return -1;
    read_tids(v, out);
    return 0;
}

/* ------------------------------------------------------------------------
 * Domain XML scanner
 *
 * Reads elements, attributes and text; skips comments, processing
 * instructions and CDATA; refuses DOCTYPE (libvirt writes none). An
 * element is handled by its path from the root, e.g.
 * "domain/devices/interface/target", when its start tag is read (its
 * attributes) and when its text is read.
 * ------------------------------------------------------------------------ */

#define XML_DEPTH_MAX 32
#define XML_PATH_MAX 512

struct span {
    const char *s;
    size_t n;
};

struct xml {
    const char *text; /* the document, for line numbers */
    const char *p;    /* next character */
    char path[XML_PATH_MAX];
    size_t pathlen[XML_DEPTH_MAX]; /* strlen(path) before each push */
    int depth;
    int roots;
    struct virt_domain *out;
    char *err;
    size_t errlen;
};

/* A start tag, its attributes already checked. */
struct xml_tag {
    struct span name;
    const char *attrs; /* the first attribute or the closing '>' */
    int empty;         /* <name .../> */
};

PRINTF_LIKE(3, 4)
static int xml_fail(struct xml *x, const char *at, const char *fmt, ...)
{
    char msg[200];
    int line = 1;
    va_list ap;

    for (const char *c = x->text; c < at; c++)
        line += *c == '\n';
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    set_err(x->err, x->errlen, "domain XML, line %d: %s", line, msg);
    return -1;
}

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static int is_name_start(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
           c == ':' || (unsigned char)c >= 0x80;
}

static int is_name_char(char c)
{
    return is_name_start(c) || (c >= '0' && c <= '9') || c == '-' || c == '.';
}

/* The value of hex digit c, or -1. */
static int hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

static const char *skip_space(const char *p)
{
    while (is_space(*p))
        p++;
    return p;
}

static int span_is(struct span s, const char *str)
{
    return strlen(str) == s.n && memcmp(s.s, str, s.n) == 0;
}

static int xml_name(struct xml *x, const char **p, struct span *name)
{
    if (!is_name_start(**p))
        return xml_fail(x, *p, "expected a name");
    name->s = *p;
    while (is_name_char(**p))
        (*p)++;
    name->n = (size_t)(*p - name->s);
    return 0;
}

/* The attribute at *p: 1 with its name and raw value, 0 at the tag's end
 * ('>' or "/>", not consumed), -1 on a fault. */
static int xml_attr(struct xml *x, const char **p, struct span *name,
                    struct span *value)
{
    const char *q = skip_space(*p);
    char quote;

    if (*q == '>' || *q == '/') {
        *p = q;
        return 0;
    }
    if (q == *p)
        return xml_fail(x, q, "expected a space before an attribute");
    if (xml_name(x, &q, name) < 0)
        return -1;
    q = skip_space(q);
    if (*q != '=')
        return xml_fail(x, q, "attribute %.*s without '='", (int)name->n,
                        name->s);
    q = skip_space(q + 1);
    quote = *q;
    if (quote != '\'' && quote != '"')
        return xml_fail(x, q, "attribute %.*s: value not quoted", (int)name->n,
                        name->s);
    value->s = ++q;
    while (*q != quote && *q != '\0' && *q != '<')
        q++;
    if (*q != quote)
        return xml_fail(x, value->s, "attribute %.*s: value not closed",
                        (int)name->n, name->s);
    value->n = (size_t)(q - value->s);
    *p = q + 1;
    return 1;
}

/* The raw value of attribute `name` of a checked tag: 1 found, 0 not. */
static int tag_attr(struct xml *x, const struct xml_tag *t, const char *name,
                    struct span *value)
{
    const char *p = t->attrs;
    struct span n;

    while (xml_attr(x, &p, &n, value) > 0)
        if (span_is(n, name))
            return 1;
    return 0;
}

/* Appends code point c as UTF-8; 0, or -1 when it does not fit. */
static int put_utf8(char *buf, size_t size, size_t *len, unsigned long c)
{
    unsigned char b[4];
    size_t n;

    if (c < 0x80) {
        b[0] = (unsigned char)c;
        n = 1;
    } else if (c < 0x800) {
        b[0] = (unsigned char)(0xc0 | (c >> 6));
        b[1] = (unsigned char)(0x80 | (c & 0x3f));
        n = 2;
    } else if (c < 0x10000) {
        b[0] = (unsigned char)(0xe0 | (c >> 12));
        b[1] = (unsigned char)(0x80 | ((c >> 6) & 0x3f));
        b[2] = (unsigned char)(0x80 | (c & 0x3f));
        n = 3;
    } else {
        b[0] = (unsigned char)(0xf0 | (c >> 18));
        b[1] = (unsigned char)(0x80 | ((c >> 12) & 0x3f));
        b[2] = (unsigned char)(0x80 | ((c >> 6) & 0x3f));
        b[3] = (unsigned char)(0x80 | (c & 0x3f));
        n = 4;
    }
    if (*len + n >= size)
        return -1;
    memcpy(buf + *len, b, n);
    *len += n;
    return 0;
}

/* One entity at s ('&'): its code point and length, or -1. */
static int xml_entity(const char *s, const char *end, unsigned long *c,
                      size_t *n)
{
    static const struct {
        const char *name;
        char c;
    } named[] = {{"&lt;", '<'},
                 {"&gt;", '>'},
                 {"&amp;", '&'},
                 {"&quot;", '"'},
                 {"&apos;", '\''}};
    const char *semi = memchr(s, ';', (size_t)(end - s));

    if (semi == NULL)
        return -1;
    *n = (size_t)(semi - s) + 1;
    for (size_t i = 0; i < sizeof named / sizeof named[0]; i++)
        if (strlen(named[i].name) == *n && memcmp(s, named[i].name, *n) == 0) {
            *c = (unsigned char)named[i].c;
            return 0;
        }
    if (*n >= 4 && s[1] == '#') {
        int hex = s[2] == 'x';
        const char *d = s + 2 + hex;
        unsigned long v = 0;

        if (d == semi)
            return -1;
        for (; d < semi; d++) {
            int digit = hex_value(*d);

            if (digit < 0 || (!hex && digit > 9))
                return -1;
            v = v * (hex ? 16 : 10) + (unsigned long)digit;
            if (v > 0x10ffff)
                return -1;
        }
        if (v == 0 || (v >= 0xd800 && v <= 0xdfff))
            return -1;
        *c = v;
        return 0;
    }
    return -1;
}

/* Copies a raw value or text into buf, entities decoded and surrounding
 * white space trimmed. `what` names it in messages. */
static int xml_copy(struct xml *x, struct span v, char *buf, size_t size,
                    const char *what)
{
    const char *s = v.s, *end = v.s + v.n;
    size_t len = 0;

    while (s < end && is_space(*s))
        s++;
    while (end > s && is_space(end[-1]))
        end--;
    while (s < end) {
        unsigned long c = (unsigned char)*s;
        size_t n = 1;

        if (*s == '&' && xml_entity(s, end, &c, &n) < 0)
            return xml_fail(x, s, "%s: bad entity", what);
        if (put_utf8(buf, size, &len, c) < 0)
            return xml_fail(x, v.s, "%s: longer than %zu bytes", what,
                            size - 1);
        s += n;
    }
    buf[len] = '\0';
    return 0;
}

/* An attribute into buf; absent leaves buf as it is. */
static int attr_copy(struct xml *x, const struct xml_tag *t, const char *name,
                     char *buf, size_t size, const char *what)
{
    struct span v;

    if (!tag_attr(x, t, name, &v))
        return 0;
    return xml_copy(x, v, buf, size, what);
}

static int xml_ll(struct xml *x, struct span v, long long *out,
                  const char *what)
{
    char buf[32], *end;

    if (xml_copy(x, v, buf, sizeof buf, what) < 0)
        return -1;
    errno = 0;
    *out = strtoll(buf, &end, 10);
    if (buf[0] == '\0' || *end != '\0' || errno != 0)
        return xml_fail(x, v.s, "%s: '%s' is not a whole number", what, buf);
    return 0;
}

/* A required attribute as a number in [lo, hi]. */
static int attr_ll(struct xml *x, const struct xml_tag *t, const char *name,
                   long long lo, long long hi, long long *out)
{
    struct span v;

    if (!tag_attr(x, t, name, &v))
        return xml_fail(x, t->name.s, "<%.*s> without %s", (int)t->name.n,
                        t->name.s, name);
    if (xml_ll(x, v, out, name) < 0)
        return -1;
    if (*out < lo || *out > hi)
        return xml_fail(x, v.s, "<%.*s %s='%lld'>: out of range %lld-%lld",
                        (int)t->name.n, t->name.s, name, *out, lo, hi);
    return 0;
}

static int parse_uint(const char **p, unsigned long *out)
{
    const char *s = *p;
    unsigned long v = 0;

    if (*s < '0' || *s > '9')
        return -1;
    for (; *s >= '0' && *s <= '9'; s++) {
        v = v * 10 + (unsigned long)(*s - '0');
        if (v > 1000000)
            return -1;
    }
    *p = s;
    *out = v;
    return 0;
}

/* A libvirt list such as "0-3,^2,8" (ranges, "^" removes, applied in
 * order) as a set of numbers below `limit` (at most 64). With `clip`,
 * numbers from `limit` up are dropped (host CPUs a mask cannot hold);
 * without, they are a fault. */
static int xml_list(struct xml *x, const struct xml_tag *t, const char *name,
                    unsigned limit, int clip, uint64_t *set)
{
    char buf[256];
    struct span v;
    const char *p;

    if (!tag_attr(x, t, name, &v))
        return xml_fail(x, t->name.s, "<%.*s> without %s", (int)t->name.n,
                        t->name.s, name);
    if (xml_copy(x, v, buf, sizeof buf, name) < 0)
        return -1;
    *set = 0;
    p = buf;
    for (;;) {
        unsigned long lo, hi;
        int exclude = 0;

        p = skip_space(p);
        if (*p == '^') {
            exclude = 1;
            p = skip_space(p + 1);
        }
        if (parse_uint(&p, &lo) < 0)
            goto bad;
        hi = lo;
        p = skip_space(p);
        if (*p == '-' && !exclude) {
            p = skip_space(p + 1);
            if (parse_uint(&p, &hi) < 0 || hi < lo)
                goto bad;
            p = skip_space(p);
        }
        if (hi >= limit && !clip)
            return xml_fail(x, v.s, "%s='%s': %lu is not below %u", name, buf,
                            hi, limit);
        for (unsigned long i = lo; i <= hi && i < limit; i++) {
            if (exclude)
                *set &= ~(UINT64_C(1) << i);
            else
                *set |= UINT64_C(1) << i;
        }
        if (*p == '\0')
            return 0;
        if (*p != ',')
            goto bad;
        p++;
    }
bad:
    return xml_fail(x, v.s, "%s='%s': not a list like 0-3,^2,8", name, buf);
}

static int xml_sched(struct xml *x, const struct xml_tag *t,
                     struct virt_sched *out)
{
    static const char *const policies[] = {"batch", "idle", "fifo", "rr"};
    struct span v;
    long long prio = 0;
    size_t i;

    if (!tag_attr(x, t, "scheduler", &v))
        return xml_fail(x, t->name.s, "<%.*s> without scheduler",
                        (int)t->name.n, t->name.s);
    for (i = 0; i < sizeof policies / sizeof policies[0]; i++)
        if (span_is(v, policies[i]))
            break;
    if (i == sizeof policies / sizeof policies[0])
        return xml_fail(x, v.s, "scheduler '%.*s': not batch, idle, fifo or rr",
                        (int)(v.n < 20 ? v.n : 20), v.s);
    if (i >= 2 && attr_ll(x, t, "priority", 1, 99, &prio) < 0)
        return -1;
    snprintf(out->policy, sizeof out->policy, "%s", policies[i]);
    out->priority = (int)prio;
    return 0;
}

/* <iothreadpin> and <iothreadsched> entries are kept by iothread id. */
static int iothread_slot(struct xml *x, const char *at, unsigned *ids, int *n,
                         unsigned id)
{
    for (int i = 0; i < *n; i++)
        if (ids[i] == id)
            return i;
    if (*n == VIRT_MAX_IOTHREADS)
        return xml_fail(x, at, "more than %d iothreads", VIRT_MAX_IOTHREADS);
    ids[*n] = id;
    return (*n)++;
}

static int xml_cputune(struct xml *x, const struct xml_tag *t, const char *el)
{
    struct virt_cputune *tune = &x->out->tune;
    struct virt_sched sched;
    uint64_t set;
    long long id;
    int i;

    if (strcmp(el, "vcpupin") == 0) {
        if (attr_ll(x, t, "vcpu", 0, VIRT_MAX_VCPUS - 1, &id) < 0)
            return -1;
        return xml_list(x, t, "cpuset", MASK_BITS, 1, &tune->vcpupin[id]);
    }
    if (strcmp(el, "emulatorpin") == 0)
        return xml_list(x, t, "cpuset", MASK_BITS, 1, &tune->emulatorpin);
    if (strcmp(el, "iothreadpin") == 0) {
        if (attr_ll(x, t, "iothread", 0, UINT_MAX, &id) < 0 ||
            xml_list(x, t, "cpuset", MASK_BITS, 1, &set) < 0)
            return -1;
        i = iothread_slot(x, t->name.s, tune->iothreadpin_id,
                          &tune->niothreadpin, (unsigned)id);
        if (i < 0)
            return -1;
        tune->iothreadpin[i] = set;
        return 0;
    }
    if (strcmp(el, "vcpusched") == 0) {
        if (xml_list(x, t, "vcpus", VIRT_MAX_VCPUS, 0, &set) < 0 ||
            xml_sched(x, t, &sched) < 0)
            return -1;
        for (i = 0; i < VIRT_MAX_VCPUS; i++)
            if (set & (UINT64_C(1) << i))
                tune->vcpusched[i] = sched;
        return 0;
    }
    if (strcmp(el, "iothreadsched") == 0) {
        if (xml_list(x, t, "iothreads", MASK_BITS, 0, &set) < 0 ||
            xml_sched(x, t, &sched) < 0)
            return -1;
        for (unsigned n = 0; n < MASK_BITS; n++) {
            if (!(set & (UINT64_C(1) << n)))
                continue;
            i = iothread_slot(x, t->name.s, tune->iothreadsched_id,
                              &tune->niothreadsched, n);
            if (i < 0)
                return -1;
            tune->iothreadsched[i] = sched;
        }
        return 0;
    }
    if (strcmp(el, "emulatorsched") == 0)
        return xml_sched(x, t, &tune->emulatorsched);
    return 0;
}

static int xml_interface(struct xml *x, const struct xml_tag *t, const char *el)
{
    struct virt_iface *f;
    long long queues;

    if (el == NULL) { /* <interface> itself */
        if (x->out->nifaces == VIRT_MAX_IFACES)
            return xml_fail(x, t->name.s, "more than %d interfaces",
                            VIRT_MAX_IFACES);
        f = &x->out->iface[x->out->nifaces++];
        return attr_copy(x, t, "type", f->type, sizeof f->type,
                         "interface type");
    }
    f = &x->out->iface[x->out->nifaces - 1];
    if (strcmp(el, "target") == 0)
        return attr_copy(x, t, "dev", f->target, sizeof f->target,
                         "target dev");
    if (strcmp(el, "mac") == 0)
        return attr_copy(x, t, "address", f->mac, sizeof f->mac, "mac address");
    if (strcmp(el, "model") == 0)
        return attr_copy(x, t, "type", f->model, sizeof f->model, "model type");
    if (strcmp(el, "driver") == 0) {
        struct span v;

        if (attr_copy(x, t, "name", f->driver, sizeof f->driver,
                      "driver name") < 0)
            return -1;
        if (!tag_attr(x, t, "queues", &v))
            return 0;
        if (attr_ll(x, t, "queues", 1, INT_MAX, &queues) < 0)
            return -1;
        f->queues = (int)queues;
        return 0;
    }
    if (strcmp(el, "source") == 0) {
        if (attr_copy(x, t, "dev", f->source_dev, sizeof f->source_dev,
                      "source dev") < 0 ||
            attr_copy(x, t, "mode", f->source_mode, sizeof f->source_mode,
                      "source mode") < 0)
            return -1;
        return attr_copy(x, t, "bridge", f->source_bridge,
                         sizeof f->source_bridge, "source bridge");
    }
    return 0;
}

/* A start tag, already pushed on the path. */
static int xml_start(struct xml *x, const struct xml_tag *t)
{
    static const char iface[] = "domain/devices/interface";
    static const char tune[] = "domain/cputune/";
    struct virt_domain *d = x->out;

    if (x->depth == 1) {
        if (!span_is(t->name, "domain"))
            return xml_fail(x, t->name.s, "root element <%.*s>, not <domain>",
                            (int)(t->name.n < 40 ? t->name.n : 40), t->name.s);
        return attr_copy(x, t, "type", d->type, sizeof d->type, "domain type");
    }
    if (x->depth == 3 && strncmp(x->path, tune, sizeof tune - 1) == 0)
        return xml_cputune(x, t, x->path + sizeof tune - 1);
    if (strcmp(x->path, iface) == 0)
        return xml_interface(x, t, NULL);
    if (x->depth == 4 && strncmp(x->path, iface, sizeof iface - 1) == 0 &&
        x->path[sizeof iface - 1] == '/')
        return xml_interface(x, t, x->path + sizeof iface);
    return 0;
}

/* The number <cputune><el> holds, or NULL. */
static long long *tune_number(struct virt_cputune *tune, const char *el)
{
    if (strcmp(el, "shares") == 0)
        return &tune->shares;
    if (strcmp(el, "period") == 0)
        return &tune->period;
    if (strcmp(el, "quota") == 0)
        return &tune->quota;
    if (strcmp(el, "emulator_period") == 0)
        return &tune->emulator_period;
    if (strcmp(el, "emulator_quota") == 0)
        return &tune->emulator_quota;
    return NULL;
}

/* Text inside the innermost open element. */
static int xml_text(struct xml *x, struct span text)
{
    static const char tune[] = "domain/cputune/";
    struct virt_domain *d = x->out;
    long long *number;

    if (strcmp(x->path, "domain/name") == 0)
        return xml_copy(x, text, d->name, sizeof d->name, "name");
    if (strcmp(x->path, "domain/uuid") == 0)
        return xml_copy(x, text, d->uuid, sizeof d->uuid, "uuid");
    if (strcmp(x->path, "domain/devices/emulator") == 0)
        return xml_copy(x, text, d->emulator, sizeof d->emulator, "emulator");
    if (x->depth == 3 && strncmp(x->path, tune, sizeof tune - 1) == 0) {
        const char *el = x->path + sizeof tune - 1;

        number = tune_number(&d->tune, el);
        if (number != NULL)
            return xml_ll(x, text, number, el);
    }
    return 0;
}

static int xml_push(struct xml *x, struct span name)
{
    size_t len = strlen(x->path);
    size_t need = len + (x->depth > 0) + name.n;

    if (x->depth == XML_DEPTH_MAX || need >= sizeof x->path)
        return xml_fail(x, name.s, "elements nested too deep");
    x->pathlen[x->depth++] = len;
    if (len > 0)
        x->path[len++] = '/';
    memcpy(x->path + len, name.s, name.n);
    x->path[len + name.n] = '\0';
    return 0;
}

static void xml_pop(struct xml *x)
{
    x->path[x->pathlen[--x->depth]] = '\0';
}

/* Skips from x->p past the first `end`; `what` names the construct. */
static int xml_skip_past(struct xml *x, const char *end, const char *what)
{
    const char *e = strstr(x->p, end);

    if (e == NULL)
        return xml_fail(x, x->p, "%s not closed", what);
    x->p = e + strlen(end);
    return 0;
}

static int xml_start_tag(struct xml *x)
{
    struct xml_tag t;
    struct span n, v;
    const char *p = x->p + 1;
    int r;

    if (xml_name(x, &p, &t.name) < 0)
        return -1;
    t.attrs = p;
    while ((r = xml_attr(x, &p, &n, &v)) > 0)
        ;
    if (r < 0)
        return -1;
    t.empty = *p == '/';
    if (t.empty && *++p != '>')
        return xml_fail(x, p, "expected '>' after '/'");
    x->p = p + 1;
    if (x->depth == 0 && x->roots++ > 0)
        return xml_fail(x, t.name.s, "a second root element");
    if (xml_push(x, t.name) < 0 || xml_start(x, &t) < 0)
        return -1;
    if (t.empty)
        xml_pop(x);
    return 0;
}

static int xml_end_tag(struct xml *x)
{
    const char *p = x->p + 2;
    const char *open;
    struct span n;

    if (xml_name(x, &p, &n) < 0)
        return -1;
    p = skip_space(p);
    if (*p != '>')
        return xml_fail(x, p, "expected '>' in </%.*s>", (int)n.n, n.s);
    if (x->depth == 0)
        return xml_fail(x, n.s, "</%.*s> closes nothing", (int)n.n, n.s);
    open = x->path + x->pathlen[x->depth - 1] + (x->depth > 1);
    if (!span_is(n, open))
        return xml_fail(x, n.s, "</%.*s> closes <%s>", (int)n.n, n.s, open);
    xml_pop(x);
    x->p = p + 1;
    return 0;
}

int virt_parse_domain_xml(const char *xml, struct virt_domain *out, char *err,
                          size_t errlen)
{
    struct xml x = {
        .text = xml, .p = xml, .out = out, .err = err, .errlen = errlen};

    out->name[0] = out->uuid[0] = out->type[0] = out->emulator[0] = '\0';
    memset(&out->tune, 0, sizeof out->tune);
    memset(out->iface, 0, sizeof out->iface);
    out->nifaces = 0;

    while (*x.p != '\0') {
        int rc;

        if (*x.p != '<') {
            struct span text = {x.p, strcspn(x.p, "<")};

            if (x.depth == 0) {
                if (*skip_space(x.p) != '\0' && *skip_space(x.p) != '<')
                    return xml_fail(&x, skip_space(x.p),
                                    "text outside the root element");
                rc = 0;
            } else {
                rc = xml_text(&x, text);
            }
            x.p += text.n;
        } else if (strncmp(x.p, "<!--", 4) == 0) {
            rc = xml_skip_past(&x, "-->", "comment");
        } else if (strncmp(x.p, "<![CDATA[", 9) == 0) {
            rc = x.depth == 0
                     ? xml_fail(&x, x.p, "CDATA outside the root element")
                     : xml_skip_past(&x, "]]>", "CDATA section");
        } else if (x.p[1] == '?') {
            rc = xml_skip_past(&x, "?>", "processing instruction");
        } else if (x.p[1] == '!') {
            rc = xml_fail(&x, x.p, "DOCTYPE or other <! markup: not read");
        } else if (x.p[1] == '/') {
            rc = xml_end_tag(&x);
        } else {
            rc = xml_start_tag(&x);
        }
        if (rc < 0)
            return -1;
    }
    if (x.depth > 0)
        return xml_fail(&x, x.p, "text ends inside <%s>",
                        x.path + x.pathlen[x.depth - 1] + (x.depth > 1));
    if (x.roots == 0)
        return xml_fail(&x, x.p, "no <domain> element");
    return 0;
}

/* ------------------------------------------------------------------------
 * QMP reply scanner
 *
 * A validating recursive-descent reader of RFC 8259 JSON that keeps only
 * what the caller asks for: the reply object, its "return" array, and the
 * top-level members of each entry. Any other value is skipped whole by
 * json_skip(), which counts its depth (at most JSON_DEPTH_MAX).
 * ------------------------------------------------------------------------ */

#define JSON_DEPTH_MAX 32
#define JSON_KEY_MAX 32

struct json {
    const char *text;
    const char *p;
    const char *what; /* "query-cpus-fast reply" */
    char *err;
    size_t errlen;
};

PRINTF_LIKE(2, 3)
static int json_fail(struct json *j, const char *fmt, ...)
{
    char msg[160];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    set_err(j->err, j->errlen, "%s, offset %td: %s", j->what, j->p - j->text,
            msg);
    return -1;
}

static void json_ws(struct json *j)
{
    j->p = skip_space(j->p);
}

/* "unexpected 'x'" or "unexpected end" for messages. */
static int json_unexpected(struct json *j, const char *wanted)
{
    unsigned char c = (unsigned char)*j->p;

    if (c == '\0')
        return json_fail(j, "text ends where %s was expected", wanted);
    if (c < 0x20 || c >= 0x7f)
        return json_fail(j, "byte 0x%02x where %s was expected", c, wanted);
    return json_fail(j, "'%c' where %s was expected", c, wanted);
}

static int json_expect(struct json *j, char c, const char *wanted)
{
    json_ws(j);
    if (*j->p != c)
        return json_unexpected(j, wanted);
    j->p++;
    return 0;
}

static int hex4(const char *s, unsigned long *out)
{
    *out = 0;
    for (int i = 0; i < 4; i++) {
        int d = hex_value(s[i]);

        if (d < 0)
            return -1;
        *out = *out << 4 | (unsigned long)d;
    }
    return 0;
}

/* A string at j->p, decoded into buf (NULL: checked, not kept). *cut is
 * set when it did not fit. */
static int json_string(struct json *j, char *buf, size_t size, int *cut)
{
    size_t len = 0;

    *cut = 0;
    json_ws(j);
    if (*j->p != '"')
        return json_unexpected(j, "a string");
    j->p++;
    for (;;) {
        unsigned long c = (unsigned char)*j->p;

        if (c == '"')
            break;
        if (c == '\0')
            return json_fail(j, "string not closed");
        if (c < 0x20)
            return json_fail(j, "control byte 0x%02lx in a string", c);
        if (c == '\\') {
            static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
            const char *e;

            j->p++;
            if (*j->p == 'u') {
                unsigned long lo;

                if (hex4(j->p + 1, &c) < 0)
                    return json_fail(j, "bad \\u escape");
                j->p += 4;
                if (c >= 0xdc00 && c <= 0xdfff)
                    return json_fail(j, "lone low surrogate");
                if (c >= 0xd800 && c <= 0xdbff) {
                    if (j->p[1] != '\\' || j->p[2] != 'u' ||
                        hex4(j->p + 3, &lo) < 0 || lo < 0xdc00 || lo > 0xdfff)
                        return json_fail(j, "lone high surrogate");
                    c = 0x10000 + ((c - 0xd800) << 10) + (lo - 0xdc00);
                    j->p += 6;
                }
            } else if (*j->p != '\0' && (e = strchr(from, *j->p)) != NULL) {
                c = (unsigned char)to[e - from];
            } else {
                return json_fail(j, "bad escape");
            }
        }
        j->p++;
        if (buf != NULL && !*cut && put_utf8(buf, size, &len, c) < 0)
            *cut = 1;
    }
    j->p++;
    if (buf != NULL)
        buf[len] = '\0';
    return 0;
}

/* A number at j->p. *integer is set when it has no fraction or exponent
 * and fits a long long, which is then in *value. */
static int json_number(struct json *j, long long *value, int *integer)
{
    const char *s = j->p;
    const char *q = s;

    *integer = 1;
    if (*q == '-')
        q++;
    if (*q == '0')
        q++;
    else if (*q >= '1' && *q <= '9')
        while (*q >= '0' && *q <= '9')
            q++;
    else
        return json_unexpected(j, "a number");
    if (*q == '.') {
        *integer = 0;
        if (*++q < '0' || *q > '9')
            return json_fail(j, "bad number");
        while (*q >= '0' && *q <= '9')
            q++;
    }
    if (*q == 'e' || *q == 'E') {
        *integer = 0;
        if (*++q == '+' || *q == '-')
            q++;
        if (*q < '0' || *q > '9')
            return json_fail(j, "bad number");
        while (*q >= '0' && *q <= '9')
            q++;
    }
    if (*integer) {
        errno = 0;
        *value = strtoll(s, NULL, 10);
        if (errno == ERANGE)
            *integer = 0;
    }
    j->p = q;
    return 0;
}

/* A member that must be a whole number in [lo, INT_MAX]. */
static int json_int(struct json *j, const char *key, int lo, int *out)
{
    long long v = 0;
    int integer;

    json_ws(j);
    if (json_number(j, &v, &integer) < 0)
        return -1;
    if (!integer || v < lo || v > INT_MAX)
        return json_fail(j, "\"%s\": not a whole number from %d to %d", key, lo,
                         INT_MAX);
    *out = (int)v;
    return 0;
}

/* Another element or member follows: 1; the close was read: 0; else -1.
 * *first is 1 before the first one. */
static int json_more(struct json *j, char close, int *first)
{
    json_ws(j);
    if (*j->p == close && *first) {
        j->p++;
        return 0;
    }
    if (!*first) {
        if (*j->p == close) {
            j->p++;
            return 0;
        }
        if (*j->p != ',')
            return json_unexpected(j,
                                   close == '}' ? "',' or '}'" : "',' or ']'");
        j->p++;
    }
    *first = 0;
    return 1;
}

/* A member's key and its ':'. A key longer than the buffer reads as "". */
static int json_key(struct json *j, char *key, size_t size)
{
    int cut;

    if (json_string(j, key, size, &cut) < 0)
        return -1;
    if (cut)
        key[0] = '\0';
    return json_expect(j, ':', "':'");
}

static int json_skip(struct json *j, int depth)
{
    static const char *const literals[] = {"true", "false", "null"};
    char key[JSON_KEY_MAX];
    long long v;
    int first = 1, r, cut, integer;

    if (depth > JSON_DEPTH_MAX)
        return json_fail(j, "nested deeper than %d", JSON_DEPTH_MAX);
    json_ws(j);
    switch (*j->p) {
    case '{':
        j->p++;
        while ((r = json_more(j, '}', &first)) > 0)
            if (json_key(j, key, sizeof key) < 0 || json_skip(j, depth + 1) < 0)
                return -1;
        return r;
    case '[':
        j->p++;
        while ((r = json_more(j, ']', &first)) > 0)
            if (json_skip(j, depth + 1) < 0)
                return -1;
        return r;
    case '"':
        return json_string(j, NULL, 0, &cut);
    case 't':
    case 'f':
    case 'n':
        for (size_t i = 0; i < sizeof literals / sizeof literals[0]; i++) {
            size_t n = strlen(literals[i]);

            if (strncmp(j->p, literals[i], n) == 0) {
                j->p += n;
                return 0;
            }
        }
        return json_unexpected(j, "a value");
    default:
        if (*j->p != '-' && (*j->p < '0' || *j->p > '9'))
            return json_unexpected(j, "a value");
        return json_number(j, &v, &integer);
    }
}

/* Reads one entry of "return"; index counts from 0. */
typedef int (*json_entry_fn)(struct json *j, int index, void *arg);

/* The QMP "error" member: its "desc" into desc. */
static int qmp_error_desc(struct json *j, char *desc, size_t size)
{
    char key[JSON_KEY_MAX];
    int first = 1, r, cut;

    if (json_expect(j, '{', "an error object") < 0)
        return -1;
    while ((r = json_more(j, '}', &first)) > 0) {
        if (json_key(j, key, sizeof key) < 0)
            return -1;
        r = strcmp(key, "desc") == 0 ? json_string(j, desc, size, &cut)
                                     : json_skip(j, 2);
        if (r < 0)
            return -1;
    }
    return r;
}

/* A whole QMP reply: calls entry() for each element of its "return"
 * array. The number of entries, or -1 (also for a QMP error reply). */
static int qmp_reply(struct json *j, json_entry_fn entry, void *arg)
{
    char key[JSON_KEY_MAX];
    char desc[120] = "";
    int first = 1, n = -1, failed = 0, r;

    if (json_expect(j, '{', "'{'") < 0)
        return -1;
    while ((r = json_more(j, '}', &first)) > 0) {
        if (json_key(j, key, sizeof key) < 0)
            return -1;
        if (strcmp(key, "return") == 0) {
            int efirst = 1;

            if (n >= 0)
                return json_fail(j, "a second \"return\"");
            if (json_expect(j, '[', "'[' (an array)") < 0)
                return -1;
            n = 0;
            while ((r = json_more(j, ']', &efirst)) > 0)
                if (entry(j, n++, arg) < 0)
                    return -1;
        } else if (strcmp(key, "error") == 0) {
            failed = 1;
            r = qmp_error_desc(j, desc, sizeof desc);
        } else {
            r = json_skip(j, 1);
        }
        if (r < 0)
            return -1;
    }
    if (r < 0)
        return -1;
    json_ws(j);
    if (*j->p != '\0')
        return json_unexpected(j, "the end");
    if (failed)
        return json_fail(j, "QMP error: %s", desc[0] ? desc : "(no desc)");
    if (n < 0)
        return json_fail(j, "no \"return\"");
    return n;
}

struct cpus_fast {
    int *tids;
    int max;
};

static int cpus_fast_entry(struct json *j, int index, void *arg)
{
    struct cpus_fast *c = arg;
    char key[JSON_KEY_MAX];
    int first = 1, tid = -1, cpu = -1, r;

    if (json_expect(j, '{', "an entry object") < 0)
        return -1;
    while ((r = json_more(j, '}', &first)) > 0) {
        if (json_key(j, key, sizeof key) < 0)
            return -1;
        if (strcmp(key, "thread-id") == 0)
            r = json_int(j, key, 1, &tid);
        else if (strcmp(key, "cpu-index") == 0)
            r = json_int(j, key, 0, &cpu);
        else
            r = json_skip(j, 2); /* "props" and its "thread-id" too */
        if (r < 0)
            return -1;
    }
    if (r < 0)
        return -1;
    if (tid < 0 || cpu < 0)
        return json_fail(j, "entry %d has no %s", index,
                         tid < 0 ? "\"thread-id\"" : "\"cpu-index\"");
    if (cpu >= c->max)
        return json_fail(j, "cpu-index %d: more than %d vCPUs", cpu, c->max);
    if (c->tids[cpu] != 0)
        return json_fail(j, "cpu-index %d twice", cpu);
    c->tids[cpu] = tid;
    return 0;
}

int virt_parse_query_cpus_fast(const char *json, int *tids, int max, char *err,
                               size_t errlen)
{
    struct json j = {json, json, "query-cpus-fast reply", err, errlen};
    struct cpus_fast c = {tids, max};

    for (int i = 0; i < max; i++)
        tids[i] = 0;
    return qmp_reply(&j, cpus_fast_entry, &c);
}

struct iothreads {
    char (*ids)[32];
    int *tids;
    int max;
};

static int iothreads_entry(struct json *j, int index, void *arg)
{
    struct iothreads *t = arg;
    char key[JSON_KEY_MAX], id[32] = "";
    int first = 1, tid = -1, have_id = 0, r, cut;

    if (index >= t->max)
        return json_fail(j, "more than %d iothreads", t->max);
    if (json_expect(j, '{', "an entry object") < 0)
        return -1;
    while ((r = json_more(j, '}', &first)) > 0) {
        if (json_key(j, key, sizeof key) < 0)
            return -1;
        if (strcmp(key, "thread-id") == 0) {
            r = json_int(j, key, 1, &tid);
        } else if (strcmp(key, "id") == 0) {
            r = json_string(j, id, sizeof id, &cut);
            if (r == 0 && cut)
                return json_fail(j, "iothread id longer than %zu bytes",
                                 sizeof id - 1);
            have_id = 1;
        } else {
            r = json_skip(j, 2);
        }
        if (r < 0)
            return -1;
    }
    if (r < 0)
        return -1;
    if (tid < 0 || !have_id)
        return json_fail(j, "entry %d has no %s", index,
                         tid < 0 ? "\"thread-id\"" : "\"id\"");
    memcpy(t->ids[index], id, sizeof id);
    t->tids[index] = tid;
    return 0;
}

int virt_parse_query_iothreads(const char *json, char (*ids)[32], int *tids,
                               int max, char *err, size_t errlen)
{
    struct json j = {json, json, "query-iothreads reply", err, errlen};
    struct iothreads t = {ids, tids, max};

    return qmp_reply(&j, iothreads_entry, &t);
}
