# expect: vsrsim: unknown command 'frobnicate'
vsrsim frobnicate tests/bad/fixtures/ok.cfg
