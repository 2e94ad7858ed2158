# expect: text.txt: not a vsrsim results file: file is not a database
vsrsim merge @TMP@/text.txt -o @OUT@/m.db
