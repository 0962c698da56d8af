using Manabi.SentenceTransformers.Losses;
using Manabi.SentenceTransformers.Models.Bert;
using Manabi.Torch.Losses;
using Manabi.Torch.Training;
using System.Text.Json.Nodes;
using static TorchSharp.torch;

namespace Manabi.SentenceTransformers.Training;

/// <summary>
/// Fine-tunes a <see cref="SentenceEncoder"/> with a <see cref="SentenceLoss"/>: AdamW over the model's and the loss's
/// parameters, linear warm-up then linear decay, gradient clipping, shuffled batches (seeded, so resumable), an
/// optional dev evaluation after each epoch, and checkpoints written atomically from which a later run resumes.
/// </summary>
public sealed class SentenceTrainer
{
    private const string StateFile = "trainer_state.json";
    private const string WeightsFile = "trainer_weights.safetensors";
    private const string OptimizerFile = "optimizer.bin";
    private readonly SentenceEncoder _model;
    private readonly SentenceLoss _loss;
    private readonly SentenceTrainerOptions _options;
    private readonly SimilarityEvaluator? _evaluator;

    /// <summary>Prepares a run.</summary>
    public SentenceTrainer(SentenceEncoder model, SentenceLoss loss, SentenceTrainerOptions options, SimilarityEvaluator? evaluator = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(loss);
        ArgumentNullException.ThrowIfNull(options);
        TrainingChecks.Positive(options.Epochs);
        TrainingChecks.Positive(options.BatchSize);
        TrainingChecks.Positive(options.LearningRate);
        TrainingChecks.NonNegative(options.WeightDecay);
        TrainingChecks.InRange(options.WarmupRatio, 0, 1);
        TrainingChecks.NonNegative(options.MaxGradNorm);
        _model = model;
        _loss = loss;
        _options = options;
        _evaluator = evaluator;
    }

