using System.CommandLine;
using Manabi.Numerics;
using Manabi.Text;
using Manabi.SentenceTransformers;

namespace Manabi.Cli.Commands;

/// <summary>
/// Loads the sentence model a command names (<c>--model DIR</c> or a Hugging Face id already in the hub cache) or the
/// embedded default, with input errors as such.
/// </summary>
internal static class SentenceModels
{
    /// <summary>The <c>--model</c> help text shared by the sentence commands.</summary>
    public const string ModelHelp =
        "A sentence-transformers folder (modules.json) or a Hugging Face BERT folder (config.json + model.safetensors or " +
        "pytorch_model.bin, tokenizer.json or vocab.txt), or a Hugging Face id (e.g. sentence-transformers/all-MiniLM-L6-v2) " +
        "whose snapshot is already in the hub cache ($HF_HUB_CACHE, else $HF_HOME/hub, else ~/.cache/huggingface/hub; nothing " +
        "is downloaded). Default: the embedded all-MiniLM-L6-v2, imported once into $MANABI_CACHE/models (default ~/.cache/manabi).";

    /// <summary>
    /// The folder <paramref name="model"/> names: itself when it is a folder, else the hub cache's snapshot when it
    /// is a Hugging Face id that the cache holds; null (the default model) when <paramref name="model"/> is null.
    /// </summary>
    /// <exception cref="InputException">It is neither a folder nor a cached hub id.</exception>
    public static string? Resolve(string? model)
    {
        if (model is null || Directory.Exists(model))
        {
            return model;
        }
        // A folder wins over a hub id of the same spelling, so './org/name' and 'org/name' both mean the folder when it exists.
        if (HuggingFaceHubCache.IsModelId(model))
        {
            return HuggingFaceHubCache.FindSnapshot(model) ?? throw new InputException(
                $"--model {model}: no such folder, and the Hugging Face hub cache ({HuggingFaceHubCache.ModelFolder(model)}) has no " +
                $"snapshot of it. Manabi does not download models: fetch it once (e.g. 'huggingface-cli download {model}' or " +
                "sentence-transformers in Python) or give the model's folder.");
        }
        throw new InputException($"--model {model}: no such folder.");
    }

    /// <summary>The <c>--quantize</c> option of the commands that run a sentence model for inference.</summary>
    public static Option<string> QuantizeOption() => new Option<string>("--quantize")
    {
        Description = "none: float32; int8: the transformer's linear layers in int8 (dynamic quantization, about twice as fast " +
            "on CPU, embeddings within about 0.99 cosine of float32; see docs/SERVE.md).",
        DefaultValueFactory = _ => "none",
    }.AcceptOnlyFromAmong("none", "int8");

    /// <summary>The <c>--dtype</c> option (text-embeddings-inference's name) of the commands that run a sentence model for inference.</summary>
    public static Option<string> DtypeOption() => new Option<string>("--dtype")
    {
        Description = "float32, or bfloat16: the transformer in bfloat16, about twice as fast on CPUs with AMX or AVX-512-BF16 " +
            "(slower elsewhere; 'manabi doctor' says which this one has), embeddings within 0.9999 cosine of float32. " +
            "An alternative to --quantize int8; see docs/SERVE.md.",
        DefaultValueFactory = _ => "float32",
    }.AcceptOnlyFromAmong("float32", "bfloat16");

    /// <summary>
    /// Prepares <paramref name="encoder"/> for inference as <c>--quantize</c> <paramref name="quantize"/> and
    /// <c>--dtype</c> <paramref name="dtype"/> say; warns on stderr when bfloat16 is asked of a CPU without bfloat16 units.
    /// </summary>
    /// <exception cref="InputException">Both int8 and bfloat16 were asked for.</exception>
    public static SentenceEncoder ForInference(SentenceEncoder encoder, string? quantize, string? dtype)
    {
        if (quantize == "int8" && dtype == "bfloat16")
        {
            encoder.Dispose();
            throw new InputException("--quantize int8 and --dtype bfloat16 are alternatives: choose one.");
        }
        if (quantize == "int8")
        {
            encoder.QuantizeInt8();
        }
        else if (dtype == "bfloat16")
        {
            if (!Manabi.Torch.Runtime.TorchRuntime.CpuSupportsBFloat16)
            {
                Console.Error.WriteLine("warning: this CPU has no AMX or AVX-512-BF16 units: bfloat16 runs emulated, slower than float32.");
            }
            encoder.UseBFloat16();
        }
        return encoder;
    }

    /// <summary>Loads <paramref name="model"/> (see <see cref="Resolve"/>), or the default model when it is null.</summary>
    /// <exception cref="InputException">The folder is missing or not a model this library reads.</exception>
    public static SentenceEncoder Load(string? model)
    {
        string? folder = Resolve(model);
        try
        {
            return folder is null ? DefaultSentenceModel.Load() : SentenceEncoder.Load(folder);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or TokenizerFormatException or UnauthorizedAccessException)
        {
            throw new InputException($"--model {model ?? DefaultSentenceModel.Name}: {e.Message}", e);
        }
    }

    /// <summary>The model's name for fingerprints and messages: the resolved folder's full path, or the default's name.</summary>
    /// <exception cref="InputException">It is neither a folder nor a cached hub id.</exception>
    public static string Describe(string? model) =>
        Resolve(model) is { } folder ? Path.GetFullPath(folder) : DefaultSentenceModel.Name;
}
