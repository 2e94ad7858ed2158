-- expect: caldb-too-many-points.db: run 1 of 'shared-core' has 65 points; expected at most 64 (a plan's rates)
-- base: schema
-- run: vsrcal fit tests/bad/fixtures/plan.cfg --db @DB@ --id fitted
-- A run no plan can have made: a point at each of 1 .. 65 kpps.
INSERT INTO measured_run (id, config, plan) VALUES (1, 'shared-core', 'tests/bad/fixtures/plan.cfg');
WITH RECURSIVE k(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM k WHERE n < 65)
INSERT INTO measured_point (run_id, offered_kpps, forwarded_kpps, ci99_kpps, reps)
SELECT 1, n, n, 0.1, 2 FROM k;
