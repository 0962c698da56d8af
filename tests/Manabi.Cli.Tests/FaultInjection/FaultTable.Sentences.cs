using System.Text.Json.Nodes;

namespace Manabi.Cli.Tests.FaultInjection;

internal static partial class FaultTable
{
    private static string TinyModel(FaultScene s) => s.Fixture("sbert", "tiny-sbert");

    private static void Sentences(List<FaultCase> table)
    {
        static string[] Embed(FaultScene s, string input, params string[] extra) =>
            ["embed", "--model", TinyModel(s), "--input", input, "--output", s.PathOf("e.jsonl"), .. extra];
        AddFileFaults(table, "embed", "--input", "texts.txt", FileFaults.NotEmpty, (s, p) => Embed(s, p));
        AddTextFaults(table, "embed", "--input", "texts", (s, p) => Embed(s, p), "text");
        table.Add(Option("embed", "--batch-size 0", "--batch-size", s => Embed(s, s.Text("t.txt", "a\n"), "--batch-size", "0")));
        table.Add(Option("embed", "--pooling unknown", "--pooling", s => Embed(s, s.Text("t.txt", "a\n"), "--pooling", "median")));
        table.Add(Option("embed", "--output under a regular file", "--output", s =>
            ["embed", "--model", TinyModel(s), "--input", s.Text("t.txt", "a\n"), "--output", Path.Combine(s.Text("blocker", "x"), "e.jsonl")]));
        AddModelFaults(table, "embed", (s, model) => ["embed", "--model", model, "--input", s.Text("t.txt", "a cat\n"), "--output", s.PathOf("e.jsonl")]);

        AddModelFaults(table, "similarity", (_, model) => ["similarity", "a cat", "a dog", "--model", model]);
        table.Add(Option("similarity", "an unknown option", "--top", s => ["similarity", "a", "b", "--model", TinyModel(s), "--top", "3"]));

        static string[] Search(FaultScene s, string corpus, params string[] extra) =>
            ["search", "--corpus", corpus, "--query", "cat", "--index", s.PathOf("index"), "--model", TinyModel(s), .. extra];
        AddFileFaults(table, "search", "--corpus", "corpus.txt", FileFaults.All, (s, p) => Search(s, p));
        table.Add(Content("search", "--corpus invalid UTF-8", "corpus.txt", (s, n) => s.InvalidUtf8(n, ["a cat", "a dog", "stocks"], 2), 2, (s, p) => Search(s, p)));
        table.Add(Huge("search", "--corpus", "corpus.txt", (s, p) => Search(s, p)));
        table.Add(Option("search", "--top 0", "--top", s => Search(s, s.Text("c.txt", "a cat\n"), "--top", "0")));
        table.Add(Option("search", "--top negative", "--top", s => Search(s, s.Text("c.txt", "a cat\n"), "--top", "-1")));
        table.Add(Option("search", "--index a regular file", "--index", s =>
            ["search", "--corpus", s.Text("c.txt", "a cat\n"), "--query", "cat", "--index", s.Text("index", "x"), "--model", TinyModel(s)]));
        AddModelFaults(table, "search", (s, model) => ["search", "--corpus", s.Text("c.txt", "a cat\n"), "--query", "cat", "--index", s.PathOf("index"), "--model", model]);

        const string Sbert = "sbert train";
        const string Pair = """{"anchor": "a cat", "positive": "a kitten", "score": 0.9}""";
        static string[] Train(FaultScene s, string train, params string[] extra) =>
            ["sbert", "train", "--model", TinyModel(s), "--train", train, "--loss", "cosine", "--epochs", "1", "--batch-size", "2", "--output", s.PathOf("trained"), .. extra];
        AddFileFaults(table, Sbert, "--train", "train.jsonl", FileFaults.All, (s, p) => Train(s, p));
        AddTextFaults(table, Sbert, "--train", "train", (s, p) => Train(s, p), "anchor");
        table.Add(Content(Sbert, "--train a score of the wrong JSON type", "train.jsonl",
            (s, n) => s.Text(n, Pair + "\n" + """{"anchor": "a", "positive": "b", "score": "high"}""" + "\n"), 2, (s, p) => Train(s, p)));
        table.Add(Content(Sbert, "--train an infinite score", "train.jsonl",
            (s, n) => s.Text(n, Pair + "\n" + """{"anchor": "a", "positive": "b", "score": 1e999}""" + "\n"), 2, (s, p) => Train(s, p)));
        table.Add(Content(Sbert, "--train a missing column", "train.jsonl",
            (s, n) => s.Text(n, Pair + "\n" + """{"anchor": "a", "score": 0.5}""" + "\n"), 2, (s, p) => Train(s, p)));
        table.Add(Content(Sbert, "--dev a score of the wrong JSON type", "dev.jsonl",
            (s, n) => s.Text(n, """{"anchor": "a", "positive": "b", "score": [1]}""" + "\n"), 1,
            (s, p) => Train(s, s.Text("train.jsonl", Pair + "\n" + Pair + "\n"), "--dev", p)));
        table.Add(Content(Sbert, "--dev missing", "dev.jsonl", (s, n) => s.Missing(n), 0,
            (s, p) => Train(s, s.Text("train.jsonl", Pair + "\n" + Pair + "\n"), "--dev", p)));
        foreach (var (option, value) in new[] { ("--lr", "NaN"), ("--lr", "-1"), ("--epochs", "0"), ("--batch-size", "0"), ("--loss", "hinge") })
        {
            table.Add(Option(Sbert, $"{option} {value}", option, s =>
            {
                string[] args = Train(s, s.Text("train.jsonl", Pair + "\n" + Pair + "\n"));
                int at = Array.IndexOf(args, option);
                if (at >= 0)
                {
                    args[at + 1] = value;
                    return args;
                }
                return [.. args, option, value];
            }));
        }
        table.Add(Option(Sbert, "--output under a regular file", "--output", s =>
            ["sbert", "train", "--model", TinyModel(s), "--train", s.Text("train.jsonl", Pair + "\n"), "--loss", "cosine", "--output", Path.Combine(s.Text("blocker", "x"), "out")]));
        AddModelFaults(table, Sbert, (s, model) =>
            ["sbert", "train", "--model", model, "--train", s.Text("train.jsonl", Pair + "\n" + Pair + "\n"), "--loss", "cosine", "--output", s.PathOf("trained")]);
    }

