-- expect: costdb-missing-activity.db: cost model 'test' lacks activity 'vhost_signal'
-- base: costs-test
DELETE FROM cost WHERE model_id = 'test' AND activity = 'vhost_signal';
