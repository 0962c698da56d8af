using System.Collections.Concurrent;
using System.IO.Compression;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Text;

namespace Manabi.Text;

/// <summary>
/// Trains a WordPiece vocabulary the way HF tokenizers' <c>WordPieceTrainer</c> does (a BPE trainer with a
/// <c>##</c> continuation prefix): special tokens first, then the (limited) alphabet, then the continuation
/// characters, then merges of the most frequent adjacent pair until the vocabulary is full or no pair reaches
/// <see cref="WordPieceTrainerOptions.MinFrequency"/>. Unlike HF, every tie is broken deterministically
/// (words in ordinal order, alphabet ties by code point), so the same input always gives the same vocabulary.
/// Word counting runs on all cores.
/// </summary>
public sealed class WordPieceTrainer
{
    private readonly IProgress<WordPieceTrainingProgress>? _progress;

    /// <summary>Creates a trainer.</summary>
    public WordPieceTrainer(WordPieceTrainerOptions? options = null, IProgress<WordPieceTrainingProgress>? progress = null)
    {
        Options = options ?? new WordPieceTrainerOptions();
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(Options.VocabSize);
        _progress = progress;
    }

    /// <summary>The settings.</summary>
    public WordPieceTrainerOptions Options { get; }

    /// <summary>Lines counted together when training from files; word counts, not lines, are what stays in memory.</summary>
    public const int FileChunkLines = 65536;

    /// <summary>
    /// Trains on UTF-8 text files, one text a line (<c>.gz</c> files are decompressed), streaming: lines are
    /// counted in chunks of <see cref="FileChunkLines"/>, so memory holds word counts, never the corpus. Progress
    /// reports "Read files" in bytes, then the stages of <see cref="TrainFromWordCounts"/>.
    /// </summary>
    /// <exception cref="TokenizerFormatException">A file is unreadable or not valid UTF-8 (the message names file and line).</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled; nothing is returned.</exception>
    public WordPieceVocabulary TrainFromFiles(IReadOnlyList<string> paths, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(paths);
        // Counting chunk by chunk must not flood the caller with per-chunk "Count words" stages.
        var counter = new WordPieceTrainer(Options);
        var counts = WordCounter.CountFiles(paths, counter.CountWords, appendNewline: false,
            _progress is null ? null : (done, total) => _progress.Report(new("Read files", done, total)), cancellationToken);
        cancellationToken.ThrowIfCancellationRequested();
        // The merge loops report progress often; a progress that throws once cancelled is how they stop.
        var merging = cancellationToken.CanBeCanceled ? new WordPieceTrainer(Options, new CancellingProgress(_progress, cancellationToken)) : this;
        return merging.TrainFromWordCounts(counts);
    }

    private sealed class CancellingProgress(IProgress<WordPieceTrainingProgress>? inner, CancellationToken cancellationToken)
        : IProgress<WordPieceTrainingProgress>
    {
        public void Report(WordPieceTrainingProgress value)
        {
            cancellationToken.ThrowIfCancellationRequested();
            inner?.Report(value);
        }
    }

