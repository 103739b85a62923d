// libthreecx for C#: the idiomatic layer over the SWIG class Threecx.Native.
//
//   using (var c = new ThreecxClient("pbx.example.com", id, key)) {
//     string json = c.Get("/Users", new Query().Top(5).Select("Id,Number"));
//   }
//
// Failures throw ThreecxException (ThreecxHttpException for non-2xx answers,
// with Status and ODataCode). Handles are released by Dispose(), with a
// finalizer as a safety net. Every native call holds its object (see
// NativeHandle.Use): neither the finalizer nor a Dispose() on another thread
// frees a handle while a call on it is in progress (the last call frees it),
// and calls after Dispose() throw ObjectDisposedException.
using System;
using System.Collections.Generic;

// The scenario test reads the free counters of NativeHandle.
[assembly: System.Runtime.CompilerServices.InternalsVisibleTo("TestThreecx")]

namespace Threecx
{
    /// <summary>Status codes of libthreecx (stable numbers).</summary>
    public static class ErrorCodes
    {
        public const int Ok = 0, Done = 1, InvalidArgument = 2, NoMemory = 3, InvalidJson = 4,
            InvalidDomain = 5, OptionRepeated = 6, UnknownParameter = 7, MissingParameter = 8,
            Insecure = 9, Network = 10, Tls = 11, Timeout = 12, Auth = 13, Http = 14,
            Protocol = 15, NotFound = 16, Unsupported = 17, State = 18, Io = 19, Aborted = 20,
            Internal = 21, Uncertain = 22, RetryLater = 23, Cancelled = 24;
    }

    /// <summary>A libthreecx failure: Code (THREECX_E_*), Name ("THREECX_E_HTTP"),
    /// Message (the detailed message captured right after the failing call).
    /// Subclasses: ThreecxHttpException (the XAPI answered non-2xx),
    /// ThreecxAuthenticationException (the token request failed),
    /// ThreecxTimeoutException, ThreecxConnectionException (network, TLS),
    /// Models.ThreecxJsonException (an answer that does not fit its model).
    /// Refused arguments throw ThreecxArgumentException (an ArgumentException);
    /// a cancelled call throws OperationCanceledException.</summary>
    public class ThreecxException : Exception
    {
        public int Code { get; }
        public string Name { get; }
        /// <summary>HTTP status of an HTTP error, otherwise 0.</summary>
        public int Status { get; internal set; }
        /// <summary>OData error.code of an HTTP error (e.g. "NotFound"), otherwise null.</summary>
        public string ODataCode { get; internal set; }
        public string ODataMessage { get; internal set; }
        /// <summary>OData error.details of an HTTP error (JSON text), otherwise null.</summary>
        public string ODataDetails { get; internal set; }
        /// <summary>Body of an HTTP error answer, otherwise null.</summary>
        public string Body { get; internal set; }

        public ThreecxException(int code, string name, string message) : base(message)
        {
            Code = code;
            Name = name;
        }

        // "CODE:message" as built by the C wrapper (null on success): the status
        // object of a raw Native call (argument errors included, as code 2).
        internal static ThreecxException FromStatus(string s)
        {
            if (s == null) return null;
            int colon = s.IndexOf(':');
            int code = ErrorCodes.Internal;
            string msg = s;
            if (colon > 0 && int.TryParse(s.Substring(0, colon), out code)) msg = s.Substring(colon + 1);
            string name = Native.threecx_error_name(code) ?? "THREECX_E_UNKNOWN";
            switch (code)
            {
                case ErrorCodes.Http: return new ThreecxHttpException(code, name, msg);
                case ErrorCodes.Auth: return new ThreecxAuthenticationException(code, name, msg);
                case ErrorCodes.Timeout: return new ThreecxTimeoutException(code, name, msg);
                case ErrorCodes.Network:
                case ErrorCodes.Tls: return new ThreecxConnectionException(code, name, msg);
                default: return new ThreecxException(code, name, msg);
            }
        }

        /// <summary>What is thrown for this status: argument errors become
        /// ThreecxArgumentException, a cancellation OperationCanceledException.</summary>
        internal Exception ToThrow()
        {
            if (Code == ErrorCodes.InvalidArgument) return new ThreecxArgumentException(Code, Name, Message);
            if (Code == ErrorCodes.Cancelled)
                return new OperationCanceledException(Message, this, CancelScope.CurrentToken);
            return this;
        }

        internal static void Check(ThreecxException e)
        {
            if (e != null) throw e.ToThrow();
        }

        public override string ToString()
        {
            return Status != 0
                ? $"{Name} ({Code}): {Message} [HTTP {Status} {ODataCode}]"
                : $"{Name} ({Code}): {Message}";
        }
    }

    /// <summary>The XAPI answered a non-2xx status: Status, ODataCode,
    /// ODataMessage, ODataDetails and Body tell what it said.</summary>
    public class ThreecxHttpException : ThreecxException
    {
        public ThreecxHttpException(int code, string name, string message) : base(code, name, message) { }
    }

    /// <summary>The token request (/connect/token) was refused or failed.</summary>
    public class ThreecxAuthenticationException : ThreecxException
    {
        public ThreecxAuthenticationException(int code, string name, string message) : base(code, name, message) { }
    }

    /// <summary>The connect or total timeout (or a per-call deadline) passed.</summary>
    public class ThreecxTimeoutException : ThreecxException
    {
        public ThreecxTimeoutException(int code, string name, string message) : base(code, name, message) { }
    }

    /// <summary>DNS, connect, transfer or TLS failure.</summary>
    public class ThreecxConnectionException : ThreecxException
    {
        public ThreecxConnectionException(int code, string name, string message) : base(code, name, message) { }
    }

