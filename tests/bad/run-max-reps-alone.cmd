# expect: vsrsim: --max-reps: only with --ci-width
vsrsim run tests/bad/fixtures/ok.cfg --max-reps 20 --db @OUT@/r.db --csv @OUT@/r.csv
