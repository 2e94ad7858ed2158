# expect: vsrcal: a command is required
vsrcal
