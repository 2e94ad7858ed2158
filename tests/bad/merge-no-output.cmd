# expect: vsrsim: -o: an output database is required
vsrsim merge @TMP@/text.txt
