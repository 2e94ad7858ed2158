# expect: vsrsim: --set host.cores=four: expected an integer
vsrsim run tests/bad/fixtures/ok.cfg --set host.cores=four --db @OUT@/r.db --csv @OUT@/r.csv
