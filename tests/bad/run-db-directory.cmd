# expect: vsrsim: @TMP@: cannot open results database: unable to open database file
vsrsim run tests/bad/fixtures/ok.cfg --db @TMP@ --csv @OUT@/r.csv
