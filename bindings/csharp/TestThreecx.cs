// Scenario test of the C# binding against a threecx-sim it starts itself.
// Environment: THREECX_SIM (required), THREECX_XAPI_SPEC (optional),
// THREECX_TEST_HTTP=1 for plain HTTP (default HTTPS with the generated CA).
// Lifetime() checks the handle lifetime rules of Threecx.cs (finalizer and
// Dispose() against calls in progress, calls after Dispose); Run() the scenario.
using System;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.IO;
using System.Runtime.CompilerServices;
using System.Text;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading;
using Threecx;

static class TestThreecx
{
    static int passed, failed;

    static void Check(bool cond, string what, object extra = null)
    {
        if (cond) { passed++; return; }
        failed++;
        Console.Error.WriteLine("FAIL: " + what + (extra != null ? " -- " + extra : ""));
    }

    static T Throws<T>(Action a) where T : Exception
    {
        try { a(); }
        catch (T e) { return e; }
        catch (Exception e) { Console.Error.WriteLine("unexpected " + e); return null; }
        return null;
    }

    static bool WaitFor(Func<bool> cond, int ms)
    {
        var sw = Stopwatch.StartNew();
        while (!cond())
        {
            if (sw.ElapsedMilliseconds > ms) return false;
            Thread.Sleep(2);
        }
        return true;
    }

