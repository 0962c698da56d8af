using System.Text;

namespace Manabi.Text;

/// <summary>
/// Trains a Unigram (SentencePiece-style) vocabulary the way HF tokenizers' <c>UnigramTrainer</c> does: seed pieces
/// are every character and the most frequent substrings of the distinct words (from a suffix array, scored by
/// occurrences times length), then EM (expected piece counts from forward-backward marginals, re-estimated with
/// HF's digamma rule, pieces below half an expected occurrence dropped) alternates with pruning the pieces whose
/// removal costs the least likelihood, until about <see cref="UnigramTrainerOptions.VocabSize"/> remain; every
/// character of the corpus is kept. Words are processed in ordinal order and sums are reduced in a fixed order, so
/// the result is always the same (HF's depends slightly on its hash maps' order and on threads).
/// </summary>
public sealed class UnigramTrainer
{
    /// <summary>The placeholder piece at id 0 during training, as in HF.</summary>
    private const string UnknownPlaceholder = "<UNK>";

    private readonly IProgress<TrainingProgress>? _progress;

    /// <summary>Creates a trainer.</summary>
    /// <exception cref="ArgumentException">An option is out of range (the message names it).</exception>
    public UnigramTrainer(UnigramTrainerOptions? options = null, IProgress<TrainingProgress>? progress = null)
    {
        Options = options ?? new UnigramTrainerOptions();
        ArgumentNullException.ThrowIfNull(Options.SpecialTokens, "options.SpecialTokens");
        ArgumentNullException.ThrowIfNull(Options.InitialAlphabet, "options.InitialAlphabet");
        if (Options.SpecialTokens.Any(token => token is null))
        {
            throw new ArgumentException("SpecialTokens must not contain null", nameof(options));
        }
        int reserved = Options.SpecialTokens.Count + (Options.UnknownToken is { } unk && !Options.SpecialTokens.Contains(unk) ? 1 : 0);
        if (Options.VocabSize <= reserved)
        {
            throw new ArgumentException($"VocabSize ({Options.VocabSize}) must exceed the {reserved} special tokens", nameof(options));
        }
        if (Options.SubIterations < 0)
        {
            throw new ArgumentException($"SubIterations must not be negative (was {Options.SubIterations})", nameof(options));
        }
        if (!(Options.ShrinkingFactor is > 0 and < 1))
        {
            throw new ArgumentException($"ShrinkingFactor must be between 0 and 1 (was {Options.ShrinkingFactor})", nameof(options));
        }
        if (Options.MaxPieceLength <= 0)
        {
            throw new ArgumentException($"MaxPieceLength must be positive (was {Options.MaxPieceLength})", nameof(options));
        }
        if (Options.SeedSize <= 0)
        {
            throw new ArgumentException($"SeedSize must be positive (was {Options.SeedSize})", nameof(options));
        }
        _progress = progress;
    }

    /// <summary>The settings.</summary>
    public UnigramTrainerOptions Options { get; }

