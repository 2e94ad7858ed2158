# expect: text.txt: cannot use results database: file is not a database
vsrsim run tests/bad/fixtures/ok.cfg --db @TMP@/text.txt --csv @OUT@/r.csv
