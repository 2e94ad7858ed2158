# expect: vsrsim: --runs: a subset of runs cannot grow to --ci-width
vsrsim run tests/bad/fixtures/ok.cfg -r 0..3 --ci-width 1 --db @OUT@/r.db --csv @OUT@/r.csv
