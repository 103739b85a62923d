// Package threecx is the Go SDK of libthreecx, the client of the 3CX V20
// Configuration API (XAPI). It is a layer over the SWIG package
// threecx/threecxc, which calls the C library (found with pkg-config).
//
//	cl, err := threecx.NewClient("pbx.example.com", id, key, threecx.WithTimeout(30*time.Second))
//	if err != nil { ... }
//	defer cl.Close()
//	users, err := cl.ListUser(ctx, threecx.NewQuery().Filter("Number eq '100'"))
//	for _, u := range users.Value { fmt.Println(*u.Id, threecx.Deref(u.DisplayName)) }
//
// Every call that does I/O takes a context.Context first: cancelling it (or
// its deadline passing) aborts the transfer in flight through the C
// library's cancellation, promptly, and the call returns an error matching
// ErrCanceled / context.Canceled (or ErrTimeout / context.DeadlineExceeded).
// Errors are values: *Error with the status code, the HTTP status and the
// OData error, matched with errors.Is against the sentinels (ErrNotFound,
// ErrUnauthorized, ErrConflict, ...). Nothing panics.
//
// Each XAPI operation is a typed method of Client named by its operationId
// (GetUser, ListUser, CreateUser, UpdateUser, DeleteUser, ...) taking and
// returning the generated models (models.go); Client.JSON() gives the same
// operations with JSON strings in and *Response out, for raw use.
//
// Handles are released by Close; a finalizer is only a safety net. A handle
// stays valid for the whole of each native call: Close waits for the calls
// in flight, and calls after Close return an error matching ErrClosed.
package threecx

import (
	"context"
	"math"
	"runtime"
	"sync"
	"time"

	c "threecx/threecxc"
)

// Status codes (THREECX_E_*; stable numbers).
const (
	OK               = 0
	Done             = 1
	EInvalidArgument = 2
	ENoMemory        = 3
	EInvalidJSON     = 4
	EInvalidDomain   = 5
	EOptionRepeated  = 6
	EUnknownParam    = 7
	EMissingParam    = 8
	EInsecure        = 9
	ENetwork         = 10
	ETLS             = 11
	ETimeout         = 12
	EAuth            = 13
	EHTTP            = 14
	EProtocol        = 15
	ENotFound        = 16
	EUnsupported     = 17
	EState           = 18
	EIO              = 19
	EAborted         = 20
	EInternal        = 21
	EUncertain       = 22
	ERetryLater      = 23
	ECancelled       = 24
)

// handle owns one native pointer and frees it exactly once.
//
// Every native call that takes the pointer goes through use, which counts
// the call in flight for its whole duration. That does two things:
//
//   - the deferred release refers to h, so h stays reachable until the C
//     call has returned: the finalizer (set on h) cannot run mid-call even
//     when the caller's *Client / *Request is otherwise unreachable;
//   - close marks the handle closing (new calls fail at once with a
//     "use of closed ..." *Error), waits for the calls in flight, then frees.
//
// Calls on one handle still run in parallel (a Client is shared by
// goroutines): use holds h.mu only to count, never across the C call. A
// counter and a channel rather than a sync.RWMutex: a call that starts after
// Close fails instead of queueing behind it, and a nested use of the same
// handle cannot deadlock behind a pending Close. (No sync.Cond either: its
// pointer back into h would keep h reachable from itself and the finalizer
// would never run.)
type handle struct {
	mu      sync.Mutex
	p       uintptr
	users   int           // calls in flight
	closing bool          // Close (or the finalizer) has started
	idle    chan struct{} // closed by the last release while closing
	done    chan struct{} // closed once p has been freed
	kind    string        // "client", "request", ... for error messages
	free    func(uintptr)
}

func newHandle(kind string, p uintptr, free func(uintptr)) *handle {
	h := &handle{p: p, kind: kind, free: free}
	runtime.SetFinalizer(h, (*handle).close)
	return h
}

func closedError(kind string) error { return invalid("use of closed " + kind) }

// use calls f with the native pointer, which stays valid until f returns.
// After close has started it returns a closedError without calling f.
// f must not close h (it would wait for itself).
func (h *handle) use(f func(p uintptr) error) error {
	if h == nil {
		return invalid("nil handle")
	}
	h.mu.Lock()
	if h.closing || h.p == 0 {
		h.mu.Unlock()
		return closedError(h.kind)
	}
	h.users++
	p := h.p
	h.mu.Unlock()
	defer h.release() // also keeps h reachable until f has returned
	err := wrap(f(p))
	runtime.KeepAlive(h)
	return err
}

