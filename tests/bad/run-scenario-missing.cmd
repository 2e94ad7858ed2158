# expect: vsrsim: tests/bad/no-such.cfg: cannot read scenario: No such file or directory
vsrsim run tests/bad/no-such.cfg --db @OUT@/r.db --csv @OUT@/r.csv
