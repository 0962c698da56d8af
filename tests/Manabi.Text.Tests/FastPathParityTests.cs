using System.Text;

namespace Manabi.Text.Tests;

/// <summary>
/// The fused encoder (with its ASCII fast path: implicit offsets, scanner-computed hashes, one-character table,
/// ASCII-only lookup tables) against the stages run one after another through their public APIs
/// (<see cref="BertNormalizer.Normalize"/>, <see cref="BertPreTokenizer.PreTokenize"/>,
/// <see cref="WordPieceModel.Tokenize"/>), which take the general path throughout.
/// </summary>
public class FastPathParityTests
{
    public static TheoryData<string> EdgeCases() =>
    [
        "",
        " ",
        "   \t\n\r  ",
        "Hello, World!",
        "a",
        "A.",
        "!!!...???",
        "unaffable tokenization hyperparameterization",
        "problem tokenize absolutely", // 7, 8 and 10 characters: either side of the inline-key length
        "naïve café Ångström", // ASCII runs that continue into accented letters
        "caféine ïnaïve",
        "abc\u0301def e\u0301 \u0301abc", // combining marks after, inside and before ASCII
        "ab\u0001cd x\u00ADy \u0007 z\u200Bz", // dropped control and format characters join their neighbours
        "\u0000abc\uFFFDdef",
        "word\u2019s \u201Cquoted\u201D a\u00A0b a\u3000b", // Unicode punctuation and spaces next to ASCII
        "İstanbul ıi",
        "中文abc abc中文 a中b",
        "a😀b 😀 ab😀",
        "\uD800abc def\uDC00", // lone surrogates
        "1234567890123 3.14159 10,000",
        "ABCDEFGHIJKLMNOPQRSTUVWXYZ abcdefghijklmnopqrstuvwxyz",
        new string('a', 99),
        new string('a', 100),
        new string('a', 101),
        new string('x', 100) + "é",
        "z" + new string('q', 150) + " tail",
        new string('b', 300),
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa qqqqzzzzxxxxjjjjvvvv",
        "##ing ## #x x# [x] x[y]z", // added tokens are left out: the stages run here do not cut them out
        "e\u0301\u0327 a\u0308\u0301b",
        // The vector word read covers 16 characters: words of 15, 16 and 17 characters, ended by each kind of follower.
        "abcdefghijklmno abcdefghijklmnop abcdefghijklmnopq",
        "ABCDEFGHIJKLMNO.ABCDEFGHIJKLMNOP,ABCDEFGHIJKLMNOPQ!",
        "abcdefghijklmnoé abcdefghijklmnopé abcdefghijklmnopqé",
        "abcdefghijklmno\u0001x abcdefghijklmnop\u0001x abcdefghijklmnopq\u007Fx",
        "abcdefghijklmno",
        "abcdefghijklmnop",
        "abcdefghijklmnopq",
        "TELECOMMUNICATIONS interdisciplinary Telecommunication", // the longest ASCII tokens (17 and 18 characters)
        // Non-ASCII characters whose low byte is an ASCII letter, space, period or zero: never read as that character.
        "abc\u0141def abc\u4E41 abc\u0120def abc\u012Edef abc\u0100def \u0141\u0161",
        "abc\tdef\nghi\rjkl\u000Bmno\u000Cpqr\u001Fstu",
        "x", "xy", "x.", ".x", "  x  ", "a b c d e f g h i j k l m n o p q r s t u v w x y z",
    ];

    [Theory]
    [MemberData(nameof(EdgeCases))]
    public void EdgeCasesMatchTheStagesRunSeparately(string text)
    {
        foreach (var tokenizer in new[] { Golden.Uncased, Golden.Cased, Raw })
        {
            AssertMatchesStages(tokenizer, text);
        }
    }

    [Fact]
    public void RandomMixedTextsMatchTheStagesRunSeparately()
    {
        var random = new Random(20261128);
        string[] pieces =
        [
            "the", "The", "QUICK", "brown", "fox", "un", "##", "ing", "tokenization", "x", "Z", "7", "42", "é", "ü", "Å", "ß",
            "\u0301", "中", "😀", "\u00AD", "\u0001", "\u200B", " ", " ", " ", "  ", "\t", "\n", ",", ".", "!", "'", "\"", "(", ")",
            "-", "_", "/", "\u2019", "\u00A0", "İ", "hyperparameterization", "qqqq", new string('a', 54),
        ];
        var builder = new StringBuilder();
        for (int n = 0; n < 3000; n++)
        {
            builder.Clear();
            int parts = random.Next(0, 40);
            for (int p = 0; p < parts; p++)
            {
                builder.Append(pieces[random.Next(pieces.Length)]);
            }
            string text = builder.ToString();
            AssertMatchesStages(Golden.Uncased, text);
            AssertMatchesStages(Golden.Cased, text);
            AssertMatchesStages(Raw, text);
        }
    }

