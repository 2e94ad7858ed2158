# expect: vsrcal: measure: a plan (a scenario with a measure group) is required
vsrcal measure --db @OUT@/cal.db
