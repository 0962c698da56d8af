using Manabi.SentenceTransformers.Losses;
using Manabi.SentenceTransformers.Training;
using Manabi.SentenceTransformers;
using Manabi.Torch.Losses;
using System.Text.Json.Nodes;

namespace Manabi.SentenceTransformers.Tests.Training;

public sealed class SentenceTrainerTests
{
    private static List<TrainingExample> Pairs() =>
    [
        new(["A man is playing a guitar.", "Someone plays the guitar."], 0.9f),
        new(["A woman is slicing onions.", "Onions are being cut by a woman."], 0.95f),
        new(["The cat sleeps on the sofa.", "A dog runs in the park."], 0.1f),
        new(["Stocks fell sharply today.", "The market dropped."], 0.8f),
        new(["He is reading a book.", "A child eats an apple."], 0.05f),
        new(["The train was late.", "The train arrived behind schedule."], 0.85f),
    ];

    private static List<SimilarityExample> Dev() =>
    [
        new("A man plays guitar.", "A guitar is being played.", 0.9),
        new("A cat sleeps.", "Markets fell today.", 0.0),
        new("Onions are cut.", "Someone slices an onion.", 0.8),
        new("The train was late.", "A book on the table.", 0.1),
    ];

    [Fact]
    public void Spearman_correlation_uses_average_ranks_for_ties()
    {
        Assert.Equal(1.0, SpearmanCorrelation.Compute([1, 2, 3, 4], [10, 20, 30, 40]), 12);
        Assert.Equal(-1.0, SpearmanCorrelation.Compute([1, 2, 3], [3, 2, 1]), 12);
        Assert.Equal([1.5, 1.5, 3.0], SpearmanCorrelation.Ranks([5, 5, 7]));
        // scipy.stats.spearmanr([1, 2, 2, 3], [1, 3, 2, 4]).statistic
        Assert.Equal(0.9486832980505138, SpearmanCorrelation.Compute([1, 2, 2, 3], [1, 3, 2, 4]), 12);
    }

    [Fact]
    public void Learning_rate_warms_up_then_decays_linearly()
    {
        using var model = SentenceEncoder.Load(TinySbert.Folder);
        var trainer = new SentenceTrainer(model, new CosineSimilarityLoss(), new SentenceTrainerOptions { LearningRate = 1.0 });
        Assert.Equal(0.0, trainer.LearningRateAt(0, 2, 10));
        Assert.Equal(0.5, trainer.LearningRateAt(1, 2, 10));
        Assert.Equal(1.0, trainer.LearningRateAt(2, 2, 10));
        Assert.Equal(0.5, trainer.LearningRateAt(6, 2, 10));
        Assert.Equal(0.0, trainer.LearningRateAt(10, 2, 10));
    }

