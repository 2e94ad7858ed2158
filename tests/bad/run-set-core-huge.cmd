# expect: vsrsim: --set threads.vcpu0.cpus=[1e20]: expected integers as [a, b, ...]
vsrsim run tests/bad/fixtures/ok.cfg --set threads.vcpu0.cpus=[1e20] --db @OUT@/r.db --csv @OUT@/r.csv
