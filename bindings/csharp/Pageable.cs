// libthreecx for C#: client options, Pageable<T>, the cancellation scope and
// the hand-written half of TypedOperations (the generated half, one method
// per operation, is Models.cs).
using System;
using System.Collections;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Threecx.Models;

namespace Threecx
{
    /// <summary>Options of a ThreecxClient (Azure SDK style): every property
    /// left null / false keeps libthreecx's default.</summary>
    public sealed class ThreecxClientOptions
    {
        /// <summary>Permit plain http:// domains (default: refused).</summary>
        public bool AllowHttp { get; set; }
        /// <summary>CA bundle (PEM) used to verify the PBX.</summary>
        public string CaFile { get; set; }
        /// <summary>Directory of hashed CA certificates.</summary>
        public string CaPath { get; set; }
        /// <summary>Total timeout of one HTTP exchange (default: none).</summary>
        public TimeSpan? Timeout { get; set; }
        /// <summary>Connect timeout (default: libcurl's 300 s).</summary>
        public TimeSpan? ConnectTimeout { get; set; }
        /// <summary>Largest response body kept in memory (default: no limit).</summary>
        public long? MaxResponseBytes { get; set; }
        /// <summary>User-Agent (default: libthreecx/VERSION).</summary>
        public string UserAgent { get; set; }
        /// <summary>INSECURE: turns TLS verification off.</summary>
        public bool InsecureSkipTlsVerify { get; set; }
        /// <summary>How long before expiry the token is refreshed.</summary>
        public TimeSpan? RefreshMargin { get; set; }
        /// <summary>Retries of transient failures (null: off).</summary>
        public int? MaxRetries { get; set; }
        public TimeSpan? RetryBaseDelay { get; set; }
        public TimeSpan? RetryMaxDelay { get; set; }
        public TimeSpan? RetryDeadline { get; set; }
    }

    /// <summary>One page of a Pageable: its items and @odata.count (null when the
    /// server did not send it).</summary>
    public sealed class Page<T>
    {
        public IReadOnlyList<T> Values { get; }
        public long? TotalCount { get; }
        internal Page(IReadOnlyList<T> values, long? total) { Values = values; TotalCount = total; }
    }

    /// <summary>Every item of a collection, fetched page by page as it is
    /// enumerated (Azure's Pageable&lt;T&gt;): foreach over the items, or AsPages()
    /// for the pages. One enumeration only (the walk is a server cursor); an
    /// HTTP error mid-walk throws ThreecxHttpException. Dispose() (or the end of
    /// a foreach) frees the pager.</summary>
    public sealed class Pageable<T> : IEnumerable<T>, IDisposable
    {
        private readonly Pager pager;
        private readonly Func<object, T> decode;
        private int started;

        internal Pageable(Pager pager, Func<object, T> decode)
        {
            this.pager = pager;
            this.decode = decode;
        }

        private void Start()
        {
            if (Interlocked.Exchange(ref started, 1) != 0)
                throw new InvalidOperationException("a Pageable is enumerated once (it walks a server-side cursor)");
        }

        /// <summary>The pages, each decoded.</summary>
        public IEnumerable<Page<T>> AsPages()
        {
            Start();
            return Pages();
        }

        private IEnumerable<Page<T>> Pages()
        {
            using (pager)
            {
                while (true)
                {
                    string json = pager.NextPage();
                    if (json == null) yield break;
                    var page = ODataCollection<T>.FromJson(Json.Parse(json), decode);
                    long total = pager.Total;
                    yield return new Page<T>(page.Value, total >= 0 ? total : (long?)null);
                }
            }
        }

        public IEnumerator<T> GetEnumerator()
        {
            Start();
            return Items().GetEnumerator();
        }

        private IEnumerable<T> Items()
        {
            using (pager)
            {
                while (true)
                {
                    string item = pager.NextItem();
                    if (item == null) yield break;
                    yield return decode(Json.Parse(item));
                }
            }
        }

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

        public void Dispose() => pager.Dispose();
    }

    /// <summary>A libthreecx cancel token (threecx_cancel_*): triggered from any
    /// thread, it aborts the transfers of the requests and pagers holding it.</summary>
    internal sealed class NativeCancel : NativeHandle<SWIGTYPE_p_threecx_cancel>
    {
        internal NativeCancel() : base(New(), SWIGTYPE_p_threecx_cancel.getCPtr, Native.threecx_cancel_free) { }

        private static SWIGTYPE_p_threecx_cancel New()
        {
            ThreecxException.Check(Native.threecx_cancel_new(out var h));
            return h;
        }

        /// <summary>Triggers the token (a disposed one is left alone).</summary>
        internal void Trigger()
        {
            try
            {
                Use(h => Native.threecx_cancel_trigger(h));
            }
            catch (ObjectDisposedException)
            {
            }
        }
    }

    /// <summary>The cancellation of the calls made on this thread inside a
    /// scope: every request sent (and pager made) while the scope is current
    /// carries a native cancel token, triggered when the CancellationToken is
    /// cancelled, which aborts the transfer in flight within about 100 ms
    /// (THREECX_E_CANCELLED, thrown as OperationCanceledException). The
    /// ...Async methods open one on the thread-pool thread that runs the call.</summary>
    internal sealed class CancelScope : IDisposable
    {
        [ThreadStatic] private static CancelScope current;
        private readonly CancelScope outer;
        internal readonly CancellationToken Token;
        private NativeCancel native;
        private CancellationTokenRegistration registration;

        private CancelScope(CancellationToken token)
        {
            Token = token;
            outer = current;
            current = this;
        }

        internal static CancelScope Enter(CancellationToken token) => new CancelScope(token);
        internal static CancelScope Current => current;
        internal static CancellationToken CurrentToken => current != null ? current.Token : CancellationToken.None;

        /// <summary>Attaches the current scope's native token to request h (no
        /// scope, or a token that cannot be cancelled: nothing to do).</summary>
        internal static void Attach(SWIGTYPE_p_threecx_request h)
        {
            var s = current;
            if (s == null || !s.Token.CanBeCanceled) return;
            if (s.native == null)
            {
                s.native = new NativeCancel();
                var n = s.native;
                s.registration = s.Token.Register(() => n.Trigger());  // at once if already cancelled
            }
            ThreecxException.Check(s.native.Use(c => Native.threecx_request_set_cancel(h, c)));
        }

        public void Dispose()
        {
            current = outer;
            registration.Dispose();  // waits for a Trigger in progress
            if (native != null) native.Dispose();  // requests and pagers keep their own reference
        }
    }

    public sealed partial class TypedOperations
    {
        private readonly ThreecxClient client;

        internal TypedOperations(ThreecxClient client) { this.client = client; }

        private static object DecodeJson(int status, byte[] body, Func<object, object> decode)
        {
            if (status == 204 || body == null || body.Length == 0) return null;
            string text = System.Text.Encoding.UTF8.GetString(body);
            return decode(Json.Parse(text));
        }

        /// <summary>fn on the thread pool within a CancelScope of ct; a
        /// cancellation (before or during the call) ends the task as Canceled.</summary>
        internal static Task<R> Run<R>(Func<R> fn, CancellationToken ct)
        {
            if (ct.IsCancellationRequested) return Task.FromCanceled<R>(ct);
            return Task.Run(() =>
            {
                using (CancelScope.Enter(ct))
                {
                    try
                    {
                        return fn();
                    }
                    catch (OperationCanceledException) when (ct.IsCancellationRequested)
                    {
                        throw new OperationCanceledException(ct);
                    }
                }
            }, ct);
        }
    }
}
