# expect: vsrsim: --csv: expected a file (validate prints its tables on standard output)
vsrsim validate --measured @TMP@/text.txt --scenario tests/bad/fixtures/plan.cfg --csv -
