# expect: vsrsim: --set threads.vcpu0.cpus: '[1e20]' is not a valid value for this setting
vsrsim run tests/bad/fixtures/ok.cfg --set threads.vcpu0.cpus=[1e20] --db @OUT@/r.db --csv @OUT@/r.csv