func (h *handle) release() {
	h.mu.Lock()
	h.users--
	if h.users == 0 && h.idle != nil {
		close(h.idle)
		h.idle = nil
	}
	h.mu.Unlock()
}

// peek is the pointer without any guarantee (0 once closing): for Raw only.
func (h *handle) peek() uintptr {
	if h == nil {
		return 0
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closing {
		return 0
	}
	return h.p
}

// close waits for the calls in flight and frees the pointer; later and
// concurrent closes wait for that and do nothing more. Also the finalizer.
func (h *handle) close() {
	if h == nil {
		return
	}
	h.mu.Lock()
	if h.closing {
		done := h.done
		h.mu.Unlock()
		<-done
		return
	}
	h.closing = true
	h.done = make(chan struct{})
	var idle chan struct{}
	if h.users > 0 {
		idle = make(chan struct{})
		h.idle = idle
	}
	h.mu.Unlock()
	if idle != nil {
		<-idle
	}
	h.mu.Lock()
	p := h.p
	h.p = 0
	h.mu.Unlock()
	if p != 0 {
		h.free(p)
	}
	close(h.done)
	runtime.SetFinalizer(h, nil)
}

// ---------------------------------------------------------------- Client

// Client is a client for one PBX; safe for concurrent use once configured.
// Close waits for the calls in flight on other goroutines; calls made after
// Close fail (ErrClosed). Requests, responses and pagers made from it stay
// usable after Close.
type Client struct{ h *handle }

func freeClient(p uintptr) { c.Threecx_client_free(c.SwigcptrStruct_SS_threecx_client(p)) }

// Option configures a Client at creation (see NewClient).
type Option func(*Client) error

// WithCAFile trusts the CA bundle (PEM) at path to verify the PBX.
func WithCAFile(path string) Option { return func(cl *Client) error { return cl.SetCAFile(path) } }

// WithCAPath trusts a directory of hashed CA certificates.
func WithCAPath(dir string) Option { return func(cl *Client) error { return cl.SetCAPath(dir) } }

// WithTimeout bounds each HTTP exchange (0 = none); a context deadline
// replaces it for the call it governs.
func WithTimeout(d time.Duration) Option { return func(cl *Client) error { return cl.SetTimeout(d) } }

// WithConnectTimeout bounds connecting (0 = libcurl's default, 300 s).
func WithConnectTimeout(d time.Duration) Option {
	return func(cl *Client) error { return cl.SetConnectTimeout(d) }
}

// WithMaxResponseBytes caps a response body kept in memory (0 = no limit).
func WithMaxResponseBytes(n int64) Option {
	return func(cl *Client) error { return cl.SetMaxResponseBytes(n) }
}

// WithUserAgent sets the User-Agent header.
func WithUserAgent(ua string) Option { return func(cl *Client) error { return cl.SetUserAgent(ua) } }

// WithAllowHTTP permits a plain http:// domain (the key then travels unencrypted).
func WithAllowHTTP() Option { return func(cl *Client) error { return cl.AllowHTTP(true) } }

// WithInsecureSkipTLSVerify turns TLS verification OFF (testing only).
func WithInsecureSkipTLSVerify() Option {
	return func(cl *Client) error { return cl.SetInsecureSkipTLSVerify(true) }
}

// WithRetry retries transient failures (see RetryPolicy).
func WithRetry(p RetryPolicy) Option { return func(cl *Client) error { return cl.SetRetry(p) } }

// WithRefreshMargin refreshes the token this long before it expires.
func WithRefreshMargin(d time.Duration) Option {
	return func(cl *Client) error { return cl.SetRefreshMargin(d) }
}

// NewClient creates a client for domain ("host", "host:port", "https://..."
// or "http://..." with WithAllowHTTP) and the API integration's Client ID
// and API key. No network traffic happens here.
func NewClient(domain, clientID, apiKey string, opts ...Option) (*Client, error) {
	var p uintptr
	if err := wrap(c.Threecx_client_new(domain, clientID, apiKey, &p)); err != nil {
		return nil, err
	}
	return configured(&Client{newHandle("client", p, freeClient)}, opts)
}

// NewClientFromEnv reads THREECX_DOMAIN, THREECX_CLIENT_ID, THREECX_API_KEY.
func NewClientFromEnv(opts ...Option) (*Client, error) {
	var p uintptr
	if err := wrap(c.Threecx_client_new_from_env(&p)); err != nil {
		return nil, err
	}
	return configured(&Client{newHandle("client", p, freeClient)}, opts)
}

func configured(cl *Client, opts []Option) (*Client, error) {
	for _, o := range opts {
		if o == nil {
			continue
		}
		if err := o(cl); err != nil {
			cl.Close()
			return nil, err
		}
	}
	return cl, nil
}

// use runs f with the native client, kept alive and open until f returns.
func (cl *Client) use(f func(c.Struct_SS_threecx_client) error) error {
	if cl == nil || cl.h == nil {
		return invalid("nil client")
	}
	return cl.h.use(func(p uintptr) error { return f(c.SwigcptrStruct_SS_threecx_client(p)) })
}

// WithRaw calls f with the native handle for the functions of threecxc;
// the handle stays valid until f returns (Close waits for it, the
// finalizer cannot run). f's error is returned; after Close, f is not
// called. f must not Close cl.
func (cl *Client) WithRaw(f func(raw c.Struct_SS_threecx_client) error) error {
	if f == nil {
		return invalid("nil function")
	}
	return cl.use(f)
}

// Close releases the client once the calls in flight have returned
// (requests and pagers made from it stay usable). Further calls fail.
func (cl *Client) Close() {
	if cl != nil {
		cl.h.close()
	}
}

func b32(b bool) int32 {
	if b {
		return 1
	}
	return 0
}

// ms converts a duration option to the C library's milliseconds (rounded
// up, so that a positive duration never becomes 0 = "none").
func ms(d time.Duration) (int64, error) {
	if d < 0 {
		return 0, invalid("negative duration")
	}
	n := int64(d / time.Millisecond)
	if d%time.Millisecond != 0 {
		n++
	}
	if n > math.MaxInt32 {
		return 0, invalid("duration too long (at most 2147483647 ms)")
	}
	return n, nil
}

func (cl *Client) setMs(d time.Duration, set func(c.Struct_SS_threecx_client, int64) error) error {
	n, err := ms(d)
	if err != nil {
		return err
	}
	return cl.use(func(p c.Struct_SS_threecx_client) error { return set(p, n) })
}

// AllowHTTP permits (true) or refuses (false, the default) plain http://.
func (cl *Client) AllowHTTP(allow bool) error {
	return cl.use(func(p c.Struct_SS_threecx_client) error { return c.Threecx_client_allow_http(p, b32(allow)) })
}

// SetCAFile trusts the CA bundle at path ("" restores the default).
func (cl *Client) SetCAFile(path string) error {
	return cl.use(func(p c.Struct_SS_threecx_client) error { return c.Threecx_client_set_ca_file(p, path) })
}

// SetCAPath trusts a directory of hashed CA certificates.
func (cl *Client) SetCAPath(dir string) error {
	return cl.use(func(p c.Struct_SS_threecx_client) error { return c.Threecx_client_set_ca_path(p, dir) })
}

// SetTimeout bounds each HTTP exchange (0 = none).
func (cl *Client) SetTimeout(d time.Duration) error {
	return cl.setMs(d, c.Threecx_client_set_timeout_ms)
}

// SetCAPEM trusts the PEM certificates in pem (a CA bundle from memory).
func (cl *Client) SetCAPEM(pem string) error {
	return cl.use(func(p c.Struct_SS_threecx_client) error {
		return c.Threecx_client_set_ca_pem(p, pem, int64(len(pem)))
	})
}

// SetPinnedPublicKey pins the server's public key: "sha256//<base64>",
// several separated by ';'.
func (cl *Client) SetPinnedPublicKey(pins string) error {
	return cl.use(func(p c.Struct_SS_threecx_client) error { return c.Threecx_client_set_pinned_public_key(p, pins) })
}

// SetConnectTimeout bounds connecting (0 = libcurl's default).
func (cl *Client) SetConnectTimeout(d time.Duration) error {
	return cl.setMs(d, c.Threecx_client_set_connect_timeout_ms)
}

// SetMaxResponseBytes caps a response body kept in memory (0 = no limit).
func (cl *Client) SetMaxResponseBytes(n int64) error {
	return cl.use(func(p c.Struct_SS_threecx_client) error { return c.Threecx_client_set_max_response_bytes(p, n) })
}

// SetUserAgent sets the User-Agent header ("" restores libthreecx/<version>).
func (cl *Client) SetUserAgent(ua string) error {
	return cl.use(func(p c.Struct_SS_threecx_client) error { return c.Threecx_client_set_user_agent(p, ua) })
}

// SetInsecureSkipTLSVerify turns TLS verification off (true) or on.
func (cl *Client) SetInsecureSkipTLSVerify(skip bool) error {
	return cl.use(func(p c.Struct_SS_threecx_client) error {
		return c.Threecx_client_set_insecure_skip_tls_verify(p, b32(skip))
	})
}

// SetRefreshMargin refreshes the token this long before it expires
// (negative: the default, min(60 s, lifetime / 5)).
func (cl *Client) SetRefreshMargin(d time.Duration) error {
	s := int64(-1)
	if d >= 0 {
		s = int64(d / time.Second)
	}
	return cl.use(func(p c.Struct_SS_threecx_client) error { return c.Threecx_client_set_refresh_margin(p, s) })
}

// RetryPolicy: transient failures (408, 429, 502, 503, 504; network errors
// and timeouts of GET/DELETE/PUT) are retried up to MaxRetries times,
// waiting per Retry-After or BaseDelay * 2^n with jitter, capped at
// MaxDelay, never past Deadline after the first try. MaxRetries 0 = off.
type RetryPolicy struct {
	MaxRetries int32
	BaseDelay  time.Duration
	MaxDelay   time.Duration
	Deadline   time.Duration
}

// SetRetry sets the retry policy.
func (cl *Client) SetRetry(rp RetryPolicy) error {
	base, err := ms(rp.BaseDelay)
	if err != nil {
		return err
	}
	max, err := ms(rp.MaxDelay)
	if err != nil {
		return err
	}
	dl, err := ms(rp.Deadline)
	if err != nil {
		return err
	}
	return cl.use(func(p c.Struct_SS_threecx_client) error {
		return c.Threecx_client_set_retry(p, rp.MaxRetries, base, max, dl)
	})
}

// Authenticate fetches a token now (otherwise done on first use). The C
// call cannot take a cancel token: when ctx is done first, Authenticate
// returns its error at once and the fetch finishes in the background.
func (cl *Client) Authenticate(ctx context.Context) error {
	if ctx == nil {
		return invalid("nil context")
	}
	if ctx.Err() != nil {
		return contextError(ctx)
	}
	done := make(chan error, 1)
	go func() {
		done <- cl.use(func(p c.Struct_SS_threecx_client) error { return c.Threecx_client_authenticate(p) })
	}()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		return contextError(ctx)
	}
}

