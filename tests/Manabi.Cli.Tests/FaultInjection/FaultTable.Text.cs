namespace Manabi.Cli.Tests.FaultInjection;

internal static partial class FaultTable
{
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