    /// <summary>A null handle / string or a bad value was refused (by this
    /// binding or by libthreecx): an ArgumentException, as .NET callers expect
    /// for a usage error, with the library's Code and Name.</summary>
    public class ThreecxArgumentException : ArgumentException
    {
        public int Code { get; }
        public string Name { get; }

        public ThreecxArgumentException(int code, string name, string message) : base(message)
        {
            Code = code;
            Name = name;
        }

        internal ThreecxArgumentException(string message, string paramName)
            : base(message, paramName)
        {
            Code = ErrorCodes.InvalidArgument;
            Name = "THREECX_E_INVALID_ARGUMENT";
        }

        public override string ToString() => $"{Name} ({Code}): {Message}";
    }

    /// <summary>The SafeHandle owning one native libthreecx handle: ReleaseHandle
    /// calls its threecx_*_free exactly once, when the handle is disposed (or
    /// finalized) and no call on it is in progress (SafeHandle's reference
    /// count: DangerousAddRef / DangerousRelease around every native call).</summary>
    public sealed class ThreecxSafeHandle : System.Runtime.InteropServices.SafeHandle
    {
        private readonly Action release;
        private readonly Action counted;

        internal ThreecxSafeHandle(IntPtr ptr, Action releaseFn, Action onRelease) : base(IntPtr.Zero, true)
        {
            release = releaseFn;
            counted = onRelease;
            SetHandle(ptr);
        }

        public override bool IsInvalid => handle == IntPtr.Zero;

        protected override bool ReleaseHandle()
        {
            counted();
            release();
            return true;
        }
    }

    /// <summary>Common lifetime of the handle classes: a ThreecxSafeHandle owns
    /// the libthreecx handle and frees it exactly once.</summary>
    /// <remarks>
    /// Every native call on the handle goes through <see cref="Use{R}"/>, which
    /// holds a SafeHandle reference (DangerousAddRef / DangerousRelease) for the
    /// whole call, so that
    /// <list type="bullet">
    /// <item>the SafeHandle's critical finalizer cannot free the handle while a
    /// native call on it is in progress, even when the caller drops its last
    /// reference during the call;</item>
    /// <item>Dispose() on one thread while other threads are inside native
    /// calls on the same handle (a shared ThreecxClient) only closes the
    /// SafeHandle: the handle is freed by the last call to finish.</item>
    /// </list>
    /// Once disposed, every method throws ObjectDisposedException (so does
    /// Handle); calls already in progress complete normally. Dispose() may be
    /// called more than once and from any thread. Handles may be freed in any
    /// order: a Request or an Items() walk keeps working after its
    /// ThreecxClient is disposed or collected.
    /// </remarks>
    public abstract class NativeHandle<T> : IDisposable where T : class
    {
        private readonly T handle;
        private readonly ThreecxSafeHandle safe;
        private int inProgress;
        // Set by Dispose() before the SafeHandle is disposed: no new call is
        // accepted from then on, even while calls in progress defer the free.
        private int disposed;
        // For tests (InternalsVisibleTo TestThreecx): how often this object and
        // all objects of this handle type freed their native handle.
        private int freeCount;
        private static int totalFrees;

        internal NativeHandle(T h, Func<T, System.Runtime.InteropServices.HandleRef> ptr, Action<T> freeFn)
        {
            handle = h;
            safe = new ThreecxSafeHandle(ptr(h).Handle, () => freeFn(h), () =>
            {
                System.Threading.Interlocked.Increment(ref freeCount);
                System.Threading.Interlocked.Increment(ref totalFrees);
            });
        }

        /// <summary>The SafeHandle that owns the native handle (for interop code
        /// of your own: keep to DangerousAddRef / DangerousRelease).</summary>
        public System.Runtime.InteropServices.SafeHandle SafeHandle => safe;

        public bool IsDisposed => System.Threading.Volatile.Read(ref disposed) != 0 || safe.IsClosed;

        /// <summary>The raw SWIG handle, for the typed functions of Threecx.Native
        /// (still owned by this object). Throws ObjectDisposedException once
        /// disposed. Nothing protects a raw handle used this way from a
        /// concurrent Dispose() or from the finalizer: prefer
        /// <c>obj.Use(h => Native.threecx_xapi_...(h, ...))</c>, or keep the object
        /// alive with GC.KeepAlive(obj) after the call and do not dispose it
        /// meanwhile.</summary>
        public T Handle
        {
            get
            {
                if (IsDisposed) throw new ObjectDisposedException(GetType().Name);
                return handle;
            }
        }

        /// <summary>Runs fn with the raw handle, which stays valid for the whole
        /// call: a concurrent Dispose() defers the free until fn returns, and
        /// the handle cannot be finalized meanwhile. Throws
        /// ObjectDisposedException if already disposed. Do not keep the handle
        /// past fn.</summary>
        public R Use<R>(Func<T, R> fn)
        {
            if (fn == null) throw new ArgumentNullException(nameof(fn));
            T h = AddRef();
            try
            {
                return fn(h);
            }
            finally
            {
                ReleaseRef();
            }
        }

        /// <summary>Same as Use(Func), without a result.</summary>
        public void Use(Action<T> fn)
        {
            if (fn == null) throw new ArgumentNullException(nameof(fn));
            Use<bool>(h => { fn(h); return true; });
        }

        // A native call returning a status: throws the exception.
        internal void Checked(Func<T, ThreecxException> fn) => ThreecxException.Check(Use(fn));

