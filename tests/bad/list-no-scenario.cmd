# expect: vsrsim: list: expected one scenario file (see vsrsim list --help)
vsrsim list
