# expect: vsrsim: --measured: a calibration database is required
vsrsim validate --scenario tests/bad/fixtures/plan.cfg --csv @OUT@/v.csv
