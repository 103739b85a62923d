// Contexts, errors as values, the Scanner-style pager and io.Writer
// downloads, over real HTTP(S) against threecx-sim. Cancellation is checked
// against a latency fault far longer than the call may take: returning
// before the server would have answered is the correctness check that the
// transfer was aborted (not a timing benchmark).
package threecx

import (
	"bytes"
	"context"
	"errors"
	"io"
	"strconv"
	"strings"
	"testing"
	"time"
)

const slowRule = `{"path":"^/Users","latency_ms":8000,"times":1}`
const slowLatency = 8 * time.Second

func TestContextCancel(t *testing.T) {
	check := checker(t)
	s := startSim(t, "test:k3y-go", "tok:k3y-go-tok")
	cl := s.client(t, "test", "k3y-go")
	ctx := context.Background()
	_, err := cl.ListUser(ctx, NewQuery().Top(1))
	check(err == nil, "first call", err)
	fetches, _ := cl.TokenRequests()

	// cancel a slow call from another goroutine
	check(s.fault(slowRule), "latency fault")
	n := s.stat("faults_applied")
	cctx, cancel := context.WithCancel(ctx)
	go func() { s.waitFaults(n); time.Sleep(100 * time.Millisecond); cancel() }()
	t0 := time.Now()
	page, err := cl.ListUser(cctx, nil)
	took := time.Since(t0)
	check(page == nil && errors.Is(err, ErrCanceled) && errors.Is(err, context.Canceled),
		"cancelled call: ErrCanceled and context.Canceled", err)
	var e *Error
	check(errors.As(err, &e) && e.Code == ECancelled && e.Name == "THREECX_E_CANCELLED", "*Error code", err)
	check(took < slowLatency/2, "returned before the server would have answered", took)

	// the client goes on with its token
	page, err = cl.ListUser(ctx, NewQuery().Top(2))
	check(err == nil && page != nil && len(page.Value) == 2, "usable after the cancel", err)
	after, _ := cl.TokenRequests()
	check(after == fetches, "no new token fetch", fetches, after)

	// a context already done: nothing is sent
	before := s.stat("xapi_requests")
	_, err = cl.ListUser(cctx, nil)
	check(errors.Is(err, ErrCanceled) && errors.Is(err, context.Canceled), "done context", err)
	check(s.stat("xapi_requests") == before, "nothing sent", before)

	// a deadline: ErrTimeout and context.DeadlineExceeded
	check(s.fault(slowRule), "latency fault")
	dctx, dcancel := context.WithTimeout(ctx, 300*time.Millisecond)
	t0 = time.Now()
	_, err = cl.GetUser(dctx, 1, nil)
	took = time.Since(t0)
	dcancel()
	check(errors.Is(err, ErrTimeout) && errors.Is(err, context.DeadlineExceeded), "deadline", err)
	check(took < slowLatency/2, "deadline ends the call early", took)

	// a cancelled token fetch leaves the client usable
	tc := s.client(t, "tok", "k3y-go-tok")
	check(s.fault(`{"path":"^/connect/token","latency_ms":8000,"times":1}`), "token latency fault")
	n = s.stat("faults_applied")
	cctx, cancel = context.WithCancel(ctx)
	go func() { s.waitFaults(n); time.Sleep(100 * time.Millisecond); cancel() }()
	t0 = time.Now()
	_, err = tc.ListUser(cctx, nil)
	check(errors.Is(err, context.Canceled) && time.Since(t0) < slowLatency/2, "cancelled token fetch", err)
	_, err = tc.ListUser(ctx, NewQuery().Top(1))
	check(err == nil, "token fetched again afterwards", err)
	fetches, _ = tc.TokenRequests()
	check(fetches == 2, "two token requests", fetches)

	// a pager: Next(ctx) cancelled, then resumed with nothing lost
	pg, err := cl.ListSecurityRefreshTokenPager(NewQuery().OrderBy("Id asc"), 4)
	check(err == nil, "typed pager", err)
	var ids []int32
	for i := 0; i < 5 && pg.Next(ctx); i++ {
		ids = append(ids, Deref(pg.Item().Id))
	}
	check(s.fault(`{"path":"^/SecurityTokens","latency_ms":8000,"times":1}`), "pager latency fault")
	n = s.stat("faults_applied")
	cctx, cancel = context.WithCancel(ctx)
	go func() { s.waitFaults(n); time.Sleep(100 * time.Millisecond); cancel() }()
	t0 = time.Now()
	more := true
	for more {
		if more = pg.Next(cctx); more {
			ids = append(ids, Deref(pg.Item().Id))
		}
	}
	check(errors.Is(pg.Err(), ErrCanceled) && time.Since(t0) < slowLatency/2, "pager cancelled", pg.Err())
	for pg.Next(ctx) {
		ids = append(ids, Deref(pg.Item().Id))
	}
	check(pg.Err() == nil, "pager resumed to the end", pg.Err())
	total, ok := pg.Total()
	check(ok && int64(len(ids)) == total, "every item once", len(ids), total)
	for i := 1; i < len(ids); i++ {
		if ids[i] <= ids[i-1] {
			check(false, "items in order without repeats", ids)
			break
		}
	}
	pg.Close()
}

type failingWriter struct{ n int }

var errDisk = errors.New("disk full")

func (w *failingWriter) Write(p []byte) (int, error) {
	if w.n += len(p); w.n > 10 {
		return 0, errDisk
	}
	return len(p), nil
}

