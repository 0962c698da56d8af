using System.Text.Json;
using System.Text.Json.Serialization;
using Manabi.Torch.Weights;
using TorchSharp;
using static TorchSharp.torch;

namespace Manabi.Torch.Training;

/// <summary>
/// The files of a training run folder, shared by the image classifier and Siamese trainers of Manabi.Vision:
/// <c>model.safetensors</c>, <c>optimizer.safetensors</c> and a JSON state written last, each through a
/// temporary file and a rename.
/// </summary>
public static class RunFolder
{
    /// <summary>The weights file.</summary>
    public const string ModelFileName = "model.safetensors";

    /// <summary>The optimiser state file.</summary>
    public const string OptimizerFileName = "optimizer.safetensors";

    /// <summary>The JSON settings of run states: snake_case names and enums, indented.</summary>
    internal static JsonSerializerOptions Json { get; } = new()
    {
        WriteIndented = true,
        // A hand-edited or corrupt state with null for a non-nullable property (a model name, the class names) must
        // fail at load with the property's path, not later as a NullReferenceException.
        RespectNullableAnnotations = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    /// <summary>Loads a run folder's weights into <paramref name="model"/>.</summary>
    /// <exception cref="FileNotFoundException">No weights in the folder.</exception>
    /// <exception cref="ArgumentException">The weights do not fit the model (names or shapes differ).</exception>
    /// <exception cref="InvalidDataException">
    /// The file is not valid safetensors, or a weight holds NaN or infinity; the message names the file and the tensor.
    /// </exception>
    public static void LoadWeights(nn.Module model, string runDirectory)
    {
        ArgumentNullException.ThrowIfNull(model);
        string path = Path.Combine(runDirectory, ModelFileName);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{runDirectory}: no {ModelFileName} here.", path);
        }
        var weights = SafeTensors.Read(path);
        try
        {
            EnsureFinite(weights, path);
            StateDicts.LoadStrict(model, weights);
        }
        finally
        {
            foreach (var tensor in weights.Values)
            {
                tensor.Dispose();
            }
        }
    }

    /// <summary>
    /// Refuses weights with NaN or infinity: a diverged run saves them, and evaluating such a model fails far from
    /// the cause (or silently predicts one class), so the tensor is named at load instead.
    /// </summary>
    private static void EnsureFinite(Dictionary<string, Tensor> weights, string path)
    {
        foreach (var (name, tensor) in weights)
        {
            if (!tensor.is_floating_point())
            {
                continue;
            }
            using var finite = isfinite(tensor);
            using var all = finite.all();
            if (!all.item<bool>())
            {
                throw new InvalidDataException($"{path}: tensor '{name}' holds NaN or infinite values (did training diverge?); retrain or restore the run.");
            }
        }
    }

    /// <summary>
    /// Loads the weights a run is evaluated with: its weight average (<see cref="WeightAverage.FileName"/>) when it trained
    /// one, else <see cref="ModelFileName"/>.
    /// </summary>
    public static void LoadEvaluationWeights(nn.Module model, string runDirectory)
    {
        ArgumentNullException.ThrowIfNull(model);
        string averagePath = Path.Combine(runDirectory, WeightAverage.FileName);
        if (!File.Exists(averagePath))
        {
            LoadWeights(model, runDirectory);
            return;
        }
        var weights = SafeTensors.Read(averagePath);
        try
        {
            weights.Remove("__updates__", out var updates);
            updates?.Dispose();
            EnsureFinite(weights, averagePath);
            StateDicts.LoadStrict(model, weights);
        }
        finally
        {
            foreach (var tensor in weights.Values)
            {
                tensor.Dispose();
            }
        }
    }

    /// <summary>Loads the weights and, when saved, the optimiser state and weight average of a run being resumed.</summary>
    internal static void Resume(nn.Module model, Optimizer optimizer, string runDirectory, WeightAverage? average = null)
    {
        LoadWeights(model, runDirectory);
        string averagePath = Path.Combine(runDirectory, WeightAverage.FileName);
        if (average is not null && File.Exists(averagePath))
        {
            var saved = SafeTensors.Read(averagePath);
            try
            {
                average.LoadStateDict(saved, averagePath);
            }
            finally
            {
                foreach (var tensor in saved.Values)
                {
                    tensor.Dispose();
                }
            }
        }
        string optimizerPath = Path.Combine(runDirectory, OptimizerFileName);
        if (File.Exists(optimizerPath))
        {
            var saved = SafeTensors.Read(optimizerPath);
            optimizer.LoadStateDict(saved);
            foreach (var tensor in saved.Values)
            {
                tensor.Dispose();
            }
        }
    }

    /// <summary>
    /// Writes the weights (with <paramref name="metadata"/>), the optimiser state, then the JSON state through
    /// <paramref name="saveState"/>: a folder whose state exists always has weights at least as new.
    /// </summary>
    internal static void Save(string runDirectory, nn.Module model, IReadOnlyDictionary<string, string> metadata, Optimizer optimizer, Action<string> saveState,
        WeightAverage? average = null)
    {
        Directory.CreateDirectory(runDirectory);
        SafeTensors.Write(Path.Combine(runDirectory, ModelFileName), model.state_dict(), metadata);
        var optimizerState = optimizer.StateDict();
        SafeTensors.Write(Path.Combine(runDirectory, OptimizerFileName), optimizerState);
        optimizerState["__steps__"].Dispose();
        if (average is not null)
        {
            var averageState = average.StateDict();
            SafeTensors.Write(Path.Combine(runDirectory, WeightAverage.FileName), averageState, metadata);
            foreach (var tensor in averageState.Values)
            {
                tensor.Dispose();
            }
        }
        saveState(runDirectory);
    }

    /// <summary>Writes <paramref name="state"/> as <paramref name="fileName"/> in the folder through a temporary file and a rename.</summary>
    internal static void WriteState<T>(string runDirectory, string fileName, T state)
    {
        Directory.CreateDirectory(runDirectory);
        string path = Path.Combine(runDirectory, fileName);
        string temporary = path + $".{Environment.ProcessId}.tmp";
        File.WriteAllText(temporary, JsonSerializer.Serialize(state, Json));
        File.Move(temporary, path, overwrite: true);
    }
}
