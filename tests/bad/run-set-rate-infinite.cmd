# expect: vsrsim: --set traffic.rates_kpps=[1e400]: expected numbers as [a, b, ...]
vsrsim run tests/bad/fixtures/ok.cfg --set traffic.rates_kpps=[1e400] --db @OUT@/r.db --csv @OUT@/r.csv
