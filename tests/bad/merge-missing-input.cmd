# expect: vsrsim: merge: @TMP@/no-such.db: no such file
vsrsim merge @TMP@/no-such.db -o @OUT@/m.db
