/*
 * rng.c - seeds, streams and Gamma-distributed costs.
 *
 * Gamma because CPU costs are positive and right-skewed, and because a sum of
 * k i.i.d. Gamma(a, theta) is Gamma(k a, theta): one draw prices a batch of
 * packets exactly, which keeps the per-packet work of the simulator O(1) per
 * batch instead of O(k). A step's activities (a poll and its packets, say)
 * and the overheads a thread owes are each drawn as one sum too (rng.h):
 * the draws, GSL's Marsaglia-Tsang with its Gaussian, are the model's
 * largest single cost per event.
 */
#include <gsl/gsl_randist.h>

#include "rng.h"

static uint64_t mix(uint64_t z)
{
    z += 0x9e3779b97f4a7c15ULL;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

uint64_t rng_derive(uint64_t base, uint64_t a, uint64_t b, uint64_t c)
{
    return mix(mix(mix(mix(base) ^ a) ^ b) ^ c);
}

gsl_rng *rng_alloc(uint64_t seed)
{
    gsl_rng *r = gsl_rng_alloc(gsl_rng_taus2);
    /* taus2 seeds its state from the low 32 bits; 0 selects GSL's
     * default. */
    gsl_rng_set(r, (unsigned long)(seed ? seed : 1));
    return r;
}

void rng_free(gsl_rng *r)
{
    gsl_rng_free(r);
}

void rng_gamma_init(struct rng_gamma *g, const struct cost *c)
{
    g->mean_ns = c->mean_ns;
    g->cv = c->cv;
    g->shape = c->cv > 0 ? 1.0 / (c->cv * c->cv) : 0;
    g->scale = c->mean_ns * c->cv * c->cv;
}

int64_t rng_cost(gsl_rng *r, const struct cost *c, int64_t k)
{
    struct rng_gamma g;
    rng_gamma_init(&g, c);
    return rng_gamma_cost(r, &g, k);
}
