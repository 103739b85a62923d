// Command example is the libthreecx Go SDK scenario: list users with a
// filter, create one, update it with If-Match, delete it, page a
// collection, stream a download and cancel a slow call.
//
// Configuration as the threecx command-line tool: THREECX_DOMAIN,
// THREECX_CLIENT_ID, THREECX_API_KEY, and THREECX_CA_FILE for a PBX whose
// certificate is signed by a private CA. It changes data (creates and
// deletes one user, extension THREECX_EXAMPLE_NUMBER, default 7801): use a
// test PBX or threecx-sim.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"threecx"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "example:", err)
		os.Exit(1)
	}
}

func run() error {
	ctx := context.Background()
	opts := []threecx.Option{threecx.WithTimeout(30 * time.Second)}
	if ca := os.Getenv("THREECX_CA_FILE"); ca != "" {
		opts = append(opts, threecx.WithCAFile(ca))
	}
	cl, err := threecx.NewClientFromEnv(opts...)
	if err != nil {
		return err
	}
	defer cl.Close()
	number := os.Getenv("THREECX_EXAMPLE_NUMBER")
	if number == "" {
		number = "7801"
	}

	// 1. users with a filter (typed: *threecx.Page[threecx.User])
	users, err := cl.ListUser(ctx, threecx.NewQuery().Filter("Id ge 1").OrderBy("Id").Select("Id,Number,DisplayName").Top(5))
	if err != nil {
		return fmt.Errorf("list users: %w", err)
	}
	fmt.Printf("users: %d listed\n", len(users.Value))
	for _, u := range users.Value {
		fmt.Printf("  %d %s %s\n", threecx.Deref(u.Id), threecx.Deref(u.Number), threecx.Deref(u.DisplayName))
	}

	// 2. create one
	u, err := cl.CreateUser(ctx, &threecx.User{Number: threecx.Ptr(number), FirstName: threecx.Ptr("Ada"),
		LastName: threecx.Ptr("Example"), EmailAddress: threecx.Ptr("ada@example.com")})
	if err != nil {
		return fmt.Errorf("create user: %w", err)
	}
	id := threecx.Deref(u.Id)
	fmt.Printf("created: user %d, extension %s\n", id, threecx.Deref(u.Number))

	// 3. update it with If-Match (the ETag of the version we read)
	var etag string
	if _, err := cl.GetUser(ctx, id, nil, threecx.ETag(&etag)); err != nil {
		return fmt.Errorf("get user: %w", err)
	}
	err = cl.UpdateUser(ctx, id, &threecx.User{LastName: threecx.Ptr("Lovelace")}, threecx.IfMatch(etag))
	if err != nil {
		return fmt.Errorf("update user: %w", err)
	}
	// the ETag is stale now: a second update with it is refused
	err = cl.UpdateUser(ctx, id, &threecx.User{LastName: threecx.Ptr("Byron")}, threecx.IfMatch(etag))
	fmt.Printf("updated with If-Match; stale ETag refused: %v\n", errors.Is(err, threecx.ErrPreconditionFailed))

	// 4. delete it
	if err := cl.DeleteUser(ctx, id); err != nil {
		return fmt.Errorf("delete user: %w", err)
	}
	_, err = cl.GetUser(ctx, id, nil)
	fmt.Printf("deleted: now not found: %v\n", errors.Is(err, threecx.ErrNotFound))

	// 5. page a collection, 5 items per request
	pg, err := cl.ListSecurityRefreshTokenPager(threecx.NewQuery().OrderBy("Id"), 5)
	if err != nil {
		return err
	}
	n := 0
	for pg.Next(ctx) {
		n++
	}
	total, _ := pg.Total()
	pg.Close()
	if err := pg.Err(); err != nil {
		return fmt.Errorf("paging: %w", err)
	}
	fmt.Printf("paged: %d refresh tokens of %d\n", n, total)

	// 6. stream a download to a file
	f, err := os.CreateTemp("", "extensions-*.csv")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	written, err := cl.ExportExtensions(ctx, nil, f)
	f.Close()
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	fmt.Printf("downloaded: %d bytes streamed to a file\n", written)

	// 7. cancel a slow call from another goroutine
	cctx, cancel := context.WithCancel(ctx)
	go func() { time.Sleep(300 * time.Millisecond); cancel() }()
	t0 := time.Now()
	_, err = cl.ListGroup(cctx, nil)
	switch {
	case errors.Is(err, context.Canceled):
		fmt.Printf("cancelled: the slow call returned after %d ms\n", time.Since(t0).Milliseconds())
	case err == nil:
		fmt.Println("cancel: the call completed before the cancel")
	default:
		return fmt.Errorf("list groups: %w", err)
	}
	cancel()
	return nil
}
