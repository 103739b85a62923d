module threecx-example

go 1.19

require threecx v0.0.0

// An installed libthreecx: replace threecx => <prefix>/share/gocode/src/threecx
replace threecx => ../../bindings/go
