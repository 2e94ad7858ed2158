-- expect: caldb-no-points.db: run 1 of 'shared-core' has no points
-- base: schema
-- run: vsrcal fit tests/bad/fixtures/plan.cfg --db @DB@ --id fitted
INSERT INTO measured_run (id, config, plan) VALUES (1, 'shared-core', 'tests/bad/fixtures/plan.cfg');
