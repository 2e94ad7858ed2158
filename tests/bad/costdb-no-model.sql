-- expect: costdb-no-model.db: no cost model 'test'
-- base: costs-test
DELETE FROM cost WHERE model_id = 'test';
DELETE FROM cost_model WHERE id = 'test';
