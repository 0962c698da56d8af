using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using Manabi.Cli.Output;
using Manabi.Cli.Reporting;
using Manabi.Text;

namespace Manabi.Cli.Tour;

/// <summary>
/// Tour section for the three subword algorithms side by side: a byte-level BPE and a SentencePiece Unigram trained
/// here on a slice of the embedded corpus (the same lines, the same vocabulary size), BERT's WordPiece and OpenAI's
/// o200k_base, on English and Japanese examples and on held-out lines.
/// </summary>
public sealed class SubwordTokenizersSection : ITourSection
{
    private const int VocabSize = 8000;
    private const int HeldOutEvery = 20;

    // With their word counts: the Japanese sentence has no spaces, so its words are counted by hand
    // (日本語・の・文章・を・トークン・に・分割・する).
    private static readonly (string Text, int Words)[] Examples =
    [
        ("Tokenizers split rare words into subwords.", 6),
        ("日本語の文章をトークンに分割する。", 8),
        ("unbelievably", 1),
        ("print(len(x)) # 🙂", 4),
    ];

    /// <inheritdoc />
    public string Title => "Subword tokenizers: BPE, Unigram, WordPiece, tiktoken";

    /// <inheritdoc />
    public Task<ReportSection> RunAsync(TourContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var section = new ReportSection(Title);
        section.AddParagraph(
            "Manabi.Text loads any Hugging Face tokenizer.json (byte-level BPE as in GPT-2, Llama-3 and Qwen; SentencePiece BPE " +
            "with byte fallback as in Llama-2 and Gemma; Unigram as in T5 and XLM-R; WordPiece as in BERT) and OpenAI's tiktoken " +
            "encodings, with the ids and offsets of HF tokenizers and tiktoken. Here a byte-level BPE and a SentencePiece Unigram " +
            "tokenizer are trained on the same lines with the same vocabulary size, beside BERT's WordPiece and GPT-4o's o200k_base. " +
            "Try 'manabi tokenizer train --model unigram --input corpus.txt --vocab-size 8000 --output DIR' and " +
            "'manabi tokenize count --tokenizer o200k_base --input file.txt'.");

        var o200k = TiktokenTokenizer.Create("o200k_base");
        int[] hello = o200k.EncodeOrdinary("hello world");
        if (!hello.SequenceEqual([24912, 2375]))
        {
            throw new InvalidOperationException($"o200k_base encoded 'hello world' as [{string.Join(", ", hello)}], not tiktoken's [24912, 2375].");
        }
        var bert = WordPieceTokenizer.CreateBert(TourResources.BertUncasedVocabulary()).ToTokenizer();

        var (train, heldOut, lineCount) = LoadLines(context.Quick);
        string corpus = Path.Combine(context.OutputDirectory, $".subword-train-{Environment.ProcessId}.txt");
        Tokenizer bpe, unigram;
        double bpeSeconds, unigramSeconds;
        try
        {
            File.WriteAllLines(corpus, train);
            var stopwatch = Stopwatch.StartNew();
            bpe = TokenizerTraining.TrainByteLevelBpe([corpus], new BpeTrainerOptions { VocabSize = VocabSize, SpecialTokens = ["<|endoftext|>"] },
                cancellationToken: cancellationToken);
            bpeSeconds = stopwatch.Elapsed.TotalSeconds;
            stopwatch.Restart();
            unigram = TokenizerTraining.TrainSentencePieceUnigram([corpus],
                new UnigramTrainerOptions { VocabSize = VocabSize, SpecialTokens = ["<unk>"], UnknownToken = "<unk>" }, cancellationToken: cancellationToken);
            unigramSeconds = stopwatch.Elapsed.TotalSeconds;
        }
        finally
        {
            File.Delete(corpus);
        }
        // A trained tokenizer saves as tokenizer.json; reading it back must give the same ids.
        var reloaded = Tokenizer.FromJson(unigram.ToJson());
        if (!reloaded.Encode(Examples[0].Text).Ids.SequenceEqual(unigram.Encode(Examples[0].Text).Ids))
        {
            throw new InvalidOperationException("The trained Unigram tokenizer encodes differently after a tokenizer.json round trip.");
        }

        (string Name, Func<string, (IReadOnlyList<string> Pieces, IReadOnlyList<int> Ids)> Encode, Func<string, int> Count)[] tokenizers =
        [
            ($"byte-level BPE {VocabSize / 1000}k (trained)", t => Pipeline(bpe, t), t => bpe.CountTokens(t)),
            ($"Unigram {VocabSize / 1000}k (trained)", t => Pipeline(unigram, t), t => unigram.CountTokens(t)),
            ("WordPiece bert-base-uncased 30.5k", t => Pipeline(bert, t), t => bert.CountTokens(t)),
            ("o200k_base (tiktoken) 200k", t =>
            {
                var tokens = o200k.EncodeWithOffsets(t);
                return ([.. tokens.Select(p => t[p.Start..p.End])], [.. tokens.Select(p => p.Id)]);
            }, t => o200k.CountTokens(t)),
        ];

        section.AddHeading("The same texts, four tokenizers");
        section.AddTable(["text", "tokenizer", "pieces", "ids", "tokens per word"],
            [.. Examples.SelectMany(example => tokenizers.Select(t =>
            {
                var (pieces, ids) = t.Encode(example.Text);
                return (IReadOnlyList<string>)[example.Text, t.Name, Show(pieces), string.Join(' ', ids),
                    ((double)pieces.Count / example.Words).ToString("0.00", CultureInfo.InvariantCulture)];
            }))],
            "Pieces separated by '·'. Byte-level BPE shows a leading space as 'Ġ' and writes every byte of a character it has not " +
            "merged as one symbol (the Japanese line: the training corpus is English); Unigram marks word starts with '▁' and fuses " +
            "characters it never saw into one <unk> token (shown as the text it covers, as HF shows it); WordPiece lowercases and marks " +
            "continuations with '##' and has [UNK] for what its vocabulary lacks; o200k's pieces are shown as the text each token " +
            "covers (a token that is part of a character shows as the whole character).");

        var rows = tokenizers.Select(t =>
        {
            cancellationToken.ThrowIfCancellationRequested();
            long tokens = heldOut.Sum(line => (long)t.Count(line));
            return (t.Name, PerLine: (double)tokens / heldOut.Count);
        }).ToList();
        section.AddHeading("Tokens per held-out line");
        section.AddParagraph(string.Create(CultureInfo.InvariantCulture,
            $"Trained on {train.Count:N0} lines (the first {lineCount:N0} of each embedded corpus file, Python documentation and WordNet " +
            $"glosses), one line in {HeldOutEvery} held out. Fewer tokens per line means a more compact encoding of this kind of text; " +
            $"the trained tokenizers see only this corpus, the two others were trained on far larger and broader text."));
        section.AddChart(
            Charts.Bar("Held-out tokens per line (lower is more compact)", "tokenizer", "tokens per line",
                [.. rows.Select(r => r.Name)], [.. rows.Select(r => r.PerLine)]),
            $"Tokens per line, without special tokens, on {heldOut.Count:N0} held-out lines.");
        section.AddTable(["tokenizer", "tokens per held-out line"],
            [.. rows.Select(r => (IReadOnlyList<string>)[r.Name, NumberFormat.Short(r.PerLine)])]);
        section.AddFacts(
            ("training lines", train.Count.ToString("N0", CultureInfo.InvariantCulture)),
            ("byte-level BPE training", string.Create(CultureInfo.InvariantCulture, $"{bpeSeconds:0.00} s")),
            ("Unigram training", string.Create(CultureInfo.InvariantCulture, $"{unigramSeconds:0.00} s")));
        section.Headline = string.Create(CultureInfo.InvariantCulture,
            $"held-out tokens/line: BPE {rows[0].PerLine:0.0}, Unigram {rows[1].PerLine:0.0}, WordPiece {rows[2].PerLine:0.0}, o200k {rows[3].PerLine:0.0}");
        return Task.FromResult(section);
    }

    private static string Show(IReadOnlyList<string> pieces) => string.Join('·', pieces);

    private static (IReadOnlyList<string> Pieces, IReadOnlyList<int> Ids) Pipeline(Tokenizer tokenizer, string text)
    {
        var encoding = tokenizer.Encode(text, addSpecialTokens: false);
        return (encoding.Tokens, encoding.Ids);
    }

    private static (List<string> Train, List<string> HeldOut, int PerFile) LoadLines(bool quick)
    {
        int perFile = quick ? 10_000 : 40_000;
        var (train, heldOut) = TourResources.CorpusLines(perFile, HeldOutEvery);
        return (train, heldOut, perFile);
    }
}
