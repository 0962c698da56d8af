namespace Manabi.Text;

/// <summary>Receives the words (pre-tokens) of the fused normalize + pre-tokenize pass.</summary>
internal interface IWordSink
{
    /// <summary>
    /// One normalized word; <paramref name="starts"/>/<paramref name="ends"/> give each UTF-16 unit's original span.
    /// Returns true to stop the pass (a token limit was reached).
    /// </summary>
    bool OnWord(ReadOnlySpan<char> word, ReadOnlySpan<int> starts, ReadOnlySpan<int> ends, int codePoints);
}
