// Typed-model test of the C# binding over EVERY operation of the catalog:
//   mono TestModels.exe DIR
// DIR holds the simulator's answer to each operation (one file per
// operationId: "<status>\n" then the body), written by
// tests/sim_spec/sim_spec_test with THREECX_SIM_SPEC_DUMP=DIR: that test sends
// all 601 operations over HTTP to threecx-sim with valid arguments and checks
// each answer against the spec's schema. Here each answer is decoded by
// TypedOperations.Decode, the decoder the typed method of that operation
// uses; checks per operation:
//   - it decodes (no ThreecxJsonException) into the method's result type;
//   - a model keeps no undeclared property (AdditionalProperties holds only
//     OData annotations "@odata.*"), in entities and in every collection item;
//   - a model written back (ToJson) decodes again to the same JSON;
//   - a typed method exists for the operation, with its ...Async twin.
// Prints the counts and "N passed, M failed".
using System;
using System.Collections;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Text;
using Threecx;
using Threecx.Models;

static class TestModels
{
    static int passed, failed;

    static void Check(bool cond, string what, object extra = null)
    {
        if (cond) { passed++; return; }
        failed++;
        Console.Error.WriteLine("FAIL: " + what + (extra != null ? " -- " + extra : ""));
    }

    // Undeclared members of a model and of the models under it.
    static string Undeclared(object o, string path, int depth = 0)
    {
        if (o == null || depth > 16) return null;
        var m = o as Model;
        if (m != null)
        {
            foreach (var k in m.AdditionalProperties.Keys)
                if (!k.StartsWith("@odata.", StringComparison.Ordinal) && !k.Contains("@odata."))
                    return path + "." + k;
            foreach (var p in m.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance))
            {
                if (p.Name == "AdditionalProperties" || p.GetIndexParameters().Length > 0) continue;
                var r = Undeclared(p.GetValue(m), path + "." + p.Name, depth + 1);
                if (r != null) return r;
            }
            return null;
        }
        if (o is string) return null;
        var list = o as IList;
        if (list != null)
        {
            for (int i = 0; i < list.Count; i++)
            {
                var r = Undeclared(list[i], path + "[" + i + "]", depth + 1);
                if (r != null) return r;
            }
            return null;
        }
        var t = o.GetType();
        if (t.IsGenericType && t.GetGenericTypeDefinition() == typeof(ODataCollection<>))
            return Undeclared(t.GetProperty("Value").GetValue(o), path + ".value", depth + 1);
        return null;
    }

    static int Main(string[] args)
    {
        if (args.Length != 1)
        {
            Console.Error.WriteLine("usage: TestModels.exe ANSWERS_DIR");
            return 2;
        }
        var dir = args[0];
        int ops = Catalog.Count, decoded = 0, models = 0, collections = 0, values = 0, files = 0, empty = 0,
            items = 0, roundTrips = 0;
        Check(ops == 601, "601 operations in the catalog", ops);
        Check(TypedOperations.OperationMethods == ops, "one typed method per operation", TypedOperations.OperationMethods);
        var methods = typeof(TypedOperations).GetMethods(BindingFlags.Public | BindingFlags.Instance)
            .Select(m => m.Name).ToLookup(n => n);
        for (int i = 0; i < ops; i++)
        {
            var op = Catalog.At(i);
            string id = op.Id;
            Check(methods.Contains(id) && methods.Contains(id + "Async"), id + ": typed method and its Async twin");
            string file = Path.Combine(dir, id);
            if (!File.Exists(file))
            {
                Check(false, id + ": no answer recorded in " + dir);
                continue;
            }
            byte[] all = File.ReadAllBytes(file);
            int nl = Array.IndexOf(all, (byte)'\n');
            int status = int.Parse(Encoding.ASCII.GetString(all, 0, nl));
            byte[] body = new byte[all.Length - nl - 1];
            Array.Copy(all, nl + 1, body, 0, body.Length);
            object r;
            try
            {
                r = TypedOperations.Decode(id, status, body);
            }
            catch (Exception e)
            {
                Check(false, id + ": decode", e.Message + " in " + Encoding.UTF8.GetString(body, 0, Math.Min(body.Length, 300)));
                continue;
            }
            decoded++;
            var ret = typeof(TypedOperations).GetMethods().First(m => m.Name == id).ReturnType;
            if (op.ResponseKind == 0)
            {
                Check(r == null && ret == typeof(void) && status == 204, id + ": no content, void", status);
                empty++;
                continue;
            }
            if (op.ResponseKind == 4)
            {
                Check(r is byte[] && ((byte[])r).Length == body.Length && ret == typeof(byte[]), id + ": a file as byte[]");
                files++;
                continue;
            }
            Check(r != null && ret.IsInstanceOfType(r), id + ": result of the method's type " + ret.Name, r?.GetType().Name);
            string extra = Undeclared(r, id);
            Check(extra == null, id + ": no undeclared property", extra);
            if (op.ResponseKind == 1)
            {
                collections++;
                var list = (IList)r.GetType().GetProperty("Value").GetValue(r);
                items += list.Count;
            }
            else if (r is Model)
            {
                models++;
                var m = (Model)r;
                string once = m.ToJson();
                var again = (Model)r.GetType().GetMethod("FromJson", new[] { typeof(string) }).Invoke(null, new object[] { once });
                bool same = again.ToJson() == once;
                Check(same, id + ": ToJson round trip", once.Length > 300 ? once.Substring(0, 300) : once);
                if (same) roundTrips++;
            }
            else values++;
        }
        Console.WriteLine("decoded {0} of {1} operations' answers into their typed results: {2} entities ({3} written back " +
                          "and decoded again), {4} collection pages ({5} items), {6} values, {7} files, {8} empty",
                          decoded, ops, models, roundTrips, collections, items, values, files, empty);
        Check(decoded == ops, "every operation decoded", decoded);

        // the serializer on its own: awkward values
        var tree = Json.Parse("{\"a\":[1,-2.5e3,\"x\\u00e9\\n\\\"\"],\"b\":{\"c\":null,\"d\":true}}");
        var w = new JsonWriter();
        JsonWriter.Raw(w, tree);
        Check(w.ToString() == "{\"a\":[1,-2.5e3,\"x\u00e9\\n\\\"\"],\"b\":{\"c\":null,\"d\":true}}", "raw JSON round trip", w);
        Check(Json.ToDuration("P1DT2H3M4.5S") == new TimeSpan(1, 2, 3, 4, 500), "duration P1DT2H3M4.5S");
        Check(Json.ToDuration("-PT0.25S") == TimeSpan.FromMilliseconds(-250), "negative duration");
        Check(Json.ToDouble("INF") == double.PositiveInfinity && double.IsNaN(Json.ToDouble("NaN").Value), "IEEE754 strings");
        Check(Json.ToDateTime("2024-05-01T10:20:30+02:00").Value.Offset == TimeSpan.FromHours(2), "date-time offset kept");
        foreach (var bad in new[] { "{", "[1,]", "{\"a\" 1}", "tru", "\"abc", "1 2" })
        {
            bool threw = false;
            try { Json.Parse(bad); } catch (ThreecxJsonException) { threw = true; }
            Check(threw, "invalid JSON refused: " + bad);
        }
        bool wrong = false;
        try { Models_User_From("{\"Id\":\"not a number\"}"); } catch (ThreecxJsonException e) { wrong = e.Message.Contains("User.Id"); }
        Check(wrong, "a property of the wrong type names Class.Property");
        Console.WriteLine("{0} passed, {1} failed", passed, failed);
        return failed == 0 ? 0 : 1;
    }

    static User Models_User_From(string json) => User.FromJson(json);
}
