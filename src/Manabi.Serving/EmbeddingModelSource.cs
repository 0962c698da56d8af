using System.Text.Json;
using Manabi.SentenceTransformers;

namespace Manabi.Serving;

/// <summary>A model to serve: the embedded default, a sentence-transformers folder, or an encoder already loaded.</summary>
public sealed class EmbeddingModelSource
{
    private readonly Func<SentenceEncoder> _load;

    private EmbeddingModelSource(string name, Func<SentenceEncoder> load, bool ownsEncoder, IReadOnlyDictionary<string, string> prompts)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        Name = name;
        _load = load;
        OwnsEncoder = ownsEncoder;
        Prompts = prompts;
    }

    /// <summary>The name requests choose it by (their <c>model</c> field).</summary>
    public string Name { get; }

    /// <summary>Named prompts (sentence-transformers' <c>prompts</c>), chosen by TEI's <c>prompt_name</c>.</summary>
    public IReadOnlyDictionary<string, string> Prompts { get; }

    internal bool OwnsEncoder { get; }

    internal SentenceEncoder Load() => _load();

    /// <summary>The embedded all-MiniLM-L6-v2, named <c>all-MiniLM-L6-v2</c> unless <paramref name="name"/> says otherwise.</summary>
    public static EmbeddingModelSource Default(string? name = null) =>
        new(name ?? DefaultSentenceModel.Name, DefaultSentenceModel.Load, ownsEncoder: true, new Dictionary<string, string>());

    /// <summary>A sentence-transformers folder, loaded when the server starts; named after the folder unless <paramref name="name"/> is given.</summary>
    /// <exception cref="IOException">The folder is missing.</exception>
    /// <exception cref="InvalidDataException">Its config_sentence_transformers.json is not valid JSON.</exception>
    public static EmbeddingModelSource FromFolder(string folder, string? name = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        if (!Directory.Exists(folder))
        {
            throw new DirectoryNotFoundException($"model folder {folder}: no such folder.");
        }
        string full = Path.GetFullPath(folder);
        return new(name ?? Path.GetFileName(Path.TrimEndingDirectorySeparator(full)), () => SentenceEncoder.Load(full), ownsEncoder: true, ReadPrompts(full));
    }

    /// <summary>An encoder the caller loaded and keeps owning (the server does not dispose it).</summary>
    public static EmbeddingModelSource FromEncoder(SentenceEncoder encoder, string? name = null, IReadOnlyDictionary<string, string>? prompts = null)
    {
        ArgumentNullException.ThrowIfNull(encoder);
        return new(name ?? encoder.ModelId, () => encoder, ownsEncoder: false, prompts ?? new Dictionary<string, string>());
    }

    /// <summary>The <c>prompts</c> of a folder's config_sentence_transformers.json (empty when it has none).</summary>
    /// <exception cref="InvalidDataException">The file is not valid JSON or a prompt is not a string.</exception>
    public static IReadOnlyDictionary<string, string> ReadPrompts(string folder)
    {
        ArgumentNullException.ThrowIfNull(folder);
        string path = Path.Combine(folder, "config_sentence_transformers.json");
        var prompts = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!File.Exists(path))
        {
            return prompts;
        }
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(path));
            if (document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("prompts", out var node) && node.ValueKind == JsonValueKind.Object)
            {
                foreach (var prompt in node.EnumerateObject())
                {
                    prompts[prompt.Name] = prompt.Value.ValueKind == JsonValueKind.String
                        ? prompt.Value.GetString()!
                        : throw new InvalidDataException($"{path}: prompts.{prompt.Name} must be a string.");
                }
            }
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: not valid JSON ({e.Message})", e);
        }
        return prompts;
    }
}
