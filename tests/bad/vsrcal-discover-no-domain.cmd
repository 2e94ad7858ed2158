# expect: vsrcal: discover: --domain NAME is required
vsrcal discover
