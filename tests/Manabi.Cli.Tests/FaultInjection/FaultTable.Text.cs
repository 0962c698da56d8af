namespace Manabi.Cli.Tests.FaultInjection;

internal static partial class FaultTable
{
    /// <summary>A small, valid BPE tokenizer.json: not WordPiece (so no --cased) and without a padding token.</summary>
    private const string SmallBpe = """{"model": {"type": "BPE", "vocab": {"h": 0, "e": 1, "l": 2, "o": 3, "he": 4}, "merges": ["h e"]}}""";

    /// <summary>
    /// tokenizer.json files of BPE, Unigram and other models, each wrong in one place. A property, not a field: the
    /// table (FaultTable.All) is built by another part's initializer, which may run before this part's fields are set.
    /// </summary>
    private static (string Fault, string Json)[] MalformedTokenizers =>
    [
        ("BPE merge of an unknown token", """{"model": {"type": "BPE", "vocab": {"a": 0, "b": 1}, "merges": ["a c"]}}"""),
        ("BPE merges of the wrong JSON type", """{"model": {"type": "BPE", "vocab": {"a": 0, "b": 1}, "merges": "a b"}}"""),
        ("BPE merge pair of the wrong JSON type", """{"model": {"type": "BPE", "vocab": {"a": 0, "b": 1}, "merges": [["a", 5]]}}"""),
        ("Unigram unk_id outside the vocabulary", """{"model": {"type": "Unigram", "unk_id": 7, "vocab": [["a", -1.0], ["b", -2.0]]}}"""),
        ("Unigram score of the wrong JSON type", """{"model": {"type": "Unigram", "unk_id": 0, "vocab": [["a", "x"], ["b", -2.0]]}}"""),
        ("Unigram vocab an object", """{"model": {"type": "Unigram", "unk_id": 0, "vocab": {"a": 1}}}"""),
        ("Metaspace replacement of the wrong JSON type", """{"model": {"type": "Unigram", "vocab": [["a", -1.0]]}, "pre_tokenizer": {"type": "Metaspace", "replacement": 5}}"""),
        ("an unknown model type", """{"model": {"type": "Frobnicate"}}"""),
    ];

