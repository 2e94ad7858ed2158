# expect: vsrsim: tests/bad/fixtures: cannot read scenario: Is a directory
vsrsim run tests/bad/fixtures --db @OUT@/r.db --csv @OUT@/r.csv
