# expect: vsrcal: --domain: expected a value
vsrcal discover --domain
