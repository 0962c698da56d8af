using System.Text.Json;
using SkiaSharp;

namespace Manabi.Cli.Tests;

public sealed class VisionCommandTests
{
    [Fact]
    public void Models_lists_the_named_models_with_parameter_counts()
    {
        var result = CliRunner.Run("vision", "models");
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("seresnet18 ", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("11,779,624", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("ViT-H/14", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("632,045,800", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("abn-seresnet18-small", result.Stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ViT-B/16", "86567656")]
    [InlineData("vit_base_patch32_224", "88224232")]
    [InlineData("seresnet50", "28088024")]
    [InlineData("resnet18", "11689512")]
    public void Params_prints_the_count_alone(string model, string expected)
    {
        var result = CliRunner.Run("vision", "params", "--model", model);
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(expected, result.Stdout.Trim());
    }

    [Fact]
    public void Params_follows_classes_and_image_size()
    {
        // 10 classes: the head shrinks by 990 × 768 + 990; 384 px: the position embedding grows to 1 + 24².
        var result = CliRunner.Run("vision", "params", "--model", "ViT-B/16", "--classes", "10", "--image-size", "384");
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal((86_567_656L - 990 * 768 - 990 + (576 - 196) * 768).ToString(System.Globalization.CultureInfo.InvariantCulture), result.Stdout.Trim());
    }

    [Fact]
    public void An_explicit_image_size_overrides_the_size_in_a_timm_name()
    {
        var at224 = CliRunner.Run("vision", "params", "--model", "vit_base_patch16_224");
        var at384 = CliRunner.Run("vision", "params", "--model", "vit_base_patch16_224", "--image-size", "384");
        var named384 = CliRunner.Run("vision", "params", "--model", "vit_base_patch16_384");
        Assert.Equal("86567656", at224.Stdout.Trim());
        Assert.Equal((86_567_656L + (576 - 196) * 768).ToString(System.Globalization.CultureInfo.InvariantCulture), at384.Stdout.Trim());
        Assert.Equal(at384.Stdout, named384.Stdout);
        var untiled = CliRunner.Run("vision", "params", "--model", "ViT-B/16", "--image-size", "100");
        Assert.Equal(2, untiled.ExitCode);
        Assert.Contains("multiple of the patch size", untiled.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_model_is_bad_input_that_lists_the_valid_names()
    {
        var result = CliRunner.Run("vision", "params", "--model", "resnet19");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("resnet19", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("seresnet18-small", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("ViT-L/16", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_data_folder_is_bad_input()
    {
        using var folder = new TempFolder();
        var result = CliRunner.Run("vision", "train", "--model", "resnet18-small", "--data", folder.PathOf("absent"), "--output", folder.PathOf("run"));
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("fashion-mnist", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Images_of_different_sizes_are_bad_input_naming_the_file()
    {
        using var folder = new TempFolder();
        WriteImageFolder(folder.Path, size: 8, perClass: 2);
        string odd = Path.Combine(folder.Path, "train", "b", "odd.png");
        WritePng(odd, 9, 9, 10);
        var result = CliRunner.Run("vision", "train", "--model", "resnet18-small", "--data", folder.Path, "--output", folder.PathOf("run"));
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("odd.png", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void A_ViT_refuses_images_that_its_patches_do_not_tile()
    {
        using var folder = new TempFolder();
        WriteImageFolder(folder.Path, size: 10, perClass: 2);
        var result = CliRunner.Run("vision", "train", "--model", "vit-small28", "--data", folder.Path, "--output", folder.PathOf("run"));
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("patch", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Train_records_mixup_cutmix_flips_and_a_weight_average_which_eval_then_scores()
    {
        using var folder = new TempFolder();
        WriteImageFolder(folder.Path, size: 8, perClass: 8);
        string run = folder.PathOf("run");
        var train = CliRunner.Run("vision", "train", "--model", "resnet18-tiny", "--data", folder.Path, "--output", run, "--epochs", "1",
            "--batch-size", "8", "--threads", "1", "--mixup", "0.8", "--cutmix", "1.0", "--tta-flip", "--ema", "0.9");
        Assert.True(train.ExitCode == 0, train.ToString());
        using (var state = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "state.json"))))
        {
            var options = state.RootElement.GetProperty("options");
            Assert.Equal(0.8, options.GetProperty("mixup_alpha").GetDouble());
            Assert.Equal(1.0, options.GetProperty("cutmix_alpha").GetDouble());
            // --tta-flip is kept as the short form of --tta flip.
            Assert.Equal("flip", options.GetProperty("test_time_augmentation").GetString());
            Assert.Equal(0.9, options.GetProperty("ema_decay").GetDouble());
        }
        Assert.True(File.Exists(Path.Combine(run, "ema.safetensors")));
        var eval = CliRunner.Run("vision", "eval", "--checkpoint", run, "--tta-flip");
        Assert.True(eval.ExitCode == 0, eval.ToString());
        using (var result = JsonDocument.Parse(eval.Stdout.Trim()))
        using (var state = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "state.json"))))
        {
            Assert.Equal(16, result.RootElement.GetProperty("count").GetInt32());
            Assert.Equal("flip", result.RootElement.GetProperty("tta").GetString());
            Assert.Equal(2, result.RootElement.GetProperty("views").GetInt32());
            // eval scores the weight average with flips, as training's last evaluation did.
            Assert.Equal(state.RootElement.GetProperty("last_evaluation").GetProperty("accuracy").GetDouble(),
                result.RootElement.GetProperty("accuracy").GetDouble(), 10);
        }

        var translated = CliRunner.Run("vision", "eval", "--checkpoint", run, "--tta", "flip-translate");
        Assert.True(translated.ExitCode == 0, translated.ToString());
        using (var result = JsonDocument.Parse(translated.Stdout.Trim()))
        {
            Assert.Equal("flip-translate", result.RootElement.GetProperty("tta").GetString());
            Assert.Equal(6, result.RootElement.GetProperty("views").GetInt32());
        }
        var unknown = CliRunner.Run("vision", "eval", "--checkpoint", run, "--tta", "rotate");
        Assert.Equal(2, unknown.ExitCode);
        Assert.Contains("--tta: 'rotate'", unknown.Stderr, StringComparison.Ordinal);
        var conflicting = CliRunner.Run("vision", "eval", "--checkpoint", run, "--tta", "none", "--tta-flip");
        Assert.Equal(2, conflicting.ExitCode);
        Assert.Contains("--tta-flip", conflicting.Stderr, StringComparison.Ordinal);

        var negative = CliRunner.Run("vision", "train", "--model", "resnet18-tiny", "--data", folder.Path, "--output", folder.PathOf("bad"), "--mixup", "-1");
        Assert.Equal(2, negative.ExitCode);
        Assert.Contains("--mixup", negative.Stderr, StringComparison.Ordinal);
        var frozen = CliRunner.Run("vision", "train", "--model", "resnet18-tiny", "--data", folder.Path, "--output", folder.PathOf("bad"), "--ema", "1");
        Assert.Equal(2, frozen.ExitCode);
        Assert.Contains("--ema", frozen.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Train_records_random_erasing_and_trivial_augment_and_refuses_bad_probabilities()
    {
        using var folder = new TempFolder();
        WriteImageFolder(folder.Path, size: 8, perClass: 4);
        string run = folder.PathOf("run");
        var train = CliRunner.Run("vision", "train", "--model", "resnet18-tiny", "--data", folder.Path, "--output", run, "--epochs", "1",
            "--batch-size", "8", "--threads", "1", "--random-erasing", "0.25", "--trivial-augment");
        Assert.True(train.ExitCode == 0, train.ToString());
        using (var state = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "state.json"))))
        {
            var options = state.RootElement.GetProperty("options");
            Assert.Equal(0.25, options.GetProperty("random_erasing_probability").GetDouble());
            Assert.True(options.GetProperty("trivial_augment").GetBoolean());
        }
        foreach (string bad in new[] { "1.5", "-0.1", "NaN" })
        {
            var refused = CliRunner.Run("vision", "train", "--model", "resnet18-tiny", "--data", folder.Path, "--output", folder.PathOf("bad"), "--random-erasing", bad);
            Assert.Equal(2, refused.ExitCode);
            Assert.Contains("--random-erasing", refused.Stderr, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Models_lists_the_conv_stem_vit_with_its_parameter_count()
    {
        var result = CliRunner.Run("vision", "models");
        Assert.True(result.ExitCode == 0, result.ToString());
        var line = result.Stdout.Split('\n').Single(l => l.StartsWith("vit-small28-conv ", StringComparison.Ordinal));
        // vit-small28 (2,684,554) less its 4×4 patchify conv (3,264) plus the stem (204,384).
        Assert.Contains("2,885,674", line, StringComparison.Ordinal);
        Assert.Contains("28x28x1", line, StringComparison.Ordinal);
        Assert.Contains("convolutional stem", line, StringComparison.Ordinal);
    }

    [Fact]
    public void Train_records_drop_path_which_eval_resume_and_predict_rebuild()
    {
        using var folder = new TempFolder();
        WriteImageFolder(folder.Path, size: 8, perClass: 4);
        string run = folder.PathOf("run");
        string[] args = ["vision", "train", "--model", "vit-small28-conv", "--data", folder.Path, "--output", run, "--batch-size", "8", "--threads", "1", "--drop-path", "0.2"];
        var train = CliRunner.Run([.. args, "--epochs", "1"]);
        Assert.True(train.ExitCode == 0, train.ToString());
        using (var state = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "state.json"))))
        {
            Assert.Equal(0.2, state.RootElement.GetProperty("drop_path").GetDouble());
        }
        var eval = CliRunner.Run("vision", "eval", "--checkpoint", run);
        Assert.True(eval.ExitCode == 0, eval.ToString());
        var explain = CliRunner.Run("vision", "explain", "--checkpoint", run, "--count", "2", "--output", folder.PathOf("maps.png"));
        Assert.True(explain.ExitCode == 0, explain.ToString());
        var resumed = CliRunner.Run([.. args, "--epochs", "2"]);
        Assert.True(resumed.ExitCode == 0, resumed.ToString());
        Assert.Contains("resuming", resumed.Stdout, StringComparison.Ordinal);
        using (var state = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "state.json"))))
        {
            Assert.Equal(2, state.RootElement.GetProperty("epoch").GetInt32());
            Assert.Equal(0.2, state.RootElement.GetProperty("drop_path").GetDouble());
        }
        string png = Path.Combine(folder.Path, "test", "a", "0.png");
        var predict = CliRunner.Run("vision", "predict", "--checkpoint", run, png, "--top", "1");
        Assert.True(predict.ExitCode == 0, predict.ToString());
    }

    [Theory]
    [InlineData("resnet18-tiny", "0.1", "not a ViT")]
    [InlineData("vit-small28", "1", "--drop-path")]
    [InlineData("vit-small28", "-0.1", "--drop-path")]
    [InlineData("vit-small28", "NaN", "--drop-path")]
    public void Drop_path_is_bad_input_for_a_resnet_or_outside_0_to_1(string model, string rate, string expected)
    {
        using var folder = new TempFolder();
        WriteImageFolder(folder.Path, size: 8, perClass: 2);
        var result = CliRunner.Run("vision", "train", "--model", model, "--data", folder.Path, "--output", folder.PathOf("run"), "--drop-path", rate);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--drop-path", result.Stderr, StringComparison.Ordinal);
        Assert.Contains(expected, result.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(folder.PathOf("run"), "state.json")));
    }

    [Fact]
    public void Train_records_sgd_momentum_and_nesterov()
    {
        using var folder = new TempFolder();
        WriteImageFolder(folder.Path, size: 8, perClass: 4);
        string run = folder.PathOf("run");
        var train = CliRunner.Run("vision", "train", "--model", "resnet18-tiny", "--data", folder.Path, "--output", run, "--epochs", "1",
            "--batch-size", "8", "--threads", "1", "--optimizer", "sgd", "--momentum", "0.8", "--nesterov");
        Assert.True(train.ExitCode == 0, train.ToString());
        AssertNesterovSgdRecorded(run, 0.8);
    }

    [Theory]
    [InlineData("resnet18-tiny", "adamw", null, 64, 4e-3)]
    [InlineData("resnet18-tiny", "sgd", null, 128, 0.1)]
    [InlineData("resnet18-tiny", "adamw", "--batch-size 16 --lr 1e-3", 16, 1e-3)]
    [InlineData("abn-resnet18-small", "adamw", null, 128, 2e-3)]
    public void Train_starts_from_the_model_familys_preset_unless_batch_or_rate_is_given(string model, string optimizerName, string? flags, int batchSize, double rate)
    {
        using var folder = new TempFolder();
        WriteImageFolder(folder.Path, size: 8, perClass: 2);
        string run = folder.PathOf("run");
        var train = CliRunner.Run(["vision", "train", "--model", model, "--data", folder.Path, "--output", run, "--epochs", "1", "--threads", "1",
            "--optimizer", optimizerName, .. (flags ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries)]);
        Assert.True(train.ExitCode == 0, train.ToString());
        using var state = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "state.json")));
        var options = state.RootElement.GetProperty("options");
        Assert.Equal(batchSize, options.GetProperty("batch_size").GetInt32());
        Assert.Equal(rate, options.GetProperty("learning_rate").GetDouble(), 12);
    }

    /// <summary>Asserts that RUN/state.json records SGD at <paramref name="momentum"/> with Nesterov on (both trainers name the options alike).</summary>
    internal static void AssertNesterovSgdRecorded(string run, double momentum)
    {
        using var state = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "state.json")));
        var options = state.RootElement.GetProperty("options");
        Assert.Equal("sgd", options.GetProperty("optimizer").GetString());
        Assert.Equal(momentum, options.GetProperty("momentum").GetDouble());
        Assert.True(options.GetProperty("nesterov").GetBoolean());
    }

    [Theory]
    [InlineData("adamw --nesterov", "--nesterov", "sgd only")]
    [InlineData("adamw --momentum 0.5", "--momentum", "sgd only")]
    [InlineData("sgd --momentum 1", "--momentum", "--momentum")]
    [InlineData("sgd --momentum -0.1", "--momentum", "--momentum")]
    [InlineData("sgd --nesterov --momentum 0", "--nesterov", "above 0")]
    public void Momentum_and_nesterov_are_bad_input_outside_sgd_or_0_to_1(string optimizerAndFlags, string flag, string expected)
    {
        using var folder = new TempFolder();
        WriteImageFolder(folder.Path, size: 8, perClass: 2);
        var result = CliRunner.Run(["vision", "train", "--model", "resnet18-tiny", "--data", folder.Path, "--output", folder.PathOf("run"),
            "--optimizer", .. optimizerAndFlags.Split(' ')]);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains(flag, result.Stderr, StringComparison.Ordinal);
        Assert.Contains(expected, result.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(folder.PathOf("run"), "state.json")));
    }

