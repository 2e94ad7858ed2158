# expect: vsrsim: --set host: only numbers, strings and arrays can be set
vsrsim run tests/bad/fixtures/ok.cfg --set host=1 --db @OUT@/r.db --csv @OUT@/r.csv
