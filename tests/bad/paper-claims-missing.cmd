# expect: vsrsim: tests/bad/no-such-claims.md: cannot read the claims: No such file or directory
vsrsim paper --only fig02 --claims tests/bad/no-such-claims.md --out @OUT@
