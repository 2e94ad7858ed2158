# expect: vsrsim: run: unknown option '-x' (see --help)
vsrsim run tests/bad/fixtures/ok.cfg -xyz --db @OUT@/r.db --csv @OUT@/r.csv
