# expect: vsrsim: run: expected one scenario file
vsrsim run tests/bad/fixtures/ok.cfg tests/bad/fixtures/ok.cfg --db @OUT@/r.db --csv @OUT@/r.csv