// TokenRequests is the number of token requests this client has sent.
func (cl *Client) TokenRequests() (int64, error) {
	var n int64
	err := cl.use(func(p c.Struct_SS_threecx_client) error { return c.Threecx_client_token_requests(p, &n) })
	return n, err
}

// BaseURL is the XAPI base URL, e.g. "https://pbx:5001/xapi/v1".
func (cl *Client) BaseURL() (string, error) {
	var s string
	err := cl.use(func(p c.Struct_SS_threecx_client) error { return c.Threecx_client_base_url(p, &s) })
	return s, err
}

// NewRequest makes a request for method and a path under /xapi/v1 with
// {name} placeholders.
func (cl *Client) NewRequest(method, path string) (*Request, error) {
	var r uintptr
	if err := cl.use(func(p c.Struct_SS_threecx_client) error {
		return c.Threecx_request_new(p, method, path, &r)
	}); err != nil {
		return nil, err
	}
	return &Request{h: newHandle("request", r, freeRequest)}, nil
}

// NewOperation makes a request for an operationId of the catalog.
func (cl *Client) NewOperation(operationID string) (*Request, error) {
	var r uintptr
	if err := cl.use(func(p c.Struct_SS_threecx_client) error {
		return c.Threecx_request_new_op(p, operationID, &r)
	}); err != nil {
		return nil, err
	}
	return &Request{h: newHandle("request", r, freeRequest)}, nil
}

