# expect: vsrsim: --runs: expected run numbers such as 0..9,15,20..
vsrsim run tests/bad/fixtures/ok.cfg -r 3..1 --db @OUT@/r.db --csv @OUT@/r.csv
