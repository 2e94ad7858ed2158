# expect: vsrcal: tests/bad/no-such-cal.db: cannot open calibration database: unable to open database file
vsrcal fit tests/bad/fixtures/plan.cfg --db tests/bad/no-such-cal.db --id x
