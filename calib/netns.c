/*
 * netns.c - entering named network namespaces (see netns.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "netns.h"

int netns_is_self(const char *name)
{
    return name == NULL || name[0] == '\0' || strcmp(name, "-") == 0;
}

int netns_enter(const char *name, int *saved, char *err, size_t errlen)
{
    *saved = -1;
    if (netns_is_self(name))
        return 0;
    if (strchr(name, '/') != NULL) {
        snprintf(err, errlen, "network namespace '%s': expected a name, "
                 "not a path", name);
        return -1;
    }
    char path[256];
    snprintf(path, sizeof path, "/run/netns/%s", name);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        snprintf(err, errlen, "network namespace '%s': %s: %s", name, path,
                 strerror(errno));
        return -1;
    }
    int self = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
    if (self < 0 || setns(fd, CLONE_NEWNET) != 0) {
        snprintf(err, errlen, "network namespace '%s': cannot enter: %s",
                 name, strerror(errno));
        if (self >= 0)
            close(self);
        close(fd);
        return -1;
    }
    close(fd);
    *saved = self;
    return 0;
}

void netns_leave(int saved)
{
    if (saved < 0)
        return;
    /* Going back to the namespace we came from cannot fail for a process
     * that could leave it; if it ever did, nothing after would be right. */
    if (setns(saved, CLONE_NEWNET) != 0) {
        perror("vsrcal: cannot return to the original network namespace");
        _exit(1);
    }
    close(saved);
}
