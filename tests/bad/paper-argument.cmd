# expect: vsrsim: paper: unexpected argument 'fig02'
vsrsim paper fig02 --out @OUT@
