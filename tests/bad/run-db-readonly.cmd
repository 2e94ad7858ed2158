# expect: vsrsim: @DISK@/r.db: cannot open results database: unable to open database file
# mount: ro
vsrsim run tests/bad/fixtures/ok.cfg --db @DISK@/r.db --csv @OUT@/r.csv
