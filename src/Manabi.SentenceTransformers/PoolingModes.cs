namespace Manabi.SentenceTransformers;

/// <summary>Converts <see cref="PoolingMode"/> to and from sentence-transformers' names (<c>mean</c>, <c>cls+mean</c>, …).</summary>
public static class PoolingModes
{
    /// <summary>The single modes in sentence-transformers' concatenation order, with their names.</summary>
    public static IReadOnlyList<(PoolingMode Mode, string Name)> Ordered { get; } =
    [
        (PoolingMode.Cls, "cls"),
        (PoolingMode.Max, "max"),
        (PoolingMode.Mean, "mean"),
        (PoolingMode.MeanSqrtLenTokens, "mean_sqrt_len_tokens"),
        (PoolingMode.WeightedMean, "weightedmean"),
        (PoolingMode.LastToken, "lasttoken"),
    ];

    /// <summary>Parses <c>mean</c>, <c>cls+max</c> or <c>cls,mean</c> (case-insensitive).</summary>
    /// <exception cref="FormatException">An unknown name; the message lists the valid ones.</exception>
    public static PoolingMode Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var mode = PoolingMode.None;
        foreach (string part in text.Split(['+', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var match = Ordered.FirstOrDefault(m => string.Equals(m.Name, part, StringComparison.OrdinalIgnoreCase)
                || string.Equals(m.Mode.ToString(), part, StringComparison.OrdinalIgnoreCase));
            if (match.Mode == PoolingMode.None)
            {
                throw new FormatException(
                    $"unknown pooling mode '{part}'; valid modes are {string.Join(", ", Ordered.Select(m => m.Name))} (combine with '+')");
            }
            mode |= match.Mode;
        }
        return mode == PoolingMode.None ? throw new FormatException("no pooling mode given") : mode;
    }

    /// <summary>The sentence-transformers name, e.g. <c>cls+mean</c>.</summary>
    public static string Format(PoolingMode mode) =>
        string.Join('+', Ordered.Where(m => mode.HasFlag(m.Mode)).Select(m => m.Name));

    /// <summary>The number of concatenated single modes.</summary>
    public static int Count(PoolingMode mode) => Ordered.Count(m => mode.HasFlag(m.Mode));
}
