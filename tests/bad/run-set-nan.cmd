# expect: vsrsim: --set sim.duration_ms: 'nan' is not a valid value for this setting
vsrsim run tests/bad/fixtures/ok.cfg --set sim.duration_ms=nan --db @OUT@/r.db --csv @OUT@/r.csv
