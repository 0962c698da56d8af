using System.Text.Json;

namespace Manabi.Cli.Commands;

/// <summary>Reads the texts to embed: a .txt file (one text per line) or a .jsonl file (objects with a "text" string).</summary>
internal static class SentenceTexts
{
    /// <summary>Reads the texts of <paramref name="path"/>, in order.</summary>
    /// <exception cref="InputException">A missing file, an empty one, or a JSONL line without a "text" string (with its line number).</exception>
    public static List<string> Read(string path)
    {
        if (!File.Exists(path))
        {
            throw new InputException($"{path}: the input file does not exist.");
        }
        var texts = new List<string>();
        if (path.EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase))
        {
            int number = 0;
            foreach (string line in File.ReadLines(path))
            {
                number++;
                if (string.IsNullOrWhiteSpace(line))
                {
                    continue;
                }
                texts.Add(JsonLines.Object(line, path, number).TryGetProperty("text", out var text) && text.ValueKind == JsonValueKind.String
                    ? text.GetString()!
                    : throw new InputException($"{path}:{number}: expected an object with a \"text\" string."));
            }
        }
        else
        {
            texts.AddRange(File.ReadAllLines(path));
        }
        return texts.Count == 0 ? throw new InputException($"{path}: the file holds no texts.") : texts;
    }
}