func (cl *Client) exchange(ctx context.Context, method, path string, q *Query, body *string) (string, error) {
	r, err := cl.NewRequest(method, path)
	if err != nil {
		return "", err
	}
	defer r.Close()
	if q != nil {
		if err := r.SetQuery(q); err != nil {
			return "", err
		}
	}
	if body != nil {
		if err := r.SetBody(*body); err != nil {
			return "", err
		}
	}
	resp, err := r.Send(ctx)
	if err != nil {
		return "", err
	}
	defer resp.Close()
	return resp.Body()
}

// Get sends GET path (q may be nil) and returns the body.
func (cl *Client) Get(ctx context.Context, path string, q *Query) (string, error) {
	return cl.exchange(ctx, "GET", path, q, nil)
}

// Post sends POST path with a JSON body and returns the answer's body.
func (cl *Client) Post(ctx context.Context, path, json string) (string, error) {
	return cl.exchange(ctx, "POST", path, nil, &json)
}

// Patch sends PATCH path with a JSON body.
func (cl *Client) Patch(ctx context.Context, path, json string) (string, error) {
	return cl.exchange(ctx, "PATCH", path, nil, &json)
}

// Delete sends DELETE path.
func (cl *Client) Delete(ctx context.Context, path string) error {
	_, err := cl.exchange(ctx, "DELETE", path, nil, nil)
	return err
}

