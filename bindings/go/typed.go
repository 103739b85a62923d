package threecx

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"
)

// ---------------------------------------------------------------- options

// CallOption adjusts one call of a typed or JSON operation method.
type CallOption func(*Request) error

// IfMatch sends If-Match: etag (optimistic concurrency: a PATCH or DELETE
// of an entity changed meanwhile fails with ErrPreconditionFailed).
func IfMatch(etag string) CallOption {
	return func(r *Request) error { return r.AddHeader("If-Match", etag) }
}

// WithHeader adds a request header.
func WithHeader(name, value string) CallOption {
	return func(r *Request) error { return r.AddHeader(name, value) }
}

// OnResponse calls f with the successful answer (status, headers) before
// the typed result is decoded from it; f must not keep or close it.
func OnResponse(f func(*Response)) CallOption {
	return func(r *Request) error {
		if f != nil {
			r.after = append(r.after, f)
		}
		return nil
	}
}

// ETag stores the answer's ETag header in *dst ("" when absent): the
// version to send back with IfMatch.
//
//	var etag string
//	u, err := cl.GetUser(ctx, id, nil, threecx.ETag(&etag))
//	err = cl.UpdateUser(ctx, id, &threecx.User{LastName: threecx.Ptr("Lovelace")}, threecx.IfMatch(etag))
func ETag(dst *string) CallOption {
	return OnResponse(func(resp *Response) {
		if dst != nil {
			*dst = resp.ETag()
		}
	})
}

// ---------------------------------------------------------------- values

// Ptr returns a pointer to v: the models' optional fields are pointers.
func Ptr[T any](v T) *T { return &v }

// Deref is *p, or T's zero value when p is nil.
func Deref[T any](p *T) T {
	if p == nil {
		var zero T
		return zero
	}
	return *p
}

// Page is one page of a collection: its items and @odata.count when the
// server sent it ($count=true).
type Page[T any] struct {
	Value    []T    `json:"value"`
	Count    *int64 `json:"@odata.count,omitempty"`
	NextLink string `json:"@odata.nextLink,omitempty"`
}

// Duration is an Edm.Duration (ISO 8601, "PT1H30M", "-P1DT2H3M4.5S") as a
// time.Duration. Years and months are refused (not a fixed length).
type Duration time.Duration

// MarshalJSON writes the ISO 8601 form.
func (d Duration) MarshalJSON() ([]byte, error) { return json.Marshal(d.String()) }

// String is the ISO 8601 form, e.g. "PT1H30M".
func (d Duration) String() string {
	v := time.Duration(d)
	var b strings.Builder
	if v < 0 {
		b.WriteByte('-')
		v = -v
	}
	b.WriteByte('P')
	if days := v / (24 * time.Hour); days > 0 {
		fmt.Fprintf(&b, "%dD", days)
		v -= days * 24 * time.Hour
	}
	b.WriteByte('T')
	if h := v / time.Hour; h > 0 {
		fmt.Fprintf(&b, "%dH", h)
		v -= h * time.Hour
	}
	if m := v / time.Minute; m > 0 {
		fmt.Fprintf(&b, "%dM", m)
		v -= m * time.Minute
	}
	if v > 0 || b.String() == "PT" || b.String() == "-PT" {
		b.WriteString(strconv.FormatFloat(v.Seconds(), 'f', -1, 64) + "S")
	}
	s := b.String()
	if strings.HasSuffix(s, "T") {
		s = s[:len(s)-1]
	}
	return s
}

// UnmarshalJSON reads the ISO 8601 form.
func (d *Duration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("threecx.Duration: %w", err)
	}
	v, err := ParseDuration(s)
	if err != nil {
		return err
	}
	*d = Duration(v)
	return nil
}

