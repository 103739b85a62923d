module threecxbench

go 1.19

require threecx v0.0.0

replace threecx => ../../bindings/go
