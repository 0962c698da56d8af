namespace Manabi.Cli.Tour;

/// <summary>The files the tour embeds in the manabi assembly (the text corpus, BERT's vocabulary).</summary>
internal static class TourResources
{
    private const string Prefix = "Manabi.Cli.Tour.";

    /// <summary>The corpus files embedded from data/corpus (Python documentation and WordNet glosses).</summary>
    public static readonly string[] CorpusFiles = ["corpus-pydoc.txt.gz", "corpus-wordnet.txt.gz"];

    /// <summary>Opens embedded file <paramref name="name"/>.</summary>
    /// <exception cref="InvalidOperationException">The build did not embed it.</exception>
    public static Stream Open(string name) =>
        typeof(TourResources).Assembly.GetManifestResourceStream(Prefix + name)
            ?? throw new InvalidOperationException($"The embedded resource {Prefix + name} is missing from the manabi assembly.");

    /// <summary>The whole text of embedded file <paramref name="name"/>.</summary>
    public static string ReadText(string name)
    {
        using var reader = new StreamReader(Open(name));
        return reader.ReadToEnd();
    }

    /// <summary>
    /// The first <paramref name="perFile"/> lines of each corpus file, blank lines skipped, every
    /// <paramref name="heldOutEvery"/>-th kept line held out of training for measuring.
    /// </summary>
    public static (List<string> Train, List<string> HeldOut) CorpusLines(int perFile, int heldOutEvery)
    {
        var train = new List<string>();
        var heldOut = new List<string>();
        int kept = 0;
        foreach (string file in CorpusFiles)
        {
            using var gzip = new System.IO.Compression.GZipStream(Open(file), System.IO.Compression.CompressionMode.Decompress);
            using var reader = new StreamReader(gzip);
            for (int taken = 0; taken < perFile && reader.ReadLine() is { } line; taken++)
            {
                if (line.Trim().Length > 0)
                {
                    (++kept % heldOutEvery == 0 ? heldOut : train).Add(line);
                }
            }
        }
        return (train, heldOut);
    }

    /// <summary>bert-base-uncased's vocabulary, embedded.</summary>
    public static Manabi.Text.WordPieceVocabulary BertUncasedVocabulary() =>
        new(ReadText("bert-uncased-vocab.txt").Split('\n').Select(t => t.TrimEnd()).SkipLast(1));
}
