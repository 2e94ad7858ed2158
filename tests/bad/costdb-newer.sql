-- expect: costdb-newer.db: schema version 2 is newer than this vsrsim understands (1)
-- base: costs-test
PRAGMA user_version = 2;