    /// <summary>Reads a text file's lines strictly as UTF-8 (decompressing <c>.gz</c>).</summary>
    /// <exception cref="TokenizerFormatException">Invalid UTF-8; the message names the file and line.</exception>
    public static IEnumerable<string> ReadLines(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        Stream stream = File.OpenRead(path);
        if (path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase))
        {
            stream = new GZipStream(stream, CompressionMode.Decompress);
        }
        var strict = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
        var lines = new List<string>();
        using (var reader = new StreamReader(stream, strict))
        {
            int number = 0;
            while (true)
            {
                string? line;
                try
                {
                    number++;
                    line = reader.ReadLine();
                }
                catch (DecoderFallbackException e)
                {
                    throw new TokenizerFormatException("invalid UTF-8", path, number, e);
                }
                if (line is null)
                {
                    break;
                }
                lines.Add(line);
            }
        }
        return lines;
    }

    /// <summary>Counts the normalized words (pre-tokens) of texts on all cores.</summary>
    public Dictionary<string, long> CountWords(IReadOnlyList<string> texts)
    {
        ArgumentNullException.ThrowIfNull(texts);
        var partials = new ConcurrentBag<Dictionary<string, long>>();
        int chunk = Math.Max(1, texts.Count / (Environment.ProcessorCount * 4));
        long done = 0;
        Parallel.ForEach(Partitioner.Create(0, texts.Count, chunk), () => new Dictionary<string, long>(StringComparer.Ordinal),
            (range, _, local) =>
            {
                var sink = new CountingSink(local);
                var scanner = WordScanner.Current;
                for (int i = range.Item1; i < range.Item2; i++)
                {
                    scanner.Scan(Options.Normalizer, texts[i], 0, ref sink);
                }
                _progress?.Report(new("Count words", Interlocked.Add(ref done, range.Item2 - range.Item1), texts.Count));
                return local;
            },
            partials.Add);
        var total = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var partial in partials)
        {
            foreach (var (word, count) in partial)
            {
                CollectionsMarshal.GetValueRefOrAddDefault(total, word, out _) += count;
            }
        }
        return total;
    }

    private readonly struct CountingSink(Dictionary<string, long> counts) : IWordSink
    {
        private readonly Dictionary<string, long>.AlternateLookup<ReadOnlySpan<char>> _lookup =
            counts.GetAlternateLookup<ReadOnlySpan<char>>();

        public bool OnWord(ReadOnlySpan<char> word, ReadOnlySpan<int> starts, ReadOnlySpan<int> ends, int codePoints)
        {
            CollectionsMarshal.GetValueRefOrAddDefault(_lookup, word, out _)++;
            return false;
        }

        public bool OnPackedWord(Vector128<byte> word, int length, int start)
        {
            Span<char> characters = stackalloc char[PackedAsciiLookup.MaxKeyLength];
            PackedAsciiLookup.Unpack(word, length, characters);
            CollectionsMarshal.GetValueRefOrAddDefault(_lookup, characters[..length], out _)++;
            return false;
        }

        public bool OnAsciiWord(ReadOnlySpan<char> word, int start)
        {
            CollectionsMarshal.GetValueRefOrAddDefault(_lookup, word, out _)++;
            return false;
        }
    }

    /// <summary>Trains on texts (each is normalized and pre-tokenized like the BERT tokenizer does).</summary>
    public WordPieceVocabulary Train(IReadOnlyList<string> texts) => TrainFromWordCounts(CountWords(texts));

    /// <summary>Trains on word counts (words already normalized and pre-tokenized).</summary>
    public WordPieceVocabulary TrainFromWordCounts(IReadOnlyDictionary<string, long> wordCounts)
    {
        ArgumentNullException.ThrowIfNull(wordCounts);
        var state = new MergeState(Options);
        foreach (string special in Options.SpecialTokens)
        {
            state.Intern(special);
        }
        var sortedWords = wordCounts.Keys.Order(StringComparer.Ordinal).ToArray();
        AddAlphabet(state, sortedWords, wordCounts);
        state.TokenizeWords(sortedWords, wordCounts);
        _progress?.Report(new("Count pairs", 0, sortedWords.Length));
        state.CountPairs();
        _progress?.Report(new("Count pairs", sortedWords.Length, sortedWords.Length));
        if (Options.Scoring == WordPieceScoring.PairCount)
        {
            state.MergeByCount(_progress);
        }
        else
        {
            state.MergeByLikelihood(_progress);
        }
        return new WordPieceVocabulary(state.Tokens);
    }

    private void AddAlphabet(MergeState state, string[] words, IReadOnlyDictionary<string, long> wordCounts)
    {
        var alphabet = new Dictionary<int, long>();
        foreach (string word in words)
        {
            long count = wordCounts[word];
            foreach (Rune rune in word.EnumerateRunes())
            {
                CollectionsMarshal.GetValueRefOrAddDefault(alphabet, rune.Value, out _) += count;
            }
        }
        foreach (char c in Options.InitialAlphabet)
        {
            alphabet[c] = long.MaxValue;
        }
        var kept = alphabet.ToList();
        int toRemove = Options.LimitAlphabet is { } limit ? Math.Max(0, kept.Count - limit) : 0;
        if (toRemove > 0)
        {
            // HF drops the rarest characters; ties go to the higher code point so the result is reproducible.
            kept.Sort((x, y) => x.Value != y.Value ? x.Value.CompareTo(y.Value) : y.Key.CompareTo(x.Key));
            kept.RemoveRange(0, toRemove);
        }
        kept.Sort((x, y) => x.Key.CompareTo(y.Key));
        foreach (var (codePoint, _) in kept)
        {
            state.Intern(char.ConvertFromUtf32(codePoint));
        }
    }
}
