using System.IO.Compression;

namespace Manabi.Text.Tests;

/// <summary><see cref="WordPieceTrainer.TrainFromFiles"/> streams files in chunks, yet trains what the in-memory path trains.</summary>
public sealed class StreamingTrainerTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("manabi-stream-train-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void Files_spanning_several_chunks_train_the_same_vocabulary_as_their_lines_in_memory()
    {
        // More lines than one chunk, split over a plain and a gzip file, so chunk and file boundaries both occur.
        var random = new Random(7);
        string[] words = ["alpha", "beta", "gamma", "delta", "unbelievable", "tokenization", "naïve", "東京", "running", "runner"];
        var lines = Enumerable.Range(0, WordPieceTrainer.FileChunkLines + 5000)
            .Select(_ => string.Join(' ', Enumerable.Range(0, 6).Select(_ => words[random.Next(words.Length)])))
            .ToArray();
        int half = lines.Length / 2;
        string plain = Path.Combine(_folder, "a.txt");
        File.WriteAllLines(plain, lines[..half]);
        string gzip = Path.Combine(_folder, "b.txt.gz");
        using (var stream = new GZipStream(File.Create(gzip), CompressionLevel.Fastest))
        using (var writer = new StreamWriter(stream))
        {
            foreach (string line in lines[half..])
            {
                writer.WriteLine(line);
            }
        }
        var options = new WordPieceTrainerOptions { VocabSize = 200 };
        var stages = new List<string>();
        var progress = new SynchronousProgress(p => stages.Add(p.Stage));

        var streamed = new WordPieceTrainer(options, progress).TrainFromFiles([plain, gzip]);
        var inMemory = new WordPieceTrainer(options).Train(lines);

        Assert.Equal(inMemory.Entries.Select(e => e.Token), streamed.Entries.Select(e => e.Token));
        Assert.Equal("Read files", stages[0]);
        Assert.Contains("Compute merges", stages);
    }

    [Fact]
    public void Invalid_UTF8_names_the_file_and_line()
    {
        string path = Path.Combine(_folder, "bad.txt");
        File.WriteAllBytes(path, [.. "good line\nsecond\n"u8, 0xC3, 0x28, (byte)'\n']);
        var ex = Assert.Throws<TokenizerFormatException>(() => new WordPieceTrainer().TrainFromFiles([path]));
        Assert.Equal(path, ex.FilePath);
        Assert.Equal(3, ex.LineNumber);
        Assert.StartsWith($"{path}:3: invalid UTF-8", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_file_is_named()
    {
        string path = Path.Combine(_folder, "absent.txt");
        var ex = Assert.Throws<TokenizerFormatException>(() => new WordPieceTrainer().TrainFromFiles([path]));
        Assert.Equal(path, ex.FilePath);
    }

    [Fact]
    public void A_cancelled_token_stops_training()
    {
        string path = Path.Combine(_folder, "corpus.txt");
        File.WriteAllLines(path, Enumerable.Repeat("some words to count", 100));
        using var cancellation = new CancellationTokenSource();
        cancellation.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() => new WordPieceTrainer().TrainFromFiles([path], cancellation.Token));
    }

    [Fact]
    public void Cancelling_during_the_merges_stops_them()
    {
        string path = Path.Combine(_folder, "corpus.txt");
        var random = new Random(3);
        File.WriteAllLines(path, Enumerable.Range(0, 20000).Select(_ =>
            new string(Enumerable.Range(0, 12).Select(_ => (char)('a' + random.Next(26))).ToArray())));
        using var cancellation = new CancellationTokenSource();
        var progress = new SynchronousProgress(p =>
        {
            if (p.Stage == "Compute merges")
            {
                cancellation.Cancel();
            }
        });
        var trainer = new WordPieceTrainer(new WordPieceTrainerOptions { VocabSize = 30000 }, progress);
        Assert.ThrowsAny<OperationCanceledException>(() => trainer.TrainFromFiles([path], cancellation.Token));
    }

    /// <summary>Reports on the caller's thread (<see cref="Progress{T}"/> posts to the thread pool).</summary>
    private sealed class SynchronousProgress(Action<WordPieceTrainingProgress> report) : IProgress<WordPieceTrainingProgress>
    {
        public void Report(WordPieceTrainingProgress value) => report(value);
    }
}
