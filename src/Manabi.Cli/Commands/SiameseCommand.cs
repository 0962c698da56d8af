using Manabi.Cli.Data;
using Manabi.Cli.Output;
using Manabi.Cli.Siamese;
using Manabi.Cli.Vision;
using Manabi.Torch.Data;
using Manabi.Torch.Evaluation;
using Manabi.Torch.Losses;
using Manabi.Torch.Runtime;
using Manabi.Torch.Siamese;
using Manabi.Torch.Training;
using Manabi.Vision.Data;
using Manabi.Vision.Models;
using Manabi.Vision.Siamese;
using Manabi.Vision.Training;
using Spectre.Console;
using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using TorchSharp;

namespace Manabi.Cli.Commands;

/// <summary>
/// <c>manabi siamese</c>: trains Siamese (contrastive, triplet, SupCon, multi-similarity) and self-supervised (NT-Xent, SimSiam, InfoNCE)
/// image encoders, evaluates one-shot recognition and verification on unseen classes, and fits a linear probe.
/// </summary>
public static class SiameseCommand
{
    /// <summary>Builds the <c>siamese</c> command and its sub-commands.</summary>
    public static Command Create() => new("siamese", "Siamese and self-supervised encoders: train, one-shot evaluation on unseen classes, linear probe.")
    {
        TrainCommand(),
        EvalCommand(),
        ProbeCommand(),
    };

