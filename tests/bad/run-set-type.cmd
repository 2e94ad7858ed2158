# expect: vsrsim: --set host.cores: 'four' is not a valid value for this setting
vsrsim run tests/bad/fixtures/ok.cfg --set host.cores=four --db @OUT@/r.db --csv @OUT@/r.csv
