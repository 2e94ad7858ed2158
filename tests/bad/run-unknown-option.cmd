# expect: vsrsim: run: unknown option '--bogus'
vsrsim run tests/bad/fixtures/ok.cfg --bogus --db @OUT@/r.db --csv @OUT@/r.csv
