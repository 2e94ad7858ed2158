/*
 * journal.h - every host setting vsrcal changes, written down before it
 * changes, so that it can always be put back.
 *
 * The journal is a text file, one record per line, appended and synced to
 * disk before the change it describes is made:
 *
 *   thread TID STARTTIME CPUS POLICY PRIORITY NICE RUNTIME DEADLINE PERIOD FLAGS
 *   irq IRQ CPUS
 *   txqlen NETNS DEV LEN
 *   sysctl PATH VALUE
 *   proc PGID STARTTIME
 *   cgroup TID STARTTIME DIR
 *
 * (CPUS is a hexadecimal mask, NETNS "-" for vsrcal's own namespace.)
 * A proc record is a process group vsrcal started (a traffic generator):
 * restoring stops it, if its leader is still the same process. A cgroup
 * record is a thread moved out of cgroup v1 directory DIR (see tune.h);
 * restoring moves it back.
 * Restoring applies the records in reverse order, so a setting changed
 * twice ends as it was before the first change, then deletes the file. A
 * thread is restored only if it is still the same thread: its start time
 * (field 22 of its stat line) must match, since thread ids are reused.
 * After a SIGKILL the file stays, and the next vsrcal run (or `vsrcal
 * restore`) replays it before doing anything else. A last line without
 * its newline was cut short by the kill before its change was made, and
 * is ignored; any other line that is not a record makes the replay fail
 * with the file kept.
 */
#ifndef VSRCAL_JOURNAL_H
#define VSRCAL_JOURNAL_H

#include <stddef.h>
#include <stdint.h>

#define JOURNAL_DEFAULT "/var/lib/vsrcal/journal"

enum jrec_kind {
    JREC_THREAD,
    JREC_IRQ,
    JREC_TXQLEN,
    JREC_SYSCTL,
    JREC_PROC,
    JREC_CGROUP
};

/* A thread's scheduling as sched_getattr(2) reports it. */
struct thread_sched {
    unsigned policy; /* SCHED_OTHER, SCHED_FIFO, SCHED_DEADLINE, ... */
    unsigned priority;
    int nice;
    uint64_t runtime, deadline, period; /* ns, SCHED_DEADLINE only */
    uint64_t flags;
};

struct jrec {
    enum jrec_kind kind;
    int id;             /* thread id, IRQ or process group  */
    uint64_t starttime; /* thread identity                  */
    uint64_t cpus;      /* affinity or IRQ mask             */
    struct thread_sched sched;
    char netns[32], dev[32]; /* txqlen                      */
    uint64_t len;
    char path[256], value[64]; /* sysctl; cgroup: path      */
};

struct journal;

/* Open the journal at `path` for new records. Refuses when a journal is
 * already there: the caller replays it first (journal_replay). */
int journal_open(struct journal **out, const char *path, char *err,
                 size_t errlen);

/* Append `r` and make it durable. */
int journal_add(struct journal *j, const struct jrec *r, char *err,
                size_t errlen);

/* Restore every record in reverse order, close and delete the journal.
 * Records that cannot be restored (a thread that has exited) are reported
 * on stderr and skipped; returns the number of records that failed for
 * another reason (0 when the host is back as it was). */
int journal_close(struct journal *j);

/* Replay and delete a journal left by an earlier run. Returns the number
 * of records restored (0 when there was no journal), or -1 when the file
 * cannot be read or holds a line that is not a record (err says why,
 * with path:line; nothing is restored and the file is kept). */
int journal_replay(const char *path, char *err, size_t errlen);

/* One record as a line (without the newline) and back; for the tests. */
void jrec_format(const struct jrec *r, char *buf, size_t len);
int jrec_parse(const char *line, struct jrec *r, char *err, size_t errlen);

#endif
