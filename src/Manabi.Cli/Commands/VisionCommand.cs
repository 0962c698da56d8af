using Manabi.Cli.Data;
using Manabi.Cli.Output;
using Manabi.Cli.Vision;
using Manabi.Torch.Data;
using Manabi.Torch.Runtime;
using Manabi.Torch.Training;
using Manabi.Vision.Data;
using Manabi.Vision.Models;
using Manabi.Vision.Training;
using Spectre.Console;
using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using TorchSharp;
using static TorchSharp.torch;

namespace Manabi.Cli.Commands;

/// <summary>
/// <c>manabi vision</c>: named vision models (ResNet, SE-ResNet, ViT, ABN), their parameter counts, training on
/// Fashion-MNIST or an image folder, evaluation, visual explanations and predictions on image files.
/// </summary>
public static class VisionCommand
{
    /// <summary>Builds the <c>vision</c> command and its sub-commands.</summary>
    public static Command Create()
    {
        var command = new Command("vision", "Vision models: SE-ResNet, ViT, Attention Branch Network; train on Fashion-MNIST, evaluate, explain.")
        {
            ModelsCommand(),
            ParamsCommand(),
            TrainCommand(),
            EvalCommand(),
            ExplainCommand(),
            PredictCommand(),
        };
        return command;
    }

    private static Command ModelsCommand()
    {
        var command = new Command("models", "Lists the named models with their parameter counts at their default shapes (name, parameters, input, classes, description).");
        command.SetAction(CommandActions.Guard((parseResult, output) =>
        {
            TorchRuntime.EnsureLoaded();
            var rows = VisionModels.All.Select(m => (m.Name, Params: VisionModels.ParameterCount(m.Name).ToString("N0", CultureInfo.InvariantCulture),
                Input: $"{m.ImageSize}x{m.ImageSize}x{m.Channels}", Classes: m.Classes.ToString(CultureInfo.InvariantCulture), m.Description)).ToList();
            int nameWidth = rows.Max(r => r.Name.Length), paramWidth = rows.Max(r => r.Params.Length), inputWidth = rows.Max(r => r.Input.Length);
            output.WriteLine($"{"model".PadRight(nameWidth)}  {"parameters".PadLeft(paramWidth)}  {"input".PadRight(inputWidth)}  classes  description");
            foreach (var row in rows)
            {
                output.WriteLine($"{row.Name.PadRight(nameWidth)}  {row.Params.PadLeft(paramWidth)}  {row.Input.PadRight(inputWidth)}  {row.Classes,7}  {row.Description}");
            }
            return ExitCodes.Success;
        }));
        return command;
    }

    private static Option<string> ModelOption() => new("--model") { Description = "Model name (see 'manabi vision models'), e.g. seresnet18-small, ViT-B/16, vit_base_patch16_224.", Required = true };

    private static Command ParamsCommand()
    {
        var model = ModelOption();
        var classes = new Option<int?>("--classes") { Description = "Output classes (default: the model's, 1000 for ImageNet shapes)." };
        var imageSize = new Option<int?>("--image-size") { Description = "Square image side (default: the model's, 224 for ImageNet shapes); changes a ViT's position embedding." };
        var channels = new Option<int?>("--channels") { Description = "Image channels (default: the model's)." };
        var command = new Command("params", "Prints the model's parameter count alone.") { model, classes, imageSize, channels };
        command.SetAction(CommandActions.Guard((parseResult, output) =>
        {
            var info = FindModel(parseResult.GetValue(model)!);
            int? k = parseResult.GetValue(classes), size = parseResult.GetValue(imageSize), c = parseResult.GetValue(channels);
            Check.Positive(k, "--classes", allowZero: true);
            Check.Positive(size, "--image-size");
            Check.Positive(c, "--channels");
            TorchRuntime.EnsureLoaded();
            output.WriteLine(Check.Input(() => VisionModels.ParameterCount(info.Name, k, size, c)).ToString(CultureInfo.InvariantCulture));
            return ExitCodes.Success;
        }));
        return command;
    }