    [Fact]
    public void Train_eval_explain_and_resume_on_an_image_folder()
    {
        using var folder = new TempFolder();
        WriteImageFolder(folder.Path, size: 8, perClass: 8);
        string run = folder.PathOf("run");
        var train = CliRunner.Run("vision", "train", "--model", "resnet18-small", "--data", folder.Path, "--output", run, "--epochs", "1", "--batch-size", "8", "--threads", "1");
        Assert.True(train.ExitCode == 0, train.ToString());
        Assert.Contains("epoch 1/1", train.Stdout, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(run, "model.safetensors")));

        var eval = CliRunner.Run("vision", "eval", "--checkpoint", run);
        Assert.True(eval.ExitCode == 0, eval.ToString());
        using var json = JsonDocument.Parse(eval.Stdout.Trim());
        double accuracy = json.RootElement.GetProperty("accuracy").GetDouble();
        Assert.InRange(accuracy, 0, 1);
        Assert.Equal(16, json.RootElement.GetProperty("count").GetInt32());

        string png = folder.PathOf("maps.png");
        var explain = CliRunner.Run("vision", "explain", "--checkpoint", run, "--count", "4", "--output", png);
        Assert.True(explain.ExitCode == 0, explain.ToString());
        using (var image = SKBitmap.Decode(png))
        {
            Assert.NotNull(image);
            Assert.True(image.Width > 64);
        }