    /// <summary>The content faults of a text or JSONL input: invalid UTF-8, a wrong JSON type, a lone surrogate, a huge line.</summary>
    private static void AddTextFaults(List<FaultCase> table, string command, string option, string stem, Func<FaultScene, string, string[]> args, string field)
    {
        string good = $"{{\"{field}\": \"a cat\", \"positive\": \"a kitten\", \"score\": 0.5}}";
        table.Add(Content(command, $"{option} invalid UTF-8", stem + ".jsonl", (s, n) => s.InvalidUtf8(n, [good, good, good], 2), 2, args));
        table.Add(Content(command, $"{option} {field} of the wrong JSON type", stem + ".jsonl",
            (s, n) => s.Text(n, good + "\n" + good.Replace("\"a cat\"", "42", StringComparison.Ordinal) + "\n"), 2, args));
        table.Add(Content(command, $"{option} a lone surrogate", stem + ".jsonl",
            (s, n) => s.Text(n, good.Replace("a cat", "a \\ud800 cat", StringComparison.Ordinal) + "\n"), 1, args));
        table.Add(Content(command, $"{option} a truncated JSON line", stem + ".jsonl", (s, n) => s.Text(n, good + "\n" + good[..10] + "\n"), 2, args));
        table.Add(Content(command, $"{option} a JSON array line", stem + ".jsonl", (s, n) => s.Text(n, good + "\n[1, 2]\n"), 2, args));
        table.Add(Huge(command, option, stem + ".jsonl", args, $"{{\"{field}\": \""));
    }

    /// <summary>A sentence model folder that is missing, a file, empty, or a copy of the tiny model with one file damaged.</summary>
    private static void AddModelFaults(List<FaultCase> table, string command, Func<FaultScene, string, string[]> args)
    {
        table.Add(new(command, "--model missing", s => Named(s, args, s.Missing("model"))));
        table.Add(new(command, "--model a regular file", s => Named(s, args, s.Text("model", "not a folder"))));
        table.Add(new(command, "--model an empty folder", s => Named(s, args, s.Folder("model"))));
        var damages = new (string Fault, string File, Func<byte[], byte[]> Damage)[]
        {
            ("weights truncated", "model.safetensors", w => w[..(w.Length / 2)]),
            ("weights header length lies", "model.safetensors", w => { byte[] c = (byte[])w.Clone(); System.Buffers.Binary.BinaryPrimitives.WriteInt64LittleEndian(c, w.Length * 2L); return c; }),
            ("weights a NaN", "model.safetensors", WithNaNWeight),
            ("config.json of wrong JSON types", "config.json", c => System.Text.Encoding.UTF8.GetBytes(WrongTypes(System.Text.Encoding.UTF8.GetString(c)))),
            ("config.json binary garbage", "config.json", _ => { var b = new byte[256]; new Random(4).NextBytes(b); return b; }),
            ("tokenizer.json truncated", "tokenizer.json", t => t[..(t.Length / 3)]),
            ("modules.json a JSON object", "modules.json", _ => "{\"idx\": 0}"u8.ToArray()),
            ("pooling config of wrong JSON types", Path.Combine("1_Pooling", "config.json"), c => System.Text.Encoding.UTF8.GetBytes(WrongTypes(System.Text.Encoding.UTF8.GetString(c)))),
        };
        foreach (var (fault, file, damage) in damages)
        {
            table.Add(new(command, $"--model {fault}", s =>
            {
                string model = s.CopyOfFixture("model", "sbert", "tiny-sbert");
                string path = Path.Combine(model, file);
                File.WriteAllBytes(path, damage(File.ReadAllBytes(path)));
                return new Invocation(args(s, model), path);
            }));
        }
    }

    private static void Tools(List<FaultCase> table)
    {
        table.Add(Option("tour", "--out under a regular file", "--out", s => ["tour", "--quick", "--out", Path.Combine(s.Text("blocker", "x"), "tour")]));
        table.Add(Option("tour", "an unknown option", "--fast", _ => ["tour", "--fast"]));
        table.Add(Option("doctor", "an unknown option", "--fix", _ => ["doctor", "--fix"]));
        table.Add(Option("doctor", "an unexpected argument", "now", _ => ["doctor", "now"]));
    }
}
