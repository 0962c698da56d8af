namespace Manabi.Packages.Tests;

/// <summary>
/// The libtorch packages from a consumer's point of view. Written against the package split's ids and namespaces
/// (Manabi.SentenceTransformers, Manabi.Vision with Manabi.Vision.Models): they pass once that split is merged.
/// </summary>
[Collection(PackageFeedCollection.Name)]
public sealed class TorchPackageTests(PackageFeed feed)
{
    private const string SentenceProgram = """
        using Manabi.SentenceTransformers;

        using var model = DefaultSentenceModel.Load();
        var vectors = model.Encode(["A man is eating food.", "Someone eats."]).Vectors;
        double cosine = vectors[0].Zip(vectors[1], (a, b) => (double)a * b).Sum();
        Console.WriteLine($"vectors: {vectors.Length}x{vectors[0].Length}");
        Console.WriteLine($"similar: {cosine > 0.5}");
        """;

    private static readonly string[] SentenceExpected = ["vectors: 2x384", "similar: True"];

    private ConsumerProject SentenceConsumer(string name) =>
        feed.NewConsumer(name).AddPackages("Manabi.SentenceTransformers").WithProgram(SentenceProgram);

    [Fact]
    public void Default_sentence_model_encodes_two_sentences_without_a_runtime_identifier()
    {
        string output = SentenceConsumer("Sentences").BuildAndRun();
        Assert.Equal(SentenceExpected, ConsumerProject.Lines(output));
    }

    [Fact]
    public void Default_sentence_model_encodes_two_sentences_for_linux_x64()
    {
        string output = SentenceConsumer("SentencesRid").BuildAndRun(buildOptions: ["-r", "linux-x64"]);
        Assert.Equal(SentenceExpected, ConsumerProject.Lines(output));
    }

    [Fact]
    public void Default_sentence_model_encodes_two_sentences_when_published()
    {
        ConsumerProject consumer = SentenceConsumer("SentencesPublished");
        (string folder, _) = consumer.Publish("-r", "linux-x64", "--self-contained", "false");
        CommandResult run = consumer.RunProgram(Path.Combine(folder, consumer.Name));
        Assert.Equal(SentenceExpected, ConsumerProject.Lines(run.Output));
    }

    [Fact]
    public void Seresnet18_runs_one_forward_pass()
    {
        string output = feed.NewConsumer("Vision").AddPackages("Manabi.Vision").WithProgram("""
            using Manabi.Vision.Models;
            using TorchSharp;

            using var model = VisionModels.Create("seresnet18", classes: 10, imageSize: 64);
            model.eval();
            using var input = torch.randn(2, 3, 64, 64);
            using var logits = model.call(input);
            Console.WriteLine("logits: " + string.Join("x", logits.shape));
            """).BuildAndRun();
        Assert.Equal(["logits: 2x10"], ConsumerProject.Lines(output));
    }
}