        // One more epoch resumes the run instead of starting over.
        var resumed = CliRunner.Run("vision", "train", "--model", "resnet18-small", "--data", folder.Path, "--output", run, "--epochs", "2", "--batch-size", "8", "--threads", "1");
        Assert.True(resumed.ExitCode == 0, resumed.ToString());
        Assert.Contains("resuming at epoch 2", resumed.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("epoch 1/2", resumed.Stdout, StringComparison.Ordinal);

        var otherModel = CliRunner.Run("vision", "train", "--model", "seresnet18-small", "--data", folder.Path, "--output", run);
        Assert.Equal(2, otherModel.ExitCode);
        Assert.Contains("resnet18-small", otherModel.Stderr, StringComparison.Ordinal);

        // A checkpoint whose weights belong to another model is refused.
        string statePath = Path.Combine(run, "state.json");
        File.WriteAllText(statePath, File.ReadAllText(statePath).Replace("\"resnet18-small\"", "\"seresnet18-small\"", StringComparison.Ordinal));
        var mismatch = CliRunner.Run("vision", "eval", "--checkpoint", run);
        Assert.Equal(2, mismatch.ExitCode);
        Assert.Contains("se.fc1", mismatch.Stderr, StringComparison.Ordinal);

        var wrongSize = folder.PathOf("big");
        WriteImageFolder(wrongSize, size: 12, perClass: 1);
        var sizeMismatch = CliRunner.Run("vision", "eval", "--checkpoint", run, "--data", wrongSize);
        Assert.Equal(2, sizeMismatch.ExitCode);
        Assert.Contains("12x12", sizeMismatch.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void A_truncated_or_corrupt_model_file_is_bad_input_naming_it_without_a_stack_trace()
    {
        using var folder = new TempFolder();
        WriteImageFolder(folder.Path, size: 8, perClass: 2);
        string run = folder.PathOf("run");
        var train = CliRunner.Run("vision", "train", "--model", "resnet18-small", "--data", folder.Path, "--output", run, "--epochs", "1", "--batch-size", "4", "--threads", "1");
        Assert.True(train.ExitCode == 0, train.ToString());
        string weights = Path.Combine(run, "model.safetensors");
        byte[] whole = File.ReadAllBytes(weights);

        foreach (byte[] corrupt in new[] { whole[..(whole.Length / 2)], whole[..3], [], LyingHeaderLength(whole) })
        {
            File.WriteAllBytes(weights, corrupt);
            foreach (string verb in new[] { "eval", "explain" })
            {
                string[] args = verb == "eval"
                    ? ["vision", "eval", "--checkpoint", run]
                    : ["vision", "explain", "--checkpoint", run, "--count", "2", "--output", folder.PathOf("maps.png")];
                var result = CliRunner.Run(args);
                Assert.True(result.ExitCode == 2, $"{corrupt.Length} bytes, {verb}: {result}");
                Assert.Contains("model.safetensors", result.Stderr, StringComparison.Ordinal);
                Assert.DoesNotContain("   at ", result.Stderr, StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public void Predict_prints_the_top_classes_of_PNG_and_JPEG_files_of_any_size()
    {
        using var folder = new TempFolder();
        WriteImageFolder(folder.Path, size: 8, perClass: 4);
        string run = folder.PathOf("run");
        var train = CliRunner.Run("vision", "train", "--model", "resnet18-small", "--data", folder.Path, "--output", run, "--epochs", "1", "--batch-size", "8", "--threads", "1");
        Assert.True(train.ExitCode == 0, train.ToString());
        string png = folder.PathOf("bright.png"), jpeg = folder.PathOf("dark.jpg");
        WritePng(png, 20, 12, 200);
        WriteJpeg(jpeg, 8, 8, 40);

        var predict = CliRunner.Run("vision", "predict", "--checkpoint", run, png, jpeg, "--top", "5");
        Assert.True(predict.ExitCode == 0, predict.ToString());
        string[] lines = predict.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        // Two classes: each image gets its path and two lines (fewer than --top), named as the run's classes.
        Assert.Equal(new[] { png, "", "", jpeg, "", "" }, lines.Select(l => l.StartsWith("  ", StringComparison.Ordinal) ? "" : l.TrimEnd()));
        Assert.All(lines.Where(l => l.StartsWith("  ", StringComparison.Ordinal)), l => Assert.Matches(@"^  [01]\.\d{4}  [ab]$", l.TrimEnd()));
        double total = lines.Skip(1).Take(2).Sum(l => double.Parse(l.Trim().Split("  ")[0], System.Globalization.CultureInfo.InvariantCulture));
        Assert.InRange(total, 0.999, 1.001);

        // The weights alone, with the model named: no class names, so class indices.
        var byWeights = CliRunner.Run("vision", "predict", "--weights", Path.Combine(run, "model.safetensors"), "--model", "resnet18-small", png, "--top", "1");
        Assert.True(byWeights.ExitCode == 0, byWeights.ToString());
        Assert.Matches(@"^  [01]\.\d{4}  class [01]$", byWeights.Stdout.Split('\n')[1].TrimEnd());
    }

    [Fact]
    public void Predict_reports_a_bad_image_or_option_as_bad_input_naming_it()
    {
        using var folder = new TempFolder();
        WriteImageFolder(folder.Path, size: 8, perClass: 2);
        string run = folder.PathOf("run");
        var train = CliRunner.Run("vision", "train", "--model", "resnet18-small", "--data", folder.Path, "--output", run, "--epochs", "1", "--batch-size", "4", "--threads", "1");
        Assert.True(train.ExitCode == 0, train.ToString());
        string good = folder.PathOf("good.png"), corrupt = folder.PathOf("corrupt.jpg"), truncated = folder.PathOf("truncated.png");
        WritePng(good, 8, 8, 100);
        File.WriteAllText(corrupt, "not a jpeg");
        byte[] whole = File.ReadAllBytes(good);
        File.WriteAllBytes(truncated, whole[..(whole.Length / 2)]);

        foreach (string bad in new[] { corrupt, truncated, folder.PathOf("absent.png") })
        {
            var result = CliRunner.Run("vision", "predict", "--checkpoint", run, good, bad);
            Assert.True(result.ExitCode == 2, $"{bad}: {result}");
            Assert.Contains(Path.GetFileName(bad), result.Stderr, StringComparison.Ordinal);
            Assert.DoesNotContain("   at ", result.Stderr, StringComparison.Ordinal);
            Assert.Equal("", result.Stdout.Trim());
        }

        string[][] misuse =
        [
            ["vision", "predict", good],
            ["vision", "predict", "--checkpoint", run, "--weights", Path.Combine(run, "model.safetensors"), good],
            ["vision", "predict", "--weights", Path.Combine(run, "model.safetensors"), good],
            ["vision", "predict", "--checkpoint", run, "--model", "resnet18-small", good],
            ["vision", "predict", "--checkpoint", run, "--top", "0", good],
            ["vision", "predict", "--checkpoint", folder.PathOf("absent"), good],
            ["vision", "predict", "--weights", Path.Combine(run, "model.safetensors"), "--model", "seresnet18-small", good],
            ["vision", "predict", "--weights", Path.Combine(run, "model.safetensors"), "--model", "resnet19", good],
        ];
        foreach (var args in misuse)
        {
            var result = CliRunner.Run(args);
            Assert.True(result.ExitCode == 2, $"{string.Join(' ', args)}: {result}");
            Assert.DoesNotContain("   at ", result.Stderr, StringComparison.Ordinal);
        }
    }

    private static void WriteJpeg(string path, int width, int height, byte grey)
    {
        using var bitmap = new SKBitmap(width, height);
        bitmap.Erase(new SKColor(grey, grey, grey));
        using var data = bitmap.Encode(SKEncodedImageFormat.Jpeg, 90);
        File.WriteAllBytes(path, data.ToArray());
    }

    private static byte[] LyingHeaderLength(byte[] file)
    {
        byte[] copy = (byte[])file.Clone();
        System.Buffers.Binary.BinaryPrimitives.WriteInt64LittleEndian(copy, file.Length * 2L);
        return copy;
    }

    internal static void WriteImageFolder(string root, int size, int perClass)
    {
        foreach (string split in new[] { "train", "test" })
        {
            foreach (var (name, value) in new[] { ("a", 40), ("b", 200) })
            {
                string folder = Path.Combine(root, split, name);
                Directory.CreateDirectory(folder);
                for (int i = 0; i < perClass; i++)
                {
                    WritePng(Path.Combine(folder, $"{i}.png"), size, size, (byte)(value + i));
                }
            }
        }
    }

    private static void WritePng(string path, int width, int height, byte grey)
    {
        using var bitmap = new SKBitmap(width, height);
        bitmap.Erase(new SKColor(grey, grey, grey));
        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        File.WriteAllBytes(path, data.ToArray());
    }
}
