# expect: vsrsim: --set sim.duration_ms=0: 'sim.duration_ms' must be between 0.001 and
vsrsim run tests/bad/fixtures/ok.cfg --set sim.duration_ms=0 --db @OUT@/r.db --csv @OUT@/r.csv
