using System.Collections.Concurrent;
using System.Runtime.CompilerServices;

[assembly: InternalsVisibleTo("Manabi.Text.Tests")]

namespace Manabi.Text;

/// <summary>
/// Makes the <see cref="ISplitPattern"/> for an Oniguruma pattern of a tokenizer.json (<c>Split</c>'s
/// <c>{"Regex": ...}</c>, ByteLevel's built-in regex): a hand-written scanner when the pattern is one of the known
/// GPT-2 / cl100k / o200k / Qwen / DeepSeek patterns, otherwise the general translation to .NET regex
/// (<see cref="GeneralRegexPattern"/>). Patterns are immutable and thread-safe, so instances are shared per pattern.
/// </summary>
internal static class SplitPatterns
{
    private static readonly ConcurrentDictionary<string, ISplitPattern> Cache = new(StringComparer.Ordinal);

    /// <summary>The pattern's splitter; throws <see cref="NotSupportedException"/> naming an untranslatable construct,
    /// <see cref="ArgumentException"/> for an invalid pattern.</summary>
    public static ISplitPattern Regex(string pattern)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        return Cache.GetOrAdd(pattern, static p => KnownPatterns.TryCreate(p) ?? new GeneralRegexPattern(p));
    }

    /// <summary>The general path only (tests compare it with the known scanners).</summary>
    internal static ISplitPattern General(string pattern) => new GeneralRegexPattern(pattern);
}