    [Fact]
    public void Training_lowers_the_loss_evaluates_and_a_resumed_run_ends_where_an_uninterrupted_one_does()
    {
        string root = Path.Combine(Path.GetTempPath(), "manabi-train-" + Guid.NewGuid().ToString("N"));
        try
        {
            var options = new SentenceTrainerOptions { Epochs = 2, BatchSize = 3, LearningRate = 1e-3, WarmupRatio = 0.25 };
            using var straight = SentenceEncoder.Load(TinySbert.Folder);
            var straightResult = new SentenceTrainer(straight, new CosineSimilarityLoss(), options, new SimilarityEvaluator(Dev())).Train(Pairs());
            Assert.Equal(4, straightResult.Steps);
            Assert.Equal(2, straightResult.DevScores.Count);
            Assert.True(straightResult.Losses[^1] < straightResult.Losses[0], string.Join(", ", straightResult.Losses));

            // The same run, stopped after epoch 1 (a checkpoint per epoch), then resumed by a new trainer and model.
            string checkpoints = Path.Combine(root, "checkpoints");
            using (var first = SentenceEncoder.Load(TinySbert.Folder))
            {
                new SentenceTrainer(first, new CosineSimilarityLoss(), options with { Epochs = 1, CheckpointDirectory = checkpoints }, new SimilarityEvaluator(Dev()))
                    .Train(Pairs());
            }
            Assert.True(Directory.Exists(Path.Combine(checkpoints, "checkpoint-2", "model")));
            using var resumed = SentenceEncoder.Load(TinySbert.Folder);
            var resumedResult = new SentenceTrainer(resumed, new CosineSimilarityLoss(), options with { CheckpointDirectory = checkpoints }, new SimilarityEvaluator(Dev()))
                .Train(Pairs());
            Assert.Equal(2, resumedResult.ResumedFromStep);
            Assert.Equal(4, resumedResult.Steps);
            Assert.Equal(straightResult.Losses.Skip(2).ToList(), resumedResult.Losses.ToList(), (a, b) => Math.Abs(a - b) < 1e-6);
            // The checkpoint keeps the run's history, so the dev score of the epoch before the resume is still reported.
            Assert.Equal(straightResult.DevScores, resumedResult.DevScores, (a, b) => Math.Abs(a - b) < 1e-6);
            string[] probes = ["A man plays guitar.", "The market dropped."];
            TinySbert.AssertClose(straight.Encode(probes).Vectors.Select(v => v.Select(x => (double)x).ToArray()).ToArray(),
                resumed.Encode(probes).Vectors, 1e-6, "resumed vs straight");
            using var fromCheckpoint = SentenceEncoder.Load(Path.Combine(checkpoints, "checkpoint-4", "model"));
            Assert.Equal(resumed.Encode(probes).Vectors, fromCheckpoint.Encode(probes).Vectors);
        }
        finally
        {
            if (Directory.Exists(root))
            {
                Directory.Delete(root, recursive: true);
            }
        }
    }

