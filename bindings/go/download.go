package threecx

// #cgo pkg-config: threecx
// #include <stdint.h>
// #include <stdlib.h>
// int threecx_go_send_to_writer(uintptr_t request, uintptr_t handle, uintptr_t *response, char **message);
import "C"

import (
	"context"
	"io"
	"runtime/cgo"
	"unsafe"

	c "threecx/threecxc"
)

type writeState struct {
	w   io.Writer
	n   int64
	err error
}

//export threecxGoWrite
func threecxGoWrite(h C.uintptr_t, data *C.uchar, size C.size_t) C.int32_t {
	st := cgo.Handle(h).Value().(*writeState)
	b := unsafe.Slice((*byte)(unsafe.Pointer(data)), int(size))
	n, err := st.w.Write(b)
	st.n += int64(n)
	if err == nil && n < len(b) {
		err = io.ErrShortWrite
	}
	if err != nil {
		st.err = err
		return 1
	}
	return 0
}

// Download sends the request and streams a 2xx body to w as it arrives
// (nothing is kept in memory); it returns the response (status, headers)
// and the number of bytes written. An error answer's body is not written:
// it is in the *Error. A failing w stops the transfer and its error is
// returned (wrapped in an *Error of code EAborted).
func (r *Request) Download(ctx context.Context, w io.Writer) (*Response, int64, error) {
	if w == nil {
		return nil, 0, invalid("nil writer")
	}
	st := &writeState{w: w}
	h := cgo.NewHandle(st)
	defer h.Delete()
	var resp uintptr
	err := r.withContext(ctx, func(p c.Struct_SS_threecx_request) error {
		var out C.uintptr_t
		var msg *C.char
		rc := C.threecx_go_send_to_writer(C.uintptr_t(p.Swigcptr()), C.uintptr_t(h), &out, &msg)
		resp = uintptr(out)
		if rc <= Done {
			return nil
		}
		defer C.free(unsafe.Pointer(msg))
		return &c.Error{Code: int(rc), Name: c.Threecx_error_name(int(rc)), Message: C.GoString(msg)}
	})
	if e, ok := err.(*Error); ok && e.Code == EAborted && st.err != nil {
		e.Message, e.cause = "writing the body failed: "+st.err.Error(), st.err
	}
	out, err := finish(ctx, err, resp)
	return out, st.n, err
}
