using System.Buffers;

namespace Manabi.Text.MLTokenizers;

/// <summary>
/// What the adapter needs from a Manabi tokenizer: the content tokens of a text (never the post-processor's special
/// tokens, which <see cref="ManabiMLTokenizer"/> adds itself) with UTF-16 offsets into that text, counts, and decoding.
/// </summary>
internal abstract class TokenSource
{
    /// <summary>The special tokens the post-processor puts before the content (empty when it adds none).</summary>
    public SpecialToken[] Prefix { get; protected init; } = [];

    /// <summary>The special tokens the post-processor puts after the content.</summary>
    public SpecialToken[] Suffix { get; protected init; } = [];

    /// <summary>
    /// Encodes <paramref name="span"/> (<paramref name="text"/> when the caller has it as a string, to spare a copy);
    /// <paramref name="withValues"/> asks for each token's string as well.
    /// </summary>
    public abstract ContentTokens Encode(string? text, ReadOnlySpan<char> span, bool withValues);

    /// <summary>The ids alone (the fast path when no token limit applies).</summary>
    public abstract int[] EncodeIds(string? text, ReadOnlySpan<char> span);

    /// <summary>The number of content tokens.</summary>
    public abstract int Count(ReadOnlySpan<char> span);

    /// <summary>The text of <paramref name="ids"/>, or null with the first id that is not in the vocabulary.</summary>
    public abstract string? Decode(ReadOnlySpan<int> ids, bool skipSpecialTokens, out int invalidId);
}

/// <summary>A special token the post-processor adds: its id and its string.</summary>
internal readonly record struct SpecialToken(int Id, string Value);

/// <summary>
/// The content tokens of one text: ids and offsets in arrays that may come from <see cref="ArrayPool{T}"/> (longer than
/// <see cref="Count"/>); <see cref="Return"/> gives them back.
/// </summary>
internal readonly struct ContentTokens(int[] ids, (int Start, int End)[] offsets, IReadOnlyList<string>? values, int count, bool pooled)
{
    public int Count => count;

    public ReadOnlySpan<int> Ids => ids.AsSpan(0, count);

    public ReadOnlySpan<(int Start, int End)> Offsets => offsets.AsSpan(0, count);

    /// <summary>The token strings, when they were asked for.</summary>
    public IReadOnlyList<string>? Values => values;

    public void Return()
    {
        if (pooled)
        {
            ArrayPool<int>.Shared.Return(ids);
            ArrayPool<(int Start, int End)>.Shared.Return(offsets);
        }
    }
}
