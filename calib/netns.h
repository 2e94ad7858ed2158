/*
 * netns.h - run a few lines of code inside a named network namespace.
 *
 * A name is one made by `ip netns add` (a file in /run/netns); "" or "-"
 * stands for the namespace vsrcal started in. Entering switches only the
 * calling thread (setns(2)); leaving switches it back. Used to read
 * /proc/thread-self/net/dev and to set a device's queue length where the
 * testbed's TAP devices live.
 */
#ifndef VSRCAL_NETNS_H
#define VSRCAL_NETNS_H

#include <stddef.h>

/* Enter `name`; *saved receives what to give netns_leave() (-1 when
 * nothing was switched). */
int netns_enter(const char *name, int *saved, char *err, size_t errlen);
void netns_leave(int saved);

/* 1 when `name` is the namespace vsrcal runs in. */
int netns_is_self(const char *name);

#endif
