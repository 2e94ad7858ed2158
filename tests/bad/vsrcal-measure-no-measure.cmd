# expect: vsrcal: tests/bad/fixtures/ok.cfg: no 'measure' group: expected measure = { domain = ...; generator = { ... }; sink = { ... }; }
vsrcal measure tests/bad/fixtures/ok.cfg --db @OUT@/cal.db