    private static Command TrainCommand()
    {
        var model = ModelOption();
        var data = new Option<string>("--data") { Description = "'fashion-mnist' or a folder with train/CLASS/*.png and test/CLASS/*.png.", Required = true };
        var epochs = new Option<int>("--epochs") { Description = "Epochs.", DefaultValueFactory = _ => 10 };
        var maxMinutes = new Option<double>("--max-minutes") { Description = "Stop after this many minutes of training, saving the state (0: no limit)." };
        var batchSize = new Option<int?>("--batch-size") { Description = "Images per batch (default 64 for ResNets and SE-ResNets with AdamW, else 128)." };
        var outputDir = new Option<string>("--output") { Description = "Run folder for model.safetensors, optimizer.safetensors and state.json; an existing run resumes.", Required = true };
        var optimizer = new OptimizerFlags();
        var learningRate = new Option<double?>("--lr") { Description = "Peak learning rate (default 2e-3 AdamW, 0.1 SGD; with AdamW 4e-3 for ResNets and SE-ResNets, 1e-3 for ViTs)." };
        var weightDecay = new Option<double?>("--weight-decay") { Description = "Weight decay (default 0.05 AdamW, 5e-4 SGD); never on norms, biases, position embeddings, class tokens." };
        var warmup = new Option<double>("--warmup-epochs") { Description = "Linear warm-up epochs before the cosine decay.", DefaultValueFactory = _ => 1 };
        var smoothing = new Option<double>("--label-smoothing") { Description = "Label smoothing.", DefaultValueFactory = _ => 0.1 };
        var clip = new Option<double>("--clip") { Description = "Gradient-norm clipping (0: none).", DefaultValueFactory = _ => 1.0 };
        var seed = new Option<int>("--seed") { Description = "Seed for initialisation, order, augmentation and dropout." };
        var mixup = new Option<double>("--mixup") { Description = "Mixup alpha: blend each batch with itself reversed, weight ~ Beta(alpha, alpha) (0: off; timm's recipes use 0.8)." };
        var cutmix = new Option<double>("--cutmix") { Description = "CutMix alpha: paste a box of the reversed batch, labels weighted by area (0: off; timm's recipes use 1.0). With --mixup, one of the two per batch." };
        var tta = new TestTimeAugmentationFlags();
        var ema = new Option<double>("--ema") { Description = "Keep an exponential moving average of the weights with this decay (e.g. 0.999; 0: off), evaluate it, and save it as ema.safetensors, which eval, explain and predict then use." };
        var dropPath = new Option<double>("--drop-path") { Description = "ViTs only: stochastic-depth rate of the last block, rising linearly from 0 at the first, in [0, 1) (0: off; timm's recipes use 0.1 for ViT-S, DeiT-S)." };
        var threads = new Option<int?>("--threads") { Description = "libtorch threads (default: libtorch's choice)." };
        var subset = new Option<int?>("--subset") { Description = "Train on a seeded random subset of this many images." };
        var testSubset = new Option<int?>("--test-subset") { Description = "Evaluate on a seeded random subset of this many test images." };
        var randomErasing = new Option<double>("--random-erasing") { Description = "Random erasing probability per training image (timm's --reprob, mode 'pixel': a box of 2-33 % becomes noise; 0: off)." };
        var trivialAugment = new Option<bool>("--trivial-augment") { Description = "TrivialAugment (torchvision's TrivialAugmentWide) on training images: one random operation and magnitude per image." };
        var command = new Command("train",
            "Trains a model, evaluating on the test split each epoch. Ctrl-C or --max-minutes saves the state; rerunning the same command resumes exactly.")
        {
            model, data, epochs, maxMinutes, batchSize, outputDir, optimizer.Optimizer, learningRate, optimizer.Momentum, optimizer.Nesterov, weightDecay, warmup, smoothing, clip, seed,
            mixup, cutmix, randomErasing, trivialAugment, ema, dropPath, tta.Mode, tta.Flip, threads, subset, testSubset,
        };
        // The body runs on the thread pool so that System.CommandLine registers its Ctrl-C handler at once (it does
        // so only when the action returns a pending task); Ctrl-C then cancels the token and the trainer saves.
        command.SetAction(CommandActions.GuardAsync((parseResult, output, cancellationToken) => Task.Run(() =>
        {
            var info = FindModel(parseResult.GetValue(model)!);
            Check.OutputFolder(parseResult.GetValue(outputDir), "--output");
            using var created = new NewFolders(parseResult.GetValue(outputDir));
            string runDirectory = Path.GetFullPath(parseResult.GetValue(outputDir)!);
            int epochCount = parseResult.GetValue(epochs);
            int? batch = parseResult.GetValue(batchSize);
            Check.Positive(epochCount, "--epochs");
            Check.Positive(batch, "--batch-size");
            Check.Positive(parseResult.GetValue(threads), "--threads");
            Check.Positive(parseResult.GetValue(subset), "--subset");
            Check.Positive(parseResult.GetValue(testSubset), "--test-subset");
            // NaN or negative values do not fail anywhere below: they train a model of NaN weights, so they are refused here.
            Check.NonNegative(parseResult.GetValue(maxMinutes), "--max-minutes");
            Check.Positive(parseResult.GetValue(learningRate), "--lr");
            Check.NonNegative(parseResult.GetValue(weightDecay), "--weight-decay");
            Check.NonNegative(parseResult.GetValue(warmup), "--warmup-epochs");
            Check.InRange(parseResult.GetValue(smoothing), "--label-smoothing", 0, 1);
            Check.NonNegative(parseResult.GetValue(clip), "--clip");
            Check.NonNegative(parseResult.GetValue(mixup), "--mixup");
            Check.NonNegative(parseResult.GetValue(cutmix), "--cutmix");
            Check.InRange(parseResult.GetValue(randomErasing), "--random-erasing", 0, 1);
            if (!(parseResult.GetValue(ema) is var decay && decay >= 0 && decay < 1))
            {
                throw new InputException($"--ema: the decay must be 0 (off) or a number in (0, 1) such as 0.999, got {parseResult.GetValue(ema)}.");
            }
            double dropRate = parseResult.GetValue(dropPath);
            Check.InRange(dropRate, "--drop-path", 0, 1, maxExclusive: true);
            if (dropRate > 0 && info.Family != VisionModelFamily.VisionTransformer)
            {
                throw new InputException($"--drop-path: stochastic depth drops transformer blocks; {info.Name} is not a ViT (see 'manabi vision models').");
            }
            var (kind, momentumValue, nesterovValue) = optimizer.Read(parseResult);
            string dataName = parseResult.GetValue(data)!;
            int seedValue = parseResult.GetValue(seed);
            var (train, test) = TrainingData.Load(dataName, parseResult.GetValue(threads), parseResult.GetValue(subset), seedValue);
            if (parseResult.GetValue(testSubset) is { } ts)
            {
                test = test.Subset(ts, seedValue + 1);
            }
            CheckImages(info, train, "--data");

            TrainingState state;
            if (File.Exists(Path.Combine(runDirectory, TrainingState.FileName)))
            {
                state = LoadState(runDirectory, "--output");
                Check.Input(() => state.EnsureModel(info.Name, runDirectory), "--output");
                Check.Input(() => state.EnsureFits(train, runDirectory), "--output");
                state = state with { Options = state.Options with { Epochs = epochCount, MaxMinutes = parseResult.GetValue(maxMinutes) } };
            }
            else
            {
                var (mean, std) = train.ChannelStatistics();
                // The library's presets: batch, learning rate and weight decay by model family and optimiser, crop padding by image size.
                var preset = TrainingPresets.ForModel(info.Name, train.Height, kind);
                var options = preset with
                {
                    Epochs = epochCount,
                    BatchSize = batch ?? preset.BatchSize,
                    LearningRate = parseResult.GetValue(learningRate) ?? preset.LearningRate,
                    WeightDecay = parseResult.GetValue(weightDecay) ?? preset.WeightDecay,
                    Momentum = momentumValue,
                    Nesterov = nesterovValue,
                    WarmupEpochs = parseResult.GetValue(warmup),
                    RandomErasingProbability = parseResult.GetValue(randomErasing),
                    TrivialAugment = parseResult.GetValue(trivialAugment),
                    LabelSmoothing = parseResult.GetValue(smoothing),
                    GradientClip = parseResult.GetValue(clip),
                    Seed = seedValue,
                    MaxMinutes = parseResult.GetValue(maxMinutes),
                    MixupAlpha = parseResult.GetValue(mixup),
                    CutmixAlpha = parseResult.GetValue(cutmix),
                    TestTimeAugmentation = tta.Read(parseResult),
                    EmaDecay = parseResult.GetValue(ema),
                };
                state = new TrainingState
                {
                    Model = info.Name, Classes = train.ClassNames.Count, ImageSize = train.Height, Channels = train.Channels,
                    ClassNames = train.ClassNames, Data = dataName, Mean = mean, Std = std, Options = options, DropPath = dropRate,
                };
            }
            manual_seed(state.Options.Seed);
            // A resumed run keeps its recorded rate, like its other settings, so it continues the model it trained.
            using var network = Check.Input(() => VisionModels.Create(info.Name, state.Classes, state.ImageSize, state.Channels, dropPath: state.DropPath));
            var trainer = new Trainer(network, state, runDirectory);
            IAnsiConsole console = Terminal.CreateConsole(output);
            console.WriteLine($"{info.Name}: {Torch.Weights.StateDicts.ParameterCount(network):N0} parameters; {train.Count:N0} training and {test.Count:N0} test images; " +
                $"{torch.get_num_threads()} threads; run folder {runDirectory}" + (state.Step > 0 ? $" (resuming at epoch {state.Epoch + 1}, batch {state.Batch})" : ""));
            trainer.OnEpoch = record => console.WriteLine(FormatEpoch(record, state.Options.Epochs));
            TrainingOutcome outcome = Terminal.IsInteractive(output)
                ? RunWithProgress(console, trainer, train, test, cancellationToken)
                : trainer.Run(train, test, cancellationToken);
            var final = trainer.State;
            return TrainingOutcomeReport.Write(console, parseResult.InvocationConfiguration.Error, outcome, runDirectory,
                finished: $"Finished: test accuracy {Percent(final.LastEvaluation?.Accuracy)} after {final.Epoch} epochs, {final.ElapsedSeconds / 60:0.0} minutes.",
                timeLimit: $"Time limit reached at epoch {final.Epoch + (final.Batch > 0 ? 1 : 0)}; state saved in {runDirectory}. Test accuracy {Percent(final.LastEvaluation?.Accuracy)}.");
        }, CancellationToken.None)));
        return command;
    }