        // Counts one call in progress and returns the handle, or throws
        // ObjectDisposedException. Every AddRef is paired with one ReleaseRef.
        internal T AddRef()
        {
            bool ok = false;
            if (IsDisposed) throw new ObjectDisposedException(GetType().Name);
            try
            {
                safe.DangerousAddRef(ref ok);
            }
            catch (ObjectDisposedException)
            {
                throw new ObjectDisposedException(GetType().Name);
            }
            if (!ok) throw new ObjectDisposedException(GetType().Name);
            if (IsDisposed)  // disposed between the check and the AddRef
            {
                safe.DangerousRelease();
                throw new ObjectDisposedException(GetType().Name);
            }
            System.Threading.Interlocked.Increment(ref inProgress);
            return handle;
        }

        internal void ReleaseRef()
        {
            System.Threading.Interlocked.Decrement(ref inProgress);
            safe.DangerousRelease();
            GC.KeepAlive(this);
        }

        /// <summary>Native calls on this object now in progress (for tests).</summary>
        internal int CallsInProgress => System.Threading.Volatile.Read(ref inProgress);
        /// <summary>1 once the native handle has been freed (for tests).</summary>
        internal int FreeCount => System.Threading.Volatile.Read(ref freeCount);
        /// <summary>Native handles of type T freed so far (for tests).</summary>
        internal static int TotalFrees => System.Threading.Volatile.Read(ref totalFrees);

        public void Dispose()
        {
            System.Threading.Interlocked.Exchange(ref disposed, 1);
            safe.Dispose();
        }
    }

    /// <summary>OData system query options: new Query().Top(5).Count().Select("Id,Name").</summary>
    public sealed class Query : NativeHandle<SWIGTYPE_p_threecx_query>
    {
        public Query() : base(New(), SWIGTYPE_p_threecx_query.getCPtr, Native.threecx_query_free) { }

        private static SWIGTYPE_p_threecx_query New()
        {
            ThreecxException.Check(Native.threecx_query_new(out var h));
            return h;
        }

        public Query Top(long top) { Checked(h => Native.threecx_query_set_top(h, top)); return this; }
        public Query Skip(long skip) { Checked(h => Native.threecx_query_set_skip(h, skip)); return this; }
        public Query Search(string s) { Checked(h => Native.threecx_query_set_search(h, s)); return this; }
        public Query Filter(string f) { Checked(h => Native.threecx_query_set_filter(h, f)); return this; }
        public Query Count(bool count = true) { Checked(h => Native.threecx_query_set_count(h, count ? 1 : 0)); return this; }
        public Query OrderBy(string o) { Checked(h => Native.threecx_query_set_orderby(h, o)); return this; }
        public Query Select(string s) { Checked(h => Native.threecx_query_set_select(h, s)); return this; }
        public Query Expand(string e) { Checked(h => Native.threecx_query_set_expand(h, e)); return this; }
        public Query Param(string name, string value) { Checked(h => Native.threecx_query_add_param(h, name, value)); return this; }

        /// <summary>The encoded query string without '?'.</summary>
        public override string ToString()
        {
            string s = null;
            Checked(h => Native.threecx_query_to_string(h, out s));
            return s;
        }
    }

    /// <summary>A client for one PBX; thread-safe once configured.</summary>
    public sealed partial class ThreecxClient : NativeHandle<SWIGTYPE_p_threecx_client>
    {
        public ThreecxClient(string domain, string clientId, string apiKey)
            : base(New(domain, clientId, apiKey), SWIGTYPE_p_threecx_client.getCPtr, Native.threecx_client_free) { }

        private ThreecxClient(SWIGTYPE_p_threecx_client h) : base(h, SWIGTYPE_p_threecx_client.getCPtr, Native.threecx_client_free) { }

        private static SWIGTYPE_p_threecx_client New(string d, string id, string key)
        {
            ThreecxException.Check(Native.threecx_client_new(d, id, key, out var h));
            return h;
        }

        /// <summary>Reads THREECX_DOMAIN, THREECX_CLIENT_ID and THREECX_API_KEY.</summary>
        public static ThreecxClient FromEnvironment()
        {
            ThreecxException.Check(Native.threecx_client_new_from_env(out var h));
            return new ThreecxClient(h);
        }

        public ThreecxClient AllowHttp(bool allow = true) { Checked(h => Native.threecx_client_allow_http(h, allow ? 1 : 0)); return this; }
        public ThreecxClient CaFile(string path) { Checked(h => Native.threecx_client_set_ca_file(h, path)); return this; }
        public ThreecxClient CaPath(string dir) { Checked(h => Native.threecx_client_set_ca_path(h, dir)); return this; }
        /// <summary>Trusts the PEM certificates in pem (a CA bundle from memory).</summary>
        public ThreecxClient CaPem(string pem) { Checked(h => Native.threecx_client_set_ca_pem(h, pem, (uint)System.Text.Encoding.UTF8.GetByteCount(pem ?? ""))); return this; }
        /// <summary>Pins the server's public key: "sha256//&lt;base64&gt;", several separated by ';'.</summary>
        public ThreecxClient PinnedPublicKey(string pins) { Checked(h => Native.threecx_client_set_pinned_public_key(h, pins)); return this; }
        public ThreecxClient TimeoutMs(long ms) { Checked(h => Native.threecx_client_set_timeout_ms(h, ms)); return this; }
        /// <summary>Largest response body kept in memory (0 = no limit).</summary>
        public ThreecxClient MaxResponseBytes(long bytes) { Checked(h => Native.threecx_client_set_max_response_bytes(h, bytes)); return this; }
        public ThreecxClient ConnectTimeoutMs(long ms) { Checked(h => Native.threecx_client_set_connect_timeout_ms(h, ms)); return this; }
        public ThreecxClient UserAgent(string ua) { Checked(h => Native.threecx_client_set_user_agent(h, ua)); return this; }
        public ThreecxClient InsecureSkipTlsVerify(bool skip) { Checked(h => Native.threecx_client_set_insecure_skip_tls_verify(h, skip ? 1 : 0)); return this; }
        public ThreecxClient Retry(int maxRetries, long baseDelayMs = 250, long maxDelayMs = 20000, long deadlineMs = 60000)
        {
            Checked(h => Native.threecx_client_set_retry(h, maxRetries, baseDelayMs, maxDelayMs, deadlineMs));
            return this;
        }

