namespace Manabi.Text;

/// <summary>Receives the words (pre-tokens) of the fused normalize + pre-tokenize pass.</summary>
internal interface IWordSink
{
    /// <summary>
    /// One normalized word; <paramref name="starts"/>/<paramref name="ends"/> give each UTF-16 unit's original span.
    /// Returns true to stop the pass (a token limit was reached).
    /// </summary>
    bool OnWord(ReadOnlySpan<char> word, ReadOnlySpan<int> starts, ReadOnlySpan<int> ends, int codePoints);

    /// <summary>
    /// One normalized word of ASCII characters that stood contiguously in the original text from
    /// <paramref name="start"/> (unit k came from start + k). <paramref name="hashState"/> is its
    /// <see cref="SpanLookup"/> hash state (before <see cref="SpanLookup.Finish"/>), and its first eight characters
    /// are packed as bytes in <paramref name="asciiBytes"/> (character k in byte k; bytes past the word's end are
    /// arbitrary, and all of them are meaningless for words over eight characters).
    /// Returns true to stop.
    /// </summary>
    bool OnAsciiWord(ReadOnlySpan<char> word, int start, uint hashState, ulong asciiBytes);
}
