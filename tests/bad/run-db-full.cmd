# expect: database or disk is full
# mount: full
vsrsim run tests/bad/fixtures/ok.cfg --db @DISK@/r.db --csv @OUT@/r.csv