// Pager walks the collection at path (q may be nil; its $skip is the start
// and its $top the total limit) pageSize items per request.
func (cl *Client) Pager(path string, q *Query, pageSize int64) (*Pager, error) {
	r, err := cl.NewRequest("GET", path)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	if q != nil {
		if err := r.SetQuery(q); err != nil {
			return nil, err
		}
	}
	return r.Pager(pageSize)
}

// ---------------------------------------------------------------- Query

// Query holds OData system query options: NewQuery().Top(5).Count(true).
// Builder errors are kept and reported by Err and by the request using it.
// A Query is used by one goroutine at a time.
type Query struct {
	h   *handle
	err error
}

func freeQuery(p uintptr) { c.Threecx_query_free(c.SwigcptrStruct_SS_threecx_query(p)) }

// NewQuery is an empty set of OData options.
func NewQuery() *Query {
	var p uintptr
	if err := wrap(c.Threecx_query_new(&p)); err != nil {
		return &Query{err: err}
	}
	return &Query{h: newHandle("query", p, freeQuery)}
}

// use runs f with the native query, kept alive and open until f returns.
func (q *Query) use(f func(c.Struct_SS_threecx_query) error) error {
	if q == nil || q.h == nil {
		return invalid("nil query")
	}
	return q.h.use(func(p uintptr) error { return f(c.SwigcptrStruct_SS_threecx_query(p)) })
}

func (q *Query) do(f func(c.Struct_SS_threecx_query) error) *Query {
	if q != nil && q.err == nil {
		q.err = q.use(f)
	}
	return q
}

func (q *Query) Top(n int64) *Query {
	return q.do(func(p c.Struct_SS_threecx_query) error { return c.Threecx_query_set_top(p, n) })
}
func (q *Query) Skip(n int64) *Query {
	return q.do(func(p c.Struct_SS_threecx_query) error { return c.Threecx_query_set_skip(p, n) })
}
func (q *Query) Search(s string) *Query {
	return q.do(func(p c.Struct_SS_threecx_query) error { return c.Threecx_query_set_search(p, s) })
}
func (q *Query) Filter(s string) *Query {
	return q.do(func(p c.Struct_SS_threecx_query) error { return c.Threecx_query_set_filter(p, s) })
}
func (q *Query) Count(b bool) *Query {
	return q.do(func(p c.Struct_SS_threecx_query) error { return c.Threecx_query_set_count(p, b32(b)) })
}
func (q *Query) OrderBy(s string) *Query {
	return q.do(func(p c.Struct_SS_threecx_query) error { return c.Threecx_query_set_orderby(p, s) })
}
func (q *Query) Select(s string) *Query {
	return q.do(func(p c.Struct_SS_threecx_query) error { return c.Threecx_query_set_select(p, s) })
}
func (q *Query) Expand(s string) *Query {
	return q.do(func(p c.Struct_SS_threecx_query) error { return c.Threecx_query_set_expand(p, s) })
}
func (q *Query) Param(name, value string) *Query {
	return q.do(func(p c.Struct_SS_threecx_query) error { return c.Threecx_query_add_param(p, name, value) })
}

// Err is the first builder error.
func (q *Query) Err() error {
	if q == nil {
		return invalid("nil query")
	}
	return q.err
}

// String is the encoded query string without '?' ("" once closed).
func (q *Query) String() string {
	var s string
	_ = q.use(func(p c.Struct_SS_threecx_query) error { return c.Threecx_query_to_string(p, &s) })
	return s
}

// Close releases the query (requests that copied it are unaffected).
func (q *Query) Close() {
	if q != nil {
		q.h.close()
	}
}

// ---------------------------------------------------------------- Request

// Request is one request; Send may be called again. A Request is used by
// one goroutine at a time (Close from another one waits for its call).
type Request struct {
	h     *handle
	after []func(*Response) // OnResponse hooks of the call options
}

// answered runs the OnResponse hooks on a successful answer.
func (r *Request) answered(resp *Response) {
	for _, f := range r.after {
		f(resp)
	}
}

func freeRequest(p uintptr) { c.Threecx_request_free(c.SwigcptrStruct_SS_threecx_request(p)) }