    /// <summary>Reports on the training thread, so that a test can cancel at an exact step.</summary>
    private sealed class InlineProgress(Action<TrainingProgress> report) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => report(value);
    }

    [Fact]
    public void A_cancelled_run_checkpoints_its_steps_and_resumes_mid_epoch_to_the_uninterrupted_model()
    {
        string root = Path.Combine(Path.GetTempPath(), "manabi-cancel-" + Guid.NewGuid().ToString("N"));
        try
        {
            var options = new SentenceTrainerOptions { Epochs = 2, BatchSize = 2, LearningRate = 1e-3, WarmupRatio = 0.25 };
            using var straight = SentenceEncoder.Load(TinySbert.Folder);
            var straightResult = new SentenceTrainer(straight, new CosineSimilarityLoss(), options).Train(Pairs());
            Assert.Equal(6, straightResult.Steps);

            string checkpoints = Path.Combine(root, "checkpoints");
            using (var first = SentenceEncoder.Load(TinySbert.Folder))
            using (var cancel = new CancellationTokenSource())
            {
                // Step 4 is the first of epoch 2's three: the cancellation lands mid-epoch.
                var progress = new InlineProgress(p =>
                {
                    if (p.Step == 4)
                    {
                        cancel.Cancel();
                    }
                });
                Assert.ThrowsAny<OperationCanceledException>(() =>
                    new SentenceTrainer(first, new CosineSimilarityLoss(), options with { CheckpointDirectory = checkpoints }).Train(Pairs(), progress, cancel.Token));
            }
            Assert.True(Directory.Exists(Path.Combine(checkpoints, "checkpoint-4", "model")));
            using var resumed = SentenceEncoder.Load(TinySbert.Folder);
            var resumedResult = new SentenceTrainer(resumed, new CosineSimilarityLoss(), options with { CheckpointDirectory = checkpoints }).Train(Pairs());
            Assert.Equal((4, 6), (resumedResult.ResumedFromStep, resumedResult.Steps));
            // Epoch 2's mean loss spans the steps before and after the resume: the checkpoint kept the epoch's sums.
            var history = StateOf(checkpoints, 6)["history"]!.AsArray();
            Assert.Equal(2, history.Count);
            double epoch2 = (straightResult.Losses[3] * 2 + straightResult.Losses[4] * 2 + straightResult.Losses[5] * 2) / 6;
            Assert.Equal(epoch2, history[1]!["loss"]!.GetValue<double>(), 5);
            Assert.Equal(straightResult.Losses.Skip(4).ToList(), resumedResult.Losses.ToList(), (a, b) => Math.Abs(a - b) < 1e-6);
            string[] probes = ["A man plays guitar.", "The market dropped."];
            TinySbert.AssertClose(straight.Encode(probes).Vectors.Select(v => v.Select(x => (double)x).ToArray()).ToArray(),
                resumed.Encode(probes).Vectors, 1e-6, "resumed vs straight");
        }
        finally
        {
            if (Directory.Exists(root))
            {
                Directory.Delete(root, recursive: true);
            }
        }
    }

    private static JsonObject StateOf(string checkpoints, int step) =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(checkpoints, $"checkpoint-{step}", "trainer_state.json")))!.AsObject();

    [Fact]
    public void A_checkpoint_keeps_the_shared_run_state_and_older_or_damaged_states_are_handled()
    {
        string root = Path.Combine(Path.GetTempPath(), "manabi-state-" + Guid.NewGuid().ToString("N"));
        try
        {
            var options = new SentenceTrainerOptions { Epochs = 2, BatchSize = 3, LearningRate = 1e-3, WarmupRatio = 0.25 };
            using var straight = SentenceEncoder.Load(TinySbert.Folder);
            var straightResult = new SentenceTrainer(straight, new CosineSimilarityLoss(), options).Train(Pairs());
            string checkpoints = Path.Combine(root, "checkpoints");
            using (var first = SentenceEncoder.Load(TinySbert.Folder))
            {
                new SentenceTrainer(first, new CosineSimilarityLoss(), options with { Epochs = 1, CheckpointDirectory = checkpoints }).Train(Pairs());
            }
            // The fields every Manabi run state has, and the Hugging Face Trainer's global_step beside them.
            var state = StateOf(checkpoints, 2);
            Assert.Equal((2, 1, 0, true, 2, 42), (state["global_step"]!.GetValue<int>(), state["epoch"]!.GetValue<int>(), state["batch"]!.GetValue<int>(),
                state["finished"]!.GetValue<bool>(), state["step"]!.GetValue<int>(), state["seed"]!.GetValue<int>()));
            Assert.Equal(3, state["partial_epoch"]!.AsArray().Count);
            Assert.Equal((straightResult.Losses[0] + straightResult.Losses[1]) / 2, state["history"]![0]!["loss"]!.GetValue<double>(), 5);
            string statePath = Path.Combine(checkpoints, "checkpoint-2", "trainer_state.json");

            // A damaged state is refused by name before any weight is loaded.
            state["partial_epoch"] = new JsonArray(1.0, 2.0);
            File.WriteAllText(statePath, state.ToJsonString());
            using (var model = SentenceEncoder.Load(TinySbert.Folder))
            {
                var error = Assert.Throws<InvalidDataException>(() =>
                    new SentenceTrainer(model, new CosineSimilarityLoss(), options with { CheckpointDirectory = checkpoints }).Train(Pairs()));
                Assert.Contains(statePath, error.Message, StringComparison.Ordinal);
                Assert.Contains("partial_epoch holds 2 numbers", error.Message, StringComparison.Ordinal);
            }

            // A checkpoint written before the shared format (only the step and the seed) still resumes to the same model.
            File.WriteAllText(statePath, """{ "global_step": 2, "seed": 42 }""");
            using var resumed = SentenceEncoder.Load(TinySbert.Folder);
            var resumedResult = new SentenceTrainer(resumed, new CosineSimilarityLoss(), options with { CheckpointDirectory = checkpoints }).Train(Pairs());
            Assert.Equal((2, 4), (resumedResult.ResumedFromStep, resumedResult.Steps));
            Assert.Equal(straightResult.Losses.Skip(2).ToList(), resumedResult.Losses.ToList(), (a, b) => Math.Abs(a - b) < 1e-6);
            string[] probes = ["A man plays guitar.", "The market dropped."];
            TinySbert.AssertClose(straight.Encode(probes).Vectors.Select(v => v.Select(x => (double)x).ToArray()).ToArray(),
                resumed.Encode(probes).Vectors, 1e-6, "resumed vs straight");
            Assert.True(StateOf(checkpoints, 4)["finished"]!.GetValue<bool>());
        }
        finally
        {
            if (Directory.Exists(root))
            {
                Directory.Delete(root, recursive: true);
            }
        }
    }

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(-1.0)]
    [InlineData(0.0)]
    [InlineData(double.PositiveInfinity)]
    public void A_learning_rate_that_is_not_a_positive_number_is_refused_when_the_trainer_is_built(double rate)
    {
        using var model = SentenceEncoder.Load(TinySbert.Folder);
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() =>
            new SentenceTrainer(model, new CosineSimilarityLoss(), new SentenceTrainerOptions { LearningRate = rate }));
        Assert.Equal("options.LearningRate", ex.ParamName);
    }

    [Fact]
    public void Out_of_range_options_name_the_property()
    {
        using var model = SentenceEncoder.Load(TinySbert.Folder);
        Assert.Equal("options.WeightDecay", Assert.Throws<ArgumentOutOfRangeException>(() =>
            new SentenceTrainer(model, new CosineSimilarityLoss(), new SentenceTrainerOptions { WeightDecay = double.NaN })).ParamName);
        Assert.Equal("options.WarmupRatio", Assert.Throws<ArgumentOutOfRangeException>(() =>
            new SentenceTrainer(model, new CosineSimilarityLoss(), new SentenceTrainerOptions { WarmupRatio = 2 })).ParamName);
        Assert.Equal("options.BatchSize", Assert.Throws<ArgumentOutOfRangeException>(() =>
            new SentenceTrainer(model, new CosineSimilarityLoss(), new SentenceTrainerOptions { BatchSize = 0 })).ParamName);
    }

    [Fact]
    public void A_huge_learning_rate_stops_with_a_divergence_exception_before_NaN_weights_are_checkpointed()
    {
        string root = Path.Combine(Path.GetTempPath(), "manabi-diverge-" + Guid.NewGuid().ToString("N"));
        try
        {
            var options = new SentenceTrainerOptions
            {
                Epochs = 5, BatchSize = 3, LearningRate = 1e30, WarmupRatio = 0, CheckpointDirectory = root, CheckpointEverySteps = 1,
            };
            using var model = SentenceEncoder.Load(TinySbert.Folder);
            var ex = Assert.Throws<Manabi.Torch.Training.TrainingDivergedException>(() =>
                new SentenceTrainer(model, new CosineSimilarityLoss(), options).Train(Pairs()));
            Assert.True(ex.Step >= 1);
            Assert.False(double.IsFinite(ex.Loss));
            Assert.Contains($"step {ex.Step}", ex.Message, StringComparison.Ordinal);
            // The step whose loss was NaN left NaN weights; no checkpoint of it (or later) may exist.
            Assert.False(Directory.Exists(Path.Combine(root, $"checkpoint-{ex.Step}")));
        }
        finally
        {
            if (Directory.Exists(root))
            {
                Directory.Delete(root, recursive: true);
            }
        }
    }

    [Fact]
    public void Bad_training_data_is_rejected_with_the_row_number()
    {
        using var model = SentenceEncoder.Load(TinySbert.Folder);
        var trainer = new SentenceTrainer(model, new CosineSimilarityLoss(), new SentenceTrainerOptions());
        var error = Assert.Throws<ArgumentException>(() => trainer.Train([new(["a", "b"], 0.5f), new(["c", "d"])]));
        Assert.Contains("row 2", error.Message);
        Assert.Throws<ArgumentException>(() => trainer.Train([]));
    }
}