    [Fact]
    public void HeldOutLinesMatchTheStagesRunSeparately()
    {
        foreach (string line in TrainingCorpus.HeldOut.Take(3000))
        {
            AssertMatchesStages(Golden.Uncased, line);
        }
    }

    [Fact]
    public void TruncationStopsInsideTheFastPathAtTheSameToken()
    {
        const string text = "Tokenization of unaffable words, and (some) punctuation: it's hyperparameterization!";
        var expected = StageIds(Golden.Uncased, text);
        for (int max = 2; max <= expected.Count + 3; max++)
        {
            var tokenizer = Golden.Uncased.WithTruncation(new TruncationOptions(max));
            var ids = new int[max];
            int n = tokenizer.EncodeToIds(text, ids);
            int content = Math.Min(expected.Count, max - 2);
            int[] want = [Cls, .. expected.Take(content), Sep];
            Assert.Equal(want, ids[..n]);
        }
    }

    [Fact]
    public void DuplicatedTokensAndLetterPrefixesResolveAsInTheFullVocabulary()
    {
        // "ab" is listed twice (the later id wins, as in HF); "xx" is a continuation prefix made of letters, so
        // "xxab" is both a whole-word token and the continuation "ab".
        string[] tokens = ["[UNK]", "ab", "cd", "xxab", "abcd", "xxcd", "ab", "a", "b", "xxb", "ä"];
        var vocabulary = new WordPieceVocabulary(tokens);
        var model = new WordPieceModel(vocabulary, continuingSubwordPrefix: "xx");
        var tokenizer = new WordPieceTokenizer(model);
        foreach (string text in new[] { "ab abcd abcdab xxab xxabcd cdab b ab\u00E4 abb", "ab", "xxcd" })
        {
            AssertMatchesStages(tokenizer, text);
        }
        var single = new int[4];
        int count = tokenizer.EncodeToIds("ab", single);
        Assert.Equal([6], single[..count]);
    }

    [Fact]
    public void TokensLongerThanUsualMatchLikeTheGeneralPath()
    {
        string[] tokens = ["[UNK]", new string('a', 40), "##" + new string('a', 40), "##" + new string('a', 33), "a", "##a", "b", "##b"];
        var tokenizer = new WordPieceTokenizer(new WordPieceModel(new WordPieceVocabulary(tokens)));
        foreach (int length in new[] { 31, 32, 33, 40, 41, 73, 80, 81, 100, 101 })
        {
            AssertMatchesStages(tokenizer, new string('a', length) + " " + new string('a', length - 1) + "b");
        }
    }

    [Fact]
    public void TheVectorPathIsTheOneTestedWhereTheHardwareHasIt()
    {
        // The parity tests above cover the vector word scan through Uncased and Cased, and the scalar one through Raw
        // (which keeps U+0000 in words, so it cannot pack them).
        Assert.Equal(System.Runtime.Intrinsics.Vector128.IsHardwareAccelerated, Golden.Uncased.Normalizer.VectorWordScan);
        Assert.Equal(System.Runtime.Intrinsics.Vector128.IsHardwareAccelerated, Golden.Cased.Normalizer.VectorWordScan);
        Assert.False(Raw.Normalizer.VectorWordScan);
    }

    [Fact]
    public void RandomWordsAroundTheVectorWidthMatchTheStagesRunSeparately()
    {
        var random = new Random(20261206);
        string[] followers = [" ", "  ", ".", ",", "\t", "\n", "é", "\u0301", "\u0001", "\u007F", "中", "😀", "\u00A0", "\u0141", "'", ""];
        var builder = new StringBuilder();
        for (int n = 0; n < 2000; n++)
        {
            builder.Clear();
            int words = random.Next(1, 8);
            for (int w = 0; w < words; w++)
            {
                int length = random.Next(1, 21);
                for (int k = 0; k < length; k++)
                {
                    builder.Append(random.Next(4) == 0 ? (char)random.Next('A', 'Z' + 1) : random.Next(6) == 0 ? (char)random.Next('0', '9' + 1)
                        : (char)random.Next('a', 'z' + 1));
                }
                builder.Append(followers[random.Next(followers.Length)]);
            }
            string text = builder.ToString();
            AssertMatchesStages(Golden.Uncased, text);
            AssertMatchesStages(Golden.Cased, text);
            AssertMatchesStages(Raw, text);
        }
    }

