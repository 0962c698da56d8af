using Manabi.Cli;
using Manabi.Cli.Data;
using Manabi.Numerics.Datasets;
using Manabi.SentenceTransformers.Models.Onnx;
using Manabi.Text;
using Manabi.Torch.Weights;
using Manabi.Vectors;

namespace Manabi.Fuzz;

/// <summary>An exception a parser threw that is not its documented rejection: what AFL records as a crash.</summary>
internal sealed class FuzzFindingException(string message, Exception inner) : Exception(message, inner);

/// <summary>
/// One parser under fuzzing: the file extension its input gets (some parsers choose by extension), the entry point
/// it calls, and the exception types that are its documented way of refusing a bad file.
/// </summary>
internal sealed record Target(string Name, string Extension, string EntryPoint, Type[] Rejections, Action<string> Parse)
{
    /// <summary>
    /// Runs the parser on <paramref name="path"/>. A documented rejection whose message names the file is a pass;
    /// any other exception (or a rejection that does not say which file) is rethrown as a finding.
    /// </summary>
    public string Execute(string path)
    {
        try
        {
            Parse(path);
            return "accepted";
        }
        catch (Exception ex) when (Rejections.Any(type => type.IsInstanceOfType(ex)))
        {
            // The CLI prints the message as is, so a rejection that does not name the file is a bug too.
            if (!ex.Message.Contains(Path.GetFileName(path), StringComparison.Ordinal))
            {
                throw new FuzzFindingException($"{ex.GetType().Name} does not name the file: {ex.Message}", ex);
            }
            return $"rejected ({ex.GetType().Name}): {ex.Message}";
        }
    }
}

internal static class Targets
{
    private static readonly Type[] VectorRejections = [typeof(VectorFormatException)];

    // Whatever Manabi.Cli's CommandActions.GuardAsync maps to exit 2 for these readers; InvalidDataException is the
    // documented rejection of the safetensors, ONNX and IDX readers (an IOException, which the CLI also maps).
    public static readonly Target[] All =
    [
        new("tokenizer-json", ".json", "WordPieceTokenizer.Load(tokenizer.json) + Encode",
            [typeof(TokenizerFormatException)], path => Encode(WordPieceTokenizer.Load(path))),
        new("vocab", ".txt", "WordPieceTokenizer.Load(vocab.txt) + Encode",
            [typeof(TokenizerFormatException)], path => Encode(WordPieceTokenizer.Load(path))),
        new("safetensors", ".safetensors", "SafeTensors.Read (header validation and tensor reads, libtorch)",
            [typeof(InvalidDataException)], ReadSafeTensors),
        new("onnx", ".onnx", "OnnxGraph.Load + OnnxBertImporter.Import",
            [typeof(InvalidDataException)], ReadOnnx),
        new("mvs", ".mvs", "VectorStore.Open + lookups/searches + Verify",
            VectorRejections, ReadStore),
        new("word2vec", ".vec", "VectorStoreConverter.Convert(Format=Word2Vec)",
            VectorRejections, path => Convert(path, VectorFileFormat.Word2Vec)),
        new("word2vec-bin", ".bin", "VectorStoreConverter.Convert(Format=Word2VecBinary)",
            VectorRejections, path => Convert(path, VectorFileFormat.Word2VecBinary)),
        new("glove", ".txt", "VectorStoreConverter.Convert(Format=Glove)",
            VectorRejections, path => Convert(path, VectorFileFormat.Glove)),
        new("fasttext-bin", ".bin", "VectorStoreConverter.Convert(Format=FastTextBinary)",
            VectorRejections, path => Convert(path, VectorFileFormat.FastTextBinary)),
        new("idx", ".idx", "IdxReader.Read",
            [typeof(InvalidDataException)], path => IdxReader.Read(path)),
        new("csv", ".csv", "NumericCsvReader.Read (Manabi.Cli)",
            [typeof(InputException)], ReadCsv),
        // Invalid UTF-8 comes from Manabi.Text's line reader as a TokenizerFormatException (file:line), which the CLI
        // maps to exit 2 like an InputException.
        new("jsonl", ".jsonl", "TextRecordReader.ReadChunks (Manabi.Cli)",
            [typeof(InputException), typeof(TokenizerFormatException)], ReadJsonLines),
    ];

    public static Target Find(string name) =>
        All.FirstOrDefault(t => t.Name == name)
        ?? throw new ArgumentException($"unknown target '{name}'; known: {string.Join(", ", All.Select(t => t.Name))}");

    private static void Encode(WordPieceTokenizer tokenizer)
    {
        // A loaded tokenizer is used at once by every command, so a tokenizer that loads but cannot encode is a finding.
        tokenizer.Encode("Hello, world! Ünïcödé 日本語 straße [MASK] x");
    }

    private static void ReadSafeTensors(string path)
    {
        foreach (var tensor in SafeTensors.Read(path).Values)
        {
            tensor.Dispose();
        }
    }

    private static void ReadOnnx(string path)
    {
        var graph = OnnxGraph.Load(path);
        OnnxBertImporter.Import(graph, path);
    }

    private static void ReadStore(string path)
    {
        using (var store = VectorStore.Open(path))
        {
            // What `vectors similar/query/info` do after opening: the lazily checked tables are read here.
            int rows = Math.Min(store.Count, 3);
            for (int row = 0; row < rows; row++)
            {
                string key = store.GetKey(row);
                store.Lookup(key);
                store.MostSimilar(key, top: 2);
                if (store.HasApproximateIndex)
                {
                    store.MostSimilar(key, top: 2, approximate: true);
                }
            }
            store.Lookup("zzqxv");
            store.OutOfVocabularyMatches("kingg");
            store.Verify();
        }
        using var verified = VectorStore.Open(path, new VectorStoreOptions { VerifyChecksums = true });
    }

    private static void Convert(string path, VectorFileFormat format)
    {
        string output = path + ".out.mvs";
        try
        {
            VectorStoreConverter.Convert(path, output, new VectorConvertOptions { Format = format, BuildApproximateIndex = true, HnswEfConstruction = 8 });
        }
        finally
        {
            File.Delete(output);
        }
    }

    private static void ReadCsv(string path)
    {
        // Both option sets run on every input, so a file the strict read refuses still reaches the lenient one.
        InputException? strict = null;
        try
        {
            NumericCsvReader.Read(path);
        }
        catch (InputException ex)
        {
            strict = ex;
        }
        NumericCsvReader.Read(path, hasHeader: true, allowRaggedRows: true, requireNonNegative: true);
        if (strict is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(strict);
        }
    }

    private static void ReadJsonLines(string path)
    {
        foreach (var chunk in TextRecordReader.ReadChunks(path, 4))
        {
            _ = chunk.Count;
        }
    }
}

/// <summary>The per-process temporary file each input is written to (some parsers only take paths).</summary>
internal sealed class InputFile : IDisposable
{
    private readonly string _folder = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"manabi-fuzz-{Environment.ProcessId}-{Guid.NewGuid():N}");

    public InputFile(string extension)
    {
        Directory.CreateDirectory(_folder);
        Path = System.IO.Path.Combine(_folder, "input" + extension);
    }

    public string Path { get; }

    public string Write(Stream stream)
    {
        using (var file = File.Create(Path))
        {
            stream.CopyTo(file);
        }
        return Path;
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
