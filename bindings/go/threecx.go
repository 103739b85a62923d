// Package threecx is the idiomatic Go layer of libthreecx over the SWIG
// package threecx/threecxc.
//
//	c, err := threecx.NewClient("pbx.example.com", id, key)
//	if err != nil { ... }
//	defer c.Close()
//	body, err := c.Get("/Users", threecx.NewQuery().Top(5).Select("Id,Number"))
//
// Every call returns (value, error); nothing panics. Errors are *Error with
// Code, Name, Message and, for non-2xx answers, Status and ODataCode. The
// message is captured inside the same cgo call as the failing C call (a
// goroutine may change OS threads between cgo calls). Handles are released
// by Close; a finalizer is only a safety net. A handle stays valid for the
// whole of each native call: Close waits for the calls in flight, and calls
// after Close return an *Error (EInvalidArgument, "use of closed client",
// "... request", ...), never a crash.
package threecx

import (
	"runtime"
	"sync"
	"time"

	c "threecx/threecxc"
)

// Error is a libthreecx failure (see threecxc.Error).
type Error = c.Error

// Status codes (stable numbers).
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
)

func invalid(msg string) error {
	return &Error{Code: EInvalidArgument, Name: "THREECX_E_INVALID_ARGUMENT", Message: msg}
}

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
	err := f(p)
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
// Close return an *Error (EInvalidArgument, "use of closed client").
// Requests, responses and pagers made from it stay usable after Close.
type Client struct{ h *handle }

func freeClient(p uintptr) { c.Threecx_client_free(c.SwigcptrStruct_SS_threecx_client(p)) }

// NewClient creates a client for domain ("host", "host:port", "https://..."
// or "http://..." with AllowHTTP) and the API integration's id and key.
func NewClient(domain, clientID, apiKey string) (*Client, error) {
	var p uintptr
	if err := c.Threecx_client_new(domain, clientID, apiKey, &p); err != nil {
		return nil, err
	}
	return &Client{newHandle("client", p, freeClient)}, nil
}

// NewClientFromEnv reads THREECX_DOMAIN, THREECX_CLIENT_ID, THREECX_API_KEY.
func NewClientFromEnv() (*Client, error) {
	var p uintptr
	if err := c.Threecx_client_new_from_env(&p); err != nil {
		return nil, err
	}
	return &Client{newHandle("client", p, freeClient)}, nil
}

// use runs f with the native client, kept alive and open until f returns.
func (cl *Client) use(f func(c.Struct_SS_threecx_client) error) error {
	if cl == nil || cl.h == nil {
		return invalid("nil client")
	}
	return cl.h.use(func(p uintptr) error { return f(c.SwigcptrStruct_SS_threecx_client(p)) })
}

// WithRaw calls f with the native handle for the typed functions of
// threecxc; the handle stays valid until f returns (Close waits for it, the
// finalizer cannot run). f's error is returned; after Close, f is not called
// and the error is "use of closed client". f must not Close cl.
//
//	var p uintptr
//	err := cl.WithRaw(func(raw threecxc.Struct_SS_threecx_client) error {
//		return threecxc.Threecx_xapi_get_weblink(raw, key, nil, &p)
//	})
//	resp, err := threecx.TakeResponse(err, p)
func (cl *Client) WithRaw(f func(raw c.Struct_SS_threecx_client) error) error {
	if f == nil {
		return invalid("nil function")
	}
	return cl.use(f)
}

