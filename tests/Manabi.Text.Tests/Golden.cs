using System.IO.Compression;
using System.Text.Json;
using Manabi.TestSupport;

namespace Manabi.Text.Tests;

/// <summary>Loads the HF tokenizers goldens and the bert-base-uncased tokenizer once per test run.</summary>
internal static class Golden
{
    private static readonly Lazy<WordPieceVocabulary> LazyVocabulary =
        new(() => WordPieceVocabulary.Load(Fixtures.Path("tokenizer", "bert-uncased-vocab.txt")));

    private static readonly Lazy<JsonDocument> LazyDocument =
        new(() => JsonDocument.Parse(File.ReadAllBytes(Fixtures.Path("tokenizer", "wordpiece-golden.json"))));

    public static WordPieceVocabulary Vocabulary => LazyVocabulary.Value;

    public static WordPieceTokenizer Uncased { get; } = WordPieceTokenizer.CreateBert(Vocabulary);

    public static WordPieceTokenizer Cased { get; } = WordPieceTokenizer.CreateBert(Vocabulary, lowercase: false);

    public static JsonElement Root => LazyDocument.Value.RootElement;

    public static IEnumerable<JsonElement> StressLines()
    {
        using var stream = new GZipStream(File.OpenRead(Fixtures.Path("tokenizer", "wordpiece-stress.jsonl.gz")), CompressionMode.Decompress);
        using var reader = new StreamReader(stream);
        while (reader.ReadLine() is { } line)
        {
            yield return JsonDocument.Parse(line).RootElement;
        }
    }

    public static int[] Ints(JsonElement array) => [.. array.EnumerateArray().Select(e => e.GetInt32())];

    public static string[] Strings(JsonElement array) => [.. array.EnumerateArray().Select(e => e.GetString()!)];

    public static (int, int)[] Pairs(JsonElement array) =>
        [.. array.EnumerateArray().Select(e => (e[0].GetInt32(), e[1].GetInt32()))];

    public static string Show<T>(IEnumerable<T> values) => "[" + string.Join(", ", values) + "]";
}
