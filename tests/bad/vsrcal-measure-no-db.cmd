# expect: vsrcal: measure: --db FILE is required
vsrcal measure tests/bad/fixtures/plan.cfg
