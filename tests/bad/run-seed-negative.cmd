# expect: vsrsim: --seed: expected a non-negative integer
vsrsim run tests/bad/fixtures/ok.cfg --seed -1 --db @OUT@/r.db --csv @OUT@/r.csv
