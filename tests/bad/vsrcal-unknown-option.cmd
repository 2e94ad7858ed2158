# expect: vsrcal: unknown option '--bogus'
vsrcal fit tests/bad/fixtures/plan.cfg --db @OUT@/cal.db --id x --bogus
