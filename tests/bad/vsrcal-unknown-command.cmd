# expect: vsrcal: unknown command 'calibrate'
vsrcal calibrate tests/bad/fixtures/plan.cfg
