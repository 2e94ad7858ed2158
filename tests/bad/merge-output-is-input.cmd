# expect: vsrsim: -o: the output must not be an input
vsrsim merge @TMP@/text.txt -o @TMP@/text.txt