    [Fact]
    public void GreedyPiecesAcrossThePackedHalvesMatchTheGeneralPath()
    {
        // Tokens of 1 to 18 characters over a three-letter alphabet, as whole words and as continuations, so that the
        // greedy match takes pieces of every length from every position of words up to 20 characters, across the
        // 8-character halves of a packed word and past the 16 characters that pack.
        var random = new Random(7);
        var tokens = new List<string> { "[UNK]", "a", "b", "##a", "##b" };
        for (int n = 0; n < 400; n++)
        {
            string piece = new([.. Enumerable.Range(0, random.Next(1, 19)).Select(_ => "abc"[random.Next(3)])]);
            tokens.Add(random.Next(2) == 0 ? piece : "##" + piece);
        }
        var tokenizer = new WordPieceTokenizer(new WordPieceModel(new WordPieceVocabulary([.. tokens.Distinct()])));
        for (int n = 0; n < 3000; n++)
        {
            string word = new([.. Enumerable.Range(0, random.Next(1, 21)).Select(_ => "abcAB"[random.Next(5)])]);
            AssertMatchesStages(tokenizer, word + " " + word + "c.");
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(9)]
    public void TinyWordLengthLimitsCoverPunctuationAndPackedWords(int maxInputCharsPerWord)
    {
        // Every word over the limit is [UNK], one-character punctuation included (HF checks the length first).
        var model = new WordPieceModel(Golden.Vocabulary, maxInputCharsPerWord: maxInputCharsPerWord);
        var tokenizer = new WordPieceTokenizer(model, BertNormalizer.Uncased);
        AssertMatchesStages(tokenizer, "Hello, world! a b. tokenization x=1; unaffable (ok) abcdefghijklmnopqrstu é.");
    }

    [Fact]
    public void WordsHoldingNulWithoutCleanTextMatchTheGeneralPath()
    {
        // Without clean_text U+0000 is a word character; packed keys end at a zero byte, so such words must not pack.
        string[] tokens = ["[UNK]", "a\u0000b", "a", "b", "##b", "\u0000", "##\u0000", "ab"];
        var tokenizer = new WordPieceTokenizer(new WordPieceModel(new WordPieceVocabulary(tokens)), new BertNormalizer(cleanText: false));
        foreach (string text in new[] { "a\u0000b", "a\u0000b ab a\u0000 \u0000b \u0000", "ab\u0000b", "ab" })
        {
            AssertMatchesStages(tokenizer, text);
        }
        var ids = new int[4];
        Assert.Equal(1, tokenizer.EncodeToIds("a\u0000b", ids, addSpecialTokens: false));
        Assert.Equal(1, ids[0]);
    }

    /// <summary>No clean_text (control characters stay in words) and no CJK spacing.</summary>
    private static WordPieceTokenizer Raw { get; } =
        Golden.Uncased.WithNormalizer(new BertNormalizer(cleanText: false, handleChineseChars: false));

    private static int Cls => Golden.Vocabulary.TryGetId("[CLS]", out int id) ? id : -1;

    private static int Sep => Golden.Vocabulary.TryGetId("[SEP]", out int id) ? id : -1;

    /// <summary>Ids from the stages run one after another.</summary>
    private static List<int> StageIds(WordPieceTokenizer tokenizer, string text) => [.. StagePieces(tokenizer, text).Select(p => p.Id)];

    /// <summary>Pieces from the stages run one after another, with offsets into the normalized text.</summary>
    private static IEnumerable<(int Id, int Start, int End)> StagePieces(WordPieceTokenizer tokenizer, string text)
    {
        foreach (var (word, start, _) in BertPreTokenizer.PreTokenize(tokenizer.Normalizer.Normalize(text)))
        {
            foreach (var (_, id, pieceStart, pieceEnd) in tokenizer.Model.Tokenize(word))
            {
                yield return (id, start + pieceStart, start + pieceEnd);
            }
        }
    }

    private static void AssertMatchesStages(WordPieceTokenizer tokenizer, string text)
    {
        var expected = StagePieces(tokenizer, text).ToList();
        var ids = new int[expected.Count + 2];
        var offsets = new (int, int)[expected.Count + 2];
        int n = tokenizer.EncodeToIds(text, ids, offsets, addSpecialTokens: false);
        Assert.True(expected.Select(p => p.Id).SequenceEqual(ids[..n]),
            $"ids of {Describe(text)}: stages {Golden.Show(expected.Select(p => p.Id))}, encoder {Golden.Show(ids[..n])}");
        Assert.Equal(n, tokenizer.CountTokens(text));
        if (text.All(c => c is >= ' ' and < '\u007F' or '\t' or '\n' or '\r'))
        {
            // Printable ASCII normalizes character for character, so the stages' offsets are original offsets.
            Assert.Equal(expected.Select(p => (p.Start, p.End)), offsets[..n]);
        }
    }

    private static string Describe(string text) =>
        "\"" + string.Concat(text.Take(120).Select(c => c is >= ' ' and < '\u007F' ? c.ToString() : $"\\u{(int)c:X4}")) + "\"";
}
