# expect: vsrsim: @OUT@/no-dir/r.png: cannot write plot: No such file or directory
vsrsim run tests/bad/fixtures/ok.cfg --db @OUT@/r.db --csv @OUT@/r.csv --plot @OUT@/no-dir/r.png
