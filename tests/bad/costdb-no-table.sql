-- expect: costdb-no-table.db: not a vsrsim cost-model database (no table cost_model)
-- A database with costs but no table of models.
CREATE TABLE cost (model_id TEXT, activity TEXT, mean_ns REAL, cv REAL);