    /// <summary>
    /// Trains on UTF-8 text files (one text a line, <c>.gz</c> decompressed), streaming: each line, with its
    /// <c>\n</c> as HF's <c>train_from_files</c> keeps it, is split into words by <paramref name="splitWords"/> (the
    /// normalizer and pre-tokenizer of the tokenizer being trained, e.g. Metaspace) on all cores, and only word
    /// counts stay in memory. Progress reports "Read files" in bytes, then the stages of <see cref="Train"/>.
    /// </summary>
    /// <exception cref="TokenizerFormatException">A file is unreadable or not valid UTF-8 (the message names file and line).</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public UnigramTrainingResult TrainFromFiles(IReadOnlyList<string> paths, Func<string, IEnumerable<string>> splitWords,
        CancellationToken cancellationToken = default) =>
        Train(WordCounter.CountFiles(paths, splitWords, _progress, cancellationToken), cancellationToken);

    /// <summary>
    /// Trains on word counts (words already normalized and pre-tokenized). Progress reports "Suffix array seeds",
    /// then "EM training" (EM iterations against an estimate of how many there will be).
    /// </summary>
    /// <exception cref="ArgumentException">A count is negative, or the corpus has more distinct characters than
    /// <see cref="UnigramTrainerOptions.VocabSize"/> (the message says which).</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public UnigramTrainingResult Train(IReadOnlyDictionary<string, long> wordCounts, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(wordCounts);
        foreach (var (word, count) in wordCounts)
        {
            if (count < 0)
            {
                throw new ArgumentException($"the count of the word \"{word}\" is negative ({count})", nameof(wordCounts));
            }
        }
        string[] words = wordCounts.Keys.Order(StringComparer.Ordinal).ToArray();
        double[] counts = words.Select(word => (double)wordCounts[word]).ToArray();

        var required = RequiredCharacters(words);
        if (required.Count > Options.VocabSize)
        {
            throw new ArgumentException(
                $"the vocabulary size {Options.VocabSize} cannot hold the corpus's {required.Count} distinct characters", nameof(wordCounts));
        }

        _progress?.Report(new("Suffix array seeds", 0, words.Length));
        var pieces = new List<(string Piece, double Score)> { (UnknownPlaceholder, double.NaN) };
        pieces.AddRange(SeedPieces(words, wordCounts));
        _progress?.Report(new("Suffix array seeds", words.Length, words.Length));
        cancellationToken.ThrowIfCancellationRequested();

        long desired = (long)Options.VocabSize * 11 / 10;
        long expectedUpdates = Options.SubIterations * ((long)((Math.Log(desired) - Math.Log(pieces.Count)) / Math.Log(Options.ShrinkingFactor)) + 1);
        long updates = 0;
        var model = new UnigramTrainingModel(pieces);
        while (true)
        {
            for (int iteration = 0; iteration < Options.SubIterations; iteration++)
            {
                double[] expected = ExpectedCounts(model, words, counts, cancellationToken);
                pieces = Maximize(pieces, expected);
                model = new UnigramTrainingModel(pieces);
                _progress?.Report(new("EM training", ++updates, Math.Max(updates, expectedUpdates)));
            }
            if (pieces.Count <= desired)
            {
                break;
            }
            pieces = Prune(model, pieces, words, counts, desired, cancellationToken);
            model = new UnigramTrainingModel(pieces);
        }
        _progress?.Report(new("EM training", updates, updates));
        return Finish(model, required);
    }

    internal SortedSet<int> RequiredCharacters(string[] words)
    {
        var characters = new SortedSet<int>();
        foreach (string word in words)
        {
            foreach (Rune rune in word.EnumerateRunes())
            {
                characters.Add(rune.Value);
            }
        }
        foreach (Rune rune in Options.InitialAlphabet)
        {
            characters.Add(rune.Value);
        }
        return characters;
    }

    /// <summary>HF's <c>make_seed_sentence_pieces</c>: characters by weighted count, then substrings by occurrences
    /// (among distinct words) times length, as log probabilities.</summary>
    internal List<(string Piece, double Score)> SeedPieces(string[] words, IReadOnlyDictionary<string, long> wordCounts)
    {
        var text = new List<int>();
        var characterCounts = new Dictionary<int, long>();
        foreach (string word in words)
        {
            if (word.Length == 0)
            {
                continue;
            }
            long count = wordCounts[word];
            foreach (Rune rune in word.EnumerateRunes())
            {
                text.Add(rune.Value);
                if (rune.Value != 0)
                {
                    characterCounts[rune.Value] = characterCounts.GetValueOrDefault(rune.Value) + count;
                }
            }
            // Words are joined with NUL, which no seed may contain.
            text.Add(0);
        }
        int[] flat = [.. text];
        var seeds = new List<(string Piece, double Score)>();
        foreach (var (character, count) in characterCounts.OrderByDescending(c => c.Value).ThenByDescending(c => c.Key))
        {
            seeds.Add((char.ConvertFromUtf32(character), count));
        }

        var nextNul = new int[flat.Length + 1];
        nextNul[flat.Length] = flat.Length;
        for (int i = flat.Length - 1; i >= 0; i--)
        {
            nextNul[i] = flat[i] == 0 ? i : nextNul[i + 1];
        }
        var substrings = SuffixArray.InternalNodes(flat)
            .Where(node => node.Length >= 2 && node.Length <= Options.MaxPieceLength && nextNul[node.Start] >= node.Start + node.Length)
            .Select(node => (node.Start, node.Length, Score: (long)node.Count * node.Length))
            .ToList();
        substrings.Sort((x, y) =>
        {
            if (x.Score != y.Score)
            {
                return y.Score.CompareTo(x.Score);
            }
            // Then the greater code point sequence first (HF sorts the (score, chars) pairs in reverse).
            return flat.AsSpan(y.Start, y.Length).SequenceCompareTo(flat.AsSpan(x.Start, x.Length));
        });
        var builder = new StringBuilder();
        foreach (var (start, length, score) in substrings)
        {
            if (seeds.Count >= Options.SeedSize)
            {
                break;
            }
            builder.Clear();
            for (int i = start; i < start + length; i++)
            {
                builder.Append(char.ConvertFromUtf32(flat[i]));
            }
            string piece = builder.ToString();
            if (piece == UnknownPlaceholder)
            {
                // It would collide with the placeholder at id 0 (HF then gives NaN likelihoods).
                continue;
            }
            seeds.Add((piece, score));
        }
        double logSum = Math.Log(seeds.Sum(seed => seed.Score));
        for (int i = 0; i < seeds.Count; i++)
        {
            seeds[i] = (seeds[i].Piece, Math.Log(seeds[i].Score) - logSum);
        }
        return seeds;
    }

    /// <summary>The E step: each piece's expected count over all words (forward-backward on each word's lattice).</summary>
    private static double[] ExpectedCounts(UnigramTrainingModel model, string[] words, double[] counts, CancellationToken cancellationToken)
    {
        int chunks = Math.Max(1, Math.Min(Environment.ProcessorCount, words.Length / 64));
        var partial = new double[chunks][];
        Parallel.For(0, chunks, new ParallelOptions { CancellationToken = cancellationToken }, c =>
        {
            var expected = new double[model.Count];
            var lattice = new UnigramLattice();
            for (int w = c * words.Length / chunks; w < (c + 1) * words.Length / chunks; w++)
            {
                lattice.Reset(words[w]);
                model.Populate(lattice);
                lattice.PopulateMarginal(counts[w], expected);
            }
            partial[c] = expected;
        });
        // Summed in chunk order, so the result does not depend on thread timing.
        var total = partial[0];
        for (int c = 1; c < chunks; c++)
        {
            for (int i = 0; i < total.Length; i++)
            {
                total[i] += partial[c][i];
            }
        }
        return total;
    }

    /// <summary>The M step (HF's <c>run_m_step</c>): drop pieces expected less than half a time, rescore the others
    /// as digamma(count) - digamma(total).</summary>
    private static List<(string Piece, double Score)> Maximize(List<(string Piece, double Score)> pieces, double[] expected)
    {
        var kept = new List<(string Piece, double Count)>(pieces.Count) { (pieces[0].Piece, double.NaN) };
        double sum = 0.0;
        for (int i = 1; i < pieces.Count; i++)
        {
            if (expected[i] < 0.5)
            {
                continue;
            }
            kept.Add((pieces[i].Piece, expected[i]));
            sum += expected[i];
        }
        double logSum = Digamma(sum);
        return kept.Select(piece => (piece.Piece, Digamma(piece.Count) - logSum)).ToList();
    }

    /// <summary>HF's digamma approximation (recurrence up to 7, then its asymptotic series).</summary>
    internal static double Digamma(double x)
    {
        double result = 0.0;
        for (; x < 7.0; x += 1.0)
        {
            result -= 1.0 / x;
        }
        x -= 0.5;
        double inverse = 1.0 / x;
        double inverse2 = inverse * inverse;
        double inverse4 = inverse2 * inverse2;
        return result + Math.Log(x) + inverse2 / 24.0 - 7.0 / 960.0 * inverse4 + 31.0 / 8064.0 * inverse4 * inverse2
            - 127.0 / 30720.0 * inverse4 * inverse4;
    }

    /// <summary>
    /// HF's <c>prune_sentence_pieces</c>: a piece that is its own best segmentation but has a second-best one is a
    /// candidate, scored by the likelihood lost if its occurrences went to that alternative; the pieces with the
    /// largest losses are kept until the shrunk size.
    /// </summary>
    private List<(string Piece, double Score)> Prune(UnigramTrainingModel model, List<(string Piece, double Score)> pieces,
        string[] words, double[] counts, long desired, CancellationToken cancellationToken)
    {
        var alwaysKeep = new bool[pieces.Count];
        var alternatives = new int[pieces.Count][];
        Parallel.For(1, pieces.Count, new ParallelOptions { CancellationToken = cancellationToken },
            () => new UnigramLattice(),
            (id, _, lattice) =>
            {
                lattice.Reset(pieces[id].Piece);
                model.Populate(lattice);
                var best = lattice.TwoBest();
                alwaysKeep[id] = true;
                if (best.Count >= 2 && best[0].Count >= 2)
                {
                    alwaysKeep[id] = false;
                }
                else if (best.Count >= 2 && best[0].Count == 1)
                {
                    alternatives[id] = [.. best[1]];
                }
                return lattice;
            },
            _ => { });

        // How often each piece is in the best segmentation of the words (counts are whole numbers: exact sums).
        int chunks = Math.Max(1, Math.Min(Environment.ProcessorCount, words.Length / 64));
        var partial = new double[chunks][];
        Parallel.For(0, chunks, new ParallelOptions { CancellationToken = cancellationToken }, c =>
        {
            var frequency = new double[pieces.Count];
            var lattice = new UnigramLattice();
            var path = new List<int>();
            for (int w = c * words.Length / chunks; w < (c + 1) * words.Length / chunks; w++)
            {
                lattice.Reset(words[w]);
                model.Populate(lattice);
                lattice.Viterbi(path);
                foreach (int id in path)
                {
                    frequency[id] += counts[w];
                }
            }
            partial[c] = frequency;
        });
        var frequencies = partial[0];
        for (int c = 1; c < chunks; c++)
        {
            for (int i = 0; i < frequencies.Length; i++)
            {
                frequencies[i] += partial[c][i];
            }
        }
        double totalWords = counts.Sum();
        double sum = frequencies.Sum();
        double logSum = Math.Log(sum);

        var kept = new List<(string Piece, double Score)>((int)Math.Min(pieces.Count, desired)) { pieces[0] };
        var candidates = new List<(int Id, double Loss)>();
        for (int id = 1; id < pieces.Count; id++)
        {
            double frequency = frequencies[id];
            if (frequency == 0.0 && !alwaysKeep[id])
            {
                continue;
            }
            if (alternatives[id] is not { Length: > 0 } alternative)
            {
                kept.Add(pieces[id]);
                continue;
            }
            // The piece's share of words (HF sums the counts of the words it appears in, once per occurrence).
            double share = frequency / totalWords;
            if (share == 0.0 || double.IsNaN(share))
            {
                continue;
            }
            double logProbability = Math.Log(frequency) - logSum;
            // HF multiplies by the number of pieces minus one here (not the alternative's length); kept for parity.
            double logSumAlternative = Math.Log(sum + frequency * (pieces.Count - 1));
            double logProbabilityAlternative = 0.0;
            foreach (int other in alternative)
            {
                logProbabilityAlternative += Math.Log(frequencies[other] + frequency) - logSumAlternative;
            }
            candidates.Add((id, share * (logProbability - logProbabilityAlternative)));
        }
        long prunedSize = Math.Max(desired, (long)(pieces.Count * Options.ShrinkingFactor));
        foreach (var (id, _) in candidates.OrderByDescending(candidate => candidate.Loss))
        {
            if (kept.Count == prunedSize)
            {
                break;
            }
            kept.Add(pieces[id]);
        }
        return kept;
    }

    /// <summary>HF's <c>finalize</c>: every required character (missing ones just below the lowest score), then the
    /// best pieces up to the size, by decreasing score, after the special tokens.</summary>
    private UnigramTrainingResult Finish(UnigramTrainingModel model, SortedSet<int> required)
    {
        var existing = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var (piece, score) in model.Pieces)
        {
            existing[piece] = score;
        }
        var pieces = new List<(string Piece, double Score)>();
        var inserted = new HashSet<string>(StringComparer.Ordinal) { UnknownPlaceholder };
        double penalty = 0.0;
        foreach (int codePoint in required)
        {
            string character = char.ConvertFromUtf32(codePoint);
            inserted.Add(character);
            if (existing.TryGetValue(character, out double score))
            {
                pieces.Add((character, score));
            }
            else
            {
                pieces.Add((character, model.MinScore + penalty));
                penalty += 0.0001;
            }
        }

        int? unknownId = null;
        bool addUnknown = false;
        if (Options.UnknownToken is { } unknown)
        {
            int index = Options.SpecialTokens.ToList().IndexOf(unknown);
            unknownId = index >= 0 ? index : 0;
            addUnknown = index < 0;
        }
        int target = Options.VocabSize - Options.SpecialTokens.Count - (addUnknown ? 1 : 0);
        foreach (var (piece, score) in model.Pieces)
        {
            if (!inserted.Add(piece))
            {
                continue;
            }
            pieces.Add((piece, double.IsNaN(score) ? 0.0 : score));
            // HF checks for equality only, so when the characters alone exceed the target every piece stays.
            if (pieces.Count == target)
            {
                break;
            }
        }
        var vocabulary = new List<(string Piece, double Score)>(pieces.Count + Options.SpecialTokens.Count + 1);
        if (addUnknown)
        {
            vocabulary.Add((Options.UnknownToken!, 0.0));
        }
        vocabulary.AddRange(Options.SpecialTokens.Select(token => (token, 0.0)));
        vocabulary.AddRange(pieces.OrderByDescending(piece => piece.Score));
        return new UnigramTrainingResult(vocabulary, unknownId);
    }
}