    private static TrainingOutcome RunWithProgress(IAnsiConsole console, Trainer trainer, ImageDataset train, ImageDataset test, CancellationToken cancellationToken) =>
        TrainingProgressBar.Run(console, update =>
        {
            trainer.OnProgress = p => update((double)(p.Epoch - 1) * p.Batches + p.Batch, (double)p.Epochs * p.Batches,
                $"epoch {p.Epoch}/{p.Epochs}  loss {p.Loss:0.000}  acc {p.Accuracy:P1}  {p.ImagesPerSecond:0} img/s");
            return trainer.Run(train, test, cancellationToken);
        });

    private static string FormatEpoch(EpochRecord record, int epochs) =>
        $"epoch {record.Epoch}/{epochs}  loss {record.TrainLoss:0.0000}  train {record.TrainAccuracy:P2}  test {Percent(record.TestAccuracy)}  " +
        $"{record.ImagesPerSecond:0} img/s  lr {record.LearningRate:0.####e+0}  {record.Seconds:0}s";

    private static string Percent(double? value) => value is { } v ? v.ToString("P2", CultureInfo.InvariantCulture) : "n/a";

    private static Command EvalCommand()
    {
        var checkpoint = new Option<string>("--checkpoint") { Description = "Run folder written by 'manabi vision train'.", Required = true };
        var data = new Option<string?>("--data") { Description = "'fashion-mnist' or an image folder (default: the data the run was trained on)." };
        var subset = new Option<int?>("--subset") { Description = "Evaluate a seeded random subset of this many test images." };
        var tta = new TestTimeAugmentationFlags();
        var command = new Command("eval", "Evaluates a checkpoint on the test split; prints one JSON line (model, accuracy, loss, count, tta, views, per_class, confusion).")
        {
            checkpoint, data, subset, tta.Mode, tta.Flip,
        };
        command.SetAction(CommandActions.Guard((parseResult, output) =>
        {
            var mode = tta.Read(parseResult);
            var (state, network, test) = OpenCheckpoint(parseResult.GetValue(checkpoint)!, parseResult.GetValue(data), parseResult.GetValue(subset));
            using (network)
            {
                var result = Evaluator.Evaluate(network, test, new Augmentation(state.Mean, state.Std), testTimeAugmentation: mode);
                var line = new Dictionary<string, object>
                {
                    ["model"] = state.Model,
                    ["accuracy"] = result.Accuracy,
                    ["loss"] = result.Loss,
                    ["count"] = result.Count,
                    ["tta"] = TestTimeAugmentationFlags.Name(mode),
                    ["views"] = Evaluator.ViewsPerImage(mode),
                    ["per_class"] = result.PerClassAccuracy,
                    ["confusion"] = result.Confusion,
                };
                output.WriteLine(JsonSerializer.Serialize(line));
            }
            return ExitCodes.Success;
        }));
        return command;
    }

