-- expect: caldb-newer.db: schema version 2 is newer than
-- base: schema
-- run: vsrcal fit tests/bad/fixtures/plan.cfg --db @DB@ --id fitted --check-rate 999
INSERT INTO measured_run (id, config, plan) VALUES (1, 'shared-core', 'tests/bad/fixtures/plan.cfg');
INSERT INTO measured_point (run_id, offered_kpps, forwarded_kpps, ci99_kpps, reps)
VALUES (1, 5.0, 5.0, 0.1, 2), (1, 10.0, 10.0, 0.1, 2), (1, 15.0, 15.0, 0.1, 2);
PRAGMA user_version = 2;
