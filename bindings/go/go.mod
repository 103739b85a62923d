module threecx

go 1.19
