using System.Text.Json;
using System.Text.Json.Nodes;
using Manabi.SentenceTransformers;

namespace Manabi.SentenceTransformers.Models.Bert;

/// <summary>
/// The architecture of a BERT encoder, read from (and written as) Hugging Face's <c>config.json</c>.
/// Defaults are those of <c>bert-base-uncased</c>, as in transformers' <c>BertConfig</c>.
/// </summary>
public sealed record BertConfig
{
    /// <summary>Number of token ids.</summary>
    public int VocabSize { get; init; } = 30522;

    /// <summary>Width of every hidden state.</summary>
    public int HiddenSize { get; init; } = 768;

    /// <summary>Number of transformer layers.</summary>
    public int NumHiddenLayers { get; init; } = 12;

    /// <summary>Number of attention heads per layer; must divide <see cref="HiddenSize"/>.</summary>
    public int NumAttentionHeads { get; init; } = 12;

    /// <summary>Width of the feed-forward layer.</summary>
    public int IntermediateSize { get; init; } = 3072;

    /// <summary>Feed-forward activation: gelu (exact), gelu_new / gelu_pytorch_tanh (tanh approximation), relu, silu/swish.</summary>
    public string HiddenAct { get; init; } = "gelu";

    /// <summary>Dropout on embeddings and sub-layer outputs during training.</summary>
    public double HiddenDropoutProb { get; init; } = 0.1;

    /// <summary>Dropout on attention probabilities during training.</summary>
    public double AttentionProbsDropoutProb { get; init; } = 0.1;

    /// <summary>Number of learned absolute positions (the longest input).</summary>
    public int MaxPositionEmbeddings { get; init; } = 512;

    /// <summary>Number of token types (segments).</summary>
    public int TypeVocabSize { get; init; } = 2;

    /// <summary>Epsilon of every LayerNorm.</summary>
    public double LayerNormEps { get; init; } = 1e-12;

    /// <summary>Standard deviation of the normal initialisation of fresh weights.</summary>
    public double InitializerRange { get; init; } = 0.02;

    /// <summary>The padding token id.</summary>
    public int PadTokenId { get; init; }

    /// <summary>Reads <c>config.json</c>; keys it does not know are ignored.</summary>
    /// <exception cref="InvalidDataException">Malformed JSON (with its line), a wrong type, or an inconsistent architecture.</exception>
    public static BertConfig Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{path}: the model configuration does not exist", path);
        }
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(File.ReadAllBytes(path));
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}:{(e.LineNumber ?? 0) + 1}: malformed JSON: {e.Message}", e);
        }
        if (node is not JsonObject o)
        {
            throw new InvalidDataException($"{path}:1: expected a JSON object");
        }
        var defaults = new BertConfig();
        var config = new BertConfig
        {
            VocabSize = JsonFiles.ReadInt(o, "vocab_size", path) ?? defaults.VocabSize,
            HiddenSize = JsonFiles.ReadInt(o, "hidden_size", path) ?? defaults.HiddenSize,
            NumHiddenLayers = JsonFiles.ReadInt(o, "num_hidden_layers", path) ?? defaults.NumHiddenLayers,
            NumAttentionHeads = JsonFiles.ReadInt(o, "num_attention_heads", path) ?? defaults.NumAttentionHeads,
            IntermediateSize = JsonFiles.ReadInt(o, "intermediate_size", path) ?? defaults.IntermediateSize,
            HiddenAct = JsonFiles.ReadString(o, "hidden_act", path) ?? defaults.HiddenAct,
            HiddenDropoutProb = JsonFiles.ReadDouble(o, "hidden_dropout_prob", path) ?? defaults.HiddenDropoutProb,
            AttentionProbsDropoutProb = JsonFiles.ReadDouble(o, "attention_probs_dropout_prob", path) ?? defaults.AttentionProbsDropoutProb,
            MaxPositionEmbeddings = JsonFiles.ReadInt(o, "max_position_embeddings", path) ?? defaults.MaxPositionEmbeddings,
            TypeVocabSize = JsonFiles.ReadInt(o, "type_vocab_size", path) ?? defaults.TypeVocabSize,
            LayerNormEps = JsonFiles.ReadDouble(o, "layer_norm_eps", path) ?? defaults.LayerNormEps,
            InitializerRange = JsonFiles.ReadDouble(o, "initializer_range", path) ?? defaults.InitializerRange,
            PadTokenId = JsonFiles.ReadInt(o, "pad_token_id", path) ?? defaults.PadTokenId,
        };
        try
        {
            config.Validate();
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"{path}: {e.Message}", e);
        }
        return config;
    }

    /// <summary>Checks that the sizes are positive and the heads divide the hidden size.</summary>
    /// <exception cref="ArgumentException">An inconsistent configuration.</exception>
    public void Validate()
    {
        if (VocabSize <= 0 || HiddenSize <= 0 || NumHiddenLayers <= 0 || NumAttentionHeads <= 0 || IntermediateSize <= 0
            || MaxPositionEmbeddings <= 0 || TypeVocabSize <= 0)
        {
            throw new ArgumentException("every size in the configuration must be positive");
        }
        if (HiddenSize % NumAttentionHeads != 0)
        {
            throw new ArgumentException($"hidden_size {HiddenSize} is not a multiple of num_attention_heads {NumAttentionHeads}");
        }
        _ = BertActivation.Resolve(HiddenAct);
    }

    /// <summary>Writes <c>config.json</c> as transformers' <c>BertModel</c> expects it (to a temporary file, then renamed).</summary>
    public void Save(string path)
    {
        var o = new JsonObject
        {
            ["architectures"] = new JsonArray("BertModel"),
            ["attention_probs_dropout_prob"] = AttentionProbsDropoutProb,
            ["hidden_act"] = HiddenAct,
            ["hidden_dropout_prob"] = HiddenDropoutProb,
            ["hidden_size"] = HiddenSize,
            ["initializer_range"] = InitializerRange,
            ["intermediate_size"] = IntermediateSize,
            ["layer_norm_eps"] = LayerNormEps,
            ["max_position_embeddings"] = MaxPositionEmbeddings,
            ["model_type"] = "bert",
            ["num_attention_heads"] = NumAttentionHeads,
            ["num_hidden_layers"] = NumHiddenLayers,
            ["pad_token_id"] = PadTokenId,
            ["position_embedding_type"] = "absolute",
            ["torch_dtype"] = "float32",
            ["type_vocab_size"] = TypeVocabSize,
            ["vocab_size"] = VocabSize,
        };
        JsonFiles.WriteAtomically(path, o);
    }
}
