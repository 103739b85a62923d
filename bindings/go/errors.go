package threecx

import (
	"context"
	"errors"
	"fmt"
	"time"

	c "threecx/threecxc"
)

// Error is a libthreecx failure. Code is the THREECX_E_* status and Name
// its macro name; Message the detailed message captured in the failing
// call (never a key or token). For an HTTP error answer (Code EHTTP) Status
// is the HTTP status, ODataCode / ODataMessage / ODataDetails (a JSON
// array) the OData error and Body the answer's body.
//
// Match kinds of failure with errors.Is and the sentinels (ErrNotFound,
// ErrTimeout, ErrCanceled, ...); a call stopped by its context also matches
// context.Canceled or context.DeadlineExceeded. Get the details with
// errors.As(err, &e) for e of type *threecx.Error.
type Error struct {
	Code         int
	Name         string
	Message      string
	Status       int
	ODataCode    string
	ODataMessage string
	ODataDetails string
	Body         string
	cause        error
}

func (e *Error) Error() string {
	if e.Status != 0 {
		s := fmt.Sprintf("%s: HTTP %d", e.Name, e.Status)
		if e.ODataCode != "" || e.ODataMessage != "" {
			s += fmt.Sprintf(" %s: %s", e.ODataCode, e.ODataMessage)
		}
		return s + " (" + e.Message + ")"
	}
	return fmt.Sprintf("%s: %s", e.Name, e.Message)
}

// Unwrap is the context's error when the call was stopped by its context.
func (e *Error) Unwrap() error { return e.cause }

// Sentinel errors, matched with errors.Is against any error of this package.
var (
	ErrInvalidArgument    = errors.New("threecx: invalid argument")
	ErrBadRequest         = errors.New("threecx: bad request (HTTP 400)")
	ErrUnauthorized       = errors.New("threecx: unauthorized (HTTP 401 or token refused)")
	ErrForbidden          = errors.New("threecx: forbidden (HTTP 403)")
	ErrNotFound           = errors.New("threecx: not found")
	ErrConflict           = errors.New("threecx: conflict (HTTP 409)")
	ErrPreconditionFailed = errors.New("threecx: precondition failed (HTTP 412, If-Match)")
	ErrTooManyRequests    = errors.New("threecx: too many requests (HTTP 429)")
	ErrServer             = errors.New("threecx: server error (HTTP 5xx)")
	ErrTimeout            = errors.New("threecx: timed out")
	ErrCanceled           = errors.New("threecx: canceled")
	ErrNetwork            = errors.New("threecx: network failure")
	ErrTLS                = errors.New("threecx: TLS failure")
	ErrInsecure           = errors.New("threecx: plain HTTP refused")
	ErrProtocol           = errors.New("threecx: unusable server answer")
	ErrClosed             = errors.New("threecx: use of a closed handle")
	// ErrUncertain: a write was sent and no complete answer came; it may or
	// may not have been applied (it is not repeated automatically).
	ErrUncertain = errors.New("threecx: the request may or may not have been applied")
	// ErrRetryLater: the server asked (Retry-After) to wait past the retry
	// deadline; the response carries the delay.
	ErrRetryLater = errors.New("threecx: the server asks to retry later")
)

// Is reports whether e is of the kind of a sentinel error.
func (e *Error) Is(target error) bool {
	switch target {
	case ErrInvalidArgument:
		return e.Code == EInvalidArgument
	case ErrBadRequest:
		return e.Status == 400
	case ErrUnauthorized:
		return e.Status == 401 || e.Code == EAuth
	case ErrForbidden:
		return e.Status == 403
	case ErrNotFound:
		return e.Status == 404 || (e.Status == 0 && e.Code == ENotFound)
	case ErrConflict:
		return e.Status == 409
	case ErrPreconditionFailed:
		return e.Status == 412
	case ErrTooManyRequests:
		return e.Status == 429
	case ErrServer:
		return e.Status >= 500 && e.Status <= 599
	case ErrTimeout:
		return e.Code == ETimeout
	case ErrCanceled:
		return e.Code == ECancelled
	case ErrUncertain:
		return e.Code == EUncertain
	case ErrRetryLater:
		return e.Code == ERetryLater
	case ErrNetwork:
		return e.Code == ENetwork
	case ErrTLS:
		return e.Code == ETLS
	case ErrInsecure:
		return e.Code == EInsecure
	case ErrProtocol:
		return e.Code == EProtocol || e.Code == EInvalidJSON
	case ErrClosed:
		return e.Code == EInvalidArgument && len(e.Message) > 14 && e.Message[:14] == "use of closed "
	}
	return false
}

func newError(code int, msg string) *Error {
	name := c.Threecx_error_name(code)
	if name == "" {
		name = "THREECX_E_UNKNOWN"
	}
	return &Error{Code: code, Name: name, Message: msg}
}

func invalid(msg string) error { return newError(EInvalidArgument, msg) }

// wrap turns the SWIG layer's error into an *Error (nil stays nil).
func wrap(err error) error {
	if err == nil {
		return nil
	}
	if e, ok := err.(*c.Error); ok {
		return &Error{Code: e.Code, Name: e.Name, Message: e.Message}
	}
	return err
}

// withContext gives an error of a call made under ctx its context cause: a
// cancelled call whose context is done is ErrCanceled + context.Canceled, or
// ErrTimeout + context.DeadlineExceeded when the deadline passed.
func withContext(ctx context.Context, err error) error {
	e, ok := err.(*Error)
	if !ok || ctx == nil {
		return err
	}
	if d, has := ctx.Deadline(); has && e.Code == ETimeout && time.Until(d) < 100*time.Millisecond {
		// the C deadline is the context's: libcurl's timer may fire just
		// before the context's, which then follows within moments
		select {
		case <-ctx.Done():
		case <-time.After(time.Until(d) + 20*time.Millisecond):
		}
	}
	cerr := ctx.Err()
	switch {
	case cerr == nil:
	case e.Code == ECancelled && errors.Is(cerr, context.DeadlineExceeded):
		e.Code, e.Name, e.cause = ETimeout, "THREECX_E_TIMEOUT", cerr
		e.Message += " (the context's deadline passed)"
	case e.Code == ECancelled, e.Code == ETimeout:
		e.cause = cerr
	}
	return e
}

// contextError is the error of a call not even started: its context is done.
func contextError(ctx context.Context) error {
	cerr := ctx.Err()
	code, what := ECancelled, "the context was cancelled before the call"
	if errors.Is(cerr, context.DeadlineExceeded) {
		code, what = ETimeout, "the context's deadline passed before the call"
	}
	e := newError(code, what)
	e.cause = cerr
	return e
}
