-- expect: costdb-text-cost.db: cost model 'test', activity 'wakeup': mean_ns must be a finite number >= 0
-- base: costs-test
-- Text passes the schema's CHECK (mean_ns >= 0): SQLite sorts text after
-- every number.
UPDATE cost SET mean_ns = 'fast' WHERE model_id = 'test' AND activity = 'wakeup';
