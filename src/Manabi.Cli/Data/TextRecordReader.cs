using Manabi.Text;

namespace Manabi.Cli.Data;

/// <summary>
/// Streams the inputs of <c>manabi tokenize</c> in chunks: <c>.jsonl</c> (one <c>{"text": ..., "text_pair": ...}</c>
/// object a line; blank lines skipped) or <c>.txt</c> (every line is one text, blank ones included).
/// </summary>
public static class TextRecordReader
{
    /// <summary>Whether <paramref name="path"/> is read as JSON lines (by its extension).</summary>
    /// <exception cref="InputException">The extension is neither <c>.jsonl</c> nor <c>.txt</c>.</exception>
    public static bool IsJsonLines(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        string extension = Path.GetExtension(path).ToUpperInvariant();
        return extension switch
        {
            ".JSONL" => true,
            ".TXT" => false,
            _ => throw new InputException($"--input: {path}: unknown format '{Path.GetExtension(path)}'; use .jsonl ({{\"text\": ...}} per line) or .txt (one text a line)."),
        };
    }

    /// <summary>Reads <paramref name="path"/> in chunks of at most <paramref name="chunkSize"/> records, in order.</summary>
    /// <exception cref="InputException">A missing file, invalid UTF-8 or a malformed JSON line (the message names file and line).</exception>
    public static IEnumerable<IReadOnlyList<TextRecord>> ReadChunks(string path, int chunkSize)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(chunkSize);
        bool json = IsJsonLines(path);
        if (!File.Exists(path))
        {
            throw new InputException($"--input: {path} does not exist.");
        }
        return Read(path, json, chunkSize);
    }

    private static IEnumerable<IReadOnlyList<TextRecord>> Read(string path, bool json, int chunkSize)
    {
        using var reader = new Utf8LineReader(path);
        var chunk = new List<TextRecord>(chunkSize);
        while (TryNext(reader, json, out TextRecord record, out bool skipped))
        {
            if (skipped)
            {
                continue;
            }
            chunk.Add(record);
            if (chunk.Count == chunkSize)
            {
                yield return chunk;
                chunk = new List<TextRecord>(chunkSize);
            }
        }
        if (chunk.Count > 0)
        {
            yield return chunk;
        }
    }

    private static bool TryNext(Utf8LineReader reader, bool json, out TextRecord record, out bool skipped)
    {
        record = default;
        skipped = false;
        if (!reader.TryReadLine(out var bytes))
        {
            return false;
        }
        string line = reader.Decode(bytes);
        if (!json)
        {
            record = new TextRecord(reader.LineNumber, line, null);
            return true;
        }
        if (string.IsNullOrWhiteSpace(line))
        {
            skipped = true;
            return true;
        }
        record = ParseJson(line, reader.Path, reader.LineNumber);
        return true;
    }

    private static TextRecord ParseJson(string line, string path, int lineNumber)
    {
        // The same record rules as embed, search and sbert train (JsonRecord): no duplicate keys, no lone surrogates.
        var obj = JsonRecord.Object(line, path, lineNumber);
        string text = JsonRecord.RequiredString(obj, "text", path, lineNumber);
        string? pair = JsonRecord.OptionalString(obj, "text_pair", path, lineNumber);
        return new TextRecord(lineNumber, text, pair);
    }
}