        // ---- options as TimeSpan (whole milliseconds; TimeSpan.Zero = none / the default) ----

        internal static long Ms(TimeSpan t, string name)
        {
            if (t < TimeSpan.Zero || t.TotalMilliseconds > int.MaxValue)
                throw new ThreecxArgumentException(name + " must be between 0 and " + int.MaxValue + " ms, got " + t, name);
            return (long)Math.Ceiling(t.TotalMilliseconds);
        }

        /// <summary>Total timeout of one HTTP exchange (TimeSpan.Zero = none, the default).</summary>
        public ThreecxClient Timeout(TimeSpan timeout) => TimeoutMs(Ms(timeout, nameof(timeout)));
        /// <summary>Connect timeout (TimeSpan.Zero = libcurl's default, 300 s).</summary>
        public ThreecxClient ConnectTimeout(TimeSpan timeout) => ConnectTimeoutMs(Ms(timeout, nameof(timeout)));
        /// <summary>How long before expiry the token is refreshed (null: the default,
        /// min(60 s, lifetime / 5)).</summary>
        public ThreecxClient RefreshMargin(TimeSpan? margin)
        {
            long s = margin == null ? -1 : (long)Math.Ceiling(margin.Value.TotalSeconds);
            if (margin != null && margin.Value < TimeSpan.Zero)
                throw new ThreecxArgumentException("margin must not be negative", nameof(margin));
            Checked(h => Native.threecx_client_set_refresh_margin(h, s));
            return this;
        }
        /// <summary>Retries of transient failures (see threecx_client_set_retry):
        /// maxRetries 0 turns them off; null delays take the defaults 250 ms, 30 s, 120 s.</summary>
        public ThreecxClient Retry(int maxRetries, TimeSpan? baseDelay, TimeSpan? maxDelay = null, TimeSpan? deadline = null) =>
            Retry(maxRetries, baseDelay == null ? 250 : Ms(baseDelay.Value, nameof(baseDelay)),
                  maxDelay == null ? 30000 : Ms(maxDelay.Value, nameof(maxDelay)),
                  deadline == null ? 120000 : Ms(deadline.Value, nameof(deadline)));

        /// <summary>A client configured from options (see ThreecxClientOptions).</summary>
        public ThreecxClient(string domain, string clientId, string apiKey, ThreecxClientOptions options)
            : this(domain, clientId, apiKey)
        {
            try
            {
                Apply(options);
            }
            catch
            {
                Dispose();
                throw;
            }
        }

        /// <summary>Applies every option that is set (null / unset ones keep their value).</summary>
        public ThreecxClient Apply(ThreecxClientOptions o)
        {
            if (o == null) throw new ThreecxArgumentException("options is null", nameof(o));
            if (o.AllowHttp) AllowHttp(true);
            if (o.CaFile != null) CaFile(o.CaFile);
            if (o.CaPath != null) CaPath(o.CaPath);
            if (o.Timeout != null) Timeout(o.Timeout.Value);
            if (o.ConnectTimeout != null) ConnectTimeout(o.ConnectTimeout.Value);
            if (o.MaxResponseBytes != null) MaxResponseBytes(o.MaxResponseBytes.Value);
            if (o.UserAgent != null) UserAgent(o.UserAgent);
            if (o.InsecureSkipTlsVerify) InsecureSkipTlsVerify(true);
            if (o.RefreshMargin != null) RefreshMargin(o.RefreshMargin);
            if (o.MaxRetries != null) Retry(o.MaxRetries.Value, o.RetryBaseDelay, o.RetryMaxDelay, o.RetryDeadline);
            return this;
        }

        private TypedOperations typed;
        /// <summary>The typed operations: client.Typed.GetUser(1) returns a
        /// Models.User, client.Typed.ListUser(q) an ODataCollection&lt;User&gt;.</summary>
        public TypedOperations Typed
        {
            get
            {
                if (typed == null) typed = new TypedOperations(this);
                return typed;
            }
        }

        public void Authenticate() => Checked(h => Native.threecx_client_authenticate(h));

        public string BaseUrl
        {
            get
            {
                string s = null;
                Checked(h => Native.threecx_client_base_url(h, out s));
                return s;
            }
        }

        /// <summary>A request for METHOD and a path under /xapi/v1 with {name} placeholders.
        /// It stays usable after this client is disposed.</summary>
        public Request Request(string method, string path)
        {
            SWIGTYPE_p_threecx_request r = null;
            Checked(h => Native.threecx_request_new(h, method, path, out r));
            return new Request(r);
        }

        /// <summary>A request for an operation of the catalog, checked before sending.</summary>
        public Request Operation(string operationId)
        {
            SWIGTYPE_p_threecx_request r = null;
            Checked(h => Native.threecx_request_new_op(h, operationId, out r));
            return new Request(r);
        }

        // ---- the generated operation methods (Operations.cs) end here ----
        internal enum ArgKind { String, NullableString, Int, Bool, Guid, DateTime }

        internal struct OpArg
        {
            public readonly string Name;
            public readonly ArgKind Kind;
            public readonly object Value;
            public OpArg(string name, ArgKind kind, object value) { Name = name; Kind = kind; Value = value; }
        }

