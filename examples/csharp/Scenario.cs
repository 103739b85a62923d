// The libthreecx scenario in C#: list users with a filter, create one,
// update it with If-Match, delete it, page a large collection, stream a
// download, cancel a slow call.
//
//   mcs -r:PREFIX/lib/threecx/csharp/Threecx.dll Scenario.cs      (or a PackageReference)
//   THREECX_DOMAIN=pbx.example.com THREECX_CLIENT_ID=... THREECX_API_KEY=... mono Scenario.exe
//
// THREECX_CA_FILE (a private CA) and THREECX_ALLOW_HTTP=1 are honoured as by
// the threecx command-line tool. Exits 1 on the first failure.
using System;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Threecx;
using Threecx.Models;

static class Scenario
{
    static void Step(string what, object result) => Console.WriteLine(what + ": " + result);

    static int Main()
    {
        try
        {
            using (var client = ThreecxClient.FromEnvironment())
            {
                var ca = Environment.GetEnvironmentVariable("THREECX_CA_FILE");
                client.Apply(new ThreecxClientOptions
                {
                    CaFile = string.IsNullOrEmpty(ca) ? null : ca,
                    AllowHttp = Environment.GetEnvironmentVariable("THREECX_ALLOW_HTTP") == "1",
                    Timeout = TimeSpan.FromSeconds(30),
                    MaxRetries = 2,
                });
                Step("client", client.BaseUrl);
                var api = client.Typed;

                // 1. users with a filter
                using (var q = new Query().Filter("Number ge '100'").Select("Id,Number,FirstName").OrderBy("Number").Top(5).Count())
                {
                    var page = api.ListUser(q);
                    Step("users with Number >= 100", page.Value.Count + " of " + page.Count + ": " +
                         string.Join(", ", page.Value.Select(u => u.Number)));
                }

                // 2. create one
                var user = api.CreateUser(new User
                {
                    Number = "7343", FirstName = "CSharp", LastName = "Example", EmailAddress = "cs.example@example.com",
                });
                int id = user.Id.Value;
                Step("created user", id);

                // 3. update it with If-Match (the ETag of what we read)
                var current = api.GetUser(id);
                Step("read back, ETag", current.ODataETag);
                api.UpdateUser(id, current.ODataETag, new User { FirstName = "Renamed" });
                Step("updated with If-Match", api.GetUser(id).FirstName);
                try
                {
                    api.UpdateUser(id, current.ODataETag, new User { FirstName = "Lost update" });
                    throw new Exception("a stale ETag was accepted");
                }
                catch (ThreecxHttpException e) when (e.Status == 412)
                {
                    Step("a stale ETag is refused", e.Status + " " + e.ODataCode);
                }

                // 4. delete it
                api.DeleteUser(id);
                Step("deleted", id);

                // 5. page a large collection, 5 items per request
                int pages = 0, items = 0;
                using (var q = new Query().Select("Id"))
                    foreach (var p in api.ListSecurityRefreshTokenPageable(q, pageSize: 5).AsPages())
                    {
                        pages++;
                        items += p.Values.Count;
                    }
                Step("security tokens, paged by 5", items + " in " + pages + " pages");

                // 6. stream a download to a file (never held in memory)
                string path = Path.GetTempFileName();
                try
                {
                    using (var r = client.Operation("ExportExtensions"))
                    using (var resp = r.SendToFileAsync(path).Result)
                        Step("ExportExtensions streamed to a file", new FileInfo(path).Length + " bytes, HTTP " + resp.Status);
                    if (new FileInfo(path).Length == 0) throw new Exception("empty download");
                }
                finally
                {
                    File.Delete(path);
                }

                // 7. cancel a slow call after 300 ms
                using (var cts = new CancellationTokenSource())
                {
                    var slow = api.ListGroupAsync(null, cts.Token);
                    cts.CancelAfter(300);
                    try
                    {
                        var groups = slow.Result;
                        Step("slow call", "answered before the cancel (" + groups.Value.Count + " groups)");
                    }
                    catch (AggregateException e) when (e.InnerException is OperationCanceledException)
                    {
                        Step("slow call cancelled", slow.Status);
                    }
                }
            }
            Console.WriteLine("scenario done");
            return 0;
        }
        catch (Exception e)
        {
            Console.Error.WriteLine("FAILED: " + e);
            return 1;
        }
    }
}
