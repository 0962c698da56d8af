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

    /// <summary>Quantizes <paramref name="encoder"/> as <c>--quantize</c> <paramref name="mode"/> says.</summary>
    public static SentenceEncoder Quantized(SentenceEncoder encoder, string? mode)
    {
        if (mode == "int8")
        {
            encoder.QuantizeInt8();
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
