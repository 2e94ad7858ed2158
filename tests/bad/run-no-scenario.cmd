# expect: vsrsim: run: expected one scenario file
vsrsim run --db @OUT@/r.db --csv @OUT@/r.csv
