/*
 * test_virt.c - tests of calib/virt.c: libvirt discovery, pins, parsers.
 *
 * The libvirt tests open the test driver on tests/fixtures/libvirt/node.xml
 * (found under $VSRSIM_SRCDIR, default "."): domain router1 running with a
 * full <cputune> and two interfaces, domain spare shut off. Every test
 * opens its own connection, and the test driver gives each connection its
 * own copy of the node, so a pin made by one test is not seen by another.
 * The test driver has no QEMU monitor: the QMP parsers are tested on
 * replies recorded from QEMU 7.2. Each test checks one property.
 */
#define _POSIX_C_SOURCE 200809L

#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "fixture.h"
#include "virt.h"

static char uri[PATH_MAX + 16]; /* test:///.../node.xml */

static int group_setup(void **state)
{
    char rel[PATH_MAX], abs[PATH_MAX];

    (void)state;
    snprintf(rel, sizeof rel, "%s/tests/fixtures/libvirt/node.xml",
             fixture_srcdir());
    if (realpath(rel, abs) == NULL) {
        fprintf(stderr, "%s: not found (set VSRSIM_SRCDIR?)\n", rel);
        return -1;
    }
    snprintf(uri, sizeof uri, "test://%s", abs);
    return 0;
}

/* A connection to `name` in the fixture; fails the test if it cannot. */
static struct virt *open_domain(const char *name)
{
    char err[256] = "";
    struct virt *v = NULL;

    if (virt_open(&v, uri, name, err, sizeof err) != 0)
        fail_msg("virt_open %s: %s", name, err);
    return v;
}

/* virt_read of `name`, freshly opened; fails the test if it cannot. */
static void read_domain(const char *name, struct virt_domain *d)
{
    char err[256] = "";
    struct virt *v = open_domain(name);

    if (virt_read(v, d, err, sizeof err) != 0)
        fail_msg("virt_read %s: %s", name, err);
    virt_close(v);
}

/* An error message is one non-empty line. */
static void assert_one_line(const char *err)
{
    assert_true(err[0] != '\0');
    assert_null(strchr(err, '\n'));
}

/* ------------------------------------------------------------------------
 * Discovery on the test driver
 * ------------------------------------------------------------------------ */

static void test_discovery_identity(void **state)
{
    struct virt_domain d;

    (void)state;
    read_domain("router1", &d);
    assert_string_equal(d.name, "router1");
    assert_string_equal(d.uuid, "6695eb01-f6a4-8304-79aa-97f2502e193f");
    assert_string_equal(d.type, "test");
    assert_int_equal(d.active, 1);
    assert_true(d.id > 0);
    assert_string_equal(d.emulator, "/usr/bin/qemu-system-x86_64");
}

static void test_discovery_cpus(void **state)
{
    struct virt_domain d;

    (void)state;
    read_domain("router1", &d);
    assert_int_equal(d.node_cpus, 8);
    assert_int_equal(d.nvcpus, 2);
    assert_int_equal(d.vcpu_pin[0], 1u << 2);
    assert_int_equal(d.vcpu_pin[1], 1u << 3);
    assert_int_equal(d.vcpu_affinity[0], 1u << 2);
    assert_int_equal(d.vcpu_affinity[1], 1u << 3);
    assert_int_equal(d.emulator_pin, 0x3);
}

static void test_discovery_iothreads(void **state)
{
    struct virt_domain d;

    (void)state;
    read_domain("router1", &d);
    assert_int_equal(d.niothreads, 1);
    assert_int_equal(d.iothread_id[0], 1);
    assert_int_equal(d.iothread_pin[0], (1u << 4) | (1u << 6));
}

/* No monitor on the test driver: no thread ids, a reason, and no error. */
static void test_discovery_without_qmp(void **state)
{
    struct virt_domain d;

    (void)state;
    read_domain("router1", &d);
    assert_int_equal(d.qmp, 0);
    assert_non_null(strstr(d.qmp_error, "query-cpus-fast"));
    assert_non_null(strstr(d.qmp_error, "not supported"));
    assert_int_equal(d.vcpu_tid[0], 0);
    assert_int_equal(d.iothread_tid[0], 0);
}

