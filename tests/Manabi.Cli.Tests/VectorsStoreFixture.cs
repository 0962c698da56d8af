using System.IO.Compression;
using System.Text;
using Manabi.TestSupport;

namespace Manabi.Cli.Tests;

/// <summary>
/// A 2,000-word slice of the fastText fixture (tests/fixtures/vectors/fasttext-6k.vec.gz) and stores converted from it
/// once per test class: one with the HNSW graph, one without.
/// </summary>
public sealed class VectorsStoreFixture : IDisposable
{
    /// <summary>Words in the slice: the most frequent ones of the fixture.</summary>
    public const int SliceCount = 2000;

    private readonly TempFolder _folder = new();

    public VectorsStoreFixture()
    {
        var lines = new List<string>();
        using (var reader = new StreamReader(new GZipStream(File.OpenRead(Fixtures.Path("vectors", "fasttext-6k.vec.gz")), CompressionMode.Decompress), Encoding.UTF8))
        {
            string header = reader.ReadLine()!;
            Dimensions = int.Parse(header.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
            for (int i = 0; i < SliceCount; i++)
            {
                lines.Add(reader.ReadLine()!);
            }
        }
        SourceLines = lines;
        SourcePath = _folder.File("slice.vec", $"{SliceCount} {Dimensions}\n" + string.Join('\n', lines) + "\n");
        ApproxStore = Convert("approx.mvs", "--approx");
        ExactStore = Convert("exact.mvs");
    }

    public int Dimensions { get; }

    public IReadOnlyList<string> SourceLines { get; }

    public string SourcePath { get; }

    /// <summary>A store with the HNSW graph.</summary>
    public string ApproxStore { get; }

    /// <summary>A store without the HNSW graph.</summary>
    public string ExactStore { get; }

    /// <summary>The source vector of <paramref name="key"/> as written in the slice.</summary>
    public float[] SourceVector(string key)
    {
        string line = SourceLines.First(l => l.StartsWith(key + " ", StringComparison.Ordinal));
        return [.. line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(v => float.Parse(v, System.Globalization.CultureInfo.InvariantCulture))];
    }

    private string Convert(string name, params string[] extra)
    {
        string path = _folder.PathOf(name);
        var result = CliRunner.Run(["vectors", "convert", "--input", SourcePath, "--output", path, .. extra]);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException(result.ToString());
        }
        return path;
    }

    public void Dispose() => _folder.Dispose();
}
