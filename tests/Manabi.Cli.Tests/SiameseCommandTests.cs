using System.Text.Json;
using SkiaSharp;

namespace Manabi.Cli.Tests;

public sealed class SiameseCommandTests
{
    [Fact]
    public void Train_eval_verify_report_and_probe_on_an_image_folder()
    {
        using var folder = new TempFolder();
        WriteImageFolder(folder.Path, perClass: 8);
        string run = folder.PathOf("run");
        var train = CliRunner.Run("siamese", "train", "--data", folder.Path, "--classes", "0-3", "--encoder", "resnet18-small", "--loss", "triplet",
            "--epochs", "2", "--images-per-class", "4", "--embedding-dim", "16", "--threads", "1", "--output", run);
        Assert.True(train.ExitCode == 0, train.ToString());
        Assert.Contains("epoch 2/2", train.Stdout, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(run, "model.safetensors")));

        var eval = CliRunner.Run("siamese", "eval", "--checkpoint", run, "--classes", "4-7", "--way", "4", "--shot", "1", "--episodes", "200", "--seed", "0");
        Assert.True(eval.ExitCode == 0, eval.ToString());
        string line = eval.Stdout.Trim();
        Assert.StartsWith("{\"way\":4,\"shot\":1,\"accuracy\":", line, StringComparison.Ordinal);
        using (var json = JsonDocument.Parse(line))
        {
            Assert.InRange(json.RootElement.GetProperty("accuracy").GetDouble(), 0, 1);
            Assert.InRange(json.RootElement.GetProperty("eer").GetDouble(), 0, 1);
            Assert.InRange(json.RootElement.GetProperty("auc").GetDouble(), 0, 1);
            Assert.Equal(32 * 31 / 2, json.RootElement.GetProperty("pairs").GetInt32());
            Assert.InRange(json.RootElement.GetProperty("map_at_r").GetDouble(), 0, 1);
            Assert.InRange(json.RootElement.GetProperty("recall_at_k").GetProperty("8").GetDouble(), json.RootElement.GetProperty("precision_at_1").GetDouble(), 1);
        }
        Assert.Equal(line, CliRunner.Run("siamese", "eval", "--checkpoint", run, "--classes", "4-7", "--way", "4", "--shot", "1", "--episodes", "200", "--seed", "0").Stdout.Trim());
        Assert.True(File.Exists(Path.Combine(run, "verification.json")));
        var onFeatures = CliRunner.Run("siamese", "eval", "--checkpoint", run, "--classes", "4-7", "--episodes", "50", "--features");
        Assert.True(onFeatures.ExitCode == 0, onFeatures.ToString());
        Assert.Contains("\"embedding\":\"features\"", onFeatures.Stdout, StringComparison.Ordinal);

        string a = Path.Combine(folder.Path, "test", "c4", "0.png"), b = Path.Combine(folder.Path, "test", "c4", "1.png");
        var verify = CliRunner.Run("verify", "--checkpoint", run, a, b);
        Assert.True(verify.ExitCode == 0, verify.ToString());
        using (var json = JsonDocument.Parse(verify.Stdout.Trim()))
        {
            Assert.True(json.RootElement.GetProperty("distance").GetDouble() >= 0);
            Assert.Equal(json.RootElement.GetProperty("distance").GetDouble() <= json.RootElement.GetProperty("threshold").GetDouble(),
                json.RootElement.GetProperty("same").GetBoolean());
        }