static void test_discovery_interfaces(void **state)
{
    struct virt_domain d;
    const struct virt_iface *tap = &d.iface[0], *mvt = &d.iface[1];

    (void)state;
    read_domain("router1", &d);
    assert_int_equal(d.nifaces, 2);

    assert_string_equal(tap->type, "ethernet");
    assert_string_equal(tap->target, "vsr-tap0");
    assert_string_equal(tap->mac, "52:54:00:00:00:01");
    assert_string_equal(tap->model, "virtio");
    assert_string_equal(tap->driver, "qemu");
    assert_int_equal(tap->queues, 0);
    assert_string_equal(tap->source_dev, "");

    assert_string_equal(mvt->type, "direct");
    assert_string_equal(mvt->target, "mvtap-r1");
    assert_string_equal(mvt->mac, "52:54:00:00:00:02");
    assert_string_equal(mvt->model, "virtio");
    assert_string_equal(mvt->driver, "vhost");
    assert_int_equal(mvt->queues, 2);
    assert_string_equal(mvt->source_dev, "eth1");
    assert_string_equal(mvt->source_mode, "bridge");
    assert_string_equal(mvt->source_bridge, "");
}

static void test_discovery_shut_off(void **state)
{
    struct virt_domain d;

    (void)state;
    read_domain("spare", &d);
    assert_int_equal(d.active, 0);
    assert_int_equal(d.id, -1);
    assert_int_equal(d.nvcpus, 1);
    assert_int_equal(d.vcpu_affinity[0], 0);
    assert_int_equal(d.vcpu_pin[0], 0xff); /* unpinned: every host CPU */
    assert_int_equal(d.niothreads, 0);
    assert_int_equal(d.qmp, 0);
    assert_string_equal(d.qmp_error, "domain not running");
    assert_int_equal(d.nifaces, 0);
}

static void test_running_check(void **state)
{
    struct virt *up = open_domain("router1");
    struct virt *down = open_domain("spare");

    (void)state;
    assert_int_equal(virt_domain_running(up), 1);
    assert_int_equal(virt_domain_running(down), 0);
    virt_close(up);
    virt_close(down);
}

/* ------------------------------------------------------------------------
 * Pins
 * ------------------------------------------------------------------------ */

static void test_pin_read_back(void **state)
{
    char err[256] = "";
    struct virt *v = open_domain("router1");
    struct virt_domain d;

    (void)state;
    assert_int_equal(virt_pin_vcpu(v, 1, 1u << 5, err, sizeof err), 0);
    assert_int_equal(virt_pin_emulator(v, 0x7, err, sizeof err), 0);
    assert_int_equal(virt_read(v, &d, err, sizeof err), 0);
    virt_close(v);

    assert_int_equal(d.vcpu_pin[0], 1u << 2); /* untouched */
    assert_int_equal(d.vcpu_pin[1], 1u << 5);
    assert_int_equal(d.vcpu_affinity[1], 1u << 5);
    assert_int_equal(d.emulator_pin, 0x7);
    assert_int_equal(d.tune.vcpupin[1], 1u << 5); /* and in the live XML */
    assert_int_equal(d.tune.emulatorpin, 0x7);
}

static void test_pin_beyond_host_refused(void **state)
{
    char err[256] = "";
    struct virt *v = open_domain("router1");
    struct virt_domain d;

    (void)state;
    assert_int_equal(virt_pin_vcpu(v, 0, UINT64_C(1) << 20, err, sizeof err),
                     -1);
    assert_one_line(err);
    assert_non_null(strstr(err, "CPUs 20"));
    assert_int_equal(virt_pin_emulator(v, 0, err, sizeof err), -1);
    assert_non_null(strstr(err, "empty"));
    assert_int_equal(virt_read(v, &d, err, sizeof err), 0);
    assert_int_equal(d.vcpu_pin[0], 1u << 2);
    virt_close(v);
}

static void test_pin_unknown_vcpu_refused(void **state)
{
    char err[256] = "";
    struct virt *v = open_domain("router1");

    (void)state;
    assert_int_equal(virt_pin_vcpu(v, 7, 1, err, sizeof err), -1);
    assert_one_line(err);
    assert_non_null(strstr(err, "router1"));
    assert_non_null(strstr(err, "pinning vCPU 7 to CPUs 0"));
    virt_close(v);
}

/* ------------------------------------------------------------------------
 * <cputune> import
 * ------------------------------------------------------------------------ */