// use runs f with the native request, kept alive and open until f returns.
func (r *Request) use(f func(c.Struct_SS_threecx_request) error) error {
	if r == nil || r.h == nil {
		return invalid("nil request")
	}
	return r.h.use(func(p uintptr) error { return f(c.SwigcptrStruct_SS_threecx_request(p)) })
}

// Close releases the request (waiting for a call in flight).
func (r *Request) Close() {
	if r != nil {
		r.h.close()
	}
}

// SetParamString sets a string path parameter (quoted and encoded by the library).
func (r *Request) SetParamString(name, v string) error {
	return r.use(func(p c.Struct_SS_threecx_request) error { return c.Threecx_request_set_param_string(p, name, v) })
}

// SetParamInt sets an integer path parameter.
func (r *Request) SetParamInt(name string, v int64) error {
	return r.use(func(p c.Struct_SS_threecx_request) error { return c.Threecx_request_set_param_int(p, name, v) })
}

// SetParamBool sets a boolean path parameter.
func (r *Request) SetParamBool(name string, v bool) error {
	return r.use(func(p c.Struct_SS_threecx_request) error {
		return c.Threecx_request_set_param_bool(p, name, b32(v))
	})
}

// SetParamGUID sets a GUID path parameter ("8-4-4-4-12" hex).
func (r *Request) SetParamGUID(name, v string) error {
	return r.use(func(p c.Struct_SS_threecx_request) error { return c.Threecx_request_set_param_guid(p, name, v) })
}

// SetParamTime sets a date-time path parameter.
func (r *Request) SetParamTime(name string, v time.Time) error {
	return r.SetParamDateTime(name, v.Format(time.RFC3339Nano))
}

// SetParamDateTime sets a date-time path parameter given as ISO 8601 text.
func (r *Request) SetParamDateTime(name, v string) error {
	return r.use(func(p c.Struct_SS_threecx_request) error {
		return c.Threecx_request_set_param_datetime(p, name, v)
	})
}

// SetParamNull sets a nullable path parameter to null.
func (r *Request) SetParamNull(name string) error {
	return r.use(func(p c.Struct_SS_threecx_request) error { return c.Threecx_request_set_param_null(p, name) })
}

// SetQuery copies q's options into the request.
func (r *Request) SetQuery(q *Query) error {
	if q == nil {
		return invalid("nil query")
	}
	if q.err != nil {
		return q.err
	}
	// always request, then query: the only nesting of two handles
	return r.use(func(rp c.Struct_SS_threecx_request) error {
		return q.use(func(qp c.Struct_SS_threecx_query) error { return c.Threecx_request_set_query(rp, qp) })
	})
}

// AddHeader adds a header (e.g. "If-Match").
func (r *Request) AddHeader(name, value string) error {
	return r.use(func(p c.Struct_SS_threecx_request) error { return c.Threecx_request_add_header(p, name, value) })
}

// SetBody sets the JSON body (checked, copied).
func (r *Request) SetBody(json string) error {
	return r.use(func(p c.Struct_SS_threecx_request) error { return c.Threecx_request_set_body(p, json) })
}

// URL is the full URL that would be requested.
func (r *Request) URL() (string, error) {
	var s string
	err := r.use(func(p c.Struct_SS_threecx_request) error { return c.Threecx_request_url(p, &s) })
	return s, err
}

// Send sends the request under ctx. A non-2xx answer is an *Error with
// Status, the OData error and Body filled in (and no Response).
func (r *Request) Send(ctx context.Context) (*Response, error) {
	var resp uintptr
	err := r.withContext(ctx, func(p c.Struct_SS_threecx_request) error { return c.Threecx_request_send(p, &resp) })
	return finish(ctx, err, resp)
}

// SendToFile sends and writes a 2xx body to the file at path (replaced only
// once the whole body is written).
func (r *Request) SendToFile(ctx context.Context, path string) (*Response, error) {
	var resp uintptr
	err := r.withContext(ctx, func(p c.Struct_SS_threecx_request) error {
		return c.Threecx_request_send_to_file(p, path, &resp)
	})
	return finish(ctx, err, resp)
}

// Pager pages over this request (a GET of a collection; copied, so the
// request may be closed afterwards).
func (r *Request) Pager(pageSize int64) (*Pager, error) {
	var pg uintptr
	if err := r.use(func(p c.Struct_SS_threecx_request) error {
		return c.Threecx_pager_new(p, pageSize, &pg)
	}); err != nil {
		return nil, err
	}
	return &Pager{h: newHandle("pager", pg, freePager)}, nil
}