        string reportFolder = folder.PathOf("report");
        var report = CliRunner.Run("embeddings", "report", "--checkpoint", run, "--output", reportFolder, "--count", "40");
        Assert.True(report.ExitCode == 0, report.ToString());
        using (var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(reportFolder, "report.json"))))
        {
            Assert.Equal(16, json.RootElement.GetProperty("dimensions").GetInt32());
            Assert.InRange(json.RootElement.GetProperty("effective_rank").GetDouble(), 1, 16);
            Assert.Equal(16, json.RootElement.GetProperty("eigenvalues").GetArrayLength());
        }
        foreach (string png in new[] { "spectrum.png", "pca.png" })
        {
            using var image = SKBitmap.Decode(Path.Combine(reportFolder, png));
            Assert.NotNull(image);
        }

        var probe = CliRunner.Run("siamese", "probe", "--checkpoint", run, "--epochs", "20");
        Assert.True(probe.ExitCode == 0, probe.ToString());
        using (var json = JsonDocument.Parse(probe.Stdout.Trim()))
        {
            Assert.InRange(json.RootElement.GetProperty("linear_probe_accuracy").GetDouble(), 0, 1);
            Assert.Equal(64, json.RootElement.GetProperty("train_images").GetInt32());
        }

        // Resuming with another objective, or evaluating what cannot form an episode, is bad input.
        var otherLoss = CliRunner.Run("siamese", "train", "--data", folder.Path, "--classes", "0-3", "--encoder", "resnet18-small", "--loss", "contrastive", "--output", run);
        Assert.Equal(2, otherLoss.ExitCode);
        Assert.Contains("triplet run of resnet18-small", otherLoss.Stderr, StringComparison.Ordinal);
        var unknownClass = CliRunner.Run("siamese", "eval", "--checkpoint", run, "--classes", "6-9", "--way", "4", "--shot", "1", "--episodes", "10");
        Assert.Equal(2, unknownClass.ExitCode);
        Assert.Contains("class 9 does not exist", unknownClass.Stderr, StringComparison.Ordinal);
        var tooManyWays = CliRunner.Run("siamese", "eval", "--checkpoint", run, "--classes", "4-6", "--way", "4", "--episodes", "10");
        Assert.Equal(2, tooManyWays.ExitCode);
        Assert.Contains("needs 4", tooManyWays.Stderr, StringComparison.Ordinal);
        var tooFewImages = CliRunner.Run("siamese", "eval", "--checkpoint", run, "--classes", "4-7", "--way", "4", "--shot", "8", "--episodes", "10");
        Assert.Equal(2, tooFewImages.ExitCode);
        Assert.Contains("has 8 test images", tooFewImages.Stderr, StringComparison.Ordinal);

        string big = folder.PathOf("big.png");
        WritePng(big, 20, 20, 9, 3);
        var wrongSize = CliRunner.Run("verify", "--checkpoint", run, a, big);
        Assert.Equal(2, wrongSize.ExitCode);
        Assert.Contains("20x20", wrongSize.Stderr, StringComparison.Ordinal);

        // A truncated PNG is refused, naming the image argument and the file (not --data).
        string cut = folder.PathOf("cut.png");
        byte[] whole = File.ReadAllBytes(b);
        File.WriteAllBytes(cut, whole[..(whole.Length / 2)]);
        var truncated = CliRunner.Run("verify", "--checkpoint", run, a, cut);
        Assert.Equal(2, truncated.ExitCode);
        Assert.Contains($"IMAGE_B: '{cut}'", truncated.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("--data", truncated.Stderr, StringComparison.Ordinal);

        // The triplet run got the library's triplet preset margin.
        using (var state = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "state.json"))))
        {
            Assert.Equal(0.2, state.RootElement.GetProperty("options").GetProperty("margin").GetDouble());
        }

        // Weights that do not fit the recorded network are refused.
        string statePath = Path.Combine(run, "state.json");
        File.WriteAllText(statePath, File.ReadAllText(statePath).Replace("\"embedding_dimension\": 16", "\"embedding_dimension\": 32", StringComparison.Ordinal));
        var mismatch = CliRunner.Run("siamese", "eval", "--checkpoint", run, "--classes", "4-7", "--episodes", "10");
        Assert.Equal(2, mismatch.ExitCode);
        Assert.Contains("does not hold weights", mismatch.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void A_supervised_run_on_a_spatial_readout_is_scored_and_reported_on_its_features()
    {
        using var folder = new TempFolder();
        WriteImageFolder(folder.Path, perClass: 8);
        string run = folder.PathOf("run");
        var train = CliRunner.Run("siamese", "train", "--data", folder.Path, "--classes", "0-3", "--encoder", "resnet18-small", "--loss", "supcon",
            "--readout", "4:1,2:2", "--epochs", "1", "--images-per-class", "4", "--embedding-dim", "16", "--threads", "1", "--output", run);
        Assert.True(train.ExitCode == 0, train.ToString());
        Assert.Contains("Linear head on 2:2,4:1 features", train.Stdout, StringComparison.Ordinal);
        using (var state = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "state.json"))))
        {
            Assert.Equal("2:2,4:1", state.RootElement.GetProperty("network").GetProperty("readout").GetString());
            Assert.Equal("supervised_contrastive", state.RootElement.GetProperty("options").GetProperty("objective").GetString());
        }

        // Before any eval, verify measures its threshold in the space it is asked for.
        string a = Path.Combine(folder.Path, "test", "c4", "0.png"), b = Path.Combine(folder.Path, "test", "c5", "1.png");
        var onHead = CliRunner.Run("verify", "--checkpoint", run, a, b);
        Assert.True(onHead.ExitCode == 0, onHead.ToString());
        Assert.Contains("\"embedding\":\"head\"", onHead.Stdout, StringComparison.Ordinal);

        var eval = CliRunner.Run("siamese", "eval", "--checkpoint", run, "--classes", "4-7", "--episodes", "50", "--features");
        Assert.True(eval.ExitCode == 0, eval.ToString());
        Assert.Contains("\"embedding\":\"features\"", eval.Stdout, StringComparison.Ordinal);
        double eer = JsonDocument.Parse(eval.Stdout.Trim()).RootElement.GetProperty("eer").GetDouble();

        // The threshold eval saved was measured on the features, so verify compares the pair's features against it.
        var verify = CliRunner.Run("verify", "--checkpoint", run, a, b);
        Assert.True(verify.ExitCode == 0, verify.ToString());
        using (var json = JsonDocument.Parse(verify.Stdout.Trim()))
        {
            Assert.Equal("features", json.RootElement.GetProperty("embedding").GetString());
            Assert.EndsWith("verification.json", json.RootElement.GetProperty("threshold_source").GetString(), StringComparison.Ordinal);
            Assert.InRange(json.RootElement.GetProperty("distance").GetDouble(), 0, 2);
        }
        using (var saved = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "verification.json"))))
        {
            Assert.True(saved.RootElement.GetProperty("features").GetBoolean());
            Assert.Equal(eer, saved.RootElement.GetProperty("eer").GetDouble());
        }
        // The same rule from the library: asking for no space takes the saved threshold's; asking for the head measures anew.
        using (var opened = Manabi.Vision.Siamese.SiameseRun.Open(run))
        {
            var implied = opened.Threshold();
            Assert.True(implied.Features);
            Assert.Equal(Path.Combine(opened.Directory, "verification.json"), implied.SourceFile);
            var onTheHead = opened.Threshold(maxImages: 40, features: false);
            Assert.False(onTheHead.Features);
            Assert.Null(onTheHead.SourceFile);
            var asked = opened.Threshold(features: true);
            Assert.Equal((implied.Threshold, implied.SourceFile), (asked.Threshold, asked.SourceFile));
        }

        // resnet18-small on 16x16 images: stage 2 is 64 channels pooled to 2x2, stage 4 256 channels pooled globally.
        string reportFolder = folder.PathOf("report");
        var report = CliRunner.Run("embeddings", "report", "--checkpoint", run, "--output", reportFolder, "--count", "40", "--features");
        Assert.True(report.ExitCode == 0, report.ToString());
        using (var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(reportFolder, "report.json"))))
        {
            Assert.Equal(64 * 4 + 256, json.RootElement.GetProperty("dimensions").GetInt32());
            Assert.Equal("features", json.RootElement.GetProperty("embedding").GetString());
            Assert.Equal("2:2,4:1", json.RootElement.GetProperty("readout").GetString());
        }

        var vit = CliRunner.Run("siamese", "train", "--data", folder.Path, "--classes", "0-3", "--encoder", "vit-small28", "--loss", "supcon",
            "--readout", "multiscale", "--epochs", "1", "--output", folder.PathOf("vit"));
        Assert.Equal(2, vit.ExitCode);
        Assert.Contains("--readout: ", vit.Stderr, StringComparison.Ordinal);
        Assert.Contains("is a ViT", vit.Stderr, StringComparison.Ordinal);
        var missing = CliRunner.Run("siamese", "train", "--data", folder.Path, "--classes", "0-3", "--encoder", "resnet18-small", "--loss", "supcon",
            "--readout", "7:1", "--epochs", "1", "--output", folder.PathOf("missing"));
        Assert.Equal(2, missing.ExitCode);
        Assert.Contains("asks for feature map 7", missing.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Train_records_sgd_momentum_and_nesterov()
    {
        using var folder = new TempFolder();
        WriteImageFolder(folder.Path, perClass: 4);
        string run = folder.PathOf("run");
        var train = CliRunner.Run("siamese", "train", "--data", folder.Path, "--classes", "0-2", "--encoder", "resnet18-tiny", "--loss", "triplet",
            "--epochs", "1", "--images-per-class", "2", "--embedding-dim", "8", "--threads", "1", "--output", run,
            "--optimizer", "sgd", "--momentum", "0.8", "--nesterov");
        Assert.True(train.ExitCode == 0, train.ToString());
        VisionCommandTests.AssertNesterovSgdRecorded(run, 0.8);
    }

    [Theory]
    [InlineData(new[] { "siamese", "train", "--data", "fashion-mnist", "--loss", "hinge-thing", "--output", "x" }, "--loss")]
    [InlineData(new[] { "siamese", "train", "--data", "fashion-mnist", "--loss", "supcon", "--readout", "2:x", "--output", "x" }, "--readout: readout '2:x'")]
    [InlineData(new[] { "siamese", "train", "--data", "fashion-mnist", "--loss", "triplet", "--miner", "hardest", "--output", "x" }, "--miner")]
    [InlineData(new[] { "siamese", "train", "--data", "fashion-mnist", "--loss", "triplet", "--encoder", "abn-resnet18-small", "--output", "x" }, "resnet18-small")]
    [InlineData(new[] { "siamese", "train", "--data", "fashion-mnist", "--loss", "triplet", "--nesterov", "--output", "x" }, "--momentum and --nesterov apply to --optimizer sgd only")]
    [InlineData(new[] { "siamese", "train", "--data", "fashion-mnist", "--loss", "triplet", "--optimizer", "sgd", "--nesterov", "--momentum", "0", "--output", "x" }, "--nesterov: Nesterov momentum needs a --momentum above 0")]
    [InlineData(new[] { "siamese", "eval", "--checkpoint", "/nonexistent/run", "--classes", "6-9" }, "is not a folder")]
    [InlineData(new[] { "siamese", "probe", "--checkpoint", "/nonexistent/run" }, "is not a folder")]
    [InlineData(new[] { "verify", "--checkpoint", "/nonexistent/run", "a.png", "b.png" }, "is not a folder")]
    public void Bad_input_exits_with_2_and_says_why(string[] args, string expected)
    {
        var result = CliRunner.Run(args);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains(expected, result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void A_classifier_run_is_not_a_Siamese_checkpoint()
    {
        using var folder = new TempFolder();
        folder.File("state.json", "{\"model\": \"resnet18-small\"}");
        var result = CliRunner.Run("siamese", "eval", "--checkpoint", folder.Path, "--classes", "6-9");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("not a Siamese run", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void A_Siamese_run_is_not_a_classifier_checkpoint()
    {
        using var folder = new TempFolder();
        folder.File("state.json", "{\"kind\": \"siamese\", \"network\": {\"encoder\": \"resnet18-small\"}}");
        var result = CliRunner.Run("vision", "eval", "--checkpoint", folder.Path);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("a Siamese run", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("manabi siamese eval", result.Stderr, StringComparison.Ordinal);
    }

    /// <summary>Eight classes of 16×16 grey images: a bright 6×6 square at a class-specific place over a noisy background.</summary>
    internal static void WriteImageFolder(string root, int perClass)
    {
        var random = new Random(5);
        foreach (string split in new[] { "train", "test" })
        {
            for (int c = 0; c < 8; c++)
            {
                string folder = Path.Combine(root, split, $"c{c}");
                Directory.CreateDirectory(folder);
                for (int i = 0; i < perClass; i++)
                {
                    WritePng(Path.Combine(folder, $"{i}.png"), 16, 16, c, random.Next());
                }
            }
        }
    }

    private static void WritePng(string path, int width, int height, int pattern, int seed)
    {
        var random = new Random(seed);
        using var bitmap = new SKBitmap(width, height);
        int top = 2 + pattern / 4 * 6, left = 1 + pattern % 4 * 3;
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                bool inside = y >= top && y < top + 6 && x >= left && x < left + 6;
                byte grey = (byte)Math.Clamp((inside ? 210 : 40) + random.Next(-30, 31), 0, 255);
                bitmap.SetPixel(x, y, new SKColor(grey, grey, grey));
            }
        }
        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        File.WriteAllBytes(path, data.ToArray());
    }
}
