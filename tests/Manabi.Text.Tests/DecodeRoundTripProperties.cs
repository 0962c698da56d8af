using System.Text;
using CsCheck;
using Manabi.TestSupport;

namespace Manabi.Text.Tests;

/// <summary>
/// Property of decode (the one Hugging Face's WordPiece decoder has): for a text of words of letters separated by any
/// run of spaces and tabs, Decode(Encode(text, no special tokens).Ids) is the text as the uncased normalizer sees it
/// (lowercased, accents stripped: NFD without combining marks) with the words joined by single spaces. Decoding joins
/// tokens with spaces and glues "##" continuations back on, so every in-vocabulary word comes back whole.
/// </summary>
public sealed class DecodeRoundTripProperties
{
    /// <summary>The cases per run, stated in docs/RELIABILITY.md.</summary>
    public const int Iterations = 1000;

    private static readonly Gen<string> Word = Gen.Char["abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZéèüñçÀÉÖ"].Array[1, 14].Select(c => new string(c));
    private static readonly Gen<string> Gap = Gen.Char[" \t"].Array[1, 3].Select(c => new string(c));

    [Fact]
    public void Decode_of_encode_is_the_normalized_text()
    {
        var gen =
            from words in Word.Array[1, 12]
            from gaps in Gap.Array[words.Length + 1]
            select (words, gaps);
        SeededProperty.Check(gen, c =>
        {
            var text = new StringBuilder(c.gaps[0]);
            for (int i = 0; i < c.words.Length; i++)
            {
                text.Append(c.words[i]).Append(c.gaps[i + 1]);
            }
            string expected = string.Join(' ', c.words.Select(Normalize));
            var encoding = Golden.Uncased.Encode(text.ToString(), addSpecialTokens: false);
            Assert.DoesNotContain("[UNK]", encoding.Tokens);
            Assert.Equal(expected, Golden.Uncased.Decode(encoding.Ids));
        }, Iterations);
    }

    // The accented letters of the alphabet above and their base letters (NFD minus the combining mark), spelled out:
    // string.Normalize is unavailable under invariant globalization, which these tests run with.
    private static readonly Dictionary<char, char> BaseLetter = new()
    {
        ['é'] = 'e', ['è'] = 'e', ['ü'] = 'u', ['ñ'] = 'n', ['ç'] = 'c', ['à'] = 'a', ['ö'] = 'o',
    };

    private static string Normalize(string word) =>
        new([.. word.ToLowerInvariant().Select(ch => BaseLetter.GetValueOrDefault(ch, ch))]);
}
