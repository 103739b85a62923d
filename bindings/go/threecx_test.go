// Scenario test of the Go binding against a threecx-sim it starts itself.
// Environment: THREECX_SIM (required), THREECX_XAPI_SPEC (optional),
// THREECX_TEST_HTTP=1 for plain HTTP (default HTTPS with the generated CA).
package threecx

import (
	"context"
	"errors"
	"fmt"
	"os"
	"reflect"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	c "threecx/threecxc"
)

func jsonString(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
}

func TestScenarios(t *testing.T) {
	check := checker(t)

	s := startSim(t, "test:k3y-go", "life:k3y-life")
	http, ca := s.http, s.ca
	port := s.url[strings.LastIndex(s.url, ":")+1:]

	ctx := context.Background()

	// 1. client
	client, err := NewClient(s.url, "test", "k3y-go")
	check(err == nil && client != nil, "client created", err)
	if client == nil {
		return
	}
	defer client.Close()
	if http {
		check(client.AllowHTTP(true) == nil, "allow http")
	} else {
		check(client.SetCAFile(ca) == nil, "ca file")
	}
	check(client.SetTimeout(20*time.Second) == nil, "timeout")
	check(client.SetMaxResponseBytes(-1) != nil && client.SetMaxResponseBytes(1<<24) == nil, "max response bytes")
	if !http {
		// TLS setters: the CA from memory works, a wrong pin is a TLS error
		pem, rerr := os.ReadFile(ca)
		tc, _ := NewClient("127.0.0.1:"+port, "test", "k3y-go")
		check(rerr == nil && tc.SetCAPEM(string(pem)) == nil, "ca pem")
		_, gerr := tc.Get(ctx, "/Defs", nil)
		check(gerr == nil, "get with the CA from memory", gerr)
		check(tc.SetCAPEM("not a certificate") != nil, "ca pem refused")
		tc.Close()
		tc, _ = NewClient("127.0.0.1:"+port, "test", "k3y-go")
		check(tc.SetCAFile(ca) == nil, "ca file")
		check(tc.SetPinnedPublicKey("sha256//AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=") == nil, "pin set")
		aerr := tc.Authenticate(ctx)
		e, _ := aerr.(*Error)
		check(e != nil && e.Code == ETLS, "wrong pin: TLS error", aerr)
		tc.Close()
	}

	// 2. list with $top/$count/$select
	q := NewQuery().Top(5).Count(true).Select("Id,Username")
	check(q.Err() == nil, "query built", q.Err())
	body, err := client.Get(ctx, "/SecurityTokens", q)
	q.Close()
	check(err == nil, "list /SecurityTokens", err)
	check(strings.Count(body, `"Id":`) == 5, "5 items", body)
	m := regexp.MustCompile(`"@odata.count":(\d+)`).FindStringSubmatch(body)
	check(m != nil && m[1] == "23", "@odata.count 23", m)
	for _, k := range regexp.MustCompile(`"([^"]+)":`).FindAllStringSubmatch(body, -1) {
		key := k[1]
		check(key == "Id" || key == "Username" || key == "value" || strings.HasPrefix(key, "@odata."),
			"only Id/Username keys", key)
	}

	// 3. awkward string key: create (typed method), get (generic), delete (catalog op)
	const key = "it's a/b#c?d%e f+g&h=\u00fc\u6771 ''x"
	created, err := client.CreateWeblink(ctx, &Weblink{Link: Ptr(key), Name: Ptr("awkward")})
	check(err == nil && created != nil && Deref(created.Link) == key && Deref(created.Name) == "awkward",
		"typed POST /WebsiteLinks", created, err)
	req, err := client.NewRequest("GET", "/WebsiteLinks({Link})")
	check(err == nil, "request", err)
	check(req.SetParamString("Link", key) == nil, "param")
	u, _ := req.URL()
	check(strings.Contains(u, "/WebsiteLinks(%27it%27%27s%20a%2Fb%23c%3Fd%25e%20f%2Bg%26h%3D%C3%BC%E6%9D%B1%20%27%27%27%27x%27)"),
		"URL literal", u)
	resp, err := req.Send(ctx)
	check(err == nil, "get by awkward key", err)
	if resp != nil {
		b, _ := resp.Body()
		check(strings.Contains(b, jsonString(key)), "key round trip", b)
		raw, _ := resp.Bytes()
		check(string(raw) == b, "bytes == body")
		etag, ok, err := resp.Header("ETag")
		check(ok && etag != "" && err == nil, "ETag", etag, err)
		_, ok, err = resp.Header("No-Such-Header")
		check(!ok && err == nil, "absent header")
		resp.Close()
	}
	req.Close()
	del, err := client.NewOperation("DeleteWeblink")
	check(err == nil, "op DeleteWeblink", err)
	check(del.SetParamString("Link", key) == nil, "op param")
	resp, err = del.Send(ctx)
	check(err == nil, "delete", err)
	if resp != nil {
		st, _ := resp.Status()
		check(st == 204, "deleted 204", st)
		resp.Close()
	}
	del.Close()

	// 3b. the generated operation methods (operations.go): one per operation,
	// typed path parameters, all eight options, nullable parameters as nil
	check(reflect.TypeOf(client.JSON()).NumMethod() == OperationMethods && OperationMethods == 601,
		"601 JSON operation methods", reflect.TypeOf(client.JSON()).NumMethod())
	check(reflect.TypeOf(client).NumMethod() >= TypedOperationMethods && TypedOperationMethods == 601,
		"601 typed operation methods on *Client", reflect.TypeOf(client).NumMethod())
	resp, err = client.JSON().CreateWeblink(ctx, `{"Link":`+jsonString(key)+`,"Name":"method"}`)
	check(err == nil, "CreateWeblink", err)
	if resp != nil {
		st, _ := resp.Status()
		check(st == 201, "CreateWeblink 201", st)
		resp.Close()
	}
	resp, err = client.JSON().GetWeblink(ctx, key, NewQuery().Select("Link,Name"))
	check(err == nil, "GetWeblink(awkward key)", err)
	if resp != nil {
		b, _ := resp.Body()
		check(strings.Contains(b, jsonString(key)) && strings.Contains(b, `"Name":"method"`), "GetWeblink body", b)
		resp.Close()
	}
	all8 := NewQuery().Filter("Id gt 0").Search("a").OrderBy("Username asc,Id desc").Select("Id,Username").
		Expand("Client").Count(true).Top(3).Skip(1)
	resp, err = client.JSON().ListSecurityRefreshToken(ctx, all8)
	all8.Close()
	check(err == nil, "ListSecurityRefreshToken with all eight options", err)
	if resp != nil {
		b, _ := resp.Body()
		check(strings.Count(b, `"Username":`) <= 3 && strings.Contains(b, `"@odata.count":`), "eight options body", b)
		resp.Close()
	}
	from := time.Date(2026, 1, 2, 3, 4, 5, 0, time.FixedZone("", 2*3600))
	resp, err = client.JSON().GetLogs(ctx, from, from.Add(24*time.Hour), nil, nil, nil, nil)
	check(err == nil, "GetLogs with date-times and null strings", err)
	if resp != nil {
		resp.Close()
	}
	_, err = client.GetUser(ctx, 987654, nil)
	check(errors.As(err, new(*Error)) && err.(*Error).Status == 404 && errors.Is(err, ErrNotFound),
		"GetUser(missing) is a 404 *Error matching ErrNotFound", err)
	resp, err = client.JSON().DeleteWeblink(ctx, key)
	check(err == nil, "DeleteWeblink", err)
	if resp != nil {
		resp.Close()
	}

	// 4. 404
	_, err = client.Get(ctx, "/WebsiteLinks('nope-"+port+"')", nil)
	var e *Error
	check(errors.As(err, &e), "404 is *Error", err)
	if e != nil {
		check(e.Code == EHTTP && e.Name == "THREECX_E_HTTP", "code HTTP", e)
		check(e.Status == 404, "status 404", e.Status)
		check(e.ODataCode == "NotFound", "OData NotFound", e.ODataCode)
		check(strings.Contains(e.Error(), "404"), "Error()", e.Error())
	}

	// 5. nil arguments: nil / closed handles give INVALID_ARGUMENT, no panic
	var nilClient *Client
	_, err = nilClient.NewRequest("GET", "/Users")
	check(errors.As(err, &e) && e.Code == EInvalidArgument && e.Name == "THREECX_E_INVALID_ARGUMENT",
		"nil client -> invalid argument", err)
	check(e != nil && e.Message != "", "message present")
	_, err = NewClient("", "test", "k")
	check(err != nil, "empty domain refused", err)
	err = c.Threecx_request_set_body(nil, "{}")
	var ce *c.Error
	check(errors.As(err, &ce) && ce.Code == EInvalidArgument, "raw nil handle -> invalid argument", err)
	r2, _ := client.NewRequest("GET", "/Users")
	err = r2.SetBody("{bad json")
	check(errors.As(err, &e) && e.Name == "THREECX_E_INVALID_JSON", "bad JSON refused", err)
	check(r2.SetQuery(nil) != nil, "nil query refused")
	r2.Close()
	r2.Close()
	_, err = r2.URL()
	check(errors.As(err, &e) && e.Code == EInvalidArgument, "closed handle -> invalid argument", err)
	var nilResp *Response
	_, err = nilResp.Status()
	check(errors.As(err, &e) && e.Code == EInvalidArgument, "nil response -> invalid argument", err)

	// 6. catalog
	n, err := OperationCount()
	check(err == nil && n == 601, "601 operations", n, err)
	op, err := FindOperation("ListSecurityRefreshToken")
	check(err == nil && op != nil && op.Method == "GET" && op.Path == "/SecurityTokens" &&
		op.Function == "threecx_xapi_list_security_refresh_token", "ListSecurityRefreshToken", op, err)
	_, err = FindOperation("NoSuchOperation")
	check(errors.As(err, &e) && e.Code == ENotFound, "unknown operation", err)

	// 7. pager
	pq := NewQuery().Select("Id")
	pg, err := client.Pager("/SecurityTokens", pq, 10)
	pq.Close()
	check(err == nil, "pager", err)
	items := 0
	for pg.Next(ctx) {
		items++
	}
	check(pg.Err() == nil, "pager ends without error", pg.Err())
	pg.Close()
	check(items == 23, "pager walks 23 items", items)
	pg, err = client.Pager("/NoSuchCollection", nil, 10)
	check(err == nil, "pager over a missing collection", err)
	if pg != nil {
		ok := pg.Next(ctx)
		err := pg.Err()
		var pe *Error
		check(!ok && errors.As(err, &pe) && pe.Code == EHTTP && pe.Status == 404 && pe.ODataCode == "NotFound",
			"pager HTTP error carries the status and OData code", err)
		pg.Close()
	}

	// 8. errors are read in the same cgo call: many goroutines, each failing
	// differently while the scheduler moves them between threads.
	var wg sync.WaitGroup
	var mu sync.Mutex
	mismatch := 0
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; i < 200; i++ {
				id := fmt.Sprintf("NoSuchOp-%d-%d", g, i)
				_, err := FindOperation(id)
				var e *Error
				if !errors.As(err, &e) || !strings.Contains(e.Message, id) {
					mu.Lock()
					mismatch++
					mu.Unlock()
				}
				runtime.Gosched()
			}
		}(g)
	}
	wg.Wait()
	check(mismatch == 0, "per-call error messages under goroutine migration", mismatch)

	// Handle lifetime. The simulator's control API (faults, stats), more
	// clients (id "life", so the main client keeps its token) and a hook on
	// the client's free function that counts frees and notes whether the
	// simulator had already answered the slow token request.
	simURL, hc, simStat := s.url, s.hc, s.stat
	const slowMs = 300
	slowToken := func() bool { // the next token request waits slowMs in the simulator
		res, err := hc.Post(simURL+"/_sim/faults", "application/json",
			strings.NewReader(`{"path":"^/connect/token$","latency_ms":`+strconv.Itoa(slowMs)+`,"times":1}`))
		if err != nil {
			return false
		}
		res.Body.Close()
		return res.StatusCode == 201
	}
	newClient := func() *Client {
		cl, err := NewClient(simURL, "life", "k3y-life")
		check(err == nil && cl != nil, "life client", err)
		if cl == nil {
			return nil
		}
		if http {
			check(cl.AllowHTTP(true) == nil, "life allow http")
		} else {
			check(cl.SetCAFile(ca) == nil, "life ca file")
		}
		check(cl.SetTimeout(20*time.Second) == nil, "life timeout")
		return cl
	}
	type freeWatch struct{ frees, early int32 }
	watch := func(cl *Client) *freeWatch {
		w := &freeWatch{}
		before := simStat("token_requests")
		cl.h.free = func(p uintptr) {
			if simStat("token_requests") <= before {
				atomic.StoreInt32(&w.early, 1)
			}
			freeClient(p)
			atomic.AddInt32(&w.frees, 1)
		}
		return w
	}
	// collect runs the GC until *n reaches want (finalizers run on their own
	// goroutine) or two seconds have passed.
	collect := func(n *int32, want int32) {
		for i := 0; i < 200 && atomic.LoadInt32(n) < want; i++ {
			runtime.GC()
			time.Sleep(10 * time.Millisecond)
		}
	}
	isClosed := func(err error, kind string) bool {
		var e *Error
		return errors.As(err, &e) && e.Code == EInvalidArgument &&
			e.Name == "THREECX_E_INVALID_ARGUMENT" && e.Message == "use of closed "+kind
	}

	// 9. a request keeps its client's internals alive: drop the client, let
	// its finalizer free it, the request still sends.
	var dropped int32
	lr := func() *Request {
		cl := newClient()
		if cl == nil {
			return nil
		}
		cl.h.free = func(p uintptr) { freeClient(p); atomic.AddInt32(&dropped, 1) }
		r, err := cl.NewRequest("GET", "/SecurityTokens")
		check(err == nil, "request of a client about to be dropped", err)
		return r
	}()
	collect(&dropped, 1)
	check(atomic.LoadInt32(&dropped) == 1, "dropped client freed once by its finalizer", dropped)
	if lr != nil {
		lq := NewQuery().Top(2)
		check(lr.SetQuery(lq) == nil, "query on the orphan request")
		lq.Close()
		resp, err := lr.Send(ctx)
		check(err == nil, "orphan request sends", err)
		if resp != nil {
			st, _ := resp.Status()
			b, _ := resp.Body()
			check(st == 200 && strings.Count(b, `"Id":`) == 2, "orphan request answer", st, b)
			resp.Close()
		}
		lr.Close()
	}
	runtime.GC()
	check(atomic.LoadInt32(&dropped) == 1, "still freed once")

	// 10. the finalizer never frees a client during a native call on it, even
	// when nothing else refers to the client (a method, then WithRaw): a token
	// request the simulator holds for slowMs while the GC runs all along.
	for _, viaRaw := range []bool{false, true} {
		what := fmt.Sprintf("(WithRaw %v)", viaRaw)
		var w *freeWatch
		var err error
		stop, stopped := make(chan struct{}), make(chan struct{})
		go func() {
			defer close(stopped)
			for {
				select {
				case <-stop:
					return
				default:
					runtime.GC()
					time.Sleep(time.Millisecond)
				}
			}
		}()
		check(slowToken(), "slow token fault", what)
		func() {
			cl := newClient()
			if cl == nil {
				return
			}
			w = watch(cl)
			if viaRaw {
				err = cl.WithRaw(func(raw c.Struct_SS_threecx_client) error {
					return c.Threecx_client_authenticate(raw)
				})
			} else {
				err = cl.Authenticate(ctx) // the last use of cl
			}
		}()
		close(stop)
		<-stopped
		check(err == nil, "slow authenticate of an unreferenced client", what, err)
		if w != nil {
			collect(&w.frees, 1)
			check(atomic.LoadInt32(&w.frees) == 1, "unreferenced client freed once", what, w.frees)
			check(atomic.LoadInt32(&w.early) == 0, "not freed before the call returned", what)
		}
	}

	// 11. Close waits for a call in flight on another goroutine, frees once;
	// calls made after Close get the closed error.
	if cl := newClient(); cl != nil {
		w := watch(cl)
		check(slowToken(), "slow token fault")
		applied := simStat("faults_applied")
		done := make(chan error, 1)
		go func() { done <- cl.Authenticate(ctx) }()
		for i := 0; i < 500 && simStat("faults_applied") <= applied; i++ {
			time.Sleep(2 * time.Millisecond) // until the simulator holds the token request
		}
		t0 := time.Now()
		cl.Close()
		waited := time.Since(t0)
		check(atomic.LoadInt32(&w.early) == 0 && atomic.LoadInt32(&w.frees) == 1,
			"Close waited for the call in flight, then freed", w.early, w.frees, waited)
		check(<-done == nil, "the call in flight when Close began succeeded")
		cl.Close()
		check(atomic.LoadInt32(&w.frees) == 1, "second Close frees nothing")

		// calls after Close: errors, never a crash
		check(isClosed(cl.Authenticate(ctx), "client") && errors.Is(cl.Authenticate(ctx), ErrClosed), "Authenticate after Close")
		check(isClosed(cl.SetTimeout(time.Second), "client"), "SetTimeout after Close")
		u, err := cl.BaseURL()
		check(u == "" && isClosed(err, "client"), "BaseURL after Close", u, err)
		r, err := cl.NewRequest("GET", "/Users")
		check(r == nil && isClosed(err, "client"), "NewRequest after Close", err)
		_, err = cl.NewOperation("ListSecurityRefreshToken")
		check(isClosed(err, "client"), "NewOperation after Close", err)
		_, err = cl.Get(ctx, "/SecurityTokens", nil)
		check(isClosed(err, "client"), "Get after Close", err)
		_, err = cl.Pager("/SecurityTokens", nil, 5)
		check(isClosed(err, "client"), "Pager after Close", err)
		called := false
		err = cl.WithRaw(func(c.Struct_SS_threecx_client) error { called = true; return nil })
		check(!called && isClosed(err, "client"), "WithRaw after Close", err)
	}
	// the other handles after Close
	if cl := newClient(); cl != nil {
		r, _ := cl.NewRequest("GET", "/SecurityTokens")
		q := NewQuery().Top(1)
		q.Close()
		check(isClosed(r.SetQuery(q), "query"), "SetQuery with a closed query")
		check(q.String() == "", "String of a closed query", q.String())
		check(isClosed(q.Select("Id").Err(), "query"), "builder on a closed query")
		resp, err := r.Send(ctx)
		check(err == nil && resp != nil, "send", err)
		resp.Close()
		_, err = resp.Body()
		check(isClosed(err, "response"), "Body after Close", err)
		_, _, err = resp.Header("ETag")
		check(isClosed(err, "response"), "Header after Close", err)
		pg, err := cl.Pager("/SecurityTokens", nil, 5)
		check(err == nil, "pager", err)
		pg.Close()
		ok := pg.Next(ctx)
		check(!ok && isClosed(pg.Err(), "pager"), "Next after Close", pg.Err())
		r.Close()
		_, err = r.Send(ctx)
		check(isClosed(err, "request"), "Send after Close", err)
		check(isClosed(r.SetBody("{}"), "request"), "SetBody after Close")
		cl.Close()
	}

	// 12. goroutines sending on one shared client while another goroutine
	// closes it: every call succeeds or gets the closed error, no crash.
	if shared := newClient(); shared != nil {
		const workers = 6
		var okN, closedN, badN int32
		var badErr atomic.Value
		var swg sync.WaitGroup
		for g := 0; g < workers; g++ {
			swg.Add(1)
			go func(g int) {
				defer swg.Done()
				for i := 0; i < 5000; i++ {
					var err error
					switch (g + i) % 3 {
					case 0:
						_, err = shared.Get(ctx, "/SecurityTokens", NewQuery().Top(1))
					case 1:
						var resp *Response
						if resp, err = shared.JSON().ListSecurityRefreshToken(ctx, nil); resp != nil {
							_, err = resp.Body()
							resp.Close()
						}
					default: // (not Authenticate: a new token revokes the one in use)
						_, err = shared.BaseURL()
					}
					switch {
					case err == nil:
						atomic.AddInt32(&okN, 1)
					case isClosed(err, "client"):
						atomic.AddInt32(&closedN, 1)
						return
					default:
						atomic.AddInt32(&badN, 1)
						badErr.Store(err)
						return
					}
					runtime.Gosched()
				}
			}(g)
		}
		for i := 0; i < 1000 && atomic.LoadInt32(&okN) < 5*workers; i++ {
			time.Sleep(2 * time.Millisecond)
		}
		closed := make(chan struct{})
		go func() { shared.Close(); close(closed) }()
		<-closed
		swg.Wait()
		check(atomic.LoadInt32(&badN) == 0, "no other error than closed", badErr.Load())
		check(atomic.LoadInt32(&okN) >= 5*workers, "calls succeeded before Close", okN)
		check(atomic.LoadInt32(&closedN) == workers, "every goroutine then got the closed error", closedN)
	}

	runtime.GC()
}

