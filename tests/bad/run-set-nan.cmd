# expect: vsrsim: --set sim.duration_ms=nan: expected a number
vsrsim run tests/bad/fixtures/ok.cfg --set sim.duration_ms=nan --db @OUT@/r.db --csv @OUT@/r.csv