        /// <summary>Sends one catalog operation: path parameters set by name (a null
        /// nullable string is sent as null), then the query, If-Match and JSON body
        /// (each may be null). HTTP errors throw ThreecxHttpException.</summary>
        private Response Call(string operationId, Query query, string ifMatch, string body, params OpArg[] args)
        {
            using (var r = Prepare(operationId, query, ifMatch, body, args)) return r.Send();
        }

        /// <summary>The request of one catalog operation, arguments set (see Call).</summary>
        internal Request Prepare(string operationId, Query query, string ifMatch, string body, params OpArg[] args)
        {
            var r = Operation(operationId);
            try
            {
                foreach (var a in args)
                {
                    switch (a.Kind)
                    {
                        case ArgKind.String: r.Param(a.Name, (string)a.Value); break;
                        case ArgKind.NullableString:
                            if (a.Value == null) r.ParamNull(a.Name); else r.Param(a.Name, (string)a.Value);
                            break;
                        case ArgKind.Int: r.Param(a.Name, (long)(int)a.Value); break;
                        case ArgKind.Bool: r.Param(a.Name, (bool)a.Value); break;
                        case ArgKind.Guid: r.ParamGuid(a.Name, (string)a.Value); break;
                        case ArgKind.DateTime:
                            r.ParamDateTime(a.Name, ((DateTimeOffset)a.Value).ToString("o", // ISO 8601 with offset
                                                                                   System.Globalization.CultureInfo.InvariantCulture));
                            break;
                    }
                }
                if (query != null) r.SetQuery(query);
                if (ifMatch != null) r.Header("If-Match", ifMatch);
                if (body != null) r.Body(body);
                return r;
            }
            catch
            {
                r.Dispose();
                throw;
            }
        }

        /// <summary>Every item of a collection operation, decoded, page by page
        /// (see Pageable).</summary>
        internal Pageable<T> Pageable<T>(string operationId, Query query, long pageSize, Func<object, T> decode,
                                         params OpArg[] args)
        {
            Pager pager;
            using (var r = Prepare(operationId, query, null, null, args)) pager = r.NewPager(pageSize);
            return new Pageable<T>(pager, decode);
        }

        /// <summary>Every item of the collection at path (GET), decoded with
        /// decode (e.g. Models.User.FromJson), page by page.</summary>
        public Pageable<T> GetPageable<T>(string path, Func<object, T> decode, Query query = null, long pageSize = 100)
        {
            if (decode == null) throw new ThreecxArgumentException("decode is null", nameof(decode));
            Pager pager;
            using (var r = Request("GET", path))
            {
                if (query != null) r.SetQuery(query);
                pager = r.NewPager(pageSize);
            }
            return new Pageable<T>(pager, decode);
        }

        private string Exchange(string method, string path, Query query, string body)
        {
            using (var r = Request(method, path))
            {
                if (query != null) r.SetQuery(query);
                if (body != null) r.Body(body);
                using (var resp = r.Send()) return resp.Body;
            }
        }

        public string Get(string path, Query query = null) => Exchange("GET", path, query, null);
        /// <summary>Get on the thread pool; cancelling the token aborts the transfer.</summary>
        public System.Threading.Tasks.Task<string> GetAsync(string path, Query query = null,
            System.Threading.CancellationToken cancellationToken = default(System.Threading.CancellationToken)) =>
            TypedOperations.Run(() => Get(path, query), cancellationToken);
        public string Post(string path, string json) => Exchange("POST", path, null, json);
        public string Patch(string path, string json) => Exchange("PATCH", path, null, json);
        public void Delete(string path) => Exchange("DELETE", path, null, null);

        /// <summary>Every item (JSON object) of a collection, fetched page by page.
        /// The walk starts at the first MoveNext() and keeps working if this
        /// client is disposed afterwards.</summary>
        public IEnumerable<string> Items(string path, Query query = null, long pageSize = 100)
        {
            Pager pager;
            using (var r = Request("GET", path))
            {
                if (query != null) r.SetQuery(query);
                pager = r.NewPager(pageSize);
            }
            using (pager)
            {
                while (true)
                {
                    string item = pager.NextItem();
                    if (item == null) yield break;
                    yield return item;
                }
            }
        }
    }

    /// <summary>One request: parameters, query, headers, body; Send() may be called again.</summary>
    public sealed class Request : NativeHandle<SWIGTYPE_p_threecx_request>
    {
        internal Request(SWIGTYPE_p_threecx_request h) : base(h, SWIGTYPE_p_threecx_request.getCPtr, Native.threecx_request_free) { }

        public Request Param(string name, string value) { Checked(h => Native.threecx_request_set_param_string(h, name, value)); return this; }
        public Request Param(string name, long value) { Checked(h => Native.threecx_request_set_param_int(h, name, value)); return this; }
        public Request Param(string name, bool value) { Checked(h => Native.threecx_request_set_param_bool(h, name, value ? 1 : 0)); return this; }
        public Request ParamGuid(string name, string value) { Checked(h => Native.threecx_request_set_param_guid(h, name, value)); return this; }
        public Request ParamDateTime(string name, string value) { Checked(h => Native.threecx_request_set_param_datetime(h, name, value)); return this; }
        public Request ParamNull(string name) { Checked(h => Native.threecx_request_set_param_null(h, name)); return this; }
        /// <summary>Copies the options of q (a disposed q throws ObjectDisposedException;
        /// null is refused by libthreecx with ThreecxArgumentException).</summary>
        public Request SetQuery(Query q)
        {
            if (q == null) Checked(h => Native.threecx_request_set_query(h, null));
            else Checked(h => q.Use(qh => Native.threecx_request_set_query(h, qh)));
            return this;
        }
        public Request Header(string name, string value) { Checked(h => Native.threecx_request_add_header(h, name, value)); return this; }
        public Request Body(string json) { Checked(h => Native.threecx_request_set_body(h, json)); return this; }

