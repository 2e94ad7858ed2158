# expect: vsrsim: --reps: expected an integer from 1 to 100000
vsrsim run tests/bad/fixtures/ok.cfg --reps 100001 --db @OUT@/r.db --csv @OUT@/r.csv
