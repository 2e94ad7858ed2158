# expect: vsrcal: fit: --id MODEL is required
vsrcal fit tests/bad/fixtures/plan.cfg --db @OUT@/cal.db