static void test_cputune_imported(void **state)
{
    struct virt_domain d;
    const struct virt_cputune *t = &d.tune;

    (void)state;
    read_domain("router1", &d);
    assert_int_equal(t->vcpupin[0], 1u << 2);
    assert_int_equal(t->vcpupin[1], 1u << 3);
    assert_int_equal(t->vcpupin[2], 0);
    assert_int_equal(t->emulatorpin, 0x3);
    assert_int_equal(t->niothreadpin, 1);
    assert_int_equal(t->iothreadpin_id[0], 1);
    assert_int_equal(t->iothreadpin[0], (1u << 4) | (1u << 6));
    for (int i = 0; i < 2; i++) {
        assert_string_equal(t->vcpusched[i].policy, "fifo");
        assert_int_equal(t->vcpusched[i].priority, 10);
    }
    assert_string_equal(t->vcpusched[2].policy, "");
    assert_string_equal(t->emulatorsched.policy, "fifo");
    assert_int_equal(t->emulatorsched.priority, 1);
    assert_int_equal(t->niothreadsched, 1);
    assert_int_equal(t->iothreadsched_id[0], 1);
    assert_string_equal(t->iothreadsched[0].policy, "rr");
    assert_int_equal(t->iothreadsched[0].priority, 5);
    assert_int_equal(t->shares, 2048);
    assert_int_equal(t->period, 100000);
    assert_int_equal(t->quota, 50000);
    assert_int_equal(t->emulator_period, 20000);
    assert_int_equal(t->emulator_quota, -1);
}

/* ------------------------------------------------------------------------
 * XML parser on text
 * ------------------------------------------------------------------------ */

static const char xml_double_quotes[] =
    "<?xml version=\"1.0\"?>\n"
    "<domain type=\"kvm\" id=\"3\">\n"
    "  <name>r&amp;d</name>\n"
    "  <uuid>00000000-0000-0000-0000-000000000001</uuid>\n"
    "  <metadata><x:name xmlns:x=\"urn:x\">not me</x:name>"
    "<name>nor me</name></metadata>\n"
    "  <!-- <name>nor this</name> -->\n"
    "  <cputune>\n"
    "    <vcpupin vcpu=\"0\" cpuset=\"0-1,3\"/>\n"
    "    <emulatorpin cpuset = \"5\" />\n"
    "  </cputune>\n"
    "  <devices>\n"
    "    <emulator>/usr/bin/qemu-system-x86_64</emulator>\n"
    "    <interface type=\"bridge\">\n"
    "      <mac address=\"52:54:00:aa:bb:cc\"/>\n"
    "      <source bridge=\"br0\"/>\n"
    "      <target dev=\"vnet0\"/>\n"
    "      <model type=\"e1000\"/>\n"
    "    </interface>\n"
    "  </devices>\n"
    "</domain>\n";

static void test_xml_double_quotes(void **state)
{
    char err[256] = "";
    struct virt_domain d;

    (void)state;
    memset(&d, 0, sizeof d);
    assert_int_equal(
        virt_parse_domain_xml(xml_double_quotes, &d, err, sizeof err), 0);
    assert_string_equal(d.type, "kvm");
    assert_string_equal(d.name, "r&d");
    assert_string_equal(d.uuid, "00000000-0000-0000-0000-000000000001");
    assert_string_equal(d.emulator, "/usr/bin/qemu-system-x86_64");
    assert_int_equal(d.tune.vcpupin[0], 0xb);
    assert_int_equal(d.tune.emulatorpin, 1u << 5);
    assert_int_equal(d.nifaces, 1);
    assert_string_equal(d.iface[0].type, "bridge");
    assert_string_equal(d.iface[0].source_bridge, "br0");
    assert_string_equal(d.iface[0].target, "vnet0");
    assert_string_equal(d.iface[0].mac, "52:54:00:aa:bb:cc");
    assert_string_equal(d.iface[0].model, "e1000");
    assert_string_equal(d.iface[0].driver, "");
}

/* A range applies to each vCPU in it, "^" takes one out, later elements
 * override earlier ones; batch and idle have priority 0. */