    private static Command TrainCommand()
    {
        var data = new Option<string>("--data") { Description = "'fashion-mnist' or a folder with train/CLASS/*.png and test/CLASS/*.png.", Required = true };
        var classes = new Option<string?>("--classes") { Description = "Classes to train on, e.g. 0-5 (default: all; labels are unused by ntxent, simsiam and infonce)." };
        var encoder = new Option<string>("--encoder") { Description = "Encoder: a ResNet, SE-ResNet or ViT name from 'manabi vision models', e.g. seresnet18-small.", DefaultValueFactory = _ => "seresnet18-small" };
        var loss = new Option<string>("--loss") { Description = "Supervised: contrastive, triplet, supcon or multi-similarity; self-supervised: ntxent, simsiam or infonce.", Required = true };
        var epochs = new Option<int>("--epochs") { Description = "Epochs (about one pass over the training images each).", DefaultValueFactory = _ => 10 };
        var maxMinutes = new Option<double>("--max-minutes") { Description = "Stop after this many minutes of training, saving the state (0: no limit)." };
        var outputDir = new Option<string>("--output") { Description = "Run folder (model.safetensors, optimizer.safetensors, state.json); an existing run resumes.", Required = true };
        var miner = new Option<string>("--miner") { Description = "Triplet miner: all, batch-hard, semi-hard or easy.", DefaultValueFactory = _ => "semi-hard" };
        var margin = new Option<double?>("--margin") { Description = "Margin of the contrastive and triplet losses on normalised embeddings (default 0.5 contrastive, 0.2 triplet)." };
        var hinge = new Option<bool>("--hinge") { Description = "Contrastive loss in its hinge form instead of Hadsell's squared form." };
        var temperature = new Option<double>("--temperature") { Description = "NT-Xent, SupCon and InfoNCE temperature.", DefaultValueFactory = _ => 0.2 };
        var noStopGradient = new Option<bool>("--no-stop-gradient") { Description = "SimSiam without the stop-gradient (to show the collapse it prevents)." };
        var dimension = new Option<int?>("--embedding-dim") { Description = "Embedding dimension (default 128; 256 for simsiam)." };
        var batchSize = new Option<int>("--batch-size") { Description = "Images per batch of the self-supervised losses.", DefaultValueFactory = _ => 256 };
        var perClass = new Option<int>("--images-per-class") { Description = "Images per class per batch of the supervised losses.", DefaultValueFactory = _ => 20 };
        var optimizer = new OptimizerFlags();
        var learningRate = new Option<double?>("--lr") { Description = "Peak learning rate (default 1e-3 AdamW, 0.05 SGD)." };
        var weightDecay = new Option<double?>("--weight-decay") { Description = "Weight decay (default 1e-4 AdamW, 5e-4 SGD)." };
        var seed = new Option<int>("--seed") { Description = "Seed of initialisation, batches and augmentation." };
        var threads = new Option<int?>("--threads") { Description = "libtorch threads (default: libtorch's choice)." };
        var subset = new Option<int?>("--subset") { Description = "Train on a seeded random subset of this many images (before the class filter)." };
        var readout = new Option<string>("--readout")
        {
            Description = "Features the head reads (and --features scores): pooled (the last stage's global average), multiscale (1:7,2:4,3:2,4:1), or INDEX:GRID,... feature maps pooled to grids.",
            DefaultValueFactory = _ => "pooled",
        };
        var command = new Command("train",
            "Trains an encoder. Ctrl-C or --max-minutes saves the state; rerunning the same command resumes exactly.")
        {
            data, classes, encoder, loss, epochs, maxMinutes, outputDir, miner, margin, hinge, temperature, noStopGradient, dimension,
            batchSize, perClass, optimizer.Optimizer, optimizer.Momentum, optimizer.Nesterov, learningRate, weightDecay, seed, threads, subset, readout,
        };
        command.SetAction(CommandActions.GuardAsync((parseResult, output, cancellationToken) => Task.Run(() =>
        {
            var objective = SiameseObjectives.Parse(parseResult.GetValue(loss)!)
                ?? throw new InputException($"--loss: '{parseResult.GetValue(loss)}' is not contrastive, triplet, supcon, multi-similarity, ntxent, simsiam or infonce.");
            Check.OutputFolder(parseResult.GetValue(outputDir), "--output");
            using var created = new NewFolders(parseResult.GetValue(outputDir));
            string runDirectory = Path.GetFullPath(parseResult.GetValue(outputDir)!);
            int epochCount = parseResult.GetValue(epochs);
            Check.Positive(epochCount, "--epochs");
            Check.Positive(parseResult.GetValue(batchSize), "--batch-size");
            Check.Positive(parseResult.GetValue(threads), "--threads");
            Check.Positive(parseResult.GetValue(subset), "--subset");
            Check.Positive(parseResult.GetValue(dimension), "--embedding-dim");
            if (parseResult.GetValue(perClass) < 2)
            {
                throw new InputException("--images-per-class must be at least 2 (a positive pair).");
            }
            // NaN or negative values do not fail anywhere below: they train a model of NaN weights, so they are refused here.
            Check.NonNegative(parseResult.GetValue(maxMinutes), "--max-minutes");
            Check.Positive(parseResult.GetValue(temperature), "--temperature");
            Check.NonNegative(parseResult.GetValue(margin), "--margin");
            Check.Positive(parseResult.GetValue(learningRate), "--lr");
            Check.NonNegative(parseResult.GetValue(weightDecay), "--weight-decay");
            var minerKind = parseResult.GetValue(miner)!.ToLowerInvariant() switch
            {
                "all" => TripletMiningStrategy.All,
                "batch-hard" or "batchhard" or "hard" => TripletMiningStrategy.BatchHard,
                "semi-hard" or "semihard" => TripletMiningStrategy.SemiHard,
                "easy" => TripletMiningStrategy.Easy,
                var other => throw new InputException($"--miner: '{other}' is not all, batch-hard, semi-hard or easy."),
            };
            var (optimizerKind, momentumValue, nesterovValue) = optimizer.Read(parseResult);
            FeatureReadout featureReadout;
            try
            {
                featureReadout = FeatureReadout.Parse(parseResult.GetValue(readout)!);
            }
            catch (FormatException ex)
            {
                throw new InputException($"--readout: {ex.Message}", ex);
            }
            string encoderName = parseResult.GetValue(encoder)!;
            var info = VisionModels.Find(encoderName) ?? throw new InputException(
                $"--encoder: unknown model '{encoderName}'. Valid encoders: {string.Join(", ", VisionModels.All.Where(m => m.Family != VisionModelFamily.AttentionBranch).Select(m => m.Name))}.");
            if (info.Family == VisionModelFamily.AttentionBranch)
            {
                throw new InputException($"--encoder: {info.Name} is a two-branch classifier; use its backbone {info.Name[4..]}.");
            }
            string dataName = parseResult.GetValue(data)!;
            int seedValue = parseResult.GetValue(seed);
            var (train, _) = TrainingData.Load(dataName, parseResult.GetValue(threads), parseResult.GetValue(subset), seedValue);
            int[]? trainClasses = parseResult.GetValue(classes) is { } spec ? SiameseRuns.ParseClasses(spec, train.ClassNames.Count, "--classes") : null;
            if (objective.IsSupervised() && (trainClasses?.Length ?? train.ClassNames.Count) < 2)
            {
                throw new InputException($"--classes: {objective.Name()} needs at least two classes.");
            }

            SiameseRunState state;
            if (SiameseRunState.Exists(runDirectory))
            {
                try
                {
                    state = SiameseRunState.Load(runDirectory);
                }
                catch (Exception ex) when (ex is InvalidDataException)
                {
                    throw new InputException($"--output: {ex.Message}", ex);
                }
                Check.Input(() => state.EnsureResumableAs(info.Name, objective, runDirectory), "--output");
                Check.Input(() => state.EnsureTrainClasses(trainClasses, runDirectory), "--classes");
                state = state with { Options = state.Options with { Epochs = epochCount, MaxMinutes = parseResult.GetValue(maxMinutes) } };
            }
            else
            {
                if (train.Height != train.Width)
                {
                    throw new InputException($"--data: the images are {train.Width}x{train.Height}; encoders here take square images.");
                }
                // The library's presets: margin by objective, learning rate and weight decay by optimiser.
                var preset = SiameseTrainingOptions.ForObjective(objective, optimizerKind);
                var options = preset with
                {
                    Epochs = epochCount,
                    MaxMinutes = parseResult.GetValue(maxMinutes),
                    BatchSize = parseResult.GetValue(batchSize),
                    ImagesPerClass = parseResult.GetValue(perClass),
                    Margin = parseResult.GetValue(margin) ?? preset.Margin,
                    ContrastiveForm = parseResult.GetValue(hinge) ? Torch.Losses.ContrastiveForm.Hinge : Torch.Losses.ContrastiveForm.Squared,
                    Miner = minerKind,
                    Temperature = parseResult.GetValue(temperature),
                    StopGradient = !parseResult.GetValue(noStopGradient),
                    LearningRate = parseResult.GetValue(learningRate) ?? preset.LearningRate,
                    WeightDecay = parseResult.GetValue(weightDecay) ?? preset.WeightDecay,
                    Momentum = momentumValue,
                    Nesterov = nesterovValue,
                    Seed = seedValue,
                };
                var (mean, std) = train.ChannelStatistics();
                state = new SiameseRunState
                {
                    Network = EmbeddingNetworkConfig.ForObjective(info.Name, train.Height, train.Channels, objective, parseResult.GetValue(dimension)) with { Readout = featureReadout },
                    Data = dataName,
                    ClassNames = train.ClassNames,
                    TrainClasses = trainClasses,
                    Mean = mean,
                    Std = std,
                    Options = options,
                };
            }
            torch.manual_seed(state.Options.Seed);
            EmbeddingNetwork network;
            try
            {
                network = new EmbeddingNetwork(state.Network);
            }
            catch (ArgumentException ex)
            {
                // The encoder was checked above, so what the network refuses with a spatial readout is the readout (a ViT, or a map it lacks).
                throw new InputException(state.Network.Readout.IsPooled ? ex.Message : $"--readout: {ex.Message}", ex);
            }
            using var ownedNetwork = network;
            var trainer = Check.Input(() => new SiameseTrainer(network, state, runDirectory));
            IAnsiConsole console = Terminal.CreateConsole(output);
            console.WriteLine($"{state.Options.Objective.Name()} on {info.Name} ({Torch.Weights.StateDicts.ParameterCount(network):N0} parameters, {state.Network.Head} head on {state.Network.Readout} features, " +
                $"{network.EmbeddingDimension}-d embeddings); classes {Describe(state.TrainClasses)}; {torch.get_num_threads()} threads; run folder {runDirectory}" +
                (state.Step > 0 ? $" (resuming at epoch {state.Epoch + 1}, batch {state.Batch})" : ""));
            trainer.OnEpoch = record => console.WriteLine(
                $"epoch {record.Epoch}/{trainer.State.Options.Epochs}  loss {record.Loss:0.0000}  std(z/|z|) {record.NormalizedStd:0.0000} (1/sqrt(d) = {1 / Math.Sqrt(network.EmbeddingDimension):0.0000})  " +
                $"{record.ImagesPerSecond:0} img/s  {record.Seconds:0}s");
            TrainingOutcome outcome;
            try
            {
                outcome = Terminal.IsInteractive(output)
                    ? RunWithProgress(console, trainer, train, cancellationToken)
                    : trainer.Run(train, cancellationToken);
            }
            catch (ArgumentException ex)
            {
                throw new InputException(ex.Message, ex);
            }
            var final = trainer.State;
            return TrainingOutcomeReport.Write(console, parseResult.InvocationConfiguration.Error, outcome, runDirectory,
                finished: $"Finished {final.Epoch} epochs in {final.ElapsedSeconds / 60:0.0} minutes. Evaluate with 'manabi siamese eval --checkpoint {runDirectory} --classes 6-9 --way 4 --shot 1 --episodes 10000'.",
                timeLimit: $"Time limit reached at epoch {final.Epoch + (final.Batch > 0 ? 1 : 0)} after {final.ElapsedSeconds / 60:0.0} minutes; state saved in {runDirectory}.");
        }, CancellationToken.None)));
        return command;
    }