// TestBatch: requests in flight through one native async object, results
// over channels.
func TestBatch(t *testing.T) {
	check := checker(t)
	s := startSim(t, "test:k3y-go")
	cl := s.client(t, "test", "k3y-go")
	b, err := cl.NewBatch(8)
	check(err == nil && b != nil, "batch created", err)
	const n = 40
	var chans []<-chan Result
	var reqs []*Request
	for i := 0; i < n; i++ {
		r, err := cl.NewRequest("GET", "/SecurityTokens")
		check(err == nil, "request", err)
		reqs = append(reqs, r)
		chans = append(chans, b.Submit(r))
	}
	ok := 0
	for _, ch := range chans {
		res := <-ch
		if res.Err == nil && res.Response != nil {
			if st, _ := res.Response.Status(); st == 200 {
				ok++
			}
			res.Response.Close()
		}
	}
	check(ok == n, "every result is a 200", ok)
	tokens, _ := cl.TokenRequests()
	check(tokens == 1, "one token for everything in flight", tokens)
	for _, r := range reqs {
		r.Close()
	}

	// an HTTP error and a write without an answer
	missing, _ := cl.NewRequest("GET", "/Users(999999)")
	defer missing.Close()
	res := <-b.Submit(missing)
	var e *Error
	check(errors.As(res.Err, &e) && e.Status == 404 && errors.Is(res.Err, ErrNotFound), "404 as *Error", res.Err)
	check(s.fault(`{"method":"POST","path":"^/WebsiteLinks","drop":true,"times":1}`), "drop fault")
	post, _ := cl.NewRequest("POST", "/WebsiteLinks")
	defer post.Close()
	check(post.SetBody(`{"Link":"go-batch","Name":"x"}`) == nil, "body")
	res = <-b.Submit(post)
	check(errors.Is(res.Err, ErrUncertain), "unanswered POST is uncertain", res.Err)

	// cancelled while held by the server
	check(s.fault(`{"path":"^/SecurityTokens","latency_ms":8000}`), "latency fault")
	before := s.stat("faults_applied")
	held, _ := cl.NewRequest("GET", "/SecurityTokens")
	defer held.Close()
	ch := b.Submit(held)
	s.waitFaults(before)
	b.CancelAll()
	res = <-ch
	check(errors.Is(res.Err, ErrCanceled), "cancelled", res.Err)
	b.Close()
	res = <-b.Submit(held)
	check(errors.Is(res.Err, ErrClosed), "submit after close", res.Err)
	b.Close() // twice is fine
}
