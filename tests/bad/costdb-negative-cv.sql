-- expect: costdb-negative-cv.db: cost model 'test', activity 'ctx_switch': cv must be a finite number >= 0
-- base: costs-test
-- A cost table without the schema's CHECK constraints, as in a file
-- written by hand.
CREATE TABLE cost_copy AS SELECT * FROM cost;
DROP TABLE cost;
ALTER TABLE cost_copy RENAME TO cost;
UPDATE cost SET cv = -0.5 WHERE model_id = 'test' AND activity = 'ctx_switch';