    private static TrainingOutcome RunWithProgress(IAnsiConsole console, SiameseTrainer trainer, ImageDataset train, CancellationToken cancellationToken) =>
        TrainingProgressBar.Run(console, update =>
        {
            trainer.OnProgress = p => update((double)(p.Epoch - 1) * p.Batches + p.Batch, (double)p.Epochs * p.Batches,
                $"epoch {p.Epoch}/{p.Epochs}  loss {p.Loss:0.000}  std {p.NormalizedStd:0.000}  {p.ImagesPerSecond:0} img/s");
            return trainer.Run(train, cancellationToken);
        });

    private static Command EvalCommand()
    {
        var checkpoint = new Option<string>("--checkpoint") { Description = "Run folder written by 'manabi siamese train'.", Required = true };
        var classes = new Option<string>("--classes") { Description = "Classes to draw episodes from, e.g. 6-9 (unseen in training).", Required = true };
        var way = new Option<int>("--way") { Description = "Classes per episode.", DefaultValueFactory = _ => 4 };
        var shot = new Option<int>("--shot") { Description = "Support images per class.", DefaultValueFactory = _ => 1 };
        var episodes = new Option<int>("--episodes") { Description = "Episodes.", DefaultValueFactory = _ => 10000 };
        var queries = new Option<int>("--queries") { Description = "Query images per class per episode.", DefaultValueFactory = _ => 1 };
        var seed = new Option<int>("--seed") { Description = "Seed of the episodes and of the verification subset." };
        var pairsFrom = new Option<int>("--verification-images") { Description = "Verification uses every pair of this many seeded test images of the classes.", DefaultValueFactory = _ => 2000 };
        var features = new Option<bool>("--features") { Description = "Evaluate the encoder's pooled features (L2-normalised) instead of the head's embeddings." };
        var command = new Command("eval",
            "N-way K-shot episodes (nearest prototype) and verification (ROC AUC, equal error rate) on the test images of the given classes; " +
            "prints one JSON line and saves the EER threshold for 'manabi verify' in the run folder.")
        {
            checkpoint, classes, way, shot, episodes, queries, seed, pairsFrom, features,
        };
        command.SetAction(CommandActions.Guard((parseResult, output) =>
        {
            int w = parseResult.GetValue(way), k = parseResult.GetValue(shot), count = parseResult.GetValue(episodes), q = parseResult.GetValue(queries);
            Check.Positive(k, "--shot");
            Check.Positive(count, "--episodes");
            Check.Positive(q, "--queries");
            if (w < 2)
            {
                throw new InputException($"--way must be at least 2, got {w}.");
            }
            if (parseResult.GetValue(pairsFrom) < 2)
            {
                throw new InputException("--verification-images must be at least 2.");
            }
            using var run = SiameseRuns.Open(parseResult.GetValue(checkpoint)!);
            var test = SiameseRuns.TestSplit(run);
            int[] chosen = SiameseRuns.ParseClasses(parseResult.GetValue(classes)!, test.ClassNames.Count, "--classes");
            if (chosen.Length < w)
            {
                throw new InputException($"--classes: {chosen.Length} classes given but a {w}-way episode needs {w}.");
            }
            var images = ImageEmbedder.FilterClasses(test, chosen);
            foreach (int c in chosen)
            {
                int available = images.Labels.Count(l => l == c);
                if (available < k + q)
                {
                    throw new InputException($"--classes: class {c} has {available} test images; a {k}-shot episode with {q} quer{(q == 1 ? "y" : "ies")} per class needs {k + q}.");
                }
            }
            int seedValue = parseResult.GetValue(seed);
            using var scope = torch.NewDisposeScope();
            bool useFeatures = parseResult.GetValue(features);
            var embeddings = run.Embed(images, useFeatures);
            FewShotResult fewShot;
            try
            {
                fewShot = FewShotEvaluator.Evaluate(embeddings, images.Labels, w, k, count, q, seedValue);
            }
            catch (ArgumentException ex)
            {
                throw new InputException($"--classes: {ex.Message}", ex);
            }
            var (verification, threshold) = EmbeddingVerification.Evaluate(embeddings, images.Labels, parseResult.GetValue(pairsFrom), seedValue);
            int[] ks = [.. new[] { 1, 2, 4, 8 }.Where(kk => kk < images.Count)];
            var retrieval = EmbeddingRetrieval.Evaluate(embeddings, images.Labels, ks, EmbeddingDistance.Euclidean);
            run.SaveThreshold(new VerificationThreshold(threshold, verification.Eer, chosen, Math.Min(images.Count, parseResult.GetValue(pairsFrom)), useFeatures));
            var line = new Dictionary<string, object>
            {
                ["way"] = w,
                ["shot"] = k,
                ["accuracy"] = fewShot.Accuracy,
                ["eer"] = verification.Eer,
                ["auc"] = verification.Auc,
                ["episodes"] = count,
                ["queries"] = q,
                ["ci95"] = fewShot.ConfidenceInterval95,
                ["eer_threshold"] = threshold,
                ["pairs"] = verification.Positives + verification.Negatives,
                ["precision_at_1"] = retrieval.PrecisionAt1,
                ["recall_at_k"] = retrieval.RecallAtK.ToDictionary(kv => kv.Key.ToString(CultureInfo.InvariantCulture), kv => kv.Value),
                ["map_at_r"] = retrieval.MapAtR,
                ["classes"] = chosen,
                ["encoder"] = run.State.Network.Encoder,
                ["loss"] = run.State.Options.Objective.Name(),
                ["embedding"] = useFeatures ? "features" : "head",
            };
            output.WriteLine(JsonSerializer.Serialize(line));
            return ExitCodes.Success;
        }));
        return command;
    }