    private static void Text(List<FaultCase> table)
    {
        const string Tokenize = "tokenize";
        static string Vocab(FaultScene s) => s.Fixture("tokenizer", "bert-uncased-vocab.txt");
        static string[] WithVocab(FaultScene s, string input, params string[] extra) =>
            ["tokenize", "--vocab", Vocab(s), "--input", input, "--output", s.PathOf("out.jsonl"), .. extra];
        static string[] WithVocabFile(FaultScene s, string vocab) =>
            ["tokenize", "--vocab", vocab, "--input", s.Text("in.txt", "hello world\n"), "--output", s.PathOf("out.jsonl")];
        static string[] WithTokenizer(FaultScene s, string tokenizer) =>
            ["tokenize", "--tokenizer", tokenizer, "--input", s.Text("in.txt", "hello world\n"), "--output", s.PathOf("out.jsonl")];

        AddFileFaults(table, Tokenize, "--vocab", "vocab.txt", FileFaults.All, WithVocabFile);
        table.Add(Content(Tokenize, "--vocab invalid UTF-8", "vocab.txt", (s, n) => s.InvalidUtf8(n, ["[PAD]", "[UNK]", "hello"], 3), 3, WithVocabFile));
        table.Add(Content(Tokenize, "--vocab without [UNK]", "vocab.txt", (s, n) => s.Text(n, "[PAD]\nhello\nworld\n"), 0, WithVocabFile));
        AddFileFaults(table, Tokenize, "--tokenizer", "tokenizer.json", FileFaults.All, WithTokenizer);
        table.Add(Content(Tokenize, "--tokenizer truncated", "tokenizer.json",
            (s, n) => s.Text(n, File.ReadAllText(s.Fixture("sbert", "tiny-sbert", "tokenizer.json"))[..2000]), 0, WithTokenizer));
        table.Add(Content(Tokenize, "--tokenizer a JSON array", "tokenizer.json", (s, n) => s.Text(n, "[1, 2, 3]"), 0, WithTokenizer));
        table.Add(Content(Tokenize, "--tokenizer vocab of the wrong JSON type", "tokenizer.json",
            (s, n) => s.Text(n, """{"model": {"type": "WordPiece", "unk_token": "[UNK]", "vocab": ["[UNK]", "a"]}}"""), 0, WithTokenizer));
        table.Add(Content(Tokenize, "--tokenizer ids of the wrong JSON type", "tokenizer.json",
            (s, n) => s.Text(n, """{"model": {"type": "WordPiece", "unk_token": "[UNK]", "vocab": {"[UNK]": "zero", "a": 1}}}"""), 0, WithTokenizer));

        // Malformed tokenizer.json files of the other models: the message names the file (and the JSON path).
        foreach (var (fault, json) in MalformedTokenizers)
        {
            table.Add(Content(Tokenize, $"--tokenizer {fault}", "tokenizer.json", (s, n) => s.Text(n, json), 0, WithTokenizer));
        }
        table.Add(Option(Tokenize, "--cased with a BPE tokenizer", "--cased", s =>
            [.. WithTokenizer(s, s.Text("tokenizer.json", SmallBpe)), "--cased"]));
        table.Add(Option(Tokenize, "--padding without a pad token", "--padding", s =>
            [.. WithTokenizer(s, s.Text("tokenizer.json", SmallBpe)), "--padding", "longest"]));
        table.Add(Option(Tokenize, "--tokenizer an unknown encoding name", "--tokenizer", s => WithTokenizer(s, "cl200k_base")));
        AddFileFaults(table, Tokenize, "--input", "in.txt", FileFaults.NotEmpty, (s, path) => WithVocab(s, path));
        table.Add(Content(Tokenize, "--input invalid UTF-8", "in.txt", (s, n) => s.InvalidUtf8(n, ["hello", "world"], 2), 2, (s, p) => WithVocab(s, p)));
        table.Add(Content(Tokenize, "--input text of the wrong JSON type", "in.jsonl", (s, n) => s.Text(n, "{\"text\": \"a\"}\n{\"text\": 5}\n"), 2, (s, p) => WithVocab(s, p)));
        table.Add(Content(Tokenize, "--input a lone surrogate", "in.jsonl", (s, n) => s.Text(n, "{\"text\": \"a\\ud800b\"}\n"), 1, (s, p) => WithVocab(s, p)));
        table.Add(Content(Tokenize, "--input a duplicate key", "in.jsonl", (s, n) => s.Text(n, "{\"text\": \"a\", \"text\": \"b\"}\n"), 1, (s, p) => WithVocab(s, p)));
        table.Add(Content(Tokenize, "--input a truncated JSON line", "in.jsonl", (s, n) => s.Text(n, "{\"text\": \"a\"}\n{\"text\": \"b\n"), 2, (s, p) => WithVocab(s, p)));
        table.Add(Content(Tokenize, "--input a JSON array line", "in.jsonl", (s, n) => s.Text(n, "[\"a\"]\n"), 1, (s, p) => WithVocab(s, p)));
        table.Add(Huge(Tokenize, "--input", "in.txt", (s, path) => WithVocab(s, path)));
        table.Add(Huge(Tokenize, "--input (JSONL)", "in.jsonl", (s, path) => WithVocab(s, path), "{\"text\": \""));
        table.Add(Option(Tokenize, "--max-length 0", "--max-length", s => WithVocab(s, s.Text("in.txt", "a\n"), "--max-length", "0")));
        table.Add(Option(Tokenize, "--stride negative", "--stride", s => WithVocab(s, s.Text("in.txt", "a\n"), "--max-length", "8", "--stride", "-1")));
        table.Add(Option(Tokenize, "--padding unknown", "--padding", s => WithVocab(s, s.Text("in.txt", "a\n"), "--padding", "widest")));
        table.Add(Option(Tokenize, "--padding 0", "--padding", s => WithVocab(s, s.Text("in.txt", "a\n"), "--padding", "0")));
        table.Add(Option(Tokenize, "--truncation unknown", "--truncation", s => WithVocab(s, s.Text("in.txt", "a\n"), "--max-length", "8", "--truncation", "middle")));

        const string Count = "tokenize count";
        static string[] CountWith(FaultScene s, string input, params string[] source) =>
            ["tokenize", "count", .. source.Length == 0 ? ["--vocab", Vocab(s)] : source, "--input", input];
        static string[] CountWithTokenizer(FaultScene s, string tokenizer) => CountWith(s, s.Text("in.txt", "hello world\n"), "--tokenizer", tokenizer);
        // An empty file is a valid text of 0 tokens, so not a fault here.
        AddFileFaults(table, Count, "--input", "in.txt", FileFaults.NotEmpty, (s, path) => CountWith(s, path));
        table.Add(Content(Count, "--input invalid UTF-8", "in.txt", (s, n) => s.InvalidUtf8(n, ["hello", "world", "again"], 2), 2, (s, p) => CountWith(s, p)));
        table.Add(Huge(Count, "--input", "in.txt", (s, path) => CountWith(s, path)));
        AddFileFaults(table, Count, "--tokenizer", "tokenizer.json", FileFaults.All, CountWithTokenizer);
        table.Add(Content(Count, "--tokenizer BPE merge of an unknown token", "tokenizer.json", (s, n) => s.Text(n, MalformedTokenizers[0].Json), 0,
            CountWithTokenizer));
        table.Add(Content(Count, "--vocab without [UNK]", "vocab.txt", (s, n) => s.Text(n, "[PAD]\nhello\nworld\n"), 0,
            (s, p) => CountWith(s, s.Text("in.txt", "hello\n"), "--vocab", p)));
        table.Add(Option(Count, "neither --vocab nor --tokenizer", "--tokenizer", s => ["tokenize", "count", "--input", s.Text("in.txt", "hello\n")]));
        table.Add(Option(Count, "--cased with a BPE tokenizer", "--cased", s => [.. CountWithTokenizer(s, s.Text("tokenizer.json", SmallBpe)), "--cased"]));

        const string TrainAny = "tokenizer train";
        static string[] TrainWith(FaultScene s, string input, string model = "bpe") =>
            ["tokenizer", "train", "--model", model, "--input", input, "--vocab-size", "300", "--output", s.PathOf("tokenizer-out")];
        static string[] TrainModel(FaultScene s, string model, params string[] extra) =>
            ["tokenizer", "train", "--model", model, "--input", s.Text("c.txt", "a b c\nhello world\n"), "--output", s.PathOf("o"), .. extra];
        AddFileFaults(table, TrainAny, "--input", "corpus.txt", FileFaults.NotEmpty, (s, path) => TrainWith(s, path));
        table.Add(Content(TrainAny, "--input invalid UTF-8", "corpus.txt", (s, n) => s.InvalidUtf8(n, ["hello world", "again", "more"], 3), 3,
            (s, p) => TrainWith(s, p)));
        table.Add(Content(TrainAny, "--input invalid UTF-8 (unigram)", "corpus.txt", (s, n) => s.InvalidUtf8(n, ["hello world", "again"], 2), 2,
            (s, p) => TrainWith(s, p, "unigram")));
        table.Add(Content(TrainAny, "--input garbage named .gz", "corpus.txt.gz", (s, n) => s.Garbage(n), 0, (s, p) => TrainWith(s, p)));
        table.Add(Huge(TrainAny, "--input", "corpus.txt", (s, path) => TrainWith(s, path)));
        table.Add(Option(TrainAny, "--model unknown", "--model", s => TrainModel(s, "sentencepiece", "--vocab-size", "300")));
        table.Add(Option(TrainAny, "--vocab-size 0", "--vocab-size", s => TrainModel(s, "bpe", "--vocab-size", "0")));
        table.Add(Option(TrainAny, "--vocab-size negative", "--vocab-size", s => TrainModel(s, "unigram", "--vocab-size", "-5")));
        table.Add(Option(TrainAny, "--vocab-size below the 256 bytes (bpe)", "--vocab-size", s => TrainModel(s, "bpe", "--vocab-size", "100")));
        table.Add(Option(TrainAny, "--vocab-size below the characters (unigram)", "--vocab-size", s => TrainModel(s, "unigram", "--vocab-size", "5")));
        table.Add(Option(TrainAny, "--vocab-size below the alphabet (wordpiece)", "--vocab-size", s => TrainModel(s, "wordpiece", "--vocab-size", "8")));
        table.Add(Option(TrainAny, "--vocab-size not a number", "--vocab-size", s => TrainModel(s, "bpe", "--vocab-size", "many")));
        table.Add(Option(TrainAny, "--min-frequency negative", "--min-frequency", s => TrainModel(s, "bpe", "--vocab-size", "300", "--min-frequency", "-1")));
        table.Add(Option(TrainAny, "--min-frequency with unigram", "--min-frequency", s => TrainModel(s, "unigram", "--vocab-size", "300", "--min-frequency", "3")));
        table.Add(Option(TrainAny, "--special-tokens with wordpiece", "--special-tokens", s => TrainModel(s, "wordpiece", "--vocab-size", "300", "--special-tokens", "<s>")));
        table.Add(Option(TrainAny, "--special-tokens twice the same", "--special-tokens", s => TrainModel(s, "bpe", "--vocab-size", "300", "--special-tokens", "<s>", "<s>")));
        table.Add(Option(TrainAny, "--special-tokens an empty one", "--special-tokens", s => TrainModel(s, "unigram", "--vocab-size", "300", "--special-tokens", "")));
        table.Add(Option(TrainAny, "--output under a regular file", "--output", s =>
            ["tokenizer", "train", "--model", "bpe", "--input", s.Text("c.txt", "a b\n"), "--vocab-size", "300", "--output", Path.Combine(s.Text("blocker", "x"), "out")]));
        table.Add(Option(TrainAny, "--output the input file", "--output", s =>
            ["tokenizer", "train", "--model", "bpe", "--input", s.Text("c.txt", "a b\n"), "--vocab-size", "300", "--output", s.PathOf("c.txt")]));

        const string Train = "wordpiece train";
        static string[] WordPiece(FaultScene s, string input, params string[] extra) =>
            ["wordpiece", "train", "--input", input, "--vocab-size", "100", "--output", s.PathOf("tokenizer-out"), .. extra];
        AddFileFaults(table, Train, "--input", "corpus.txt", FileFaults.NotEmpty, (s, path) => WordPiece(s, path));
        table.Add(Content(Train, "--input invalid UTF-8", "corpus.txt", (s, n) => s.InvalidUtf8(n, ["hello world", "again", "more"], 3), 3, (s, p) => WordPiece(s, p)));
        table.Add(Content(Train, "--input garbage named .gz", "corpus.txt.gz", (s, n) => s.Garbage(n), 0, (s, p) => WordPiece(s, p)));
        table.Add(Huge(Train, "--input", "corpus.txt", (s, path) => WordPiece(s, path)));
        table.Add(Option(Train, "--vocab-size 0", "--vocab-size", s => ["wordpiece", "train", "--input", s.Text("c.txt", "a b\n"), "--vocab-size", "0", "--output", s.PathOf("o")]));
        table.Add(Option(Train, "--vocab-size negative", "--vocab-size", s => ["wordpiece", "train", "--input", s.Text("c.txt", "a b\n"), "--vocab-size", "-5", "--output", s.PathOf("o")]));
        table.Add(Option(Train, "--min-frequency negative", "--min-frequency", s => WordPiece(s, s.Text("c.txt", "a b\n"), "--min-frequency", "-1")));
        table.Add(Option(Train, "--limit-alphabet negative", "--limit-alphabet", s => WordPiece(s, s.Text("c.txt", "a b\n"), "--limit-alphabet", "-1")));
        table.Add(Option(Train, "--output under a regular file", "--output", s =>
            ["wordpiece", "train", "--input", s.Text("c.txt", "a b\n"), "--vocab-size", "100", "--output", Path.Combine(s.Text("blocker", "x"), "out")]));
    }
}
