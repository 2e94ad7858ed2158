# expect: vsrsim: --resume: needs a results database (not --no-db)
vsrsim run tests/bad/fixtures/ok.cfg --resume --no-db --csv @OUT@/r.csv
