/*
 * sched.c - the registry of scheduling classes.
 *
 * Adding a policy means one file, one line here and one in the Makefile.
 */
#include <string.h>

#include "sched.h"

static const struct sched_class *const classes[SCHED_NCLASS] = {
    [SCHED_IRQ] = &sched_irq_class,
    [SCHED_DEADLINE] = &sched_deadline_class,
    [SCHED_FIFO] = &sched_fifo_class,
    [SCHED_CFS] = &sched_cfs_class,
};

const struct sched_class *sched_find(const char *name)
{
    for (int i = 0; i < SCHED_NCLASS; i++)
        if (strcmp(classes[i]->name, name) == 0)
            return classes[i];
    return NULL;
}

const struct sched_class *sched_find_fair(const char *name)
{
    static const struct sched_class *const fair[] = {&sched_cfs_class,
                                                     &sched_eevdf_class};
    for (size_t i = 0; i < sizeof fair / sizeof fair[0]; i++)
        if (strcmp(fair[i]->name, name) == 0)
            return fair[i];
    return NULL;
}

const struct sched_class *sched_by_rank(enum sched_rank r)
{
    return classes[r];
}
