# expect: vsrsim: tests/bad/no-such-cal.db: cannot open calibration database: unable to open database file
vsrsim validate --measured tests/bad/no-such-cal.db --scenario tests/bad/fixtures/plan.cfg --csv @OUT@/v.csv
