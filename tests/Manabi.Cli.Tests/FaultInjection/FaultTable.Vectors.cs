using System.Text;

namespace Manabi.Cli.Tests.FaultInjection;

internal static partial class FaultTable
{
    private const string SmallVectors = "4 3\nthe 0.1 0.2 0.3\nof 0.4 0.5 0.6\nand 0.7 0.8 0.9\ncat -0.1 0.2 -0.3\n";

    /// <summary>A valid store converted from <see cref="SmallVectors"/> in the scene, returned as bytes (to be damaged) and removed.</summary>
    private static byte[] StoreBytes(FaultScene scene)
    {
        string source = scene.Text("source.txt", SmallVectors), store = scene.PathOf("valid.mvs");
        var result = CliRunner.Run("vectors", "convert", "--input", source, "--output", store);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"could not convert the store the fault cases damage: {result}");
        }
        byte[] bytes = File.ReadAllBytes(store);
        File.Delete(store);
        File.Delete(source);
        return bytes;
    }

    private static void Vectors(List<FaultCase> table)
    {
        const string Convert = "vectors convert";
        static string[] ConvertArgs(FaultScene s, string input, params string[] extra) =>
            ["vectors", "convert", "--input", input, "--output", s.PathOf("v.mvs"), .. extra];
        AddFileFaults(table, Convert, "--input", "v.txt", FileFaults.All, (s, p) => ConvertArgs(s, p));
        table.Add(Content(Convert, "--input invalid UTF-8", "v.txt", (s, n) => s.InvalidUtf8(n, ["2 3", "a 1 2 3", "b 4 5 6"], 3), 3, (s, p) => ConvertArgs(s, p)));
        table.Add(Content(Convert, "--input ragged dimensions", "v.txt", (s, n) => s.Text(n, "2 3\na 1 2 3\nb 4 5\n"), 3, (s, p) => ConvertArgs(s, p)));
        table.Add(Content(Convert, "--input not a number", "v.txt", (s, n) => s.Text(n, "2 3\na 1 x 3\nb 4 5 6\n"), 2, (s, p) => ConvertArgs(s, p)));
        table.Add(Content(Convert, "--input NaN", "v.txt", (s, n) => s.Text(n, "2 3\na 1 2 3\nb NaN 5 6\n"), 3, (s, p) => ConvertArgs(s, p)));
        table.Add(Content(Convert, "--input infinite", "v.txt", (s, n) => s.Text(n, "2 3\na 1 2 Infinity\nb 4 5 6\n"), 2, (s, p) => ConvertArgs(s, p)));
        table.Add(Content(Convert, "--input header count lies", "v.txt", (s, n) => s.Text(n, "5 3\na 1 2 3\nb 4 5 6\n"), 0, (s, p) => ConvertArgs(s, p)));
        table.Add(Content(Convert, "--input header dimensions lie", "v.txt", (s, n) => s.Text(n, "2 4\na 1 2 3\nb 4 5 6\n"), 2, (s, p) => ConvertArgs(s, p)));
        table.Add(Content(Convert, "--input garbage named .vec.gz", "v.vec.gz", (s, n) => s.Garbage(n), 0, (s, p) => ConvertArgs(s, p)));
        table.Add(Content(Convert, "--input truncated word2vec binary", "v.bin", (s, n) => s.Bytes(n, TruncatedWord2VecBinary()), 0,
            (s, p) => ConvertArgs(s, p, "--format", "word2vec-binary")));
        table.Add(Content(Convert, "--input word2vec binary header lies", "v.bin",
            (s, n) => s.Bytes(n, [.. Encoding.ASCII.GetBytes("1000000000 300\n"), .. TruncatedWord2VecBinary()[7..]]), 0,
            (s, p) => ConvertArgs(s, p, "--format", "word2vec-binary")));
        table.Add(Content(Convert, "--input a text file as word2vec binary", "v.txt", (s, n) => s.Text(n, SmallVectors), 0,
            (s, p) => ConvertArgs(s, p, "--format", "word2vec-binary")));
        table.Add(Content(Convert, "--input truncated fastText model", "m.bin", (s, n) => s.Bytes(n, TruncatedFastTextModel(s)), 0,
            (s, p) => ConvertArgs(s, p, "--format", "fasttext-bin")));
        table.Add(Content(Convert, "--input garbage as fastText model", "m.bin", (s, n) => s.Garbage(n), 0,
            (s, p) => ConvertArgs(s, p, "--format", "fasttext-bin")));
        table.Add(Huge(Convert, "--input", "v.txt", (s, p) => ConvertArgs(s, p)));
        table.Add(Option(Convert, "--format unknown", "--format", s => ConvertArgs(s, s.Text("v.txt", SmallVectors), "--format", "word3vec")));
        table.Add(Option(Convert, "--dtype unknown", "--dtype", s => ConvertArgs(s, s.Text("v.txt", SmallVectors), "--dtype", "f64")));

        foreach (string command in (string[])["vectors query", "vectors similar", "vectors info"])
        {
            string[] StoreArgs(FaultScene s, string store) => command switch
            {
                "vectors query" => ["vectors", "query", "--store", store, "--input", s.Text("keys.txt", "the\ncat\n"), "--output", s.PathOf("q.jsonl")],
                "vectors similar" => ["vectors", "similar", "--store", store, "--key", "the"],
                _ => ["vectors", "info", "--store", store, "--verify"],
            };
            AddFileFaults(table, command, "--store", "v.mvs", FileFaults.All, StoreArgs);
            table.Add(Content(command, "--store truncated", "v.mvs", (s, n) => { byte[] b = StoreBytes(s); return s.Bytes(n, b[..(b.Length / 2)]); }, 0, StoreArgs));
            table.Add(Content(command, "--store header count lies", "v.mvs", (s, n) => s.Bytes(n, Flipped(StoreBytes(s), 24)), 0, StoreArgs));
            table.Add(Content(command, "--store a body byte flipped", "v.mvs", (s, n) => { byte[] b = StoreBytes(s); return s.Bytes(n, Flipped(b, b.Length - 40)); }, 0, StoreArgs));
            table.Add(Content(command, "--store garbage after a valid header", "v.mvs",
                (s, n) => { byte[] b = StoreBytes(s); new Random(9).NextBytes(b.AsSpan(512)); return s.Bytes(n, b); }, 0, StoreArgs));
        }
        static string[] Query(FaultScene s, string keys) =>
            ["vectors", "query", "--store", s.Bytes("v.mvs", StoreBytes(s)), "--input", keys, "--output", s.PathOf("q.jsonl")];
        AddFileFaults(table, "vectors query", "--input", "keys.txt", FileFaults.NotEmpty, Query);
        table.Add(Content("vectors query", "--input invalid UTF-8", "keys.txt", (s, n) => s.InvalidUtf8(n, ["the", "cat"], 2), 2, Query));
        table.Add(Huge("vectors query", "--input", "keys.txt", Query));
        table.Add(Option("vectors similar", "--top 0", "--top", s => ["vectors", "similar", "--store", s.Bytes("v.mvs", StoreBytes(s)), "--key", "the", "--top", "0"]));
        table.Add(Option("vectors similar", "--top negative", "--top", s => ["vectors", "similar", "--store", s.Bytes("v.mvs", StoreBytes(s)), "--key", "the", "--top", "-3"]));
        table.Add(Option("vectors similar", "--approx without a graph", "--approx", s => ["vectors", "similar", "--store", s.Bytes("v.mvs", StoreBytes(s)), "--key", "the", "--approx"]));
        table.Add(Option("vectors similar", "--key empty", "--key", s => ["vectors", "similar", "--store", s.Bytes("v.mvs", StoreBytes(s)), "--key", ""]));
    }

    private static byte[] Flipped(byte[] bytes, int at)
    {
        bytes[at] ^= 0x5A;
        return bytes;
    }

    /// <summary>A word2vec binary file of two 3-dimensional vectors whose second vector is cut short.</summary>
    private static byte[] TruncatedWord2VecBinary()
    {
        var bytes = new List<byte>(Encoding.ASCII.GetBytes("2 3\na "));
        foreach (float value in (float[])[1f, 2f, 3f])
        {
            bytes.AddRange(BitConverter.GetBytes(value));
        }
        bytes.AddRange(Encoding.ASCII.GetBytes("\nb "));
        bytes.AddRange(BitConverter.GetBytes(4f));
        return [.. bytes];
    }

    /// <summary>The tiny fastText model fixture, decompressed and cut at two thirds.</summary>
    private static byte[] TruncatedFastTextModel(FaultScene scene)
    {
        using var gzip = new System.IO.Compression.GZipStream(File.OpenRead(scene.Fixture("vectors", "fasttext-tiny.bin.gz")), System.IO.Compression.CompressionMode.Decompress);
        using var memory = new MemoryStream();
        gzip.CopyTo(memory);
        return memory.ToArray()[..(int)(memory.Length * 2 / 3)];
    }
}
