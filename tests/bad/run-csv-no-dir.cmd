# expect: vsrsim: @OUT@/no-dir/r.csv: cannot write CSV: No such file or directory
vsrsim run tests/bad/fixtures/ok.cfg --db @OUT@/r.db --csv @OUT@/no-dir/r.csv
