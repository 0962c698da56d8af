namespace Manabi.Packages.Tests;

/// <summary>
/// The libtorch packages from a consumer's point of view, on the hostile host the package promises to handle: Debian's
/// python3-torch puts libtorch 1.13 in the system library folder (build/ensure-prerequisites.sh --tests installs it),
/// and the app must still load TorchSharp's libtorch 2.10 from its own folder, with or without a runtime identifier.
/// </summary>
[Collection(PackageFeedCollection.Name)]
public sealed class TorchPackageTests(PackageFeed feed)
{
    /// <summary>Where python3-torch's libtorch lives; present, a process that loaded it instead of TorchSharp's would crash.</summary>
    private const string SystemLibTorch = "/usr/lib/x86_64-linux-gnu/libtorch_cpu.so.1.13";

    private const string SentenceProgram = """
        using Manabi.SentenceTransformers;
        using Manabi.Torch.Runtime;

        using var model = DefaultSentenceModel.Load();
        var vectors = model.Encode(["A man is eating food.", "Someone eats."]).Vectors;
        double cosine = vectors[0].Zip(vectors[1], (a, b) => (double)a * b).Sum();
        Console.WriteLine($"vectors: {vectors.Length}x{vectors[0].Length}");
        Console.WriteLine($"similar: {cosine > 0.5}");
        var runtime = TorchRuntime.Describe();
        Console.WriteLine($"libtorch: {Version.Parse(runtime.LibTorchVersion ?? "0.0").ToString(2)}");
        Console.WriteLine($"from the app's folder: {runtime.LibTorchCpuPath?.StartsWith(AppContext.BaseDirectory, StringComparison.Ordinal)}");
        """;

    private static readonly string[] SentenceExpected = ["vectors: 2x384", "similar: True", "libtorch: 2.10", "from the app's folder: True"];

    private static void RequireSystemLibTorch() =>
        Assert.True(File.Exists(SystemLibTorch),
            $"{SystemLibTorch} is missing: these tests prove the packages on a host with Debian's python3-torch; " +
            "run build/ensure-prerequisites.sh --tests as root (or apt-get install -y python3-torch)");

    private ConsumerProject SentenceConsumer(string name)
    {
        RequireSystemLibTorch();
        return feed.NewConsumer(name).AddPackages("Manabi.SentenceTransformers").WithProgram(SentenceProgram);
    }

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

    [Fact]
    public void A_consumer_test_project_loads_libtorch_under_dotnet_test()
    {
        RequireSystemLibTorch();
        // `dotnet test` runs the tests from the build output without a runtime identifier, through the test host.
        ConsumerProject consumer = feed.NewConsumer("TorchTests", template: "xunit").AddPackages("Manabi.Torch");
        File.Delete(Path.Combine(consumer.Directory, "UnitTest1.cs"));
        File.WriteAllText(Path.Combine(consumer.Directory, "TorchTest.cs"), """
            using Manabi.Torch.Runtime;
            using TorchSharp;
            using Xunit;

            public class TorchTest
            {
                [Fact]
                public void Libtorch_loads_from_the_test_output()
                {
                    TorchRuntime.EnsureLoaded();
                    using var x = torch.ones(2, 3);
                    Assert.Equal(6f, x.sum().item<float>());
                    Assert.StartsWith("2.10.", TorchRuntime.Describe().LibTorchVersion);
                }
            }
            """);
        CommandResult result = consumer.Dotnet("test", "-c", "Release", "-nologo");
        Assert.Contains("Passed!", result.Output, StringComparison.Ordinal);
    }
}