        public string Url
        {
            get
            {
                string s = null;
                Checked(h => Native.threecx_request_url(h, out s));
                return s;
            }
        }

        /// <summary>Deadline of each send of this request (the whole call: token,
        /// retries and waits), replacing the client's total timeout for it;
        /// TimeSpan.Zero = the client's timeout. Past it: ThreecxTimeoutException.</summary>
        public Request Deadline(TimeSpan deadline)
        {
            long ms = ThreecxClient.Ms(deadline, nameof(deadline));
            Checked(h => Native.threecx_request_set_deadline_ms(h, ms));
            return this;
        }

        /// <summary>Sends; a non-2xx answer throws ThreecxHttpException with Status and ODataCode.</summary>
        public Response Send()
        {
            SWIGTYPE_p_threecx_response resp = null;
            var e = Use(h =>
            {
                CancelScope.Attach(h);
                return Native.threecx_request_send(h, out resp);
            });
            return Finish(e, resp);
        }

        /// <summary>Sends; cancelling the token aborts the transfer in flight
        /// (OperationCanceledException).</summary>
        public Response Send(System.Threading.CancellationToken cancellationToken)
        {
            using (CancelScope.Enter(cancellationToken)) return Send();
        }

        /// <summary>Send on the thread pool; cancelling the token aborts the transfer.</summary>
        public System.Threading.Tasks.Task<Response> SendAsync(
            System.Threading.CancellationToken cancellationToken = default(System.Threading.CancellationToken)) =>
            TypedOperations.Run(Send, cancellationToken);

        /// <summary>Sends and writes a 2xx body to the file at path (streamed,
        /// never held in memory).</summary>
        public Response SendToFile(string path)
        {
            SWIGTYPE_p_threecx_response resp = null;
            var e = Use(h =>
            {
                CancelScope.Attach(h);
                return Native.threecx_request_send_to_file(h, path, out resp);
            });
            return Finish(e, resp);
        }

        /// <summary>SendToFile on the thread pool; cancelling the token aborts the download.</summary>
        public System.Threading.Tasks.Task<Response> SendToFileAsync(string path,
            System.Threading.CancellationToken cancellationToken = default(System.Threading.CancellationToken)) =>
            TypedOperations.Run(() => SendToFile(path), cancellationToken);

        // A pager over a copy of this request (this request may be freed
        // afterwards); it keeps the current CancelScope's token.
        internal Pager NewPager(long pageSize)
        {
            SWIGTYPE_p_threecx_pager p = null;
            Checked(h =>
            {
                CancelScope.Attach(h);
                return Native.threecx_pager_new(h, pageSize, out p);
            });
            return new Pager(p);
        }

        internal static Response Finish(ThreecxException e, SWIGTYPE_p_threecx_response h)
        {
            var resp = h == null ? null : new Response(h);
            if (e == null) return resp;
            if (resp != null)
            {
                using (resp)
                {
                    e.Status = resp.Status;
                    e.ODataCode = resp.ErrorCode;
                    e.ODataMessage = resp.ErrorMessage;
                    e.ODataDetails = resp.ErrorDetails;
                    e.Body = resp.Body;
                }
            }
            throw e.ToThrow();
        }
    }

    /// <summary>Marks a generated ThreecxClient method with the operationId it sends.</summary>
    [AttributeUsage(AttributeTargets.Method)]
    public sealed class OperationAttribute : Attribute
    {
        public string OperationId { get; }
        public OperationAttribute(string operationId) { OperationId = operationId; }
    }

    /// <summary>A response (2xx, or the answer carried by a ThreecxHttpException).</summary>
    public sealed class Response : NativeHandle<SWIGTYPE_p_threecx_response>
    {
        /// <summary>Takes ownership of a raw response (e.g. from a typed
        /// Native.threecx_xapi_* function): it is freed by Dispose().</summary>
        public Response(SWIGTYPE_p_threecx_response h) : base(h, SWIGTYPE_p_threecx_response.getCPtr, Native.threecx_response_free) { }

        public int Status
        {
            get
            {
                int s = 0;
                Checked(h => Native.threecx_response_status(h, out s));
                return s;
            }
        }

        public string Body
        {
            get
            {
                string s = null;
                Checked(h => Native.threecx_response_body(h, out s));
                return s;
            }
        }

        public byte[] Bytes
        {
            get
            {
                return Use(h =>
                {
                    ThreecxException.Check(Native.threecx_response_body_size(h, out ulong n));
                    var buf = new byte[n];
                    ThreecxException.Check(Native.threecx_csharp_copy_body(h, buf, (uint)n));
                    return buf;
                });
            }
        }

        /// <summary>A header by case-insensitive name, null when absent.</summary>
        public string Header(string name)
        {
            string v = null;
            var e = Use(h => Native.threecx_response_header(h, name, out v));
            return Optional(e, v);
        }

        private string Optional(ThreecxException e, string v)
        {
            if (e != null && e.Code == ErrorCodes.NotFound) return null;
            ThreecxException.Check(e);
            return v;
        }

        public string ErrorCode { get { string v = null; var e = Use(h => Native.threecx_response_error_code(h, out v)); return Optional(e, v); } }
        public string ErrorMessage { get { string v = null; var e = Use(h => Native.threecx_response_error_message(h, out v)); return Optional(e, v); } }
        public string ErrorDetails { get { string v = null; var e = Use(h => Native.threecx_response_error_details(h, out v)); return Optional(e, v); } }
    }