static void test_xml_vcpusched_ranges(void **state)
{
    static const char xml[] =
        "<domain type='kvm'><name>r</name><cputune>"
        "<vcpusched vcpus='0-5,^2' scheduler='fifo' priority='10'/>"
        "<vcpusched vcpus='4' scheduler='rr' priority='20'/>"
        "<vcpusched vcpus='7' scheduler='batch'/>"
        "<iothreadsched iothreads='1,3' scheduler='idle'/>"
        "</cputune></domain>";
    char err[256] = "";
    struct virt_domain d;
    const struct virt_cputune *t = &d.tune;

    (void)state;
    memset(&d, 0, sizeof d);
    assert_int_equal(virt_parse_domain_xml(xml, &d, err, sizeof err), 0);
    for (int i = 0; i < 6; i++) {
        if (i == 2 || i == 4)
            continue;
        assert_string_equal(t->vcpusched[i].policy, "fifo");
        assert_int_equal(t->vcpusched[i].priority, 10);
    }
    assert_string_equal(t->vcpusched[2].policy, "");
    assert_string_equal(t->vcpusched[4].policy, "rr");
    assert_int_equal(t->vcpusched[4].priority, 20);
    assert_string_equal(t->vcpusched[6].policy, "");
    assert_string_equal(t->vcpusched[7].policy, "batch");
    assert_int_equal(t->vcpusched[7].priority, 0);
    assert_int_equal(t->niothreadsched, 2);
    assert_int_equal(t->iothreadsched_id[0], 1);
    assert_int_equal(t->iothreadsched_id[1], 3);
    assert_string_equal(t->iothreadsched[1].policy, "idle");
}

static void test_xml_malformed_refused(void **state)
{
    static const char *const bad[] = {
        /* empty */
        "",
        /* root not closed */
        "<domain type='kvm'><name>r</name>",
        /* end tag does not match */
        "<domain type='kvm'><name>r</names></domain>",
        /* quote not closed */
        "<domain type='kvm><name>r</name></domain>",
        /* value not quoted */
        "<domain type=kvm></domain>",
        /* two roots */
        "<domain type='kvm'></domain><domain/>",
        /* unknown entity */
        "<domain><name>a &bogus; b</name></domain>",
        /* not a domain */
        "<node><domain/></node>",
        /* range backwards */
        "<domain><cputune><vcpupin vcpu='0' cpuset='3-1'/></cputune>"
        "</domain>",
        /* vCPU beyond VIRT_MAX_VCPUS */
        "<domain><cputune><vcpupin vcpu='99' cpuset='1'/></cputune>"
        "</domain>",
        /* no such policy */
        "<domain><cputune><vcpusched vcpus='0' scheduler='deadline'/>"
        "</cputune></domain>",
        /* fifo without priority */
        "<domain><cputune><vcpusched vcpus='0' scheduler='fifo'/>"
        "</cputune></domain>",
        /* not a number */
        "<domain><cputune><shares>lots</shares></cputune></domain>",
        /* comment not closed */
        "<domain><name>x</name><!-- open </domain>",
        /* text after the root */
        "<domain>x</domain> trailing",
    };
    struct virt_domain d;

    (void)state;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char err[256] = "";

        if (virt_parse_domain_xml(bad[i], &d, err, sizeof err) != -1)
            fail_msg("accepted: %s", bad[i]);
        assert_one_line(err);
        assert_non_null(strstr(err, "domain XML, line 1: "));
    }
}

static void test_xml_error_names_line(void **state)
{
    static const char xml[] = "<domain>\n  <cputune>\n"
                              "    <vcpupin vcpu='0' cpuset='x'/>\n"
                              "  </cputune>\n</domain>\n";
    char err[256] = "";
    struct virt_domain d;

    (void)state;
    assert_int_equal(virt_parse_domain_xml(xml, &d, err, sizeof err), -1);
    assert_non_null(strstr(err, "line 3"));
    assert_non_null(strstr(err, "cpuset='x'"));
}

/* ------------------------------------------------------------------------
 * QMP parsers on text
 * ------------------------------------------------------------------------ */

/* Verbatim from QEMU 7.2, two vCPUs: "props" holds its own "thread-id",
 * the SMT thread index. */
static const char cpus_fast_reply[] =
    "{\"return\": [{\"thread-id\": 1739, \"props\": {\"core-id\": 0, "
    "\"thread-id\": 0, \"socket-id\": 0}, \"qom-path\": "
    "\"/machine/unattached/device[0]\", \"cpu-index\": 0, \"target\": "
    "\"x86_64\"}, {\"thread-id\": 1740, \"props\": {\"core-id\": 1, "
    "\"thread-id\": 0, \"socket-id\": 0}, \"qom-path\": "
    "\"/machine/unattached/device[1]\", \"cpu-index\": 1, \"target\": "
    "\"x86_64\"}], \"id\": \"libvirt-42\"}";

