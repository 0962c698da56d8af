using System.Collections.Concurrent;
using System.Runtime.InteropServices;

namespace Manabi.Text;

/// <summary>
/// Counts the words of text files for the trainers, streaming as <see cref="WordPieceTrainer.TrainFromFiles"/> does:
/// lines are read in chunks and split on all cores, so memory holds the word counts, never the corpus.
/// </summary>
internal static class WordCounter
{
    /// <summary>Lines split together; word counts, not lines, are what stays in memory.</summary>
    public const int ChunkLines = WordPieceTrainer.FileChunkLines;

    /// <summary>
    /// Splits every line of <paramref name="paths"/> with <paramref name="splitWords"/> and counts the words. Each
    /// line is given with a trailing <c>\n</c>, as HF's <c>train_from_files</c> keeps line endings (a
    /// pre-tokenizer such as ByteLevel turns it into a word of its own; Whitespace drops it).
    /// </summary>
    public static Dictionary<string, long> CountFiles(IReadOnlyList<string> paths, Func<string, IEnumerable<string>> splitWords,
        IProgress<TrainingProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(splitWords);
        return CountFiles(paths, chunk => CountTexts(chunk, splitWords, cancellationToken), appendNewline: true,
            progress is null ? null : (done, total) => progress.Report(new("Read files", done, total)), cancellationToken);
    }

    /// <summary>
    /// Streams the lines of <paramref name="paths"/> (strict UTF-8, <c>.gz</c> decompressed) in chunks of
    /// <see cref="ChunkLines"/> through <paramref name="countChunk"/> and adds up its counts; <paramref name="onBytes"/>
    /// hears (bytes read, total bytes) after each chunk.
    /// </summary>
    /// <exception cref="TokenizerFormatException">A file is unreadable or not valid UTF-8 (the message names file and line).</exception>
    public static Dictionary<string, long> CountFiles(IReadOnlyList<string> paths, Func<IReadOnlyList<string>, Dictionary<string, long>> countChunk,
        bool appendNewline, Action<long, long>? onBytes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(paths);
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        var readers = new List<Utf8LineReader>(paths.Count);
        try
        {
            foreach (string path in paths)
            {
                readers.Add(new Utf8LineReader(path));
            }
            long totalBytes = readers.Sum(reader => reader.Length);
            long doneBytes = 0;
            var chunk = new List<string>(ChunkLines);
            foreach (var reader in readers)
            {
                string? line;
                do
                {
                    line = reader.ReadLine();
                    if (line is not null)
                    {
                        chunk.Add(appendNewline ? line + "\n" : line);
                    }
                    if (chunk.Count == ChunkLines || (line is null && chunk.Count > 0))
                    {
                        cancellationToken.ThrowIfCancellationRequested();
                        Merge(counts, countChunk(chunk));
                        chunk.Clear();
                        onBytes?.Invoke(doneBytes + reader.Position, totalBytes);
                    }
                }
                while (line is not null);
                doneBytes += reader.Length;
            }
            onBytes?.Invoke(totalBytes, totalBytes);
        }
        finally
        {
            foreach (var reader in readers)
            {
                reader.Dispose();
            }
        }
        return counts;
    }

    /// <summary>Splits texts into words on all cores and counts them.</summary>
    public static Dictionary<string, long> CountTexts(IReadOnlyList<string> texts, Func<string, IEnumerable<string>> splitWords,
        CancellationToken cancellationToken)
    {
        var partials = new ConcurrentBag<Dictionary<string, long>>();
        int chunk = Math.Max(1, texts.Count / (Environment.ProcessorCount * 4));
        var options = new ParallelOptions { CancellationToken = cancellationToken };
        Parallel.ForEach(Partitioner.Create(0, texts.Count, chunk), options, () => new Dictionary<string, long>(StringComparer.Ordinal),
            (range, state, local) =>
            {
                for (int i = range.Item1; i < range.Item2; i++)
                {
                    foreach (string word in splitWords(texts[i]))
                    {
                        CollectionsMarshal.GetValueRefOrAddDefault(local, word, out _)++;
                    }
                }
                return local;
            },
            partials.Add);
        var total = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var partial in partials)
        {
            Merge(total, partial);
        }
        return total;
    }

    private static void Merge(Dictionary<string, long> into, Dictionary<string, long> from)
    {
        foreach (var (word, count) in from)
        {
            CollectionsMarshal.GetValueRefOrAddDefault(into, word, out _) += count;
        }
    }
}