    /// <summary>The pager under ThreecxClient.Items (one thread at a time).</summary>
    internal sealed class Pager : NativeHandle<SWIGTYPE_p_threecx_pager>
    {
        internal Pager(SWIGTYPE_p_threecx_pager h) : base(h, SWIGTYPE_p_threecx_pager.getCPtr, Native.threecx_pager_free) { }

        /// <summary>The next item, null once the collection is exhausted.</summary>
        /// An HTTP error throws ThreecxHttpException with Status and the OData
        /// error of the failing answer, as Request.Send does.
        internal string NextItem() => Next(false);

        /// <summary>The next page's JSON, null once the collection is exhausted.</summary>
        internal string NextPage() => Next(true);

        private string Next(bool page)
        {
            string v = null;
            SWIGTYPE_p_threecx_response failed = null;
            var e = Use(h =>
            {
                var err = page ? Native.threecx_pager_next_page(h, out v) : Native.threecx_pager_next_item(h, out v);
                if (err != null && err.Code == ErrorCodes.Http) Native.threecx_pager_last_response(h, out failed);
                return err;
            });
            if (e != null) Request.Finish(e, failed);
            return v;
        }

        /// <summary>@odata.count of the walk, -1 when the server did not send it.</summary>
        internal long Total
        {
            get
            {
                long n = -1;
                var e = Use(h => Native.threecx_pager_total(h, out n));
                if (e != null && e.Code == ErrorCodes.NotFound) return -1;
                ThreecxException.Check(e);
                return n;
            }
        }
    }

    /// <summary>A path parameter of an operation.</summary>
    public sealed class OperationParam
    {
        public string Name { get; internal set; }
        public int Type { get; internal set; }   // THREECX_TYPE_*
        public bool Nullable { get; internal set; }
    }

    /// <summary>An operation of the catalog (static data).</summary>
    public sealed class Operation
    {
        public string Id { get; private set; }
        public string Method { get; private set; }
        public string Path { get; private set; }
        public string Tag { get; private set; }
        public string Summary { get; private set; }
        public string Function { get; private set; }
        public int Options { get; private set; }
        public bool HasBody { get; private set; }
        public bool HasIfMatch { get; private set; }
        public int ResponseKind { get; private set; }
        public IList<OperationParam> Params { get; } = new List<OperationParam>();

        internal Operation(SWIGTYPE_p_threecx_operation op)
        {
            string s;
            ThreecxException.Check(Native.threecx_operation_id(op, out s)); Id = s;
            ThreecxException.Check(Native.threecx_operation_method(op, out s)); Method = s;
            ThreecxException.Check(Native.threecx_operation_path(op, out s)); Path = s;
            ThreecxException.Check(Native.threecx_operation_tag(op, out s)); Tag = s;
            ThreecxException.Check(Native.threecx_operation_summary(op, out s)); Summary = s;
            ThreecxException.Check(Native.threecx_operation_function(op, out s)); Function = s;
            int v;
            ThreecxException.Check(Native.threecx_operation_options(op, out v)); Options = v;
            ThreecxException.Check(Native.threecx_operation_has_body(op, out v)); HasBody = v != 0;
            ThreecxException.Check(Native.threecx_operation_has_if_match(op, out v)); HasIfMatch = v != 0;
            ThreecxException.Check(Native.threecx_operation_response_kind(op, out v)); ResponseKind = v;
            ThreecxException.Check(Native.threecx_operation_param_count(op, out ulong n));
            for (ulong i = 0; i < n; i++)
            {
                var p = new OperationParam();
                ThreecxException.Check(Native.threecx_operation_param_name(op, (uint)i, out s)); p.Name = s;
                ThreecxException.Check(Native.threecx_operation_param_type(op, (uint)i, out v)); p.Type = v;
                ThreecxException.Check(Native.threecx_operation_param_nullable(op, (uint)i, out v)); p.Nullable = v != 0;
                Params.Add(p);
            }
        }
    }

    /// <summary>The operation catalog.</summary>
    public static class Catalog
    {
        public static int Count
        {
            get { ThreecxException.Check(Native.threecx_operation_count(out ulong n)); return (int)n; }
        }

        public static Operation At(int index)
        {
            ThreecxException.Check(Native.threecx_operation_at((uint)index, out var op));
            return new Operation(op);
        }

        /// <summary>By operationId; throws ThreecxException (NotFound) for an unknown id.</summary>
        public static Operation Find(string operationId)
        {
            ThreecxException.Check(Native.threecx_operation_find(operationId, out var op));
            return new Operation(op);
        }
    }

    /// <summary>Library information and OData helpers.</summary>
    public static class Library
    {
        public static string Version => Native.threecx_version();
        public static int VersionNumber => Native.threecx_version_number();
        public static string XapiVersion => Native.threecx_xapi_version();
        public static string StrError(int code) => Native.threecx_strerror(code);

        public static string ODataString(string text)
        {
            ThreecxException.Check(Native.threecx_odata_string(text, out string s));
            return s;
        }

        public static string UrlEncode(string text)
        {
            ThreecxException.Check(Native.threecx_url_encode(text, out string s));
            return s;
        }
    }
    /// <summary>Many requests in flight over the C library's asynchronous API:
    /// one loop thread drives a single native async object (one connection
    /// pool, one token for everything in flight, at most MaxConcurrent on the
    /// wire, retries by the client's policy); each Submit returns a Task
    /// completed from that thread (continuations run asynchronously, never on
    /// it). Submit, CancelAll and Dispose are thread-safe. Dispose cancels
    /// what is pending (those tasks are cancelled).</summary>
    public sealed class AsyncBatch : IDisposable
    {
        private readonly object mu = new object();
        private SWIGTYPE_p_threecx_async native;  // null once disposed
        private sealed class Job
        {
            internal Request Request;
            internal SWIGTYPE_p_threecx_request Handle;
            internal System.Threading.Tasks.TaskCompletionSource<Response> Task;
        }
        private readonly System.Collections.Generic.Queue<Job> queue = new System.Collections.Generic.Queue<Job>();
        private readonly System.Collections.Generic.Dictionary<long, System.Threading.Tasks.TaskCompletionSource<Response>> inFlight =
            new System.Collections.Generic.Dictionary<long, System.Threading.Tasks.TaskCompletionSource<Response>>();
        private bool cancelAll, disposing;
        private readonly System.Threading.Thread loop;

