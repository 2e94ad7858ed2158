# expect: vsrsim: --mape-max: expected a percentage above 0
vsrsim validate --measured @TMP@/text.txt --scenario tests/bad/fixtures/plan.cfg --mape-max 0
