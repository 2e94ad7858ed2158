# expect: vsrsim: --set sim.reps=2.5: expected an integer
vsrsim run tests/bad/fixtures/ok.cfg --set sim.reps=2.5 --db @OUT@/r.db --csv @OUT@/r.csv