    static void FullGC()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        GC.WaitForPendingFinalizers();
    }

    // One command-line argument in double quotes (no backslashes in s).
    static string QuoteArg(string s) => "\"" + s.Replace("\"", "\\\"") + "\"";

    static string JsonString(string s) =>
        "\"" + s.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";

    static int Main()
    {
        string sim = Environment.GetEnvironmentVariable("THREECX_SIM");
        if (string.IsNullOrEmpty(sim)) { Console.Error.WriteLine("THREECX_SIM not set"); return 2; }
        bool http = Environment.GetEnvironmentVariable("THREECX_TEST_HTTP") == "1";
        string spec = Environment.GetEnvironmentVariable("THREECX_XAPI_SPEC");
        string dir = Path.Combine(Path.GetTempPath(), "threecx-cs-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        string ready = Path.Combine(dir, "port"), ca = Path.Combine(dir, "ca.pem");
        var psi = new ProcessStartInfo(sim,
            $"--host 127.0.0.1 --port 0 --ready-file \"{ready}\" --client test:k3y-cs:SystemOwner --quiet " +
            // Slow native calls for the lifetime tests: the first token request
            // (the first network call of this test) and GET /WebsiteLinks('slow').
            "--fault " + QuoteArg("{\"path\":\"^/connect/token\",\"latency_ms\":" + SlowMs + ",\"times\":1}") + " " +
            "--fault " + QuoteArg("{\"path\":\"^/WebsiteLinks[(]'slow'[)]\",\"latency_ms\":" + SlowMs + "}") + " " +
            (http ? "--http" : $"--ca-out \"{ca}\"") +
            (string.IsNullOrEmpty(spec) ? "" : $" --spec \"{spec}\""))
        { UseShellExecute = false };
        var proc = Process.Start(psi);
        int port = 0;
        for (int i = 0; i < 1000 && port == 0; i++)
        {
            if (File.Exists(ready)) int.TryParse(File.ReadAllText(ready).Trim(), out port);
            if (port == 0) Thread.Sleep(10);
        }
        try
        {
            if (port == 0) { Console.Error.WriteLine("threecx-sim did not start"); return 2; }
            string url = (http ? "http://" : "https://") + "127.0.0.1:" + port;
            Lifetime(url, http, ca);
            Run(http, port, ca);
            Batch(url, http, ca);
            if (!http) TlsSetters(url, ca);
        }
        catch (Exception e)
        {
            Check(false, "unexpected exception", e);
        }
        finally
        {
            try { proc.Kill(); proc.WaitForExit(); } catch (Exception) { }
            try { Directory.Delete(dir, true); } catch (Exception) { }
        }
        Console.WriteLine($"{passed} passed, {failed} failed");
        return failed == 0 ? 0 : 1;
    }

    // Latency of the simulator's slow answers (long enough to act while a
    // native call waits for one).
    const int SlowMs = 1500;

    // The TLS setters: a CA bundle from memory, a pinned key that is not the
    // server's (refused before anything is sent).
    static void TlsSetters(string url, string ca)
    {
        using (var c = new ThreecxClient(url, "test", "k3y-cs"))
        {
            c.CaPem(File.ReadAllText(ca)).TimeoutMs(20000);
            ThreecxException e1 = null;
            try { c.Authenticate(); } catch (ThreecxException e) { e1 = e; }
            Check(e1 == null, "TLS: CA from memory", e1);
            ThreecxArgumentException e2 = null;
            try { c.CaPem("not a certificate"); } catch (ThreecxArgumentException e) { e2 = e; }
            Check(e2 != null && e2.Code == ErrorCodes.InvalidArgument, "TLS: no PEM refused (an ArgumentException)", e2);
        }
        using (var c = new ThreecxClient(url, "test", "k3y-cs"))
        {
            c.CaFile(ca).TimeoutMs(20000).PinnedPublicKey("sha256//AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=");
            ThreecxException e3 = null;
            try { c.Authenticate(); } catch (ThreecxException e) { e3 = e; }
            Check(e3 != null && e3.Code == ErrorCodes.Tls, "TLS: wrong pin refused", e3);
        }
    }

    // AsyncBatch: Tasks completed from the loop thread of one native async object.
    static void Batch(string url, bool http, string ca)
    {
        using (var c = NewClient(url, http, ca))
        using (var batch = new AsyncBatch(c, 4))
        {
            var requests = new System.Collections.Generic.List<Request>();
            var tasks = new System.Collections.Generic.List<System.Threading.Tasks.Task<Response>>();
            for (int i = 0; i < 12; i++)
            {
                var r = c.Request("GET", i % 4 == 3 ? "/Users(999999)" : "/SecurityTokens");
                requests.Add(r);
                tasks.Add(batch.Submit(r));
            }
            int ok = 0, notFound = 0;
            foreach (var t in tasks)
            {
                try
                {
                    using (var resp = t.GetAwaiter().GetResult()) if (resp.Status == 200) ok++;
                }
                catch (ThreecxHttpException e) when (e.Status == 404) { notFound++; }
            }
            Check(ok == 9 && notFound == 3, "batch: 9 answers and 3 HTTP 404", ok + "/" + notFound);
            long tokens = c.Use(h => { Native.threecx_client_token_requests(h, out long n); return n; });
            Check(tokens == 1, "batch: one token for everything in flight", tokens);
            foreach (var r in requests) r.Dispose();
            // held by the server, then cancelled
            var slow = c.Request("GET", "/WebsiteLinks('slow')");
            var held = batch.Submit(slow);
            Thread.Sleep(200);
            batch.CancelAll();
            var oce = Throws<OperationCanceledException>(() => held.GetAwaiter().GetResult());
            Check(oce != null, "batch: cancelled task");
            slow.Dispose();
        }
        using (var c2 = NewClient(url, http, ca))
        using (var r2 = c2.Request("GET", "/SecurityTokens"))
        {
            var b2 = new AsyncBatch(c2);
            b2.Dispose();
            b2.Dispose();
            Check(Throws<ObjectDisposedException>(() => b2.Submit(r2)) != null, "batch: submit after Dispose");
            Check(Throws<ArgumentNullException>(() => new AsyncBatch(null)) != null, "batch: null client");
        }
    }

    static ThreecxClient NewClient(string url, bool http, string ca)
    {
        var c = new ThreecxClient(url, "test", "k3y-cs");
        if (http) c.AllowHttp(); else c.CaFile(ca);
        c.TimeoutMs(20000);
        return c;
    }

    // A client and a request of it; only the request is returned, so the
    // client is unreachable once this returns.
    [MethodImpl(MethodImplOptions.NoInlining)]
    static Request OrphanRequest(string url, bool http, string ca, out WeakReference client)
    {
        var c = NewClient(url, http, ca);
        client = new WeakReference(c);
        return c.Request("GET", "/SecurityTokens");
    }

    // GET /WebsiteLinks('slow'): the simulator answers 404 after SlowMs.
    [MethodImpl(MethodImplOptions.NoInlining)]
    static Request SlowRequest(ThreecxClient c) =>
        c.Request("GET", "/WebsiteLinks({Link})").Param("Link", "slow");

    // Typed models and methods, Pageable, TimeSpan options, the exception
    // hierarchy, ...Async with a CancellationToken.
    static void Typed(ThreecxClient client)
    {
        var t = client.Typed;
        // list with a filter: ODataCollection<User>
        using (var q = new Query().Filter("Id ge 1").Count().Top(3).Select("Id,Number,FirstName"))
        {
            var page = t.ListUser(q);
            Check(page.Value.Count > 0 && page.Value.Count <= 3 && page.Count >= page.Value.Count,
                  "typed ListUser: a page of Users with @odata.count", page.Count);
            Check(page.Value.All(u => u.Id >= 1 && u.Number != null), "typed Users have Id and Number");
        }
        // get: a User with its ETag
        var one = t.GetUser(1);
        Check(one != null && one.Id == 1 && one.ODataETag != null, "typed GetUser(1) with @odata.etag", one?.ODataETag);
        // create with a typed body, update with If-Match, delete
        var nu = new Threecx.Models.User { Number = "7341", FirstName = "O'Typed", LastName = "Cs", EmailAddress = "t@example.com" };
        Check(nu.ToJson().Contains("\"FirstName\":\"O'Typed\"") && !nu.ToJson().Contains("null"),
              "a new model writes only what is set", nu.ToJson());
        var made = t.CreateUser(nu);
        Check(made != null && made.Id > 0 && made.Number == "7341", "typed CreateUser returns the User", made?.Id);
        if (made != null && made.Id != null)
        {
            int id = made.Id.Value;
            t.UpdateUser(id, null, new Threecx.Models.User { LastName = "Typed" });
            Check(t.GetUser(id).LastName == "Typed", "typed UpdateUser");
            var fresh = t.GetUser(id);
            t.UpdateUser(id, fresh.ODataETag, new Threecx.Models.User { FirstName = "Renamed" });
            Check(t.GetUser(id).FirstName == "Renamed", "typed UpdateUser with If-Match");
            var stale = Throws<ThreecxHttpException>(() => t.UpdateUser(id, fresh.ODataETag, new Threecx.Models.User { FirstName = "X" }));
            Check(stale != null && stale.Status == 412 && stale.ODataCode == "PreconditionFailed", "a stale If-Match: 412", stale?.Status);
            Check(t.GetUser(id).FirstName == "Renamed", "the stale update changed nothing");
            t.DeleteUser(id);
            var gone = Throws<ThreecxHttpException>(() => t.GetUser(id));
            Check(gone != null && gone.Status == 404, "typed DeleteUser", gone?.Status);
        }
        // Pageable<T>: items and pages
        int n = 0;
        using (var q = new Query().Select("Id"))
            foreach (var tok in t.ListSecurityRefreshTokenPageable(q, pageSize: 10)) if (tok.Id != null) n++;
        Check(n == 23, "Pageable<RefreshToken>: 23 items over pages of 10", n);
        var pages = t.ListSecurityRefreshTokenPageable(null, pageSize: 10).AsPages().ToList();
        Check(pages.Count == 3 && pages[0].Values.Count == 10 && pages.Sum(p => p.Values.Count) == 23,
              "AsPages: 10 + 10 + 3", pages.Count);
        var generic = client.GetPageable("/Users", Threecx.Models.User.FromJson, null, 2).ToList();
        Check(generic.Count >= 2 && generic.All(u => u.Id != null), "GetPageable<User>", generic.Count);
        var twice = t.ListUserPageable();
        twice.Take(1).ToList();
        Check(Throws<InvalidOperationException>(() => twice.ToList()) != null, "a Pageable is walked once");
        // options as TimeSpan, the options class
        Check(Throws<ThreecxArgumentException>(() => client.Timeout(TimeSpan.FromMilliseconds(-1))) != null,
              "a negative TimeSpan is refused");
        var url = client.BaseUrl.Replace("/xapi/v1", "");
        var opts = new ThreecxClientOptions { Timeout = TimeSpan.FromSeconds(20), ConnectTimeout = TimeSpan.FromSeconds(5),
                                              MaxRetries = 2, RetryBaseDelay = TimeSpan.FromMilliseconds(10),
                                              RefreshMargin = TimeSpan.FromSeconds(30), UserAgent = "cs-test/1" };
        if (url.StartsWith("http:")) opts.AllowHttp = true; else opts.CaFile = caFile;
        using (var c2 = new ThreecxClient(url, "test", "k3y-cs", opts))
        {
            Check(c2.Typed.GetUser(1).Id == 1, "a client from ThreecxClientOptions works");
            Check(c2.SafeHandle != null && !c2.SafeHandle.IsInvalid && !c2.IsDisposed, "a SafeHandle owns the client");
            c2.Dispose();
            Check(c2.SafeHandle.IsClosed, "Dispose closes the SafeHandle");
        }
        // the exception hierarchy
        using (var bad = new ThreecxClient(url, "test", "wrong-key", opts))
        {
            var ae = Throws<ThreecxAuthenticationException>(() => bad.Typed.GetUser(1));
            Check(ae != null && ae.Code == ErrorCodes.Auth && !ae.Message.Contains("wrong-key"),
                  "a refused key: ThreecxAuthenticationException, key not in the message", ae);
        }
        using (var off = new ThreecxClient("http://127.0.0.1:1", "test", "k",
                                           new ThreecxClientOptions { AllowHttp = true, Timeout = TimeSpan.FromSeconds(5) }))
        {
            var ce = Throws<ThreecxConnectionException>(() => off.Authenticate());
            Check(ce != null && ce.Code == ErrorCodes.Network, "nothing listening: ThreecxConnectionException", ce);
        }
        var je = Throws<Threecx.Models.ThreecxJsonException>(() => Threecx.Models.User.FromJson("{\"Id\":\"x\"}"));
        Check(je != null && je is ThreecxException && je.Message.Contains("User.Id"), "a misfit answer: ThreecxJsonException", je);
        // Async
        var task = t.GetUserAsync(1);
        Check(task.Result.Id == 1, "GetUserAsync");
        var pre = new CancellationTokenSource();
        pre.Cancel();
        var ct = t.GetUserAsync(1, null, pre.Token);
        Check(Throws<AggregateException>(() => ct.Wait()) != null && ct.IsCanceled, "an already cancelled token: a Canceled task");
        // cancelling a slow call in flight (the simulator answers /WebsiteLinks('slow') after SlowMs,
        // with a 404: a call that was not cancelled ends Faulted, not Canceled)
        var cts = new CancellationTokenSource();
        var slow = t.GetWeblinkAsync("slow", null, cts.Token);
        Thread.Sleep(200);
        cts.Cancel();
        var agg = Throws<AggregateException>(() => slow.Wait());
        Check(agg != null && slow.IsCanceled && agg.InnerException is OperationCanceledException,
              "a slow call cancelled in flight: Canceled", agg?.InnerException);
        Check(t.GetUser(1).Id == 1, "the client works after a cancelled call");
        // the synchronous form, cancelled from another thread
        using (var cts2 = new CancellationTokenSource())
        using (var r = SlowRequest(client))
        {
            cts2.CancelAfter(200);
            var oce = Throws<OperationCanceledException>(() => r.Send(cts2.Token).Dispose());
            Check(oce != null && oce.CancellationToken == cts2.Token && oce.InnerException is ThreecxException &&
                  ((ThreecxException)oce.InnerException).Code == ErrorCodes.Cancelled,
                  "Request.Send(token) cancelled: OperationCanceledException over THREECX_E_CANCELLED", oce);
        }
        // a per-call deadline shorter than the slow answer
        using (var r = SlowRequest(client).Deadline(TimeSpan.FromMilliseconds(300)))
        {
            var te = Throws<ThreecxTimeoutException>(() => r.Send().Dispose());
            Check(te != null && te.Code == ErrorCodes.Timeout, "Request.Deadline: ThreecxTimeoutException", te);
        }
        // a raw async call and a pager in a cancelled scope
        var got = client.GetAsync("/Users", null, CancellationToken.None).Result;
        Check(got.Contains("\"value\""), "GetAsync");
    }

    static string caFile;

    static int ClientFrees => NativeHandle<SWIGTYPE_p_threecx_client>.TotalFrees;
    static int RequestFrees => NativeHandle<SWIGTYPE_p_threecx_request>.TotalFrees;

    // Handle lifetime: finalizer vs. calls in progress, Dispose vs. calls in
    // progress on other threads, calls after Dispose. Runs first: the first
    // token request of the test is the slow one.
    static void Lifetime(string url, bool http, string ca)
    {
        // L1. Dispose() while another thread is inside a native call on the
        // client (threecx_client_authenticate waits SlowMs for the token):
        // the free is deferred to the end of that call.
        {
            var client = NewClient(url, http, ca);
            Exception authErr = null;
            bool authDone = false;
            var t = new Thread(() =>
            {
                try { client.Authenticate(); authDone = true; }
                catch (Exception e) { authErr = e; }
            });
            t.Start();
            Check(WaitFor(() => client.CallsInProgress > 0, 5000), "L1: authenticate started");
            Thread.Sleep(200);  // now inside the native call (the token comes after SlowMs)
            Check(client.CallsInProgress == 1, "L1: authenticate in progress", client.CallsInProgress);
            client.Dispose();
            Check(client.IsDisposed, "L1: disposed");
            Check(client.FreeCount == 0, "L1: Dispose during a call does not free", client.FreeCount);
            Check(Throws<ObjectDisposedException>(() => { var u = client.BaseUrl; }) != null,
                  "L1: new call after Dispose -> ObjectDisposedException");
            t.Join();
            Check(authDone && authErr == null, "L1: the call in progress completes", authErr);
            Check(client.FreeCount == 1 && client.CallsInProgress == 0, "L1: freed once by the last call",
                  client.FreeCount);
            client.Dispose();
            Check(client.FreeCount == 1, "L1: second Dispose does nothing", client.FreeCount);
        }

        using (var client = NewClient(url, http, ca))
        {
            // L2. The finalizer cannot free a request during its own Send, even
            // though nothing but the call references it (GC runs all along).
            FullGC();
            int r0 = RequestFrees;
            var clock = Stopwatch.StartNew();
            long freedAt = -1;
            var stop = new ManualResetEventSlim(false);
            var gc = new Thread(() =>
            {
                while (!stop.IsSet)
                {
                    FullGC();
                    if (freedAt < 0 && RequestFrees > r0) freedAt = clock.ElapsedMilliseconds;
                    Thread.Sleep(10);
                }
            });
            gc.Start();
            var nf = Throws<ThreecxHttpException>(() => SlowRequest(client).Send());
            long returnedAt = clock.ElapsedMilliseconds;
            stop.Set();
            gc.Join();
            Check(nf != null && nf.Status == 404, "L2: unreferenced request: slow Send completes (404)", nf);
            Check(returnedAt >= SlowMs - 100, "L2: Send was slow", returnedAt);
            Check(freedAt < 0 || freedAt >= returnedAt - 250,
                  "L2: not finalized during its Send", $"freed at {freedAt} ms, Send returned at {returnedAt} ms");
            FullGC();
            Check(RequestFrees > r0, "L2: finalized after its Send", RequestFrees - r0);

            // L3. Dispose() of a request on another thread while it sends.
            var req = SlowRequest(client);
            Exception sendErr = null;
            var t = new Thread(() =>
            {
                try { req.Send(); }
                catch (Exception e) { sendErr = e; }
            });
            t.Start();
            Check(WaitFor(() => req.CallsInProgress > 0, 5000), "L3: send started");
            Thread.Sleep(200);
            req.Dispose();
            Check(req.FreeCount == 0, "L3: Dispose during Send does not free", req.FreeCount);
            Check(Throws<ObjectDisposedException>(() => { var u = req.Url; }) != null,
                  "L3: call after Dispose -> ObjectDisposedException");
            t.Join();
            Check(sendErr is ThreecxHttpException && ((ThreecxHttpException)sendErr).Status == 404,
                  "L3: the Send in progress completes (404)", sendErr);
            Check(req.FreeCount == 1 && req.CallsInProgress == 0, "L3: freed once after Send", req.FreeCount);
        }

        // (a) A request outlives its client, even once the client has been
        // finalized: libthreecx keeps the client's internals alive.
        {
            FullGC();
            int c0 = ClientFrees;
            // (made on a thread of its own: no stale copy of the client's
            // reference can linger on this thread's stack for Mono's
            // conservative stack scan)
            Request req = null;
            WeakReference weak = null;
            var maker = new Thread(() => req = OrphanRequest(url, http, ca, out weak));
            maker.Start();
            maker.Join();
            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
            Check(!weak.IsAlive, "(a) client collected");
            Check(ClientFrees == c0 + 1, "(a) client freed by its finalizer", ClientFrees - c0);
            using (req)
            using (var q = new Query().Top(2))
            using (var resp = req.SetQuery(q).Send())
            {
                Check(resp.Status == 200, "(a) request of a finalized client sends", resp.Status);
                Check(Regex.Matches(resp.Body, "\"Id\":").Count == 2, "(a) 2 items", resp.Body);
            }
        }

        // (b) Every call after Dispose throws ObjectDisposedException.
        {
            var client = NewClient(url, http, ca);
            var q = new Query().Top(1);
            var req = client.Request("GET", "/SecurityTokens");
            var resp = req.SetQuery(q).Send();
            Check(resp.Status == 200, "(b) send", resp.Status);
            var liveQuery = new Query();
            resp.Dispose();
            req.Dispose();
            q.Dispose();
            client.Dispose();
            Action[] calls =
            {
                () => { var u = client.BaseUrl; },
                () => client.Authenticate(),
                () => client.TimeoutMs(1),
                () => client.Request("GET", "/SecurityTokens"),
                () => client.Operation("ListSecurityRefreshToken"),
                () => client.Get("/SecurityTokens"),
                () => { foreach (var i in client.Items("/SecurityTokens")) { } },
                () => { var h = client.Handle; },
                () => client.Use(h => 0),
                () => { var u = req.Url; },
                () => req.Send(),
                () => req.SendToFile("/dev/null"),
                () => req.Param("Id", 1),
                () => req.Body("{}"),
                () => req.SetQuery(liveQuery),
                () => q.Top(2),
                () => q.ToString(),
                () => { var st = resp.Status; },
                () => { var b = resp.Body; },
                () => { var b = resp.Bytes; },
                () => resp.Header("ETag"),
                () => { var c = resp.ErrorCode; },
            };
            int n = 0;
            foreach (var call in calls)
            {
                Check(Throws<ObjectDisposedException>(call) != null, "(b) call after Dispose -> ObjectDisposedException", n);
                n++;
            }
            using (var live = NewClient(url, http, ca))
            using (var r = live.Request("GET", "/SecurityTokens"))
                Check(Throws<ObjectDisposedException>(() => r.SetQuery(q)) != null,
                      "(b) SetQuery(disposed query) -> ObjectDisposedException");
            liveQuery.Dispose();
            Check(client.FreeCount == 1 && req.FreeCount == 1 && q.FreeCount == 1 && resp.FreeCount == 1,
                  "(b) each freed once");
            client.Dispose();
            req.Dispose();
            Check(client.FreeCount == 1 && req.FreeCount == 1, "(b) Dispose again does nothing");
        }

        // (c) Threads sending on one shared client while this thread disposes
        // it: every call succeeds or throws ObjectDisposedException, and the
        // client is freed exactly once, after the last call on it.
        {
            const int Threads = 8;
            var shared = NewClient(url, http, ca);
            shared.Authenticate();
            int ok = 0, disposedSeen = 0;
            var unexpected = new ConcurrentQueue<Exception>();
            var warm = new CountdownEvent(Threads);
            var workers = new Thread[Threads];
            for (int w = 0; w < Threads; w++)
            {
                int id = w;
                workers[w] = new Thread(() =>
                {
                    bool signalled = false;
                    for (int i = 0; ; i++)
                    {
                        try
                        {
                            switch ((i + id) % 3)
                            {
                                case 0:
                                    using (var q = new Query().Top(1).Select("Id"))
                                        if (!shared.Get("/SecurityTokens", q).Contains("\"Id\":"))
                                            throw new Exception("bad body");
                                    break;
                                case 1:  // short native calls on the client itself
                                    for (int k = 0; k < 100; k++)
                                        if (!shared.BaseUrl.EndsWith("/xapi/v1")) throw new Exception("bad base URL");
                                    break;
                                default:
                                    using (var r = shared.Request("GET", "/SecurityTokens"))
                                        if (!r.Url.Contains("/SecurityTokens")) throw new Exception("bad URL");
                                    break;
                            }
                            Interlocked.Increment(ref ok);
                        }
                        catch (ObjectDisposedException)
                        {
                            Interlocked.Increment(ref disposedSeen);
                            break;
                        }
                        catch (Exception e)
                        {
                            unexpected.Enqueue(e);
                            break;
                        }
                        if (!signalled && i >= 3) { warm.Signal(); signalled = true; }
                    }
                    if (!signalled) warm.Signal();
                });
                workers[w].Start();
            }
            Check(warm.Wait(30000), "(c) workers running");
            shared.Dispose();
            bool deferred = shared.FreeCount == 0;
            foreach (var w in workers) Check(w.Join(30000), "(c) worker finished");
            Exception first;
            unexpected.TryPeek(out first);
            Check(unexpected.IsEmpty, "(c) every call succeeds or throws ObjectDisposedException", first);
            Check(disposedSeen == Threads, "(c) every worker saw ObjectDisposedException", disposedSeen);
            Check(ok >= 4 * Threads, "(c) calls succeeded before Dispose", ok);
            Check(shared.FreeCount == 1 && shared.CallsInProgress == 0, "(c) freed exactly once", shared.FreeCount);
            Console.WriteLine($"(c) {ok} rounds of calls on the shared client, free {(deferred ? "deferred to the last call" : "done by Dispose")}");
        }
    }

    static void Run(bool http, int port, string ca)
    {
        // 1. client
        using (var client = new ThreecxClient((http ? "http://" : "https://") + "127.0.0.1:" + port, "test", "k3y-cs"))
        {
            if (http) client.AllowHttp(); else client.CaFile(ca);
            caFile = ca;
            client.TimeoutMs(20000).MaxResponseBytes(1 << 24);
            Check(Throws<ThreecxArgumentException>(() => client.MaxResponseBytes(-1)) != null, "negative max response bytes refused");
            Check(client.BaseUrl.EndsWith(":" + port + "/xapi/v1"), "base URL", client.BaseUrl);

            // 2. list with $top/$count/$select
            string body;
            using (var q = new Query().Top(5).Count().Select("Id,Username"))
                body = client.Get("/SecurityTokens", q);
            Check(Regex.Matches(body, "\"Id\":").Count == 5, "5 items", body);
            Check(Regex.Match(body, "\"@odata.count\":(\\d+)").Groups[1].Value == "23", "@odata.count 23", body);
            foreach (Match m in Regex.Matches(body, "\"([^\"]+)\":"))
            {
                string k = m.Groups[1].Value;
                Check(k == "Id" || k == "Username" || k == "value" || k.StartsWith("@odata."), "only Id/Username keys", k);
            }

            // 3. awkward string key: create (typed function), get, delete (catalog op)
            const string KEY = "it's a/b#c?d%e f+g&h=\u00fc\u6771 ''x";
            var e0 = Native.threecx_xapi_create_weblink(client.Handle,
                "{\"Link\":" + JsonString(KEY) + ",\"Name\":\"awkward\"}", out var created);
            Check(e0 == null, "typed POST /WebsiteLinks", e0);
            string viaUse = null;
            var e0b = client.Use(h => Native.threecx_client_base_url(h, out viaUse));
            Check(e0b == null && viaUse == client.BaseUrl, "Use() hands the raw handle to Native", viaUse);
            using (var r = created == null ? null : new Response(created))
                Check(r != null && r.Status == 201, "created 201", r?.Status);

            using (var req = client.Request("GET", "/WebsiteLinks({Link})").Param("Link", KEY))
            {
                Check(req.Url.Contains("/WebsiteLinks(%27it%27%27s%20a%2Fb%23c%3Fd%25e%20f%2Bg%26h%3D%C3%BC%E6%9D%B1%20%27%27%27%27x%27)"),
                      "URL literal", req.Url);
                using (var resp = req.Send())
                {
                    Check(resp.Status == 200, "get 200", resp.Status);
                    Check(resp.Body.Contains(JsonString(KEY)), "key round trip", resp.Body);
                    Check(Encoding.UTF8.GetString(resp.Bytes) == resp.Body, "bytes == body");
                    Check(resp.Header("ETag") != null, "ETag");
                    Check(resp.Header("No-Such-Header") == null, "absent header is null");
                }
            }
            using (var del = client.Operation("DeleteWeblink").Param("Link", KEY))
            using (var resp = del.Send())
                Check(resp.Status == 204, "deleted 204", resp.Status);

            // 3b. the generated operation methods (Operations.cs): one per
            // operation, typed path parameters, all eight options, null strings
            int marked = 0;
            foreach (var mi in typeof(ThreecxClient).GetMethods())
                if (mi.GetCustomAttributes(typeof(OperationAttribute), false).Length == 1) ++marked;
            Check(marked == 601 && ThreecxClient.OperationMethods == 601, "601 operation methods", marked);
            using (var resp = client.CreateWeblink("{\"Link\":" + JsonString(KEY) + ",\"Name\":\"method\"}"))
                Check(resp.Status == 201, "CreateWeblink 201", resp.Status);
            using (var q = new Query().Select("Link,Name"))
            using (var resp = client.GetWeblink(KEY, q))
                Check(resp.Status == 200 && resp.Body.Contains(JsonString(KEY)) && resp.Body.Contains("\"Name\":\"method\""),
                      "GetWeblink(awkward key)", resp.Body);
            using (var all8 = new Query().Filter("Id gt 0").Search("a").OrderBy("Username asc,Id desc")
                       .Select("Id,Username").Expand("Client").Count().Top(3).Skip(1))
            using (var resp = client.ListSecurityRefreshToken(all8))
                Check(resp.Status == 200 && resp.Body.Contains("\"@odata.count\":") &&
                      Regex.Matches(resp.Body, "\"Username\":").Count <= 3,
                      "ListSecurityRefreshToken with all eight options", resp.Body);
            var from = new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.FromHours(2));
            using (var resp = client.GetLogs(from, from.AddDays(1), null, null, null))
                Check(resp.Status == 200, "GetLogs with date-times and null strings", resp.Status);
            var missing = Throws<ThreecxHttpException>(() => client.GetUser(987654).Dispose());
            Check(missing != null && missing.Status == 404, "GetUser(missing) throws a 404", missing?.Status);
            using (var resp = client.DeleteWeblink(KEY))
                Check(resp.Status == 204, "DeleteWeblink 204", resp.Status);

            // 4. 404
            var nf = Throws<ThreecxHttpException>(() =>
            {
                using (var req = client.Request("GET", "/WebsiteLinks({Link})").Param("Link", KEY)) req.Send();
            });
            Check(nf != null, "404 throws ThreecxHttpException");
            if (nf != null)
            {
                Check(nf.Code == ErrorCodes.Http && nf.Name == "THREECX_E_HTTP", "code HTTP", nf);
                Check(nf.Status == 404, "status 404", nf.Status);
                Check(nf.ODataCode == "NotFound", "OData NotFound", nf.ODataCode);
                Check(nf.Message.Length > 0, "message", nf.Message);
            }

            // 5. null arguments
            var ia = Throws<ThreecxArgumentException>(() => new ThreecxClient(null, "test", "k"));
            Check(ia != null && ia.Code == ErrorCodes.InvalidArgument && ia.Name == "THREECX_E_INVALID_ARGUMENT",
                  "null domain -> invalid argument", ia);
            Check(ia != null && ia.Message.Length > 0, "message present", ia?.Message);
            using (var req = client.Request("GET", "/Users"))
            {
                var e1 = Throws<ThreecxArgumentException>(() => req.Header(null, "x"));
                Check(e1 != null, "null header name -> invalid argument");
                var e2 = Throws<ThreecxException>(() => req.Body("{bad json"));
                Check(e2 != null && e2.Name == "THREECX_E_INVALID_JSON", "bad JSON refused", e2);
                req.Dispose();
                var e3 = Throws<ObjectDisposedException>(() => { var u = req.Url; });
                Check(e3 != null, "disposed handle -> ObjectDisposedException");
            }
            var e4 = Native.threecx_request_set_body(null, "{}");
            Check(e4 != null && e4.Code == ErrorCodes.InvalidArgument, "raw null handle -> status InvalidArgument", e4);
            Check(ia is ArgumentException, "ThreecxArgumentException is an ArgumentException");

            // 6. catalog
            Check(Catalog.Count == 601, "601 operations", Catalog.Count);
            var op = Catalog.Find("ListSecurityRefreshToken");
            Check(op.Method == "GET" && op.Path == "/SecurityTokens" &&
                  op.Function == "threecx_xapi_list_security_refresh_token", "ListSecurityRefreshToken", op.Path);
            var e5 = Throws<ThreecxException>(() => Catalog.Find("NoSuchOperation"));
            Check(e5 != null && e5.Code == ErrorCodes.NotFound, "unknown operation", e5);

            // 7. pager
            int n = 0;
            using (var q = new Query().Select("Id"))
                foreach (var item in client.Items("/SecurityTokens", q, 10)) n++;
            Check(n == 23, "pager walks 23 items", n);
            var pe = Throws<ThreecxHttpException>(() => { foreach (var item in client.Items("/NoSuchCollection")) { } });
            Check(pe != null && pe.Status == 404 && pe.ODataCode == "NotFound",
                  "pager HTTP error carries the status and OData code", pe?.Status);

            Typed(client);
        }
        GC.Collect();
        GC.WaitForPendingFinalizers();
    }
}