func TestErrorsAndDownloads(t *testing.T) {
	check := checker(t)
	s := startSim(t, "test:k3y-go")
	cl := s.client(t, "test", "k3y-go")
	ctx := context.Background()

	// sentinels and *Error details
	_, err := cl.GetUser(ctx, 987654, nil)
	var e *Error
	check(errors.Is(err, ErrNotFound) && !errors.Is(err, ErrConflict), "404 is ErrNotFound only", err)
	check(errors.As(err, &e) && e.Status == 404 && e.ODataCode == "NotFound" && e.ODataMessage != "" &&
		e.ODataDetails != "", "*Error carries status and OData error", e)
	bad, _ := NewClient(s.url, "test", "wrong-key-9f8e7d", WithCAFile(s.ca), WithAllowHTTP())
	_, err = bad.ListUser(ctx, nil)
	check(errors.Is(err, ErrUnauthorized), "wrong key: ErrUnauthorized", err)
	bad.Close()
	_, err = cl.Get(ctx, "/Users", NewQuery().Filter("Id eq"))
	check(errors.Is(err, ErrBadRequest), "bad $filter: ErrBadRequest", err)
	// more 503s in a row than the default retries (3) absorb
	check(s.fault(`{"path":"^/Users","status":503,"times":4}`), "503 fault")
	_, err = cl.ListUser(ctx, nil)
	check(errors.Is(err, ErrServer), "503: ErrServer", err)
	check(errors.Is(invalid("x"), ErrInvalidArgument), "ErrInvalidArgument")

	// create, If-Match, delete with typed models
	u, err := cl.CreateUser(ctx, &User{Number: Ptr("7301"), FirstName: Ptr("Ada"), LastName: Ptr("O'Brien"),
		EmailAddress: Ptr("ada@example.com")})
	check(err == nil && u != nil && u.Id != nil && Deref(u.FirstName) == "Ada", "CreateUser", err)
	if u != nil && u.Id != nil {
		resp, err := cl.JSON().GetUser(ctx, *u.Id, nil)
		check(err == nil, "GetUser raw", err)
		rawTag := resp.ETag()
		resp.Close()
		var etag string
		_, err = cl.GetUser(ctx, *u.Id, nil, ETag(&etag))
		check(err == nil && etag != "" && etag == rawTag, "typed GetUser with ETag(&etag)", etag, rawTag, err)
		err = cl.UpdateUser(ctx, *u.Id, &User{LastName: Ptr("Lovelace")}, IfMatch(`W/"no-such-etag"`))
		check(errors.Is(err, ErrPreconditionFailed), "stale If-Match: ErrPreconditionFailed", err)
		err = cl.UpdateUser(ctx, *u.Id, &User{LastName: Ptr("Lovelace")}, IfMatch(etag))
		check(err == nil, "UpdateUser with If-Match", err)
		got, err := cl.GetUser(ctx, *u.Id, NewQuery().Select("Id,LastName"))
		check(err == nil && Deref(got.LastName) == "Lovelace" && got.FirstName == nil, "updated, $select", got, err)
		check(cl.DeleteUser(ctx, *u.Id) == nil, "DeleteUser")
		_, err = cl.GetUser(ctx, *u.Id, nil)
		check(errors.Is(err, ErrNotFound), "gone", err)
	}

	// downloads stream to an io.Writer
	var buf bytes.Buffer
	n, err := cl.ExportExtensions(ctx, nil, &buf)
	check(err == nil && n > 0 && int64(buf.Len()) == n, "ExportExtensions to a bytes.Buffer", n, err)
	raw, err := cl.JSON().ExportExtensions(ctx, nil)
	if err == nil {
		b, _ := raw.Bytes()
		check(bytes.Equal(b, buf.Bytes()), "same bytes as the buffered answer")
		raw.Close()
	}
	n, err = cl.ExportExtensions(ctx, nil, &failingWriter{})
	check(errors.Is(err, errDisk) && errors.As(err, &e) && e.Code == EAborted, "a failing writer's error", err, n)
	check(s.fault(`{"path":"^/Recordings","status":404,"code":"NotFound","times":1}`), "404 fault")
	n, err = cl.DownloadRecording(ctx, 1, io.Discard)
	check(n == 0 && errors.Is(err, ErrNotFound), "a download's 404", err)

	// Duration and Number
	for _, c := range []struct {
		s string
		d time.Duration
	}{{"PT1H30M", 90 * time.Minute}, {"P1DT2H", 26 * time.Hour}, {"-PT0.5S", -500 * time.Millisecond}, {"PT0S", 0}} {
		d, err := ParseDuration(c.s)
		check(err == nil && d == c.d, "ParseDuration "+c.s, d, err)
		check(Duration(c.d).String() == c.s || c.s == "PT0S" && Duration(0).String() == "PT0S", "Duration.String "+c.s, Duration(c.d).String())
	}
	_, err = ParseDuration("P1Y")
	check(err != nil, "years refused")
	var num Number
	check(num.UnmarshalJSON([]byte(`"INF"`)) == nil && strconv.FormatFloat(float64(num), 'f', -1, 64) == "+Inf", "Number INF")
	check(num.UnmarshalJSON([]byte(`1.5`)) == nil && num == 1.5, "Number 1.5")
	check(num.UnmarshalJSON([]byte(`"2.25"`)) == nil && num == 2.25, "Number \"2.25\"")
	check(strings.Contains(Version(), "."), "Version", Version())
}