    private static Command ExplainCommand()
    {
        var checkpoint = new Option<string>("--checkpoint") { Description = "Run folder written by 'manabi vision train'.", Required = true };
        var count = new Option<int>("--count") { Description = "Test images to explain.", DefaultValueFactory = _ => 16 };
        var outputFile = new Option<string>("--output") { Description = "PNG file for the grid.", Required = true };
        var data = new Option<string?>("--data") { Description = "'fashion-mnist' or an image folder (default: the run's data)." };
        var seed = new Option<int>("--seed") { Description = "Seed for choosing the test images." };
        var command = new Command("explain",
            "Draws test images beside their explanation maps (ABN attention map, ViT attention rollout, ResNet class activation map) in a PNG grid.")
        {
            checkpoint, count, outputFile, data, seed,
        };
        command.SetAction(CommandActions.Guard((parseResult, output) =>
        {
            int n = parseResult.GetValue(count);
            Check.Positive(n, "--count");
            string path = parseResult.GetValue(outputFile)!;
            if (!path.EndsWith(".png", StringComparison.OrdinalIgnoreCase))
            {
                throw new InputException($"--output: '{path}' should be a .png file.");
            }
            var (state, network, test) = OpenCheckpoint(parseResult.GetValue(checkpoint)!, parseResult.GetValue(data), null);
            using (network)
            {
                var chosen = test.Subset(n, parseResult.GetValue(seed));
                byte[] png = RenderExplanations(network, chosen, state.Mean, state.Std, $"{state.Model}: {ExplanationName(network)} (true → predicted)");
                AtomicFile.Write(path, stream => stream.Write(png), "--output");
            }
            output.WriteLine(Path.GetFullPath(path));
            return ExitCodes.Success;
        }));
        return command;
    }

