using Manabi.Cli.Data;

namespace Manabi.Cli.Commands;

/// <summary>Reads the texts to embed: a .txt file (one text per line) or a .jsonl file (objects with a "text" string).</summary>
internal static class SentenceTexts
{
    /// <summary>Reads the texts of <paramref name="path"/>, in order.</summary>
    /// <exception cref="InputException">A missing file, an empty one, invalid UTF-8, or a JSONL line that is not an object with one valid "text" string (with its line number).</exception>
    public static List<string> Read(string path)
    {
        if (!File.Exists(path))
        {
            throw new InputException($"{path}: the input file does not exist.");
        }
        var texts = new List<string>();
        bool json = path.EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase);
        // The strict reader and JsonRecord, as tokenize uses: invalid UTF-8 used to become U+FFFD here silently.
        foreach (var (line, number) in TextLines.Read(path))
        {
            if (!json)
            {
                texts.Add(line);
            }
            else if (!string.IsNullOrWhiteSpace(line))
            {
                texts.Add(JsonRecord.RequiredString(JsonRecord.Object(line, path, number), "text", path, number));
            }
        }
        return texts.Count == 0 ? throw new InputException($"{path}: the file holds no texts.") : texts;
    }
}
