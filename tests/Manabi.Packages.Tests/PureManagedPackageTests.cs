using Manabi.TestSupport;

namespace Manabi.Packages.Tests;

/// <summary>Manabi.Text, Manabi.Numerics and Manabi.Vectors from the packages, JIT and NativeAOT.</summary>
[Collection(PackageFeedCollection.Name)]
public sealed class PureManagedPackageTests(PackageFeed feed)
{
    // Tokenizes with a real BERT vocabulary (path in args[0]), computes an entropy, and round-trips a vector store
    // (path in args[1]): every pure-managed package once.
    private const string Program = """
        using System.Globalization;
        using Manabi.Numerics;
        using Manabi.Text;
        using Manabi.Vectors;

        var tokenizer = WordPieceTokenizer.Load(args[0]);
        Console.WriteLine("tokens: " + string.Join(" ", tokenizer.Encode("I have a new GPU!").Tokens));
        Console.WriteLine("entropy: " + InformationTheory.Entropy([0.5, 0.5], LogBase.Bits).ToString(CultureInfo.InvariantCulture));
        VectorStoreConverter.Write(["king", "queen", "apple"], [0.9f, 0.8f, 0.1f, 0.85f, 0.82f, 0.15f, 0.1f, 0.2f, 0.95f], 3, args[1]);
        using (var store = VectorStore.Open(args[1]))
        {
            Console.WriteLine("nearest: " + store.MostSimilar("king", top: 1)[0].Key);
            Console.WriteLine("raw: " + string.Join(",", store.GetVector("apple", raw: true).Select(x => x.ToString(CultureInfo.InvariantCulture))));
            Console.WriteLine("oov: " + store.Lookup("kingg").IsOutOfVocabulary);
        }
        """;

    private static readonly string[] Expected =
    [
        "tokens: [CLS] i have a new gp ##u ! [SEP]",
        "entropy: 1",
        "nearest: queen",
        "raw: 0.1,0.2,0.95",
        "oov: True",
    ];

    [Fact]
    public void Pure_managed_packages_tokenize_compute_entropy_and_round_trip_a_vector_store()
    {
        ConsumerProject consumer = feed.NewConsumer("PureManaged")
            .AddPackages("Manabi.Text", "Manabi.Numerics", "Manabi.Vectors")
            .WithProgram(Program);
        string vocab = Fixtures.Path("tokenizer", "bert-uncased-vocab.txt");
        string output = consumer.BuildAndRun(programArguments: [vocab, Path.Combine(consumer.Directory, "words.mvs")]);
        Assert.Equal(Expected, ConsumerProject.Lines(output));
    }

    [Fact]
    public void Pure_managed_packages_publish_with_NativeAOT_without_warnings_and_run_natively()
    {
        ConsumerProject consumer = feed.NewConsumer("PureManagedAot")
            .AddPackages("Manabi.Text", "Manabi.Numerics", "Manabi.Vectors")
            .WithProperties(("PublishAot", "true"))
            .WithProgram(Program);
        (string folder, CommandResult publish) = consumer.Publish("-r", "linux-x64");

        // IsAotCompatible holds in practice: the ILCompiler has nothing to say about Manabi's own code.
        string[] manabiWarnings = ConsumerProject.Lines(publish.Output)
            .Where(line => line.Contains("warning IL", StringComparison.Ordinal) && line.Contains("Manabi.", StringComparison.Ordinal))
            .ToArray();
        Assert.True(manabiWarnings.Length == 0, "AOT/trim warnings in Manabi code:\n" + string.Join('\n', manabiWarnings));

        string binary = Path.Combine(folder, consumer.Name);
        Assert.True(File.Exists(binary), $"no native binary at {binary}; publish output tail:\n{publish.Tail()}");
        Assert.False(File.Exists(Path.Combine(folder, "Manabi.Text.dll")), "the publish folder holds IL assemblies: not a NativeAOT build");
        string vocab = Fixtures.Path("tokenizer", "bert-uncased-vocab.txt");
        CommandResult run = consumer.RunProgram(binary, vocab, Path.Combine(consumer.Directory, "aot.mvs"));
        Assert.Equal(Expected, ConsumerProject.Lines(run.Output));
    }
}