static void test_cpus_fast_top_level_tid(void **state)
{
    char err[256] = "";
    int tids[4];

    (void)state;
    assert_int_equal(
        virt_parse_query_cpus_fast(cpus_fast_reply, tids, 4, err, sizeof err),
        2);
    assert_int_equal(tids[0], 1739);
    assert_int_equal(tids[1], 1740);
    assert_int_equal(tids[2], 0);
}

/* Entries are placed by cpu-index, whatever the order of entries and of
 * members ("props" before the top-level "thread-id" here). */
static void test_cpus_fast_by_cpu_index(void **state)
{
    static const char reply[] =
        "{\"return\":[{\"props\":{\"thread-id\":1,\"core-id\":0},"
        "\"cpu-index\":1,\"thread-id\":2002},"
        "{\"cpu-index\":0,\"props\":{\"thread-id\":0},\"thread-id\":2001,"
        "\"qom-path\":\"/machine/unattached/device[0]\"}]}";
    char err[256] = "";
    int tids[2];

    (void)state;
    assert_int_equal(
        virt_parse_query_cpus_fast(reply, tids, 2, err, sizeof err), 2);
    assert_int_equal(tids[0], 2001);
    assert_int_equal(tids[1], 2002);
}

static void test_query_iothreads(void **state)
{
    static const char reply[] =
        "{\"return\": [{\"poll-shrink\": 0, \"thread-id\": 1745, "
        "\"poll-grow\": 0, \"poll-max-ns\": 32768, \"id\": \"iothread1\", "
        "\"aio-max-batch\": 0}, {\"id\": \"io\\u0074hread2\", "
        "\"thread-id\": 1746}], \"id\": \"libvirt-43\"}";
    char err[256] = "";
    char ids[4][32];
    int tids[4];

    (void)state;
    assert_int_equal(
        virt_parse_query_iothreads(reply, ids, tids, 4, err, sizeof err), 2);
    assert_string_equal(ids[0], "iothread1");
    assert_int_equal(tids[0], 1745);
    assert_string_equal(ids[1], "iothread2");
    assert_int_equal(tids[1], 1746);
}

static void test_qmp_empty_return(void **state)
{
    char err[256] = "";
    char ids[1][32];
    int tids[1];

    (void)state;
    assert_int_equal(virt_parse_query_iothreads("{\"return\": []}", ids, tids,
                                                1, err, sizeof err),
                     0);
}

static void test_qmp_malformed_refused(void **state)
{
    static const char *const bad[] = {
        /* empty */
        "",
        /* cut short */
        "{\"return\": [{\"thread-id\": 1739, \"cpu-index\": 0}",
        /* no ':' */
        "{\"return\": [{\"thread-id\" 1739, \"cpu-index\": 0}]}",
        /* trailing comma */
        "{\"return\": [{\"thread-id\": 1739, \"cpu-index\": 0},]}",
        /* text after the reply */
        "{\"return\": [{\"thread-id\": 1739, \"cpu-index\": 0}]} x",
        /* thread-id not a number, not whole */
        "{\"return\": [{\"thread-id\": \"1739\", \"cpu-index\": 0}]}",
        "{\"return\": [{\"thread-id\": 17.5, \"cpu-index\": 0}]}",
        /* cpu-index beyond max */
        "{\"return\": [{\"thread-id\": 1739, \"cpu-index\": 9}]}",
        /* cpu-index twice */
        "{\"return\": [{\"thread-id\": 1739, \"cpu-index\": 0},"
        "{\"thread-id\": 1740, \"cpu-index\": 0}]}",
        /* thread-id only inside props */
        "{\"return\": [{\"props\": {\"thread-id\": 0}, \"cpu-index\": 0}]}",
        /* string not closed */
        "{\"return\": [{\"thread-id\": 1, \"cpu-index\": 0, "
        "\"qom-path\": \"/mach]}",
        /* bad literal */
        "{\"return\": [{\"thread-id\": 1, \"cpu-index\": 0, \"x\": tru}]}",
        /* return not an array */
        "{\"return\": {}}",
        /* no return */
        "{\"timestamp\": {\"seconds\": 1}}",
        /* nested too deep */
        "{\"return\": [{\"thread-id\": 1, \"cpu-index\": 0, \"x\": "
        "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]"
        "]]]]]]]]]]]}]}",
    };
    int tids[4];

    (void)state;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char err[256] = "";

        if (virt_parse_query_cpus_fast(bad[i], tids, 4, err, sizeof err) != -1)
            fail_msg("accepted: %s", bad[i]);
        assert_one_line(err);
        assert_non_null(strstr(err, "query-cpus-fast reply, offset "));
    }
}

