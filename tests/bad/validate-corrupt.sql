-- expect: validate-corrupt.db: not a vsrsim calibration database (file is not a database)
-- base: schema
-- after: scramble
-- run: vsrsim validate --measured @DB@ --scenario tests/bad/fixtures/plan.cfg --csv @OUT@/v.csv
INSERT INTO measured_run (id, config, plan) VALUES (1, 'shared-core', 'tests/bad/fixtures/plan.cfg');
INSERT INTO measured_point (run_id, offered_kpps, forwarded_kpps, ci99_kpps, reps)
VALUES (1, 5.0, 5.0, 0.1, 2), (1, 10.0, 10.0, 0.1, 2), (1, 15.0, 15.0, 0.1, 2);
