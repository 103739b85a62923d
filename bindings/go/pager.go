package threecx

import (
	"context"
	"encoding/json"

	c "threecx/threecxc"
)

// Pager walks a collection with $top/$skip, one page in memory at a time,
// in the bufio.Scanner style:
//
//	pg, err := cl.Pager("/Users", nil, 100)
//	if err != nil { ... }
//	defer pg.Close()
//	for pg.Next(ctx) {
//		fmt.Println(pg.Item()) // the item's JSON
//	}
//	if err := pg.Err(); err != nil { ... }
//
// Next returns false at the end of the collection or on an error, which Err
// then reports (nil at the end). After an error (an HTTP error answer,
// a cancelled context) Next may be called again to resume from where the
// walk stopped. A Pager is used by one goroutine at a time.
type Pager struct {
	h    *handle
	item string
	err  error
	mode int // 0 unset, 1 items, 2 pages
}

func freePager(p uintptr) { c.Threecx_pager_free(c.SwigcptrStruct_SS_threecx_pager(p)) }

// use runs f with the native pager, kept alive and open until f returns.
func (pg *Pager) use(f func(c.Struct_SS_threecx_pager) error) error {
	if pg == nil || pg.h == nil {
		return invalid("nil pager")
	}
	return pg.h.use(func(p uintptr) error { return f(c.SwigcptrStruct_SS_threecx_pager(p)) })
}

// Close releases the pager.
func (pg *Pager) Close() {
	if pg != nil {
		pg.h.close()
	}
}

// pagerDetails adds the failing answer (status, OData error, body) to an
// EHTTP error of a pager call, as Send does for a request.
func pagerDetails(ctx context.Context, p c.Struct_SS_threecx_pager, err error) error {
	if e, ok := err.(*c.Error); ok && e.Code == EHTTP {
		var rp uintptr
		if c.Threecx_pager_last_response(p, &rp) == nil {
			_, err = finish(ctx, wrap(err), rp)
		}
	}
	return err
}

// fetch runs one next_item/next_page under ctx (the cancel token attached
// to the pager for the call). Returns the JSON, "" at the end.
func (pg *Pager) fetch(ctx context.Context, next func(c.Struct_SS_threecx_pager, *string) error) (string, error) {
	if ctx == nil {
		return "", invalid("nil context")
	}
	if ctx.Err() != nil {
		return "", contextError(ctx)
	}
	var out string
	err := pg.use(func(p c.Struct_SS_threecx_pager) error {
		return watch(ctx, func(tok c.Struct_SS_threecx_cancel) error {
			if err := c.Threecx_pager_set_cancel(p, tok); err != nil {
				return err
			}
			defer c.Threecx_pager_set_cancel(p, c.SwigcptrStruct_SS_threecx_cancel(0))
			return pagerDetails(ctx, p, next(p, &out))
		})
	})
	return out, withContext(ctx, err)
}

// Next advances to the next item, fetching a page when needed; false at
// the end or on an error (see Err).
func (pg *Pager) Next(ctx context.Context) bool {
	if pg == nil {
		return false
	}
	pg.item, pg.err = pg.fetch(ctx, c.Threecx_pager_next_item)
	return pg.err == nil && pg.item != ""
}

// Item is the JSON object of the current item ("" before Next or after the end).
func (pg *Pager) Item() string {
	if pg == nil {
		return ""
	}
	return pg.item
}

// Err is the error that stopped Next (nil at the end of the collection).
func (pg *Pager) Err() error {
	if pg == nil {
		return invalid("nil pager")
	}
	return pg.err
}

// NextPage returns the next page's whole JSON body ({"value":[...],...});
// ok false at the end. Do not mix with Next on one pager.
func (pg *Pager) NextPage(ctx context.Context) (page string, ok bool, err error) {
	page, err = pg.fetch(ctx, c.Threecx_pager_next_page)
	return page, err == nil && page != "", err
}

// Total is @odata.count as last reported by the server (ok false before
// the first page or when the server sent none).
func (pg *Pager) Total() (n int64, ok bool) {
	err := pg.use(func(p c.Struct_SS_threecx_pager) error { return c.Threecx_pager_total(p, &n) })
	return n, err == nil
}

// ItemPager is a Pager whose items are decoded into T (a generated model);
// the ...Pager methods of Client make them, Pages makes one from a Pager.
//
//	pg, _ := cl.ListUserPager(threecx.NewQuery().OrderBy("Id"), 50)
//	defer pg.Close()
//	for pg.Next(ctx) {
//		u := pg.Item() // *threecx.User
//	}
//	err := pg.Err()
type ItemPager[T any] struct {
	p    *Pager
	item *T
	err  error
}

// Items decodes the items of p into T.
func Items[T any](p *Pager) *ItemPager[T] { return &ItemPager[T]{p: p} }

// Next advances to the next item; false at the end or on an error (also a
// decoding error), reported by Err.
func (ip *ItemPager[T]) Next(ctx context.Context) bool {
	ip.item, ip.err = nil, nil
	if !ip.p.Next(ctx) {
		ip.err = ip.p.Err()
		return false
	}
	v := new(T)
	if err := json.Unmarshal([]byte(ip.p.Item()), v); err != nil {
		ip.err = newError(EProtocol, "decoding an item: "+err.Error())
		return false
	}
	ip.item = v
	return true
}

// Item is the current item (nil before Next or after the end).
func (ip *ItemPager[T]) Item() *T { return ip.item }

// Err is the error that stopped Next (nil at the end).
func (ip *ItemPager[T]) Err() error { return ip.err }

// Total is @odata.count as last reported by the server.
func (ip *ItemPager[T]) Total() (int64, bool) { return ip.p.Total() }

// Close releases the pager.
func (ip *ItemPager[T]) Close() { ip.p.Close() }