static void test_qmp_error_reply(void **state)
{
    static const char reply[] =
        "{\"id\": \"libvirt-7\", \"error\": {\"class\": \"CommandNotFound\", "
        "\"desc\": \"The command query-foo has not been found\"}}";
    char err[256] = "";
    char ids[1][32];
    int tids[1];

    (void)state;
    assert_int_equal(
        virt_parse_query_iothreads(reply, ids, tids, 1, err, sizeof err), -1);
    assert_non_null(
        strstr(err, "QMP error: The command query-foo has not been found"));
}

/* ------------------------------------------------------------------------
 * Errors
 * ------------------------------------------------------------------------ */

static void test_unknown_domain(void **state)
{
    char err[512] = "";
    struct virt *v = (struct virt *)&v;

    (void)state;
    assert_int_equal(virt_open(&v, uri, "router9", err, sizeof err), -1);
    assert_null(v);
    assert_one_line(err);
    assert_non_null(strstr(err, "domain router9 on test:///"));
    assert_non_null(strstr(err, "Domain not found"));
}

static void test_bad_uri(void **state)
{
    char err[512] = "";
    struct virt *v = (struct virt *)&v;

    (void)state;
    assert_int_equal(virt_open(&v, "nosuch:///x", "router1", err, sizeof err),
                     -1);
    assert_null(v);
    assert_one_line(err);
    assert_non_null(strstr(err, "connecting to nosuch:///x: "));
}

/* libvirt's own printing is off: a failing call writes nothing to
 * stderr. */
static void test_errors_not_printed(void **state)
{
    char err[512] = "", path[] = "/tmp/test_virt.XXXXXX";
    struct virt *v = NULL;
    int fd = mkstemp(path), saved = dup(2);

    (void)state;
    assert_true(fd >= 0 && saved >= 0);
    fflush(stderr);
    assert_int_equal(dup2(fd, 2), 2);
    assert_int_equal(virt_open(&v, uri, "router9", err, sizeof err), -1);
    assert_int_equal(virt_open(&v, "nosuch:///x", "r", err, sizeof err), -1);
    v = open_domain("router1");
    assert_int_equal(virt_pin_vcpu(v, 7, 1, err, sizeof err), -1);
    virt_close(v);
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    assert_int_equal(lseek(fd, 0, SEEK_END), 0);
    close(fd);
    unlink(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_discovery_identity),
        cmocka_unit_test(test_discovery_cpus),
        cmocka_unit_test(test_discovery_iothreads),
        cmocka_unit_test(test_discovery_without_qmp),
        cmocka_unit_test(test_discovery_interfaces),
        cmocka_unit_test(test_discovery_shut_off),
        cmocka_unit_test(test_running_check),
        cmocka_unit_test(test_pin_read_back),
        cmocka_unit_test(test_pin_beyond_host_refused),
        cmocka_unit_test(test_pin_unknown_vcpu_refused),
        cmocka_unit_test(test_cputune_imported),
        cmocka_unit_test(test_xml_double_quotes),
        cmocka_unit_test(test_xml_vcpusched_ranges),
        cmocka_unit_test(test_xml_malformed_refused),
        cmocka_unit_test(test_xml_error_names_line),
        cmocka_unit_test(test_cpus_fast_top_level_tid),
        cmocka_unit_test(test_cpus_fast_by_cpu_index),
        cmocka_unit_test(test_query_iothreads),
        cmocka_unit_test(test_qmp_empty_return),
        cmocka_unit_test(test_qmp_malformed_refused),
        cmocka_unit_test(test_qmp_error_reply),
        cmocka_unit_test(test_unknown_domain),
        cmocka_unit_test(test_bad_uri),
        cmocka_unit_test(test_errors_not_printed),
    };

    return cmocka_run_group_tests(tests, group_setup, NULL);
}
