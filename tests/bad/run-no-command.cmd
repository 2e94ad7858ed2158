# expect: vsrsim: expected a command: run, list, merge, paper, validate, plan, search, explain or trace
vsrsim