// withContext runs f on the native request under ctx: the C library's
// cancel token, triggered when ctx is done, is attached for the call and
// ctx's deadline becomes the request's deadline.
func (r *Request) withContext(ctx context.Context, f func(c.Struct_SS_threecx_request) error) error {
	if ctx == nil {
		return invalid("nil context")
	}
	if ctx.Err() != nil {
		return contextError(ctx)
	}
	err := r.use(func(p c.Struct_SS_threecx_request) error {
		var dl int64
		if d, ok := ctx.Deadline(); ok {
			if dl, _ = ms(time.Until(d)); dl < 1 {
				dl = 1
			}
		}
		if err := c.Threecx_request_set_deadline_ms(p, dl); err != nil {
			return err
		}
		return watch(ctx, func(tok c.Struct_SS_threecx_cancel) error {
			if err := c.Threecx_request_set_cancel(p, tok); err != nil {
				return err
			}
			defer c.Threecx_request_set_cancel(p, c.SwigcptrStruct_SS_threecx_cancel(0))
			return f(p)
		})
	})
	return withContext(ctx, err)
}

// watch runs f with a cancel token (0 when ctx can never be done) that a
// goroutine triggers once ctx is done; the token is freed after f.
func watch(ctx context.Context, f func(tok c.Struct_SS_threecx_cancel) error) error {
	if ctx.Done() == nil {
		return f(c.SwigcptrStruct_SS_threecx_cancel(0))
	}
	var tp uintptr
	if err := c.Threecx_cancel_new(&tp); err != nil {
		return err
	}
	tok := c.SwigcptrStruct_SS_threecx_cancel(tp)
	stop, stopped := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(stopped)
		select {
		case <-ctx.Done():
			_ = c.Threecx_cancel_trigger(tok)
		case <-stop:
		}
	}()
	err := f(tok)
	close(stop)
	<-stopped // the goroutine no longer touches tok
	c.Threecx_cancel_free(tok)
	return err
}

// finish adopts the response of a send; an HTTP error becomes an *Error
// carrying the answer's status, OData error and body.
func finish(ctx context.Context, err error, p uintptr) (*Response, error) {
	var resp *Response
	if p != 0 {
		resp = &Response{newHandle("response", p, freeResponse)}
	}
	if err == nil {
		return resp, nil
	}
	if e, ok := err.(*Error); ok && resp != nil {
		e.Status, _ = resp.Status()
		e.ODataCode, _ = resp.ErrorCode()
		e.ODataMessage, _ = resp.ErrorMessage()
		e.ODataDetails, _ = resp.ErrorDetails()
		e.Body, _ = resp.Body()
	}
	resp.Close()
	return nil, err
}

// ---------------------------------------------------------------- Response

// Response is one answer; used by one goroutine at a time.
type Response struct{ h *handle }

func freeResponse(p uintptr) { c.Threecx_response_free(c.SwigcptrStruct_SS_threecx_response(p)) }

// use runs f with the native response, kept alive and open until f returns.
func (r *Response) use(f func(c.Struct_SS_threecx_response) error) error {
	if r == nil || r.h == nil {
		return invalid("nil response")
	}
	return r.h.use(func(p uintptr) error { return f(c.SwigcptrStruct_SS_threecx_response(p)) })
}

// Close releases the response.
func (r *Response) Close() {
	if r != nil {
		r.h.close()
	}
}

// Status is the HTTP status.
func (r *Response) Status() (int, error) {
	var s int32
	err := r.use(func(p c.Struct_SS_threecx_response) error { return c.Threecx_response_status(p, &s) })
	return int(s), err
}

// Body is the body as text.
func (r *Response) Body() (string, error) {
	var s string
	err := r.use(func(p c.Struct_SS_threecx_response) error { return c.Threecx_response_body(p, &s) })
	return s, err
}

// Bytes is the raw body (may contain NULs).
func (r *Response) Bytes() ([]byte, error) {
	var s string
	err := r.use(func(p c.Struct_SS_threecx_response) error { return c.Threecx_response_body_bytes(p, &s) })
	return []byte(s), err
}

// Header returns a header by case-insensitive name; ok false when absent.
func (r *Response) Header(name string) (value string, ok bool, err error) {
	err = r.use(func(p c.Struct_SS_threecx_response) error { return c.Threecx_response_header(p, name, &value) })
	if e, isE := err.(*Error); isE && e.Code == ENotFound {
		return "", false, nil
	}
	return value, err == nil, err
}

// ETag is the ETag header ("" when absent).
func (r *Response) ETag() string {
	v, _, _ := r.Header("ETag")
	return v
}

func optional(s string, err error) (string, error) {
	if e, ok := err.(*Error); ok && e.Code == ENotFound {
		return "", nil
	}
	return s, err
}