// Raw is the native handle for the typed functions of threecxc (0 after
// Close). It stays owned by the client, which is freed by Close or, once
// unreachable, by its finalizer: the caller must keep cl alive until the
// native call has returned (runtime.KeepAlive(cl) after it) and must not
// Close it meanwhile. Prefer WithRaw, which does both.
func (cl *Client) Raw() c.Struct_SS_threecx_client {
	if cl == nil {
		return c.SwigcptrStruct_SS_threecx_client(0)
	}
	return c.SwigcptrStruct_SS_threecx_client(cl.h.peek())
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

func (cl *Client) AllowHTTP(allow bool) error {
	return cl.use(func(p c.Struct_SS_threecx_client) error { return c.Threecx_client_allow_http(p, b32(allow)) })
}
func (cl *Client) SetCAFile(path string) error {
	return cl.use(func(p c.Struct_SS_threecx_client) error { return c.Threecx_client_set_ca_file(p, path) })
}
func (cl *Client) SetCAPath(dir string) error {
	return cl.use(func(p c.Struct_SS_threecx_client) error { return c.Threecx_client_set_ca_path(p, dir) })
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
func (cl *Client) SetTimeoutMs(ms int64) error {
	return cl.use(func(p c.Struct_SS_threecx_client) error { return c.Threecx_client_set_timeout_ms(p, ms) })
}
// SetMaxResponseBytes caps a response body kept in memory (0 = no limit).
func (cl *Client) SetMaxResponseBytes(n int64) error {
	return cl.use(func(p c.Struct_SS_threecx_client) error { return c.Threecx_client_set_max_response_bytes(p, n) })
}
func (cl *Client) SetConnectTimeoutMs(ms int64) error {
	return cl.use(func(p c.Struct_SS_threecx_client) error { return c.Threecx_client_set_connect_timeout_ms(p, ms) })
}
func (cl *Client) SetUserAgent(ua string) error {
	return cl.use(func(p c.Struct_SS_threecx_client) error { return c.Threecx_client_set_user_agent(p, ua) })
}
func (cl *Client) SetInsecureSkipTLSVerify(skip bool) error {
	return cl.use(func(p c.Struct_SS_threecx_client) error {
		return c.Threecx_client_set_insecure_skip_tls_verify(p, b32(skip))
	})
}
func (cl *Client) SetRetry(max int32, baseMs, maxMs, deadlineMs int64) error {
	return cl.use(func(p c.Struct_SS_threecx_client) error {
		return c.Threecx_client_set_retry(p, max, baseMs, maxMs, deadlineMs)
	})
}
func (cl *Client) Authenticate() error {
	return cl.use(func(p c.Struct_SS_threecx_client) error { return c.Threecx_client_authenticate(p) })
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
	return &Request{newHandle("request", r, freeRequest)}, nil
}

// NewOperation makes a request for an operationId of the catalog.
func (cl *Client) NewOperation(operationID string) (*Request, error) {
	var r uintptr
	if err := cl.use(func(p c.Struct_SS_threecx_client) error {
		return c.Threecx_request_new_op(p, operationID, &r)
	}); err != nil {
		return nil, err
	}
	return &Request{newHandle("request", r, freeRequest)}, nil
}

func (cl *Client) exchange(method, path string, q *Query, body *string) (string, error) {
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
	resp, err := r.Send()
	if err != nil {
		return "", err
	}
	defer resp.Close()
	return resp.Body()
}

// ------------------------------------------------- operation methods' call

// The kinds of path parameter values of the generated operation methods
// (operations.go: one method per operation of the catalog).
type argKind int

const (
	argString argKind = iota
	argNullableString
	argInt
	argBool
	argGUID
	argDateTime
)

type opArg struct {
	name string
	kind argKind
	v    interface{}
}

// call sends one catalog operation: a request made from operationID, path
// parameters set by name, then q (may be nil), ifMatch and a JSON body (""
// for none). HTTP errors come back as *Error with the OData code and message.
func (cl *Client) call(operationID string, args []opArg, q *Query, ifMatch, body string) (*Response, error) {
	r, err := cl.NewOperation(operationID)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	for _, a := range args {
		switch a.kind {
		case argString:
			err = r.SetParamString(a.name, a.v.(string))
		case argNullableString:
			if s := a.v.(*string); s != nil {
				err = r.SetParamString(a.name, *s)
			} else {
				err = r.SetParamNull(a.name)
			}
		case argInt:
			err = r.SetParamInt(a.name, int64(a.v.(int32)))
		case argBool:
			err = r.SetParamBool(a.name, a.v.(bool))
		case argGUID:
			err = r.SetParamGUID(a.name, a.v.(string))
		case argDateTime:
			err = r.SetParamDateTime(a.name, a.v.(time.Time).Format(time.RFC3339Nano))
		}
		if err != nil {
			return nil, err
		}
	}
	if q != nil {
		if err = r.SetQuery(q); err != nil {
			return nil, err
		}
	}
	if ifMatch != "" {
		if err = r.AddHeader("If-Match", ifMatch); err != nil {
			return nil, err
		}
	}
	if body != "" {
		if err = r.SetBody(body); err != nil {
			return nil, err
		}
	}
	return r.Send()
}

// Get sends GET path (q may be nil) and returns the body.
func (cl *Client) Get(path string, q *Query) (string, error) { return cl.exchange("GET", path, q, nil) }

// Post sends POST path with a JSON body.
func (cl *Client) Post(path, json string) (string, error) {
	return cl.exchange("POST", path, nil, &json)
}

// Patch sends PATCH path with a JSON body.
func (cl *Client) Patch(path, json string) (string, error) {
	return cl.exchange("PATCH", path, nil, &json)
}

// Delete sends DELETE path.
func (cl *Client) Delete(path string) error {
	_, err := cl.exchange("DELETE", path, nil, nil)
	return err
}

// Pager walks the collection at path (q may be nil) pageSize items at a time.
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
	var pg uintptr
	if err := r.use(func(p c.Struct_SS_threecx_request) error {
		return c.Threecx_pager_new(p, pageSize, &pg)
	}); err != nil {
		return nil, err
	}
	return &Pager{newHandle("pager", pg, freePager)}, nil
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

func NewQuery() *Query {
	var p uintptr
	if err := c.Threecx_query_new(&p); err != nil {
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

func (q *Query) Close() {
	if q != nil {
		q.h.close()
	}
}

// ---------------------------------------------------------------- Request

// Request is one request; Send may be called again. A Request is used by
// one goroutine at a time (Close from another one waits for its call).
type Request struct{ h *handle }

func freeRequest(p uintptr) { c.Threecx_request_free(c.SwigcptrStruct_SS_threecx_request(p)) }

// use runs f with the native request, kept alive and open until f returns.
func (r *Request) use(f func(c.Struct_SS_threecx_request) error) error {
	if r == nil || r.h == nil {
		return invalid("nil request")
	}
	return r.h.use(func(p uintptr) error { return f(c.SwigcptrStruct_SS_threecx_request(p)) })
}

func (r *Request) Close() {
	if r != nil {
		r.h.close()
	}
}

func (r *Request) SetParamString(name, v string) error {
	return r.use(func(p c.Struct_SS_threecx_request) error { return c.Threecx_request_set_param_string(p, name, v) })
}
func (r *Request) SetParamInt(name string, v int64) error {
	return r.use(func(p c.Struct_SS_threecx_request) error { return c.Threecx_request_set_param_int(p, name, v) })
}
func (r *Request) SetParamBool(name string, v bool) error {
	return r.use(func(p c.Struct_SS_threecx_request) error {
		return c.Threecx_request_set_param_bool(p, name, b32(v))
	})
}
func (r *Request) SetParamGUID(name, v string) error {
	return r.use(func(p c.Struct_SS_threecx_request) error { return c.Threecx_request_set_param_guid(p, name, v) })
}
func (r *Request) SetParamDateTime(name, v string) error {
	return r.use(func(p c.Struct_SS_threecx_request) error {
		return c.Threecx_request_set_param_datetime(p, name, v)
	})
}
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
func (r *Request) AddHeader(name, value string) error {
	return r.use(func(p c.Struct_SS_threecx_request) error { return c.Threecx_request_add_header(p, name, value) })
}
func (r *Request) SetBody(json string) error {
	return r.use(func(p c.Struct_SS_threecx_request) error { return c.Threecx_request_set_body(p, json) })
}

func (r *Request) URL() (string, error) {
	var s string
	err := r.use(func(p c.Struct_SS_threecx_request) error { return c.Threecx_request_url(p, &s) })
	return s, err
}

// Send sends the request. A non-2xx answer is an *Error with Status,
// ODataCode, ODataMessage and Body filled in.
func (r *Request) Send() (*Response, error) {
	var resp uintptr
	err := r.use(func(p c.Struct_SS_threecx_request) error { return c.Threecx_request_send(p, &resp) })
	return finish(err, resp)
}

// SendToFile sends and writes a 2xx body to the file at path.
func (r *Request) SendToFile(path string) (*Response, error) {
	var resp uintptr
	err := r.use(func(p c.Struct_SS_threecx_request) error {
		return c.Threecx_request_send_to_file(p, path, &resp)
	})
	return finish(err, resp)
}

// TakeResponse adopts a raw response pointer returned by a typed function
// of threecxc (with its error): the idiomatic form of its result.
func TakeResponse(err error, p uintptr) (*Response, error) { return finish(err, p) }

func finish(err error, p uintptr) (*Response, error) {
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

func (r *Response) Close() {
	if r != nil {
		r.h.close()
	}
}

func (r *Response) Status() (int, error) {
	var s int32
	err := r.use(func(p c.Struct_SS_threecx_response) error { return c.Threecx_response_status(p, &s) })
	return int(s), err
}

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

func optional(s string, err error) (string, error) {
	if e, ok := err.(*Error); ok && e.Code == ENotFound {
		return "", nil
	}
	return s, err
}

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

// ---------------------------------------------------------------- Pager

// Pager walks a collection; used by one goroutine at a time.
type Pager struct{ h *handle }

func freePager(p uintptr) { c.Threecx_pager_free(c.SwigcptrStruct_SS_threecx_pager(p)) }

// use runs f with the native pager, kept alive and open until f returns.
func (pg *Pager) use(f func(c.Struct_SS_threecx_pager) error) error {
	if pg == nil || pg.h == nil {
		return invalid("nil pager")
	}
	return pg.h.use(func(p uintptr) error { return f(c.SwigcptrStruct_SS_threecx_pager(p)) })
}

func (pg *Pager) Close() {
	if pg != nil {
		pg.h.close()
	}
}

// pagerDetails adds the failing answer (status, OData code and message,
// body) to an EHTTP error of a pager call, as Send does for a request.
func pagerDetails(p c.Struct_SS_threecx_pager, err error) error {
	if e, ok := err.(*Error); ok && e.Code == EHTTP {
		var rp uintptr
		if c.Threecx_pager_last_response(p, &rp) == nil {
			_, err = finish(err, rp)
		}
	}
	return err
}

// NextItem returns the next item's JSON; ok false at the end. An HTTP error
// is an *Error with Status and the OData error; the walk may be resumed.
func (pg *Pager) NextItem() (item string, ok bool, err error) {
	err = pg.use(func(p c.Struct_SS_threecx_pager) error {
		return pagerDetails(p, c.Threecx_pager_next_item(p, &item))
	})
	return item, err == nil && item != "", err
}

// NextPage returns the next page's JSON body; ok false at the end (errors as
// for NextItem).
func (pg *Pager) NextPage() (page string, ok bool, err error) {
	err = pg.use(func(p c.Struct_SS_threecx_pager) error {
		return pagerDetails(p, c.Threecx_pager_next_page(p, &page))
	})
	return page, err == nil && page != "", err
}

// ---------------------------------------------------------------- Catalog

type OperationParam struct {
	Name     string
	Type     int32 // THREECX_TYPE_*
	Nullable bool
}

type Operation struct {
	ID, Method, Path, Tag, Summary, Function string
	Options, ResponseKind                    int32
	HasBody, HasIfMatch                      bool
	Params                                   []OperationParam
}

// OperationCount is the number of operations in the catalog.
func OperationCount() (int, error) {
	var n uint64
	err := c.Threecx_operation_count(&n)
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
		if err := s.f(op, s.dst); err != nil {
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
	if err := c.Threecx_operation_find(id, &p); err != nil {
		return nil, err
	}
	return describe(c.SwigcptrStruct_SS_threecx_operation(p))
}

// OperationAt returns the operation at index (0-based, sorted by id).
func OperationAt(index int) (*Operation, error) {
	var p uintptr
	if err := c.Threecx_operation_at(int64(index), &p); err != nil {
		return nil, err
	}
	return describe(c.SwigcptrStruct_SS_threecx_operation(p))
}

// ---------------------------------------------------------------- helpers

func Version() string     { return c.Threecx_version() }
func XAPIVersion() string { return c.Threecx_xapi_version() }

func ODataString(s string) (string, error) {
	var out string
	err := c.Threecx_odata_string(s, &out)
	return out, err
}

func URLEncode(s string) (string, error) {
	var out string
	err := c.Threecx_url_encode(s, &out)
	return out, err
}