    private static Command ProbeCommand()
    {
        var checkpoint = new Option<string>("--checkpoint") { Description = "Run folder written by 'manabi siamese train'.", Required = true };
        var subset = new Option<int?>("--subset") { Description = "Fit on a seeded subset of this many training images (default: all)." };
        var testSubset = new Option<int?>("--test-subset") { Description = "Score on a seeded subset of this many test images (default: all)." };
        var epochs = new Option<int>("--epochs") { Description = "Epochs of the logistic regression.", DefaultValueFactory = _ => new LinearProbeOptions().Epochs };
        var command = new Command("probe",
            "Linear probe: logistic regression on the frozen encoder features of every training image, scored on the test split; prints one JSON line.")
        {
            checkpoint, subset, testSubset, epochs,
        };
        command.SetAction(CommandActions.Guard((parseResult, output) =>
        {
            Check.Positive(parseResult.GetValue(subset), "--subset");
            Check.Positive(parseResult.GetValue(testSubset), "--test-subset");
            Check.Positive(parseResult.GetValue(epochs), "--epochs");
            using var run = SiameseRuns.Open(parseResult.GetValue(checkpoint)!);
            var train = SiameseRuns.TrainSplit(run);
            var test = SiameseRuns.TestSplit(run);
            if (parseResult.GetValue(subset) is { } s)
            {
                train = train.Subset(s, 0);
            }
            if (parseResult.GetValue(testSubset) is { } ts)
            {
                test = test.Subset(ts, 1);
            }
            using var scope = torch.NewDisposeScope();
            var trainFeatures = ImageEmbedder.Embed(run.Network, train, run.State.Mean, run.State.Std, features: true);
            var testFeatures = ImageEmbedder.Embed(run.Network, test, run.State.Mean, run.State.Std, features: true);
            var result = LinearProbe.Fit(trainFeatures, train.Labels, testFeatures, test.Labels, new LinearProbeOptions { Epochs = parseResult.GetValue(epochs) });
            var line = new Dictionary<string, object>
            {
                ["linear_probe_accuracy"] = result.TestAccuracy,
                ["train_accuracy"] = result.TrainAccuracy,
                ["train_images"] = train.Count,
                ["test_images"] = test.Count,
                ["dimensions"] = result.Dimensions,
                ["encoder"] = run.State.Network.Encoder,
                ["loss"] = run.State.Options.Objective.Name(),
            };
            output.WriteLine(JsonSerializer.Serialize(line));
            return ExitCodes.Success;
        }));
        return command;
    }

    private static string Describe(IReadOnlyList<int>? classes) => SiameseRunState.Describe(classes);
}