// ErrorCode, ErrorMessage and ErrorDetails are the OData error of a
// non-2xx answer ("" when it carries none).
func (r *Response) ErrorCode() (string, error) {
	var s string
	err := r.use(func(p c.Struct_SS_threecx_response) error { return c.Threecx_response_error_code(p, &s) })
	return optional(s, err)
}
func (r *Response) ErrorMessage() (string, error) {
	var s string
	err := r.use(func(p c.Struct_SS_threecx_response) error { return c.Threecx_response_error_message(p, &s) })
	return optional(s, err)
}
func (r *Response) ErrorDetails() (string, error) {
	var s string
	err := r.use(func(p c.Struct_SS_threecx_response) error { return c.Threecx_response_error_details(p, &s) })
	return optional(s, err)
}

// ---------------------------------------------------------------- Catalog

// OperationParam is a path parameter of an operation.
type OperationParam struct {
	Name     string
	Type     int32 // THREECX_TYPE_*
	Nullable bool
}

// Operation describes one operation of the catalog.
type Operation struct {
	ID, Method, Path, Tag, Summary, Function string
	Options, ResponseKind                    int32
	HasBody, HasIfMatch                      bool
	Params                                   []OperationParam
}

// OperationCount is the number of operations in the catalog.
func OperationCount() (int, error) {
	var n uint64
	err := wrap(c.Threecx_operation_count(&n))
	return int(n), err
}

func describe(op c.Struct_SS_threecx_operation) (*Operation, error) {
	d := &Operation{}
	strs := []struct {
		f   func(c.Struct_SS_threecx_operation, *string) error
		dst *string
	}{
		{c.Threecx_operation_id, &d.ID}, {c.Threecx_operation_method, &d.Method},
		{c.Threecx_operation_path, &d.Path}, {c.Threecx_operation_tag, &d.Tag},
		{c.Threecx_operation_summary, &d.Summary}, {c.Threecx_operation_function, &d.Function},
	}
	for _, s := range strs {
		if err := wrap(s.f(op, s.dst)); err != nil {
			return nil, err
		}
	}
	var v int32
	if err := c.Threecx_operation_options(op, &d.Options); err != nil {
		return nil, err
	}
	if err := c.Threecx_operation_response_kind(op, &d.ResponseKind); err != nil {
		return nil, err
	}
	if err := c.Threecx_operation_has_body(op, &v); err != nil {
		return nil, err
	}
	d.HasBody = v != 0
	if err := c.Threecx_operation_has_if_match(op, &v); err != nil {
		return nil, err
	}
	d.HasIfMatch = v != 0
	var n uint64
	if err := c.Threecx_operation_param_count(op, &n); err != nil {
		return nil, err
	}
	for i := int64(0); i < int64(n); i++ {
		var p OperationParam
		if err := c.Threecx_operation_param_name(op, i, &p.Name); err != nil {
			return nil, err
		}
		if err := c.Threecx_operation_param_type(op, i, &p.Type); err != nil {
			return nil, err
		}
		if err := c.Threecx_operation_param_nullable(op, i, &v); err != nil {
			return nil, err
		}
		p.Nullable = v != 0
		d.Params = append(d.Params, p)
	}
	return d, nil
}

// FindOperation looks an operation up by operationId.
func FindOperation(id string) (*Operation, error) {
	var p uintptr
	if err := wrap(c.Threecx_operation_find(id, &p)); err != nil {
		return nil, err
	}
	return describe(c.SwigcptrStruct_SS_threecx_operation(p))
}

// OperationAt returns the operation at index (0-based, sorted by id).
func OperationAt(index int) (*Operation, error) {
	var p uintptr
	if err := wrap(c.Threecx_operation_at(int64(index), &p)); err != nil {
		return nil, err
	}
	return describe(c.SwigcptrStruct_SS_threecx_operation(p))
}

// ---------------------------------------------------------------- helpers

// Version is the run-time libthreecx version; XAPIVersion the XAPI version
// its catalog (and this package's models) were generated from.
func Version() string     { return c.Threecx_version() }
func XAPIVersion() string { return c.Threecx_xapi_version() }

// ODataString quotes text as an OData string literal ('O''Brien').
func ODataString(s string) (string, error) {
	var out string
	err := wrap(c.Threecx_odata_string(s, &out))
	return out, err
}

// URLEncode percent-encodes per the OData URL conventions.
func URLEncode(s string) (string, error) {
	var out string
	err := wrap(c.Threecx_url_encode(s, &out))
	return out, err
}