    private static Command PredictCommand()
    {
        var checkpoint = new Option<string?>("--checkpoint") { Description = "Run folder written by 'manabi vision train'." };
        var weights = new Option<string?>("--weights") { Description = "A timm-layout .safetensors file (with --model)." };
        var model = new Option<string?>("--model") { Description = "The model the --weights are for (see 'manabi vision models')." };
        var top = new Option<int>("--top") { Description = "Classes to print per image.", DefaultValueFactory = _ => 5 };
        var images = new Argument<string[]>("IMAGE") { Description = "PNG or JPEG files, any size: resized and cropped per the model's preprocessing.", Arity = ArgumentArity.OneOrMore };
        var command = new Command("predict",
            "Prints each image's most probable classes: the file, then one line per class (probability, name or class index).")
        {
            checkpoint, weights, model, top, images,
        };
        command.SetAction(CommandActions.Guard((parseResult, output) =>
        {
            string? run = parseResult.GetValue(checkpoint), file = parseResult.GetValue(weights), name = parseResult.GetValue(model);
            int k = parseResult.GetValue(top);
            Check.Positive(k, "--top");
            if ((run is null) == (file is null))
            {
                throw new InputException("give either --checkpoint RUN or --weights FILE --model NAME.");
            }
            if (run is not null && name is not null)
            {
                throw new InputException("--model goes with --weights; a --checkpoint records its model.");
            }
            if (file is not null && name is null)
            {
                throw new InputException("--weights needs --model NAME (see 'manabi vision models').");
            }
            if (run is not null && !Directory.Exists(run))
            {
                throw new InputException($"--checkpoint: '{run}' is not a folder.");
            }
            using var classifier = run is not null
                ? Check.Input(() => ImageClassifier.FromCheckpoint(run), "--checkpoint")
                : Check.Input(() => Check.Input(() => ImageClassifier.FromWeights(FindModel(name!).Name, file!)), "--weights");
            IReadOnlyList<ImagePrediction> predictions;
            try
            {
                predictions = classifier.Predict(parseResult.GetValue(images)!, k);
            }
            catch (Exception ex) when (ex is IOException or InvalidDataException)
            {
                // The library's message names the file.
                throw new InputException(ex.Message, ex);
            }
            foreach (var prediction in predictions)
            {
                output.WriteLine(prediction.Path);
                foreach (var score in prediction.Top)
                {
                    output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {score.Probability:0.0000}  {score.Name ?? "class " + score.Class.ToString(CultureInfo.InvariantCulture)}"));
                }
            }
            return ExitCodes.Success;
        }));
        return command;
    }