    /// <summary>
    /// Trains on <paramref name="data"/>. When the checkpoint directory holds a checkpoint, the run resumes from the
    /// newest one (weights, optimizer state and position in the data) instead of starting over.
    /// </summary>
    /// <exception cref="OperationCanceledException">
    /// <paramref name="cancellationToken"/> was cancelled; with a checkpoint directory, the steps done so far are
    /// checkpointed first, so that the next run resumes from them.
    /// </exception>
    public TrainingResult Train(IReadOnlyList<TrainingExample> data, IProgress<TrainingProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.Count == 0)
        {
            throw new ArgumentException("the training set is empty", nameof(data));
        }
        Validate(data);
        int stepsPerEpoch = (data.Count + _options.BatchSize - 1) / _options.BatchSize;
        int totalSteps = stepsPerEpoch * _options.Epochs;
        int warmup = (int)Math.Ceiling(totalSteps * _options.WarmupRatio);
        var parameters = _model.parameters().Concat(_loss.parameters()).ToList();
        using var optimizer = optim.AdamW(parameters, _options.LearningRate, 0.9, 0.999, 1e-8, _options.WeightDecay);
        int resumedFrom = ResumeIfPossible(optimizer);
        int checkpointed = resumedFrom;
        var losses = new List<double>();
        // The checkpoint keeps only the step: the position follows from it, and the epoch count may grow between runs.
        var start = new SentenceRunState
        {
            Epoch = resumedFrom / stepsPerEpoch,
            Batch = resumedFrom % stepsPerEpoch,
            Step = resumedFrom,
            Finished = resumedFrom >= totalSteps,
        };
        void Checkpoint(long step)
        {
            if (_options.CheckpointDirectory is not null && step != checkpointed)
            {
                WriteCheckpoint(optimizer, (int)step);
                checkpointed = (int)step;
            }
        }
        var loop = new TrainingLoop<SentenceRunState, SentenceEpochRecord>(start)
        {
            Seed = _options.Seed,
            Epochs = _options.Epochs,
            GradientClip = _options.MaxGradNorm,
            Layout = SentenceRunState.SumLayout,
            Optimizer = new TorchOptimizerSteps(optimizer, parameters),
            LearningRate = step => LearningRateAt((int)step, warmup, totalSteps),
            Modules = [_model, _loss],
            Save = saved => Checkpoint(saved.Step),
            SaveEachEpoch = _options.CheckpointEverySteps <= 0,
            EndEpoch = (current, epoch) =>
            {
                double? score = null;
                if (_evaluator is not null)
                {
                    score = _evaluator.Evaluate(_model);
                    progress?.Report(new TrainingProgress(epoch.Epoch, (int)current.Step, totalSteps, losses.Count > 0 ? losses[^1] : double.NaN,
                        epoch.LearningRate, score));
                }
                return current with { History = [.. current.History, new SentenceEpochRecord(epoch.Epoch, epoch.Sums.MeanLoss, score)] };
            },
            BatchDone = batch =>
            {
                losses.Add(batch.Loss);
                progress?.Report(new TrainingProgress(batch.Epoch, (int)batch.Step, totalSteps, batch.Loss, batch.LearningRate));
                if (_options.CheckpointEverySteps > 0 && batch.Step % _options.CheckpointEverySteps == 0)
                {
                    Checkpoint(batch.Step);
                }
            },
        };
        try
        {
            if (loop.Run(new SentenceStep(this, data, stepsPerEpoch), cancellationToken) != TrainingOutcome.Finished)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }
        }
        finally
        {
            _model.eval();
            _loss.eval();
        }
        var devScores = loop.State.History.Where(e => e.DevScore is not null).Select(e => e.DevScore!.Value).ToList();
        return new TrainingResult((int)loop.State.Step, resumedFrom, losses, devScores);
    }

    /// <summary>Linear warm-up from 0 over <paramref name="warmup"/> steps, then linear decay to 0 at <paramref name="total"/>.</summary>
    public double LearningRateAt(int step, int warmup, int total)
    {
        if (step < warmup)
        {
            return _options.LearningRate * step / Math.Max(1, warmup);
        }
        return _options.LearningRate * Math.Max(0.0, (double)(total - step) / Math.Max(1, total - warmup));
    }

    /// <summary>The loss of a batch of rows: one text list per column, and the labels when the loss needs them.</summary>
    private Tensor ComputeLoss(List<TrainingExample> rows)
    {
        int columns = rows[0].Texts.Count;
        var texts = Enumerable.Range(0, columns).Select(c => (IReadOnlyList<string>)rows.Select(r => r.Texts[c]).ToList()).ToList();
        Tensor? labels = _loss.NeedsLabels ? tensor(rows.Select(r => r.Label!.Value).ToArray()) : null;
        return _loss.Forward(_model, texts, labels);
    }

    private void Validate(IReadOnlyList<TrainingExample> data)
    {
        int columns = data[0].Texts.Count;
        for (int i = 0; i < data.Count; i++)
        {
            if (data[i].Texts.Count != columns)
            {
                throw new ArgumentException($"row {i + 1} has {data[i].Texts.Count} texts, the first row {columns}", nameof(data));
            }
            if (_loss.NeedsLabels && data[i].Label is null)
            {
                throw new ArgumentException($"row {i + 1} has no label, which {_loss.GetName()} needs", nameof(data));
            }
        }
        if (_loss.Columns is { } needed ? columns != needed : columns < 2)
        {
            throw new ArgumentException($"{_loss.GetName()} needs {(_loss.Columns?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "2 or more")} text columns, the data has {columns}", nameof(data));
        }
    }

    private static int[] Shuffle(int count, int seed)
    {
        var random = new Random(seed);
        int[] order = Enumerable.Range(0, count).ToArray();
        random.Shuffle(order);
        return order;
    }

    private void WriteCheckpoint(optim.Optimizer optimizer, int step)
    {
        string root = Path.GetFullPath(_options.CheckpointDirectory!);
        Directory.CreateDirectory(root);
        string final = Path.Combine(root, $"checkpoint-{step}");
        string temp = final + ".tmp-" + Guid.NewGuid().ToString("N")[..8];
        Directory.CreateDirectory(temp);
        try
        {
            _model.Save(Path.Combine(temp, "model"));
            var weights = new Dictionary<string, Tensor>(StringComparer.Ordinal);
            foreach (var (name, p) in _model.named_parameters())
            {
                weights["model." + name] = p.detach();
            }
            foreach (var (name, p) in _loss.named_parameters())
            {
                weights["loss." + name] = p.detach();
            }
            BertWeights.WriteSafetensors(weights, Path.Combine(temp, WeightsFile));
            ((TorchSharp.Modules.OptimizerHelper)optimizer).save_state_dict(Path.Combine(temp, OptimizerFile));
            JsonFiles.WriteAtomically(Path.Combine(temp, StateFile), new JsonObject { ["global_step"] = step, ["seed"] = _options.Seed });
            if (Directory.Exists(final))
            {
                Directory.Delete(final, recursive: true);
            }
            Directory.Move(temp, final);
        }
        catch
        {
            if (Directory.Exists(temp))
            {
                Directory.Delete(temp, recursive: true);
            }
            throw;
        }
        foreach (var old in Checkpoints(root).Skip(Math.Max(1, _options.CheckpointsToKeep)))
        {
            Directory.Delete(old.Path, recursive: true);
        }
    }

    private int ResumeIfPossible(optim.Optimizer optimizer)
    {
        if (_options.CheckpointDirectory is null || !Directory.Exists(_options.CheckpointDirectory))
        {
            return 0;
        }
        var latest = Checkpoints(Path.GetFullPath(_options.CheckpointDirectory)).FirstOrDefault();
        if (latest.Path is null)
        {
            return 0;
        }
        string weightsPath = Path.Combine(latest.Path, WeightsFile);
        var state = BertWeights.ReadStateDict(weightsPath);
        try
        {
            BertWeights.CopyInto(_model, Prefixed(state, "model."), weightsPath);
            BertWeights.CopyInto(_loss, Prefixed(state, "loss."), weightsPath);
        }
        finally
        {
            foreach (var t in state.Values)
            {
                t.Dispose();
            }
        }
        ((TorchSharp.Modules.OptimizerHelper)optimizer).load_state_dict(Path.Combine(latest.Path, OptimizerFile));
        string statePath = Path.Combine(latest.Path, StateFile);
        return JsonFiles.ReadInt(JsonFiles.ParseObject(statePath), "global_step", statePath)
            ?? throw new InvalidDataException($"{statePath}: no \"global_step\"");
    }

    private static Dictionary<string, Tensor> Prefixed(Dictionary<string, Tensor> state, string prefix) =>
        state.Where(kv => kv.Key.StartsWith(prefix, StringComparison.Ordinal)).ToDictionary(kv => kv.Key[prefix.Length..], kv => kv.Value);

    // Complete checkpoints (temporary folders are ignored), newest first.
    private static IEnumerable<(string Path, int Step)> Checkpoints(string root) =>
        Directory.EnumerateDirectories(root, "checkpoint-*")
            .Select(d => (Path: d, Name: System.IO.Path.GetFileName(d)))
            .Where(d => int.TryParse(d.Name["checkpoint-".Length..], System.Globalization.NumberStyles.None,
                System.Globalization.CultureInfo.InvariantCulture, out _))
            .Select(d => (d.Path, Step: int.Parse(d.Name["checkpoint-".Length..], System.Globalization.CultureInfo.InvariantCulture)))
            .OrderByDescending(d => d.Step);

    /// <summary>Shuffled batches of rows (the order a function of the seed and the epoch, so resumable), and their loss.</summary>
    private sealed class SentenceStep(SentenceTrainer trainer, IReadOnlyList<TrainingExample> data, int stepsPerEpoch) : ITrainingStep<List<TrainingExample>>
    {
        public int BatchesPerEpoch => stepsPerEpoch;

        public IEnumerable<List<TrainingExample>> Batches(int epoch, int firstBatch, CancellationToken cancellationToken)
        {
            int size = trainer._options.BatchSize;
            int[] order = Shuffle(data.Count, trainer._options.Seed + epoch);
            for (int batch = firstBatch; batch < stepsPerEpoch; batch++)
            {
                yield return order.Skip(batch * size).Take(size).Select(i => data[i]).ToList();
            }
        }

        public BatchLoss Compute(List<TrainingExample> rows, int epoch, int batchIndex, long seed) => new(trainer.ComputeLoss(rows), rows.Count);
    }

    /// <summary>A sentence run's position; only its step is checkpointed (<see cref="StateFile"/>), the rest follows from it.</summary>
    private sealed record SentenceRunState : RunState<SentenceEpochRecord>
    {
        public static readonly PartialEpochLayout SumLayout = new(LossSum: 0, Examples: 1, Seconds: 2);
    }

    /// <summary>One finished epoch of this run: its mean loss, and the dev score when a dev set is evaluated.</summary>
    private sealed record SentenceEpochRecord(int Epoch, double Loss, double? DevScore);
}
