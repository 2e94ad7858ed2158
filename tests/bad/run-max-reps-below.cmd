# expect: vsrsim: --max-reps: below the scenario's replications
vsrsim run tests/bad/fixtures/ok.cfg --reps 5 --ci-width 1 --max-reps 3 --db @OUT@/r.db --csv @OUT@/r.csv
