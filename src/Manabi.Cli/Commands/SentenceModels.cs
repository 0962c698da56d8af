using Manabi.Text;
using Manabi.SentenceTransformers;

namespace Manabi.Cli.Commands;

/// <summary>Loads the sentence model a command names (<c>--model DIR</c>) or the embedded default, with input errors as such.</summary>
internal static class SentenceModels
{
    /// <summary>The <c>--model</c> help text shared by the sentence commands.</summary>
    public const string ModelHelp =
        "A sentence-transformers folder (modules.json) or a Hugging Face BERT folder (config.json + model.safetensors or " +
        "pytorch_model.bin, tokenizer.json or vocab.txt). Default: the embedded all-MiniLM-L6-v2, imported once into " +
        "$MANABI_CACHE/models (default ~/.cache/manabi).";

    /// <summary>Loads <paramref name="folder"/>, or the default model when it is null.</summary>
    /// <exception cref="InputException">The folder is missing or not a model this library reads.</exception>
    public static SentenceEncoder Load(string? folder)
    {
        try
        {
            return folder is null ? DefaultSentenceModel.Load() : SentenceEncoder.Load(folder);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or TokenizerFormatException or UnauthorizedAccessException)
        {
            throw new InputException($"--model {folder ?? DefaultSentenceModel.Name}: {e.Message}", e);
        }
    }

    /// <summary>The model's name for fingerprints and messages.</summary>
    public static string Describe(string? folder) =>
        folder is null ? DefaultSentenceModel.Name : Path.GetFullPath(folder);
}
