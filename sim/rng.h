/*
 * rng.h - random streams and cost draws, on GSL.
 *
 * Every entity owns one stream, seeded from the run seed and the entity's
 * index, so adding an entity or running runs in another order never shifts
 * another entity's draws. Costs are Gamma distributed with a given mean and
 * coefficient of variation; the sum of k independent draws of one cost is
 * drawn at once as Gamma(k a, theta).
 */
#ifndef VSRSIM_RNG_H
#define VSRSIM_RNG_H

#include <stdint.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "costmodel.h"

/* A well-mixed 64-bit seed from a base seed and up to three indices
 * (splitmix64 finalizer), for runs and entities. */
uint64_t rng_derive(uint64_t base, uint64_t a, uint64_t b, uint64_t c);

/* A new stream seeded with `seed`, and its end. The generator is GSL's
 * taus2 (L'Ecuyer's maximally equidistributed combined Tausworthe, period
 * 2^88), of simulation quality by GSL's manual: 24 bytes of state against
 * MT19937's 5 KiB, and cheaper per draw, which the Gamma costs pay for
 * several times an event (make bench). */
gsl_rng *rng_alloc(uint64_t seed);
void rng_free(gsl_rng *r);

/* Total cost in ns of `k` occurrences of activity `c` (0 when k == 0 or the
 * mean is 0). Deterministic when cv == 0. */
int64_t rng_cost(gsl_rng *r, const struct cost *c, int64_t k);

/* A cost with the Gamma parameters of one occurrence worked out once, for
 * entities that draw it again and again. */
struct rng_gamma {
    double mean_ns, cv; /* as in struct cost   */
    double shape;       /* a = 1 / cv^2        */
    double scale;       /* theta = mean_ns cv^2 */
};

void rng_gamma_init(struct rng_gamma *g, const struct cost *c);

/* llround() of a cost: x >= 0 and below 2^63. For x < 2^52 the fraction
 * x - trunc(x) is exact; above, x is an integer; halves round up, as
 * llround() rounds them away from zero. */
static inline int64_t rng_round_ns(double x)
{
    int64_t i = (int64_t)x;
    return i + (x - (double)i >= 0.5);
}

/* rng_cost() of the cost g was made from: the same value from the same
 * stream. Inline: the model draws a cost or two per event. */
static inline int64_t rng_gamma_cost(gsl_rng *r, const struct rng_gamma *g,
                                     int64_t k)
{
    if (k <= 0 || g->mean_ns <= 0)
        return 0;
    if (g->cv <= 0)
        return rng_round_ns(g->mean_ns * (double)k);
    /* One occurrence: shape a = 1/cv^2, scale theta = mean_ns * cv^2. */
    return rng_round_ns(gsl_ran_gamma(r, g->shape * (double)k, g->scale));
}

/* Costs of several activities, summed and drawn once: a step's work, or
 * the overheads a thread owes. A sum of independent Gamma costs of one
 * scale is Gamma with the shapes added, exactly (k occurrences of one
 * activity, as above); of different scales it is drawn as the Gamma with
 * the sum's mean and variance. Terms with cv 0 add their mean. */
struct rng_sum {
    double mean_ns; /* of the random terms */
    double var_ns2; /* their variance: k a theta^2 = k mean theta each */
    double fixed_ns;
};

static inline void rng_sum_add(struct rng_sum *s, const struct rng_gamma *g,
                               int64_t k)
{
    if (k <= 0 || g->mean_ns <= 0)
        return;
    double mean = g->mean_ns * (double)k;
    if (g->cv <= 0) {
        s->fixed_ns += mean;
        return;
    }
    s->mean_ns += mean;
    s->var_ns2 += mean * g->scale;
}

/* 1 when nothing has been added since the sum was last drawn. */
static inline int rng_sum_empty(const struct rng_sum *s)
{
    return s->mean_ns <= 0 && s->fixed_ns <= 0;
}

/* Draw the sum in ns and empty it. */
static inline int64_t rng_sum_draw(gsl_rng *r, struct rng_sum *s)
{
    double x = s->fixed_ns;
    if (s->mean_ns > 0)
        x += gsl_ran_gamma(r, s->mean_ns * s->mean_ns / s->var_ns2,
                           s->var_ns2 / s->mean_ns);
    *s = (struct rng_sum){0};
    return rng_round_ns(x);
}

#endif
