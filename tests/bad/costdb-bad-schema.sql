-- expect: costdb-bad-schema.db: not a vsrsim cost-model database (malformed database schema (cost))
-- base: costs-test
-- The schema text of table cost overwritten with garbage.
PRAGMA writable_schema = ON;
UPDATE sqlite_master SET sql = 'garbage' WHERE name = 'cost';
