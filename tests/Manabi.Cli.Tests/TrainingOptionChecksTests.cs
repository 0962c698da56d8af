using Manabi.TestSupport;

namespace Manabi.Cli.Tests;

/// <summary>
/// The training commands check their numeric options before any work: a bad value is exit 2 naming the option, with
/// no stack trace and no output written (a NaN learning rate used to train a model of NaN weights and exit 0).
/// </summary>
public sealed class TrainingOptionChecksTests
{
    private static string TinyModel => Fixtures.Path("sbert", "tiny-sbert");

    private static string TrainFile(TempFolder folder) => folder.File("train.jsonl", string.Join('\n',
        """{"anchor": "A man plays guitar.", "positive": "Someone plays a guitar.", "score": 0.9}""",
        """{"anchor": "A cat sleeps.", "positive": "Markets fell.", "score": 0.1}""",
        """{"anchor": "The train was late.", "positive": "The train arrived late.", "score": 0.95}""",
        """{"anchor": "He reads.", "positive": "A child eats.", "score": 0.0}"""));

    [Theory]
    [InlineData("--lr", "-1")]
    [InlineData("--lr", "NaN")]
    [InlineData("--lr", "0")]
    [InlineData("--epochs", "0")]
    [InlineData("--batch-size", "0")]
    public void Sbert_train_refuses_an_out_of_range_option_before_training(string option, string value)
    {
        using var folder = new TempFolder();
        string output = folder.PathOf("out");
        var result = CliRunner.Run("sbert", "train", "--model", TinyModel, "--train", TrainFile(folder), "--loss", "cosine",
            "--output", output, option, value);
        AssertRefused(result, option, output);
        Assert.False(Directory.Exists(output + ".checkpoints"));
    }

    [Theory]
    [InlineData("--lr", "-1")]
    [InlineData("--lr", "NaN")]
    [InlineData("--epochs", "0")]
    [InlineData("--batch-size", "0")]
    [InlineData("--weight-decay", "NaN")]
    [InlineData("--warmup-epochs", "-1")]
    [InlineData("--label-smoothing", "2")]
    [InlineData("--clip", "NaN")]
    [InlineData("--max-minutes", "NaN")]
    public void Vision_train_refuses_an_out_of_range_option_before_training(string option, string value)
    {
        using var folder = new TempFolder();
        VisionCommandTests.WriteImageFolder(folder.PathOf("images"), size: 8, perClass: 2);
        string run = folder.PathOf("run");
        var result = CliRunner.Run("vision", "train", "--model", "resnet18-small", "--data", folder.PathOf("images"), "--output", run,
            "--threads", "1", option, value);
        AssertRefused(result, option, run);
    }

    [Theory]
    [InlineData("--lr", "NaN")]
    [InlineData("--margin", "-1")]
    [InlineData("--temperature", "NaN")]
    [InlineData("--weight-decay", "-1")]
    [InlineData("--max-minutes", "NaN")]
    public void Siamese_train_refuses_an_out_of_range_option_before_training(string option, string value)
    {
        using var folder = new TempFolder();
        VisionCommandTests.WriteImageFolder(folder.PathOf("images"), size: 8, perClass: 2);
        string run = folder.PathOf("run");
        var result = CliRunner.Run("siamese", "train", "--data", folder.PathOf("images"), "--encoder", "resnet18-small", "--loss", "triplet",
            "--output", run, option, value);
        AssertRefused(result, option, run);
    }

    [Fact]
    public void Sbert_train_refuses_an_output_that_is_an_existing_file_before_loading_the_model()
    {
        using var folder = new TempFolder();
        string output = folder.File("out", "not a folder");
        // A --model that does not exist shows the output is checked first: loading it would fail with another message.
        var result = CliRunner.Run("sbert", "train", "--model", folder.PathOf("absent-model"), "--train", TrainFile(folder), "--loss", "cosine",
            "--output", output);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--output", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("existing file", result.Stderr, StringComparison.Ordinal);
        Assert.Equal("not a folder", File.ReadAllText(output));
    }

    [Fact]
    public void Sbert_train_refuses_the_model_folder_as_output()
    {
        using var folder = new TempFolder();
        // A copy: without the check the run would replace the model it trains (and the shared fixture with it).
        string model = folder.PathOf("model");
        foreach (string file in Directory.EnumerateFiles(TinyModel, "*", SearchOption.AllDirectories))
        {
            string target = Path.Combine(model, Path.GetRelativePath(TinyModel, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
        var result = CliRunner.Run("sbert", "train", "--model", model, "--train", TrainFile(folder), "--loss", "cosine",
            "--output", model + "/");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--model", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(model + ".checkpoints"));
    }

    [Fact]
    public void Sbert_train_refuses_an_output_whose_parent_is_a_file()
    {
        using var folder = new TempFolder();
        string blocker = folder.File("blocker", "x");
        var result = CliRunner.Run("sbert", "train", "--model", folder.PathOf("absent-model"), "--train", TrainFile(folder), "--loss", "cosine",
            "--output", Path.Combine(blocker, "out"));
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--output", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Sbert_train_that_diverges_is_exit_2_and_saves_no_model()
    {
        using var folder = new TempFolder();
        string output = folder.PathOf("out");
        var result = CliRunner.Run("sbert", "train", "--model", TinyModel, "--train", TrainFile(folder), "--loss", "cosine",
            "--epochs", "5", "--batch-size", "2", "--lr", "1e30", "--output", output);
        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("training diverged at step", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("lower --lr", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Stderr, StringComparison.Ordinal);
        Assert.False(Path.Exists(output), "a diverged model was saved");
    }

    private static void AssertRefused(CliResult result, string option, string output)
    {
        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains(option, result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Stderr + result.Stdout, StringComparison.Ordinal);
        Assert.False(Path.Exists(output), $"{output} was created");
    }
}
