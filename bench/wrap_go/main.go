// bench_xapi's Go contender (measure 7): the generic GET of bench_xapi.c
// (request_new + send + body, here Client.Get) through the Go binding, N
// times after 20 warm-up calls. Prints the process CPU time per call in
// microseconds. Built and run by bench/run.sh.
//
//	wrap_go http://127.0.0.1:PORT N
package main

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"syscall"

	"threecx"
)

func cpu() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e9
}

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: wrap_go http://127.0.0.1:PORT N")
		os.Exit(2)
	}
	n, err := strconv.Atoi(os.Args[2])
	if err != nil || n <= 0 {
		fmt.Fprintln(os.Stderr, "wrap_go: N must be a positive number")
		os.Exit(2)
	}
	cl, err := threecx.NewClient(os.Args[1], "bench", "bench-key", threecx.WithAllowHTTP())
	if err != nil {
		fmt.Fprintln(os.Stderr, "wrap_go:", err)
		os.Exit(1)
	}
	defer cl.Close()
	ctx := context.Background()
	for i := 0; i < 20; i++ {
		if _, err := cl.Get(ctx, "/SecurityTokens", nil); err != nil {
			fmt.Fprintln(os.Stderr, "wrap_go:", err)
			os.Exit(1)
		}
	}
	c0 := cpu()
	for i := 0; i < n; i++ {
		if _, err := cl.Get(ctx, "/SecurityTokens", nil); err != nil {
			fmt.Fprintln(os.Stderr, "wrap_go:", err)
			os.Exit(1)
		}
	}
	fmt.Printf("%.3f\n", (cpu()-c0)*1e6/float64(n))
}
