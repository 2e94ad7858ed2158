# expect: vsrcal: --curve nosuch: tests/bad/fixtures/plan.cfg has no such curve
vsrcal measure tests/bad/fixtures/plan.cfg --db @OUT@/cal.db --curve nosuch