// ParseDuration parses an ISO 8601 duration without years or months.
func ParseDuration(s string) (time.Duration, error) {
	bad := fmt.Errorf("threecx.Duration: %q is not an ISO 8601 duration (PnDTnHnMnS)", s)
	neg := strings.HasPrefix(s, "-")
	t := strings.TrimPrefix(strings.TrimPrefix(s, "-"), "+")
	if !strings.HasPrefix(t, "P") || len(t) < 2 {
		return 0, bad
	}
	t = t[1:]
	var total float64
	inTime := false
	units := map[bool]map[byte]float64{
		false: {'D': 86400, 'W': 7 * 86400},
		true:  {'H': 3600, 'M': 60, 'S': 1},
	}
	for len(t) > 0 {
		if t[0] == 'T' {
			if inTime || len(t) == 1 {
				return 0, bad
			}
			inTime = true
			t = t[1:]
			continue
		}
		i := 0
		for i < len(t) && (t[i] >= '0' && t[i] <= '9' || t[i] == '.' || t[i] == ',') {
			i++
		}
		if i == 0 || i == len(t) {
			return 0, bad
		}
		n, err := strconv.ParseFloat(strings.Replace(t[:i], ",", ".", 1), 64)
		mult, ok := units[inTime][t[i]]
		if err != nil || !ok {
			return 0, bad
		}
		total += n * mult
		t = t[i+1:]
	}
	if total*1e9 > math.MaxInt64 {
		return 0, bad
	}
	v := time.Duration(math.Round(total * 1e9))
	if neg {
		v = -v
	}
	return v, nil
}

// Number is an OData IEEE754 number that may also come as a string: a
// decimal text, "INF", "-INF" or "NaN" (the spec's oneOf number / string /
// ReferenceNumeric).
type Number float64

// MarshalJSON writes a number, or "INF", "-INF", "NaN" as strings.
func (n Number) MarshalJSON() ([]byte, error) {
	f := float64(n)
	switch {
	case math.IsNaN(f):
		return []byte(`"NaN"`), nil
	case math.IsInf(f, 1):
		return []byte(`"INF"`), nil
	case math.IsInf(f, -1):
		return []byte(`"-INF"`), nil
	}
	return json.Marshal(f)
}

// UnmarshalJSON reads a JSON number or string.
func (n *Number) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		switch s {
		case "INF":
			*n = Number(math.Inf(1))
		case "-INF":
			*n = Number(math.Inf(-1))
		case "NaN":
			*n = Number(math.NaN())
		default:
			f, err := strconv.ParseFloat(s, 64)
			if err != nil {
				return fmt.Errorf("threecx.Number: %q is not a number", s)
			}
			*n = Number(f)
		}
		return nil
	}
	var f float64
	if err := json.Unmarshal(b, &f); err != nil {
		return fmt.Errorf("threecx.Number: %w", err)
	}
	*n = Number(f)
	return nil
}

// ---------------------------------------------------------------- calls

// The kinds of path parameter values of the generated operation methods.
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

// prepare builds the request of a catalog operation: path parameters by
// name, q (may be nil), the JSON body ("" for none) and the call options.
func (cl *Client) prepare(operationID string, args []opArg, q *Query, body string, opts []CallOption) (*Request, error) {
	r, err := cl.NewOperation(operationID)
	if err != nil {
		return nil, err
	}
	ok := false
	defer func() {
		if !ok {
			r.Close()
		}
	}()
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
			err = r.SetParamTime(a.name, a.v.(time.Time))
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
	if body != "" {
		if err = r.SetBody(body); err != nil {
			return nil, err
		}
	}
	for _, o := range opts {
		if o != nil {
			if err = o(r); err != nil {
				return nil, err
			}
		}
	}
	ok = true
	return r, nil
}

// call sends one catalog operation with a JSON body ("" for none). HTTP
// errors come back as *Error with the status and OData error.
func (cl *Client) call(ctx context.Context, operationID string, args []opArg, q *Query, body string, opts []CallOption) (*Response, error) {
	r, err := cl.prepare(operationID, args, q, body, opts)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	resp, err := r.Send(ctx)
	if err == nil {
		r.answered(resp)
	}
	return resp, err
}

