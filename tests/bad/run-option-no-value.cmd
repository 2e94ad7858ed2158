# expect: vsrsim: run: --jobs: expected a value
vsrsim run tests/bad/fixtures/ok.cfg --db @OUT@/r.db --csv @OUT@/r.csv --jobs
