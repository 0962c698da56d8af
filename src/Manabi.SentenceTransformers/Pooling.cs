using System.Text.Json.Nodes;
using static TorchSharp.torch;

namespace Manabi.SentenceTransformers;

/// <summary>
/// sentence-transformers' <c>Pooling</c> module: token embeddings and the attention mask in, one vector per sentence
/// out. Reads both config formats (old <c>pooling_mode_*_tokens</c> flags with <c>word_embedding_dimension</c>, new
/// <c>pooling_mode</c> with <c>embedding_dimension</c>) and writes back the one it read.
/// </summary>
public sealed class Pooling : nn.Module
{
    private readonly bool _newFormat;

    /// <summary>Creates a pooling of <paramref name="tokenDimension"/>-wide token embeddings.</summary>
    public Pooling(int tokenDimension, PoolingMode mode, bool includePrompt = true) : this(tokenDimension, mode, includePrompt, false)
    {
    }

    private Pooling(int tokenDimension, PoolingMode mode, bool includePrompt, bool newFormat) : base(nameof(Pooling))
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(tokenDimension);
        if (mode == PoolingMode.None)
        {
            throw new ArgumentException("at least one pooling mode is required", nameof(mode));
        }
        TokenDimension = tokenDimension;
        Mode = mode;
        IncludePrompt = includePrompt;
        _newFormat = newFormat;
    }

    /// <summary>Width of each token embedding.</summary>
    public int TokenDimension { get; }

    /// <summary>The pooling modes (concatenated when several).</summary>
    public PoolingMode Mode { get; }

    /// <summary>Whether prompt tokens are pooled (kept for round trips; this library adds no prompts).</summary>
    public bool IncludePrompt { get; }

    /// <summary>Width of the output: <see cref="TokenDimension"/> times the number of modes.</summary>
    public int OutputDimension => TokenDimension * PoolingModes.Count(Mode);

    /// <summary>Reads <c>config.json</c> of a Pooling folder.</summary>
    /// <exception cref="InvalidDataException">No dimension, an unknown mode, or no mode; the message names the file.</exception>
    public static Pooling Load(string folder)
    {
        string path = Path.Combine(folder, "config.json");
        JsonObject o = JsonFiles.ParseObject(path);
        bool includePrompt = JsonFiles.ReadBool(o, "include_prompt", path) ?? true;
        if (o["pooling_mode"] is JsonNode modeNode)
        {
            int dimension = JsonFiles.ReadInt(o, "embedding_dimension", path) ?? JsonFiles.ReadInt(o, "word_embedding_dimension", path)
                ?? throw new InvalidDataException($"{path}: no \"embedding_dimension\"");
            string names = modeNode is JsonArray array
                ? string.Join('+', array.Select(n => n!.GetValue<string>()))
                : JsonFiles.ReadString(o, "pooling_mode", path)!;
            try
            {
                return new Pooling(dimension, PoolingModes.Parse(names), includePrompt, newFormat: true);
            }
            catch (FormatException e)
            {
                throw new InvalidDataException($"{path}: {e.Message}", e);
            }
        }
        int width = JsonFiles.ReadInt(o, "word_embedding_dimension", path) ?? JsonFiles.ReadInt(o, "embedding_dimension", path)
            ?? throw new InvalidDataException($"{path}: no \"word_embedding_dimension\"");
        var mode = PoolingMode.None;
        void Flag(string key, PoolingMode flag, bool fallback = false)
        {
            if (JsonFiles.ReadBool(o, key, path) ?? fallback)
            {
                mode |= flag;
            }
        }
        Flag("pooling_mode_cls_token", PoolingMode.Cls);
        Flag("pooling_mode_max_tokens", PoolingMode.Max);
        // sentence-transformers' constructor defaults to mean pooling when the flag is absent.
        Flag("pooling_mode_mean_tokens", PoolingMode.Mean, fallback: !o.ContainsKey("pooling_mode_mean_tokens"));
        Flag("pooling_mode_mean_sqrt_len_tokens", PoolingMode.MeanSqrtLenTokens);
        Flag("pooling_mode_weightedmean_tokens", PoolingMode.WeightedMean);
        Flag("pooling_mode_lasttoken", PoolingMode.LastToken);
        return mode == PoolingMode.None
            ? throw new InvalidDataException($"{path}: every pooling_mode_* flag is false")
            : new Pooling(width, mode, includePrompt, newFormat: false);
    }

    /// <summary>Writes <c>config.json</c> into <paramref name="folder"/> in the format it was read in (old flags by default).</summary>
    public void Save(string folder)
    {
        JsonObject o = _newFormat && PoolingModes.Count(Mode) == 1
            ? new JsonObject
            {
                ["embedding_dimension"] = TokenDimension,
                ["pooling_mode"] = PoolingModes.Format(Mode),
                ["include_prompt"] = IncludePrompt,
            }
            : new JsonObject
            {
                ["word_embedding_dimension"] = TokenDimension,
                ["pooling_mode_cls_token"] = Mode.HasFlag(PoolingMode.Cls),
                ["pooling_mode_mean_tokens"] = Mode.HasFlag(PoolingMode.Mean),
                ["pooling_mode_max_tokens"] = Mode.HasFlag(PoolingMode.Max),
                ["pooling_mode_mean_sqrt_len_tokens"] = Mode.HasFlag(PoolingMode.MeanSqrtLenTokens),
                ["pooling_mode_weightedmean_tokens"] = Mode.HasFlag(PoolingMode.WeightedMean),
                ["pooling_mode_lasttoken"] = Mode.HasFlag(PoolingMode.LastToken),
                ["include_prompt"] = IncludePrompt,
            };
        JsonFiles.WriteAtomically(Path.Combine(folder, "config.json"), o);
    }

    /// <summary>
    /// Pools <c>[batch, tokens, dim]</c> token embeddings under a <c>[batch, tokens]</c> mask (1 real, 0 padding)
    /// into <c>[batch, OutputDimension]</c>.
    /// </summary>
    public Tensor Forward(Tensor tokenEmbeddings, Tensor attentionMask)
    {
        ArgumentNullException.ThrowIfNull(tokenEmbeddings);
        ArgumentNullException.ThrowIfNull(attentionMask);
        using var scope = NewDisposeScope();
        long length = tokenEmbeddings.shape[1];
        var mask = attentionMask.unsqueeze(-1).to(tokenEmbeddings.dtype);
        var parts = new List<Tensor>(6);
        if (Mode.HasFlag(PoolingMode.Cls))
        {
            parts.Add(tokenEmbeddings.select(1, 0));
        }
        if (Mode.HasFlag(PoolingMode.Max))
        {
            parts.Add(tokenEmbeddings.masked_fill(mask.eq(0), -1e9).amax([1]));
        }
        if (Mode.HasFlag(PoolingMode.Mean) || Mode.HasFlag(PoolingMode.MeanSqrtLenTokens))
        {
            var sum = (tokenEmbeddings * mask).sum(1);
            var count = mask.sum(1).clamp_min(1e-9);
            if (Mode.HasFlag(PoolingMode.Mean))
            {
                parts.Add(sum / count);
            }
            if (Mode.HasFlag(PoolingMode.MeanSqrtLenTokens))
            {
                parts.Add(sum / count.sqrt());
            }
        }
        if (Mode.HasFlag(PoolingMode.WeightedMean))
        {
            var weights = arange(1, length + 1, dtype: tokenEmbeddings.dtype, device: tokenEmbeddings.device).view(1, length, 1) * mask;
            parts.Add((tokenEmbeddings * weights).sum(1) / weights.sum(1).clamp_min(1e-9));
        }
        if (Mode.HasFlag(PoolingMode.LastToken))
        {
            // The last real token: the first 1 of the flipped mask; rows without any take the last position, zeroed by the mask.
            var fromEnd = attentionMask.flip(1).argmax(1);
            var index = (length - 1 - fromEnd).view(-1, 1, 1).expand(-1, 1, tokenEmbeddings.shape[2]);
            parts.Add((tokenEmbeddings * mask).gather(1, index).squeeze(1));
        }
        return (parts.Count == 1 ? parts[0].alias() : cat(parts, 1)).MoveToOuterDisposeScope();
    }
}
