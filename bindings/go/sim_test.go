// Test support: a threecx-sim per test (THREECX_SIM, HTTPS with its
// generated CA unless THREECX_TEST_HTTP=1), its control API, and the
// counting check whose totals TestMain prints ("N passed, M failed").
package threecx

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"fmt"
	nethttp "net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

var passedN, failedN int64

func TestMain(m *testing.M) {
	code := m.Run()
	fmt.Printf("%d passed, %d failed\n", atomic.LoadInt64(&passedN), atomic.LoadInt64(&failedN))
	os.Exit(code)
}

// checker counts a check; a failure is reported with what and extra.
func checker(t *testing.T) func(cond bool, what string, extra ...interface{}) {
	return func(cond bool, what string, extra ...interface{}) {
		t.Helper()
		if cond {
			atomic.AddInt64(&passedN, 1)
			return
		}
		atomic.AddInt64(&failedN, 1)
		t.Errorf("FAIL: %s %v", what, extra)
	}
}

type testSim struct {
	url, ca string
	http    bool
	hc      *nethttp.Client
	cmd     *exec.Cmd
}

// startSim starts threecx-sim with the clients "id:key" (SystemOwner).
func startSim(t *testing.T, clients ...string) *testSim {
	t.Helper()
	bin := os.Getenv("THREECX_SIM")
	if bin == "" {
		t.Fatal("THREECX_SIM not set")
	}
	s := &testSim{http: os.Getenv("THREECX_TEST_HTTP") == "1"}
	dir := t.TempDir()
	ready := filepath.Join(dir, "port")
	s.ca = filepath.Join(dir, "ca.pem")
	args := []string{"--host", "127.0.0.1", "--port", "0", "--ready-file", ready, "--quiet"}
	for _, c := range clients {
		args = append(args, "--client", c+":SystemOwner")
	}
	if s.http {
		args = append(args, "--http")
	} else {
		args = append(args, "--ca-out", s.ca)
	}
	if spec := os.Getenv("THREECX_XAPI_SPEC"); spec != "" {
		args = append(args, "--spec", spec)
	}
	s.cmd = exec.Command(bin, args...)
	if err := s.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.cmd.Process.Kill(); _, _ = s.cmd.Process.Wait() })
	port := 0
	for i := 0; i < 1000 && port == 0; i++ {
		if b, err := os.ReadFile(ready); err == nil {
			port, _ = strconv.Atoi(strings.TrimSpace(string(b)))
		}
		if port == 0 {
			time.Sleep(10 * time.Millisecond)
		}
	}
	if port == 0 {
		t.Fatal("threecx-sim did not start")
	}
	scheme := "https://"
	if s.http {
		scheme = "http://"
	}
	s.url = scheme + "127.0.0.1:" + strconv.Itoa(port)
	s.hc = &nethttp.Client{Timeout: 10 * time.Second}
	if !s.http {
		pem, err := os.ReadFile(s.ca)
		pool := x509.NewCertPool()
		if err != nil || !pool.AppendCertsFromPEM(pem) {
			t.Fatal("simulator CA", err)
		}
		s.hc.Transport = &nethttp.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}
	}
	return s
}

// client is a client of the simulator for id/key.
func (s *testSim) client(t *testing.T, id, key string, opts ...Option) *Client {
	t.Helper()
	base := []Option{WithTimeout(20 * time.Second)}
	if s.http {
		base = append(base, WithAllowHTTP())
	} else {
		base = append(base, WithCAFile(s.ca))
	}
	cl, err := NewClient(s.url, id, key, append(base, opts...)...)
	if err != nil {
		t.Fatal("client:", err)
	}
	t.Cleanup(cl.Close)
	return cl
}

func (s *testSim) stat(name string) int {
	res, err := s.hc.Get(s.url + "/_sim/stats")
	if err != nil {
		return -1
	}
	defer res.Body.Close()
	var m map[string]float64
	if json.NewDecoder(res.Body).Decode(&m) != nil {
		return -1
	}
	return int(m[name])
}

// fault installs a fault rule; false if the simulator refused it.
func (s *testSim) fault(rule string) bool {
	res, err := s.hc.Post(s.url+"/_sim/faults", "application/json", strings.NewReader(rule))
	if err != nil {
		return false
	}
	res.Body.Close()
	return res.StatusCode == 201
}

// waitFaults waits until the simulator has applied more than n faults.
func (s *testSim) waitFaults(n int) {
	for i := 0; i < 1000 && s.stat("faults_applied") <= n; i++ {
		time.Sleep(5 * time.Millisecond)
	}
}