        /// <param name="maxConcurrent">requests in flight at most (0: the library's default, 64)</param>
        public AsyncBatch(ThreecxClient client, int maxConcurrent = 0)
        {
            if (client == null) throw new ArgumentNullException(nameof(client));
            SWIGTYPE_p_threecx_async a = null;
            client.Checked(h => Native.threecx_async_new(h, out a));
            if (maxConcurrent > 0)
            {
                var e = Native.threecx_async_set_max_concurrent(a, maxConcurrent);
                if (e != null)
                {
                    Native.threecx_async_free(a);
                    throw e.ToThrow();
                }
            }
            native = a;
            loop = new System.Threading.Thread(Loop) { IsBackground = true, Name = "threecx-async" };
            loop.Start();
        }

        /// <summary>Queues the request (the loop thread copies it; it may be
        /// disposed once the task has completed). The task's result is the 2xx
        /// Response; otherwise it faults with the exception Send throws
        /// (ThreecxHttpException with Status, ... ; THREECX_E_UNCERTAIN for a
        /// write sent without an answer) or is cancelled.</summary>
        public System.Threading.Tasks.Task<Response> Submit(Request request)
        {
            if (request == null) throw new ArgumentNullException(nameof(request));
            var tcs = new System.Threading.Tasks.TaskCompletionSource<Response>(
                System.Threading.Tasks.TaskCreationOptions.RunContinuationsAsynchronously);
            var h = request.AddRef();  // kept open until the loop thread has copied it
            lock (mu)
            {
                if (native == null || disposing)
                {
                    request.ReleaseRef();
                    throw new ObjectDisposedException(nameof(AsyncBatch));
                }
                queue.Enqueue(new Job { Request = request, Handle = h, Task = tcs });
                Wake();
            }
            return tcs.Task;
        }

        /// <summary>Cancels everything submitted so far and not yet completed.</summary>
        public void CancelAll()
        {
            lock (mu)
            {
                cancelAll = true;
                Wake();
            }
        }

        // under mu
        private void Wake()
        {
            System.Threading.Monitor.PulseAll(mu);
            if (native != null) Native.threecx_async_wakeup(native);
        }

        public void Dispose()
        {
            lock (mu)
            {
                if (disposing) return;
                disposing = true;
                Wake();
            }
            loop.Join();
        }

        private void Loop()
        {
            var a = native;
            try
            {
                for (;;)
                {
                    Job[] jobs;
                    bool cancel;
                    lock (mu)
                    {
                        if (disposing) break;
                        jobs = queue.ToArray();
                        queue.Clear();
                        cancel = cancelAll;
                        cancelAll = false;
                        if (jobs.Length == 0 && !cancel && inFlight.Count == 0)
                        {
                            System.Threading.Monitor.Wait(mu);
                            continue;
                        }
                    }
                    foreach (var j in jobs)
                    {
                        long id = 0;
                        ThreecxException e;
                        try { e = Native.threecx_swig_async_submit(a, j.Handle, out id); }
                        finally { j.Request.ReleaseRef(); }
                        if (e != null) j.Task.TrySetException(e.ToThrow());
                        else inFlight[id] = j.Task;
                    }
                    if (cancel) Native.threecx_async_cancel_all(a);
                    if (inFlight.Count == 0) continue;
                    var err = Native.threecx_async_wait(a, 1000, out int pending);
                    if (err != null)
                    {
                        foreach (var t in inFlight.Values) t.TrySetException(err.ToThrow());
                        inFlight.Clear();
                        continue;
                    }
                    Collect(a);
                }
            }
            finally
            {
                lock (mu) native = null;  // no wakeup reaches the freed object
                foreach (var j in queue) { j.Request.ReleaseRef(); j.Task.TrySetCanceled(); }
                queue.Clear();
                foreach (var t in inFlight.Values) t.TrySetCanceled();
                inFlight.Clear();
                Native.threecx_async_free(a);  // cancels the transfers
            }
        }

        private void Collect(SWIGTYPE_p_threecx_async a)
        {
            for (;;)
            {
                Native.threecx_async_next(a, out SWIGTYPE_p_threecx_completion c);
                if (c == null) return;
                Native.threecx_completion_id(c, out long id);
                Native.threecx_completion_code(c, out int code);
                Native.threecx_completion_message(c, out string msg);
                Native.threecx_completion_take_response(c, out SWIGTYPE_p_threecx_response resp);
                Native.threecx_completion_free(c);
                if (!inFlight.TryGetValue(id, out var tcs))
                {
                    if (resp != null) Native.threecx_response_free(resp);
                    continue;
                }
                inFlight.Remove(id);
                if (code == ErrorCodes.Cancelled)
                {
                    if (resp != null) Native.threecx_response_free(resp);
                    tcs.TrySetCanceled();
                    continue;
                }
                ThreecxException e = code == 0 ? null : ThreecxException.FromStatus(code + ":" + msg);
                try { tcs.TrySetResult(Request.Finish(e, resp)); }
                catch (Exception ex) { tcs.TrySetException(ex); }
            }
        }
    }
}
