# expect: vsrsim: --set traffic.rates_kpps: '[1e400]' is not a valid value for this setting
vsrsim run tests/bad/fixtures/ok.cfg --set traffic.rates_kpps=[1e400] --db @OUT@/r.db --csv @OUT@/r.csv
