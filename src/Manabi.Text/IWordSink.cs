using System.Runtime.Intrinsics;

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
    /// <paramref name="start"/> (unit k came from start + k), packed as <see cref="PackedAsciiLookup.TryPack"/> packs
    /// it: character k in byte k, zero bytes after its <paramref name="length"/> characters. ASCII punctuation comes
    /// this way too, as words of one character. Returns true to stop.
    /// </summary>
    bool OnPackedWord(Vector128<byte> word, int length, int start);

    /// <summary>
    /// As <see cref="OnPackedWord"/> for a word that does not pack (longer than
    /// <see cref="PackedAsciiLookup.MaxKeyLength"/> characters, or holding U+0000). Returns true to stop.
    /// </summary>
    bool OnAsciiWord(ReadOnlySpan<char> word, int start);
}
