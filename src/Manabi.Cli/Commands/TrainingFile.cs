using System.Text.Json;
using Manabi.Cli.Data;
using Manabi.SentenceTransformers.Training;

namespace Manabi.Cli.Commands;

/// <summary>Reads <c>sbert train</c>'s JSONL files: columns anchor, positive, negative, score, label as the loss needs.</summary>
internal static class TrainingFile
{
    /// <summary>What each loss reads from a row.</summary>
    public static (string[] Texts, string? Label, bool Integer) Columns(string loss) => loss switch
    {
        "mnrl" => (["anchor", "positive"], null, false),
        "cosine" or "cosent" => (["anchor", "positive"], "score", false),
        "contrastive" or "online-contrastive" or "softmax" => (["anchor", "positive"], "label", true),
        "triplet" => (["anchor", "positive", "negative"], null, false),
        _ => throw new InputException($"--loss {loss}: unknown loss; use mnrl, cosine, contrastive, online-contrastive, triplet, softmax or cosent."),
    };

    /// <summary>Reads training rows for <paramref name="loss"/>; MNRL also takes an optional "negative" (on every row or none).</summary>
    /// <exception cref="InputException">Missing file or column, wrong value type, empty file — with file and line.</exception>
    public static List<TrainingExample> Read(string path, string loss)
    {
        var (texts, label, integer) = Columns(loss);
        var rows = new List<TrainingExample>();
        bool? withNegative = null;
        foreach (var (row, number) in Objects(path))
        {
            var values = texts.Select(column => Text(row, column, path, number)).ToList();
            if (loss == "mnrl")
            {
                bool has = row.TryGetProperty("negative", out _);
                withNegative ??= has;
                if (has != withNegative)
                {
                    throw new InputException($"{path}:{number}: \"negative\" must be on every row or on none (MultipleNegativesRankingLoss).");
                }
                if (has)
                {
                    values.Add(Text(row, "negative", path, number));
                }
            }
            float? value = label is null ? null : Number(row, label, integer, path, number);
            if (loss is "contrastive" or "online-contrastive" && value is not (0 or 1))
            {
                throw new InputException($"{path}:{number}: \"label\" must be 0 or 1 for the {loss} loss, found {value}.");
            }
            rows.Add(new TrainingExample(values, value));
        }
        return rows;
    }

    /// <summary>Reads a dev file of anchor/positive/score rows.</summary>
    public static List<SimilarityExample> ReadDev(string path) =>
        Objects(path).Select(r => new SimilarityExample(Text(r.Row, "anchor", path, r.Number), Text(r.Row, "positive", path, r.Number),
            Number(r.Row, "score", false, path, r.Number))).ToList();

    private static List<(JsonElement Row, int Number)> Objects(string path)
    {
        if (!File.Exists(path))
        {
            throw new InputException($"{path}: the file does not exist.");
        }
        var rows = new List<(JsonElement, int)>();
        // The strict reader and JsonRecord, as tokenize uses: invalid UTF-8 used to become U+FFFD here silently.
        foreach (var (line, number) in TextLines.Read(path))
        {
            if (!string.IsNullOrWhiteSpace(line))
            {
                rows.Add((JsonRecord.Object(line, path, number), number));
            }
        }
        return rows.Count == 0 ? throw new InputException($"{path}: the file holds no rows.") : rows;
    }

    private static string Text(JsonElement row, string column, string path, int number) =>
        JsonRecord.OptionalString(row, column, path, number) ?? throw new InputException($"{path}:{number}: missing column \"{column}\".");

    private static float Number(JsonElement row, string column, bool integer, string path, int number)
    {
        if (!row.TryGetProperty(column, out var value))
        {
            throw new InputException($"{path}:{number}: missing column \"{column}\".");
        }
        if (value.ValueKind != JsonValueKind.Number || (integer && !value.TryGetInt32(out _)))
        {
            throw new InputException($"{path}:{number}: \"{column}\" must be {(integer ? "an integer" : "a number")}, found {value.GetRawText()}.");
        }
        if (integer)
        {
            return value.GetInt32();
        }
        // 1e999 parses as infinity (and 1e39 overflows float): a score the loss would turn into a diverged training.
        float parsed = (float)value.GetDouble();
        return float.IsFinite(parsed) ? parsed : throw new InputException($"{path}:{number}: \"{column}\" must be a finite number, found {value.GetRawText()}.");
    }
}
