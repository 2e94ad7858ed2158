# expect: vsrcal: --check-rate: expected a rate in kpps above 0, got '-5'
vsrcal fit tests/bad/fixtures/plan.cfg --db @OUT@/cal.db --id x --check-rate -5