    /// <summary>What the explanation map of a model is called.</summary>
    public static string ExplanationName(nn.Module model) => model switch
    {
        AttentionBranchNetwork => "ABN attention map",
        VisionTransformer => "attention rollout",
        _ => "class activation map",
    };

    /// <summary>Explains the images of <paramref name="images"/> and renders them as a PNG grid.</summary>
    public static byte[] RenderExplanations(nn.Module<Tensor, Tensor> model, ImageDataset images, float[] mean, float[] std, string title)
    {
        ArgumentNullException.ThrowIfNull(images);
        using var scope = NewDisposeScope();
        var loader = new BatchLoader(images, images.Count, new Augmentation(mean, std), shuffle: false, seed: 0);
        using var batch = loader.Epoch(0).Single();
        var (maps, predictions) = Explanations.Explain(model, batch.Images);
        long[] predicted = predictions.data<long>().ToArray();
        int mapHeight = (int)maps.shape[1], mapWidth = (int)maps.shape[2];
        float[] all = maps.contiguous().data<float>().ToArray();
        var tiles = new List<ExplanationTile>();
        for (int i = 0; i < images.Count; i++)
        {
            int truth = images.Labels[i];
            tiles.Add(new ExplanationTile(images.Pixels.AsSpan(i * images.ImageBytes, images.ImageBytes).ToArray(), images.Channels, images.Height, images.Width,
                all.AsSpan(i * mapHeight * mapWidth, mapHeight * mapWidth).ToArray(), mapHeight, mapWidth,
                $"{Short(images.ClassNames[truth])} → {Short(images.ClassNames[(int)predicted[i]])}", truth == predicted[i]));
        }
        return ExplanationGrid.Render(tiles, columns: Math.Min(4, tiles.Count), title);
    }

    private static string Short(string name) => name.Length <= 12 ? name : name[..11] + "…";

    private static (TrainingState State, nn.Module<Tensor, Tensor> Model, ImageDataset Test) OpenCheckpoint(string runDirectory, string? data, int? subset)
    {
        Check.Positive(subset, "--subset");
        if (!Directory.Exists(runDirectory))
        {
            throw new InputException($"--checkpoint: '{runDirectory}' is not a folder.");
        }
        var state = LoadState(runDirectory, "--checkpoint");
        TorchRuntime.EnsureLoaded();
        var (_, test) = VisionData.Load(data ?? state.Data);
        Check.Input(() => state.EnsureFits(test, runDirectory), "--data");
        if (subset is { } s)
        {
            test = test.Subset(s, 1);
        }
        var model = Check.Input(() => state.LoadModel(runDirectory), "--checkpoint");
        return (state, model, test);
    }

    private static TrainingState LoadState(string runDirectory, string option) => Check.Input(() => TrainingState.Load(runDirectory), option);

    private static VisionModelInfo FindModel(string name) =>
        VisionModels.Find(name) ?? throw new InputException(
            $"--model: unknown model '{name}'. Valid models: {string.Join(", ", VisionModels.All.Select(m => m.Name))}, or any vit_<tiny|small|base|large|huge>_patch<P>_<image>.");

    private static void CheckImages(VisionModelInfo info, ImageDataset data, string option)
    {
        if (info.Family == VisionModelFamily.VisionTransformer)
        {
            // The registry's config, so vit-small28-p7 is checked against patch 7 rather than a guess.
            int patch = VisionModels.TransformerConfig(info.Name)?.PatchSize ?? 4;
            if (data.Height != data.Width || data.Height % patch != 0)
            {
                throw new InputException($"{option}: {info.Name} needs square images whose side is a multiple of the patch size {patch}; these are {data.Width}x{data.Height}.");
            }
        }
        if (data.Height != data.Width)
        {
            throw new InputException($"{option}: the images are {data.Width}x{data.Height}; vision models here take square images.");
        }
    }
}
