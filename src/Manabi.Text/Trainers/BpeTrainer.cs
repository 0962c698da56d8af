using System.Runtime.InteropServices;
using System.Text;

namespace Manabi.Text;

/// <summary>
/// Trains a BPE vocabulary and merge list the way HF tokenizers' <c>BpeTrainer</c> does: special tokens first, then
/// the (limited) alphabet by code point, then, repeatedly, the most frequent adjacent pair of pieces is merged until
/// the vocabulary is full or no pair reaches <see cref="BpeTrainerOptions.MinFrequency"/>. Ties go to the pair with
/// the smaller ids (left, then right), as in HF, so on the same word counts the merges and ids are HF's. Where HF's
/// result depends on its hash maps' random order (the ids of prefixed/suffixed characters, which characters of equal
/// count <see cref="BpeTrainerOptions.LimitAlphabet"/> drops), this trainer takes words in ordinal order and drops the
/// higher code point first, so its result is always the same.
/// </summary>
public sealed class BpeTrainer
{
    private readonly IProgress<TrainingProgress>? _progress;

    /// <summary>Creates a trainer.</summary>
    /// <exception cref="ArgumentException">An option is out of range (the message names it).</exception>
    public BpeTrainer(BpeTrainerOptions? options = null, IProgress<TrainingProgress>? progress = null)
    {
        Options = options ?? new BpeTrainerOptions();
        if (Options.VocabSize <= 0)
        {
            throw new ArgumentException($"VocabSize must be positive (was {Options.VocabSize})", nameof(options));
        }
        if (Options.MinFrequency < 0)
        {
            throw new ArgumentException($"MinFrequency must not be negative (was {Options.MinFrequency})", nameof(options));
        }
        if (Options.LimitAlphabet is < 0)
        {
            throw new ArgumentException($"LimitAlphabet must not be negative (was {Options.LimitAlphabet})", nameof(options));
        }
        if (Options.MaxTokenLength is <= 0)
        {
            throw new ArgumentException($"MaxTokenLength must be positive (was {Options.MaxTokenLength})", nameof(options));
        }
        ArgumentNullException.ThrowIfNull(Options.SpecialTokens, "options.SpecialTokens");
        ArgumentNullException.ThrowIfNull(Options.InitialAlphabet, "options.InitialAlphabet");
        if (Options.SpecialTokens.Any(token => token is null))
        {
            throw new ArgumentException("SpecialTokens must not contain null", nameof(options));
        }
        _progress = progress;
    }

    /// <summary>The settings.</summary>
    public BpeTrainerOptions Options { get; }