// encodeBody marshals a typed body (nil: none).
func encodeBody(v interface{}) (string, error) {
	if v == nil {
		return "", nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return "", invalid("encoding the request body: " + err.Error())
	}
	if string(b) == "null" {
		return "", nil
	}
	return string(b), nil
}

// strictDecode (set by the tests) refuses answer fields the model lacks,
// besides the OData annotations @odata.context and @odata.etag.
var strictDecode bool

func decode(resp *Response, v interface{}) error {
	defer resp.Close()
	b, err := resp.Bytes()
	if err != nil {
		return err
	}
	if len(bytes.TrimSpace(b)) == 0 {
		return nil // 204 or an empty answer: nothing to decode
	}
	if strictDecode {
		err = strictUnmarshal(b, v)
	} else {
		err = json.Unmarshal(b, v)
	}
	if err != nil {
		return newError(EProtocol, fmt.Sprintf("decoding the answer into %T: %v", v, err))
	}
	return nil
}

func strictUnmarshal(b []byte, v interface{}) error {
	var m interface{}
	if err := json.Unmarshal(b, &m); err != nil {
		return err
	}
	b, _ = json.Marshal(stripAnnotations(m))
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	return dec.Decode(v)
}

func stripAnnotations(v interface{}) interface{} {
	switch t := v.(type) {
	case map[string]interface{}:
		delete(t, "@odata.context")
		delete(t, "@odata.etag")
		for k, x := range t {
			t[k] = stripAnnotations(x)
		}
	case []interface{}:
		for i, x := range t {
			t[i] = stripAnnotations(x)
		}
	}
	return v
}

// callInto sends a typed operation and decodes the answer into a new T.
func callInto[T any](ctx context.Context, cl *Client, op string, args []opArg, q *Query, body interface{}, opts []CallOption) (*T, error) {
	b, err := encodeBody(body)
	if err != nil {
		return nil, err
	}
	resp, err := cl.call(ctx, op, args, q, b, opts)
	if err != nil {
		return nil, err
	}
	v := new(T)
	if err := decode(resp, v); err != nil {
		return nil, err
	}
	return v, nil
}

// callValue sends an operation answering {"value": T} and returns T.
func callValue[T any](ctx context.Context, cl *Client, op string, args []opArg, q *Query, body interface{}, opts []CallOption) (T, error) {
	var zero T
	v, err := callInto[struct {
		Value T `json:"value"`
	}](ctx, cl, op, args, q, body, opts)
	if err != nil {
		return zero, err
	}
	return v.Value, nil
}

// callNone sends an operation without a result (204).
func callNone(ctx context.Context, cl *Client, op string, args []opArg, q *Query, body interface{}, opts []CallOption) error {
	b, err := encodeBody(body)
	if err != nil {
		return err
	}
	resp, err := cl.call(ctx, op, args, q, b, opts)
	if err != nil {
		return err
	}
	resp.Close()
	return nil
}

// callDownload streams the answer of a file operation to w.
func callDownload(ctx context.Context, cl *Client, op string, args []opArg, q *Query, body interface{}, w io.Writer, opts []CallOption) (int64, error) {
	b, err := encodeBody(body)
	if err != nil {
		return 0, err
	}
	r, err := cl.prepare(op, args, q, b, opts)
	if err != nil {
		return 0, err
	}
	defer r.Close()
	resp, n, err := r.Download(ctx, w)
	if resp != nil {
		r.answered(resp)
		resp.Close()
	}
	return n, err
}

// pagerOf makes a typed pager over a collection operation.
func pagerOf[T any](cl *Client, op string, args []opArg, q *Query, pageSize int64) (*ItemPager[T], error) {
	r, err := cl.prepare(op, args, q, "", nil)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	p, err := r.Pager(pageSize)
	if err != nil {
		return nil, err
	}
	return Items[T](p), nil
}

// JSONClient has the operation methods with JSON strings in and *Response
// out (operations.go), for raw use: Client.JSON().GetUser(ctx, 2, nil).
type JSONClient struct{ cl *Client }

// JSON is the raw-JSON view of the client's operations.
func (cl *Client) JSON() JSONClient { return JSONClient{cl} }
