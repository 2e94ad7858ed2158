# expect: vsrsim: --ci-width: expected a half-width in kpps above 0, or a percentage such as 2%
vsrsim run tests/bad/fixtures/ok.cfg --ci-width 0% --db @OUT@/r.db --csv @OUT@/r.csv
