package threecx

import (
	"context"
	"sync"

	c "threecx/threecxc"
)

// Result is the outcome of one request sent through a Batch: the response,
// or an error as Request.Send returns it (an HTTP error is an *Error with
// Status, the OData error and Body; a write sent without an answer is
// ErrUncertain; a cancelled request ErrCanceled).
type Result struct {
	Response *Response
	Err      error
}

// Batch sends many requests concurrently over the C library's asynchronous
// API: one goroutine drives a single native async object (one connection
// pool, one token for everything in flight, at most maxConcurrent requests
// on the wire, retries by the client's policy). Submit and Close are safe
// for concurrent use.
type Batch struct {
	mu      sync.Mutex
	a       uintptr // the native async object; 0 once closed
	queue   []batchJob
	results map[int64]chan Result
	cancels []int64 // ids to cancel, taken by the driver
	wake    chan struct{}
	stopped chan struct{}
	closed  bool
}

type batchJob struct {
	req *Request
	out chan Result
}

func freeAsync(p uintptr) { c.Threecx_async_free(c.SwigcptrStruct_SS_threecx_async(p)) }

// NewBatch makes a Batch on the client with at most maxConcurrent requests
// in flight (<= 0: the library's default, 64). Close it when done.
func (cl *Client) NewBatch(maxConcurrent int) (*Batch, error) {
	var a uintptr
	if err := cl.use(func(p c.Struct_SS_threecx_client) error { return c.Threecx_async_new(p, &a) }); err != nil {
		return nil, err
	}
	if maxConcurrent > 0 {
		if err := wrap(c.Threecx_async_set_max_concurrent(c.SwigcptrStruct_SS_threecx_async(a), int32(maxConcurrent))); err != nil {
			freeAsync(a)
			return nil, err
		}
	}
	b := &Batch{a: a, results: map[int64]chan Result{}, wake: make(chan struct{}, 1), stopped: make(chan struct{})}
	go b.drive()
	return b, nil
}

// Submit queues r; the channel delivers exactly one Result. The driver
// goroutine copies r when it picks it up: leave r unchanged and open until
// its Result has arrived. Context cancellation is not wired in: use
// CancelAll or Close.
func (b *Batch) Submit(r *Request) <-chan Result {
	out := make(chan Result, 1)
	if r == nil {
		out <- Result{Err: invalid("nil request")}
		return out
	}
	b.mu.Lock()
	if b.closed {
		b.mu.Unlock()
		out <- Result{Err: closedError("batch")}
		return out
	}
	b.queue = append(b.queue, batchJob{r, out})
	b.mu.Unlock()
	b.notify()
	return out
}

// notify wakes the driver, waiting in Go or in the C library.
func (b *Batch) notify() {
	select {
	case b.wake <- struct{}{}:
	default:
	}
	b.mu.Lock()
	if b.a != 0 {
		c.Threecx_async_wakeup(c.SwigcptrStruct_SS_threecx_async(b.a))
	}
	b.mu.Unlock()
}

// CancelAll cancels every request submitted so far and not yet answered:
// their results are ErrCanceled.
func (b *Batch) CancelAll() {
	b.mu.Lock()
	for _, j := range b.queue {
		j.out <- Result{Err: newError(ECancelled, "cancelled before it was sent")}
	}
	b.queue = nil
	b.cancels = append(b.cancels, -1)
	b.mu.Unlock()
	b.notify()
}

// Close cancels what is still pending (results ErrCanceled) and frees the
// native object once the driver has stopped.
func (b *Batch) Close() {
	b.mu.Lock()
	if b.closed {
		b.mu.Unlock()
		<-b.stopped
		return
	}
	b.closed = true
	b.mu.Unlock()
	b.notify()
	<-b.stopped
}

// drive is the one goroutine that uses the native async object.
func (b *Batch) drive() {
	a := c.SwigcptrStruct_SS_threecx_async(b.a)
	defer func() {
		b.mu.Lock()
		b.a = 0 // no wakeup may reach the freed object
		queued := b.queue
		b.queue = nil
		b.mu.Unlock()
		for _, j := range queued {
			j.out <- Result{Err: closedError("batch")}
		}
		c.Threecx_async_cancel_all(a)
		b.collect(a)
		freeAsync(uintptr(a))
		close(b.stopped)
	}()
	for {
		b.mu.Lock()
		closed := b.closed
		jobs := b.queue
		b.queue = nil
		cancels := b.cancels
		b.cancels = nil
		b.mu.Unlock()
		if closed {
			return
		}
		for _, j := range jobs {
			var id int64
			err := j.req.use(func(p c.Struct_SS_threecx_request) error { return c.Threecx_swig_async_submit(a, p, &id) })
			if err != nil {
				j.out <- Result{Err: err}
				continue
			}
			b.results[id] = j.out
		}
		if len(cancels) > 0 {
			c.Threecx_async_cancel_all(a)
		}
		if len(b.results) == 0 {
			<-b.wake // nothing in flight: sleep until Submit or Close
			continue
		}
		var pending int32
		if err := wrap(c.Threecx_async_wait(a, 1000, &pending)); err != nil {
			for id, out := range b.results {
				out <- Result{Err: err}
				delete(b.results, id)
			}
			continue
		}
		b.collect(a)
	}
}

// collect delivers the completions that are ready.
func (b *Batch) collect(a c.Struct_SS_threecx_async) {
	for {
		var cp uintptr
		if err := c.Threecx_async_next(a, &cp); err != nil || cp == 0 {
			return
		}
		comp := c.SwigcptrStruct_SS_threecx_completion(cp)
		var id int64
		var code int32
		var msg string
		var resp uintptr
		c.Threecx_completion_id(comp, &id)
		c.Threecx_completion_code(comp, &code)
		c.Threecx_completion_message(comp, &msg)
		c.Threecx_completion_take_response(comp, &resp)
		c.Threecx_completion_free(comp)
		var err error
		if code != 0 {
			err = newError(int(code), msg)
		}
		r, err := finish(context.Background(), err, resp)
		if out, ok := b.results[id]; ok {
			out <- Result{Response: r, Err: err}
			delete(b.results, id)
		}
	}
}
