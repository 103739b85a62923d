// bench_xapi's C# contender (measure 7): the generic GET of bench_xapi.c
// (request_new + send + body, here ThreecxClient.Get) through the C#
// binding, N times after 20 warm-up calls. Prints the process CPU time per
// call in microseconds. Built and run by bench/run.sh.
//
//   mono wrap_cs.exe http://127.0.0.1:PORT N
using System;
using System.Diagnostics;
using System.Globalization;
using Threecx;

static class WrapCs
{
    static int Main(string[] args)
    {
        int n;
        if (args.Length != 2 || !int.TryParse(args[1], out n) || n <= 0)
        {
            Console.Error.WriteLine("usage: wrap_cs.exe http://127.0.0.1:PORT N");
            return 2;
        }
        using (var client = new ThreecxClient(args[0], "bench", "bench-key").AllowHttp())
        {
            for (int i = 0; i < 20; ++i) client.Get("/SecurityTokens");
            var self = Process.GetCurrentProcess();
            self.Refresh();
            TimeSpan c0 = self.TotalProcessorTime;
            // Mono's process CPU time moves in 10 ms ticks: rounds of n calls
            // until at least 200 ms of CPU were spent (a short run read 0)
            long done = 0;
            TimeSpan spent;
            do
            {
                for (int i = 0; i < n; ++i) client.Get("/SecurityTokens");
                done += n;
                self.Refresh();
                spent = self.TotalProcessorTime - c0;
            } while (spent.TotalMilliseconds < 200);
            double us = spent.TotalMilliseconds * 1000.0 / done;
            Console.WriteLine(us.ToString("F3", CultureInfo.InvariantCulture));
        }
        return 0;
    }
}
