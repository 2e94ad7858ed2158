# expect: vsrsim: --set sim.reps: expected KEY=VALUE, e.g. sim.reps=3
vsrsim run tests/bad/fixtures/ok.cfg --set sim.reps --db @OUT@/r.db --csv @OUT@/r.csv
