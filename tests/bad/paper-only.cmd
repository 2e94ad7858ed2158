# expect: vsrsim: --only: expected figNN, e.g. fig03
vsrsim paper --only fig3 --out @OUT@
