using Manabi.VectorData;

namespace Manabi.Cli.Tests.FaultInjection;

internal static partial class FaultTable
{
    private static void Services(List<FaultCase> table)
    {
        // Every serve case must fail before it listens: a case that wrongly passed would otherwise serve forever. The
        // model cases bind to a documentation address (TEST-NET-3, never local), so that a model that wrongly loaded
        // ends in "cannot listen there" naming --host, failing the case's check for the model's path instead of hanging.
        const string Unbindable = "203.0.113.1";
        static string[] Serve(FaultScene s, params string[] extra) => ["serve", "--model", TinyModel(s), "--host", Unbindable, "--port", "0", .. extra];
        foreach (var (option, value) in new[]
        {
            ("--port", "70000"), ("--port", "-1"), ("--max-client-batch-size", "0"), ("--max-batch-tokens", "0"), ("--payload-limit", "0"),
            ("--max-concurrent-requests", "4"), ("--api-key", ""), ("--host", ""), ("--auto-truncate", "maybe"),
        })
        {
            table.Add(Option("serve", $"{option} {(value.Length == 0 ? "empty" : value)}", option, s =>
            {
                string[] args = Serve(s);
                int at = Array.IndexOf(args, option);
                if (at >= 0)
                {
                    args[at + 1] = value;
                    return args;
                }
                return [.. args, option, value];
            }));
        }
        table.Add(Option("serve", "an address it cannot bind", "--host", s => Serve(s)));
        AddModelFaults(table, "serve", (_, model) => ["serve", "--model", model, "--host", Unbindable, "--port", "0"]);

        foreach (string command in (string[])["store info", "store delete"])
        {
            string[] words = command.Split(' ');
            table.Add(new(command, "DIR missing", s => Named(s, (_, p) => [.. words, p], s.Missing("store"))));
            table.Add(new(command, "DIR a regular file", s => Named(s, (_, p) => [.. words, p], s.Text("store", "not a store"))));
            table.Add(new(command, "DIR an empty folder", s => Named(s, (_, p) => [.. words, p], s.Folder("store"))));
            table.Add(new(command, "store.db binary garbage", s =>
            {
                string folder = s.Folder("store");
                s.Garbage(Path.Combine("store", "store.db"));
                return new Invocation([.. words, folder], folder);
            }));
        }
        table.Add(Option("store delete", "--collection unknown", "nope", s =>
        {
            string folder = s.Folder("store");
            // A valid, empty store: only the collection is wrong.
            using (new ManabiVectorStore(folder))
            {
            }
            return ["store", "delete", folder, "--collection", "nope"];
        }));
    }
}
