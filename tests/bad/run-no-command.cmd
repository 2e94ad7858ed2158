# expect: vsrsim: expected a command: run, paper, validate, plan, search, explain or trace
vsrsim