    /// <summary>
    /// Trains on UTF-8 text files (one text a line, <c>.gz</c> decompressed), streaming: each line, with its
    /// <c>\n</c> as HF's <c>train_from_files</c> keeps it, is split into words by <paramref name="splitWords"/> (the
    /// normalizer and pre-tokenizer of the tokenizer being trained) on all cores, and only word counts stay in memory.
    /// Progress reports "Read files" in bytes, then the stages of <see cref="Train"/>.
    /// </summary>
    /// <exception cref="TokenizerFormatException">A file is unreadable or not valid UTF-8 (the message names file and line).</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public BpeTrainingResult TrainFromFiles(IReadOnlyList<string> paths, Func<string, IEnumerable<string>> splitWords,
        CancellationToken cancellationToken = default) =>
        Train(WordCounter.CountFiles(paths, splitWords, _progress, cancellationToken), cancellationToken);

    /// <summary>
    /// Trains on word counts (words already normalized and pre-tokenized, e.g. ByteLevel-mapped). Progress reports
    /// "Tokenize words", "Count pairs" and "Compute merges" (merges done against <see cref="BpeTrainerOptions.VocabSize"/>).
    /// </summary>
    /// <exception cref="ArgumentException">A count is negative (the message names the word).</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public BpeTrainingResult Train(IReadOnlyDictionary<string, long> wordCounts, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(wordCounts);
        foreach (var (word, count) in wordCounts)
        {
            if (count < 0)
            {
                throw new ArgumentException($"the count of the word \"{word}\" is negative ({count})", nameof(wordCounts));
            }
        }
        var vocab = new Vocabulary();
        foreach (string special in Options.SpecialTokens)
        {
            vocab.Intern(special);
        }
        AddAlphabet(vocab, wordCounts);

        string[] sortedWords = wordCounts.Keys.Order(StringComparer.Ordinal).ToArray();
        _progress?.Report(new("Tokenize words", 0, sortedWords.Length));
        var words = new Word[sortedWords.Length];
        var counts = new long[sortedWords.Length];
        var runes = new List<int>();
        var pieceIds = new Dictionary<long, int>();
        for (int w = 0; w < sortedWords.Length; w++)
        {
            counts[w] = wordCounts[sortedWords[w]];
            words[w] = Tokenize(vocab, sortedWords[w], runes, pieceIds);
        }
        _progress?.Report(new("Tokenize words", sortedWords.Length, sortedWords.Length));
        cancellationToken.ThrowIfCancellationRequested();

        _progress?.Report(new("Count pairs", 0, words.Length));
        var pairCounts = new Dictionary<long, long>();
        var whereToUpdate = new Dictionary<long, List<int>>();
        for (int w = 0; w < words.Length; w++)
        {
            var word = words[w];
            for (int i = 0; i + 1 < word.Count; i++)
            {
                long pair = Pack(word.Ids[i], word.Ids[i + 1]);
                CollectionsMarshal.GetValueRefOrAddDefault(pairCounts, pair, out _) += counts[w];
                AddPosition(whereToUpdate, pair, w);
            }
        }
        var queue = new PriorityQueue<MergeCandidate, (long Count, long Pair)>(PriorityOrder.Instance);
        FlushCandidates(queue, whereToUpdate, pairCounts);
        _progress?.Report(new("Count pairs", words.Length, words.Length));

        var merges = MergeLoop(vocab, words, counts, pairCounts, whereToUpdate, queue, cancellationToken);

        // HF keeps its merges in a map from pair to rank, so a pair merged twice keeps only its last rank, and the
        // saved list is ordered by rank. (A pair can be queued, hence merged, twice only when a merge's result was
        // already a token, e.g. a special token, so that pairs with it were queued before.)
        var lastRank = new Dictionary<long, int>();
        for (int i = 0; i < merges.Count; i++)
        {
            lastRank[merges[i]] = i;
        }
        var mergeList = lastRank.OrderBy(entry => entry.Value)
            .Select(entry => (vocab.Tokens[(int)(entry.Key >> 32)], vocab.Tokens[(int)entry.Key]))
            .ToArray();
        return new BpeTrainingResult(new Dictionary<string, int>(vocab.Ids, StringComparer.Ordinal), mergeList);
    }

    private List<long> MergeLoop(Vocabulary vocab, Word[] words, long[] counts, Dictionary<long, long> pairCounts,
        Dictionary<long, List<int>> whereToUpdate, PriorityQueue<MergeCandidate, (long Count, long Pair)> queue,
        CancellationToken cancellationToken)
    {
        long maxLength = Options.MaxTokenLength ?? long.MaxValue;
        string? prefix = Options.ContinuingSubwordPrefix;
        var merges = new List<long>();
        var changes = new List<(long Pair, int Change, int Word)>();
        _progress?.Report(new("Compute merges", 0, Options.VocabSize));
        while (vocab.Ids.Count < Options.VocabSize && queue.TryDequeue(out var top, out _))
        {
            long current = pairCounts[top.Pair];
            if (top.Count != current)
            {
                // A stale entry: counts only fall for pairs already queued, so requeue it at its true count.
                top.Count = current;
                queue.Enqueue(top, (top.Count, top.Pair));
                continue;
            }
            if (top.Count < 1 || Options.MinFrequency > top.Count)
            {
                break;
            }
            int left = (int)(top.Pair >> 32);
            int right = (int)top.Pair;
            string rightToken = vocab.Tokens[right];
            if (prefix is not null && rightToken.StartsWith(prefix, StringComparison.Ordinal))
            {
                rightToken = rightToken[prefix.Length..];
            }
            int newId = vocab.Intern(vocab.Tokens[left] + rightToken);
            merges.Add(top.Pair);

            changes.Clear();
            foreach (int w in top.Positions)
            {
                words[w].Merge(left, right, newId, maxLength, w, changes);
            }
            foreach (var (pair, change, w) in changes)
            {
                CollectionsMarshal.GetValueRefOrAddDefault(pairCounts, pair, out _) += change * counts[w];
                if (change > 0)
                {
                    AddPosition(whereToUpdate, pair, w);
                }
            }
            FlushCandidates(queue, whereToUpdate, pairCounts);
            if ((merges.Count & 255) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
                _progress?.Report(new("Compute merges", merges.Count, Options.VocabSize));
            }
        }
        cancellationToken.ThrowIfCancellationRequested();
        _progress?.Report(new("Compute merges", merges.Count, merges.Count));
        return merges;
    }

    /// <summary>
    /// Adds a word to the pair's positions once: words arrive in runs (all of one word's pairs, or changes, come
    /// together), so comparing with the last one is HF's set semantics without a hash set per pair.
    /// </summary>
    private static void AddPosition(Dictionary<long, List<int>> whereToUpdate, long pair, int word)
    {
        var positions = CollectionsMarshal.GetValueRefOrAddDefault(whereToUpdate, pair, out _) ??= [];
        if (positions.Count == 0 || positions[^1] != word)
        {
            positions.Add(word);
        }
    }

    private static void FlushCandidates(PriorityQueue<MergeCandidate, (long Count, long Pair)> queue,
        Dictionary<long, List<int>> whereToUpdate, Dictionary<long, long> pairCounts)
    {
        foreach (var (pair, positions) in whereToUpdate)
        {
            long count = pairCounts[pair];
            if (count > 0)
            {
                queue.Enqueue(new MergeCandidate(pair, count, positions), (count, pair));
            }
        }
        whereToUpdate.Clear();
    }

    private void AddAlphabet(Vocabulary vocab, IReadOnlyDictionary<string, long> wordCounts)
    {
        var alphabet = new Dictionary<int, long>();
        foreach (var (word, count) in wordCounts)
        {
            foreach (Rune rune in word.EnumerateRunes())
            {
                ref long total = ref CollectionsMarshal.GetValueRefOrAddDefault(alphabet, rune.Value, out _);
                total = total > long.MaxValue - count ? long.MaxValue : total + count;
            }
        }
        foreach (Rune rune in Options.InitialAlphabet)
        {
            alphabet[rune.Value] = long.MaxValue;
        }
        var kept = alphabet.ToList();
        int toRemove = Options.LimitAlphabet is { } limit ? Math.Max(0, kept.Count - limit) : 0;
        if (toRemove > 0)
        {
            // HF drops the rarest characters (ties in its hash order); here ties drop the higher code point first.
            kept.Sort((x, y) => x.Value != y.Value ? x.Value.CompareTo(y.Value) : y.Key.CompareTo(x.Key));
            kept.RemoveRange(0, toRemove);
        }
        kept.Sort((x, y) => x.Key.CompareTo(y.Key));
        foreach (var (codePoint, _) in kept)
        {
            vocab.Intern(char.ConvertFromUtf32(codePoint));
        }
    }

    /// <summary>Splits a word into its alphabet characters (others are dropped, as HF does), adding prefix and suffix.</summary>
    private Word Tokenize(Vocabulary vocab, string word, List<int> runes, Dictionary<long, int> pieceIds)
    {
        runes.Clear();
        foreach (Rune rune in word.EnumerateRunes())
        {
            runes.Add(rune.Value);
        }
        var ids = new List<int>(runes.Count);
        for (int index = 0; index < runes.Count; index++)
        {
            bool first = index == 0;
            bool last = index == runes.Count - 1;
            // The piece of a character depends on it and on whether it starts or ends the word; ids are handed out
            // on first sight, so caching them keeps HF's order.
            long key = ((long)runes[index] << 2) | (first ? 1L : 0) | (last ? 2L : 0);
            ref int id = ref CollectionsMarshal.GetValueRefOrAddDefault(pieceIds, key, out bool known);
            if (!known)
            {
                string character = char.ConvertFromUtf32(runes[index]);
                if (!vocab.Ids.ContainsKey(character))
                {
                    id = -1;
                }
                else
                {
                    if (!first && Options.ContinuingSubwordPrefix is { } prefix)
                    {
                        character = prefix + character;
                    }
                    if (last && Options.EndOfWordSuffix is { } suffix)
                    {
                        character += suffix;
                    }
                    id = vocab.Intern(character);
                }
            }
            if (id >= 0)
            {
                ids.Add(id);
            }
        }
        return new Word([.. ids]);
    }

    private static long Pack(int left, int right) => ((long)left << 32) | (uint)right;

    private sealed class Vocabulary
    {
        public Dictionary<string, int> Ids { get; } = new(StringComparer.Ordinal);

        public List<string> Tokens { get; } = [];

        public int Intern(string token)
        {
            ref int id = ref CollectionsMarshal.GetValueRefOrAddDefault(Ids, token, out bool exists);
            if (!exists)
            {
                id = Tokens.Count;
                Tokens.Add(token);
            }
            return id;
        }
    }

    /// <summary>A queued pair with the count it had when queued and the words it was seen in then.</summary>
    private sealed class MergeCandidate(long pair, long count, List<int> positions)
    {
        public long Pair { get; } = pair;

        public long Count { get; set; } = count;

        public List<int> Positions { get; } = positions;
    }

    /// <summary>Highest count first, then the smaller pair of ids (left, then right), as HF's <c>Merge</c> orders them.</summary>
    private sealed class PriorityOrder : IComparer<(long Count, long Pair)>
    {
        public static readonly PriorityOrder Instance = new();

        public int Compare((long Count, long Pair) x, (long Count, long Pair) y) =>
            x.Count != y.Count ? y.Count.CompareTo(x.Count) : x.Pair.CompareTo(y.Pair);
    }

    /// <summary>A word as a list of piece ids with each piece's length in characters (HF's <c>Word</c>).</summary>
    private sealed class Word(int[] ids)
    {
        public int[] Ids { get; } = ids;

        public int[] Lengths { get; } = Enumerable.Repeat(1, ids.Length).ToArray();

        public int Count { get; private set; } = ids.Length;

        /// <summary>
        /// Merges every (left, right) occurrence left to right, recording the pair count changes exactly as HF's
        /// <c>Word::merge</c> does, in one compacting pass (HF shifts the tail at each occurrence: quadratic on a long
        /// run of one letter).
        /// </summary>
        public void Merge(int left, int right, int replacement, long maxLength, int word, List<(long Pair, int Change, int Word)> changes)
        {
            int write = 0;
            int read = 0;
            while (read < Count)
            {
                if (Ids[read] != left || read + 1 >= Count || Ids[read + 1] != right)
                {
                    Ids[write] = Ids[read];
                    Lengths[write] = Lengths[read];
                    write++;
                    read++;
                    continue;
                }
                long length = (long)Lengths[read] + Lengths[read + 1];
                if (write > 0)
                {
                    // The symbol before is what is already written: a merge just made counts as the neighbour.
                    changes.Add((Pack(Ids[write - 1], left), -1, word));
                    if (Lengths[write - 1] + length < maxLength)
                    {
                        changes.Add((Pack(Ids[write - 1], replacement), 1, word));
                    }
                }
                if (read + 2 < Count)
                {
                    changes.Add((Pack(right, Ids[read + 2]), -1, word));
                    if (Lengths[read + 2] + length < maxLength)
                    {
                        changes.Add((Pack(replacement, Ids[read + 2]), 1, word));
                    }
                }
                Ids[write] = replacement;
                Lengths[write] = (int)length;
                write++;
                read += 2;
            }
            Count = write;
        }
    }
}
