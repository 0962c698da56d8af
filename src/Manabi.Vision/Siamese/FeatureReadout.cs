using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Manabi.Vision.Models;
using static TorchSharp.torch;

namespace Manabi.Vision.Siamese;

/// <summary>One feature map of a spatial readout and the grid it is average-pooled to.</summary>
/// <param name="Index">The feature map's index in the encoder's <see cref="IVisionModel.FeatureInfo"/> (0 the stem, 1–4 the stages of a ResNet).</param>
/// <param name="Grid">The side of the square grid the map is pooled to (1: a global average).</param>
public readonly record struct ReadoutLevel(int Index, int Grid);

/// <summary>
/// How an <see cref="EmbeddingNetwork"/> turns its encoder's feature maps into one feature vector. The default,
/// <see cref="Pooled"/>, is the model's own pre-logits (the last stage's global average). A spatial readout instead
/// average-pools several feature maps to small grids (a hypercolumn), L2-normalises each level and concatenates them,
/// scaled by 1/√levels so the whole is a unit vector: global pooling discards where a part of the object is, which is
/// most of what tells unseen classes of silhouettes apart (a sneaker from an ankle boot; docs/RESULTS.md).
/// Saved in a run's <c>state.json</c> as its text (<see cref="Parse"/>).
/// </summary>
[JsonConverter(typeof(FeatureReadoutJsonConverter))]
public sealed class FeatureReadout : IEquatable<FeatureReadout>
{
    private FeatureReadout(IReadOnlyList<ReadoutLevel> levels) => Levels = levels;

    /// <summary>The last stage's global average (the encoder's pre-logits): no spatial detail.</summary>
    public static FeatureReadout Pooled { get; } = new(Array.Empty<ReadoutLevel>());

    /// <summary>
    /// The multi-scale readout of a small-input ResNet: stage 1 pooled to 7×7, stage 2 to 4×4, stage 3 to 2×2 and
    /// stage 4 globally (<c>1:7,2:4,3:2,4:1</c>).
    /// </summary>
    public static FeatureReadout MultiScale { get; } = new([new(1, 7), new(2, 4), new(3, 2), new(4, 1)]);

    /// <summary>The levels in network order; empty for <see cref="Pooled"/>.</summary>
    public IReadOnlyList<ReadoutLevel> Levels { get; }

    /// <summary>Whether this is the encoder's own pooled features.</summary>
    public bool IsPooled => Levels.Count == 0;

    /// <summary>
    /// A readout from its text: <c>pooled</c>, <c>multiscale</c>, or levels <c>INDEX:GRID</c> separated by commas
    /// (e.g. <c>2:4,3:2,4:1</c>), each feature map at most once.
    /// </summary>
    /// <exception cref="FormatException">Malformed; the message names the offending part.</exception>
    public static FeatureReadout Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string trimmed = text.Trim();
        if (trimmed.Equals("pooled", StringComparison.OrdinalIgnoreCase))
        {
            return Pooled;
        }
        if (trimmed.Equals("multiscale", StringComparison.OrdinalIgnoreCase))
        {
            return MultiScale;
        }
        var levels = new List<ReadoutLevel>();
        foreach (string part in trimmed.Split(',', StringSplitOptions.TrimEntries))
        {
            string[] pair = part.Split(':', StringSplitOptions.TrimEntries);
            if (pair.Length != 2
                || !int.TryParse(pair[0], NumberStyles.None, CultureInfo.InvariantCulture, out int index)
                || !int.TryParse(pair[1], NumberStyles.None, CultureInfo.InvariantCulture, out int grid) || grid < 1)
            {
                throw new FormatException($"readout '{text}': '{part}' is not INDEX:GRID with a feature-map index and a grid side of 1 or more (or use 'pooled' or 'multiscale').");
            }
            if (levels.Any(l => l.Index == index))
            {
                throw new FormatException($"readout '{text}': feature map {index} appears twice.");
            }
            levels.Add(new ReadoutLevel(index, grid));
        }
        return new FeatureReadout([.. levels.OrderBy(l => l.Index)]);
    }

    /// <summary>The readout as <see cref="Parse"/> reads it.</summary>
    public override string ToString() =>
        IsPooled ? "pooled" : string.Join(",", Levels.Select(l => string.Create(CultureInfo.InvariantCulture, $"{l.Index}:{l.Grid}")));

    /// <summary>Whether both have the same levels.</summary>
    public bool Equals(FeatureReadout? other) => other is not null && Levels.SequenceEqual(other.Levels);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as FeatureReadout);

    /// <inheritdoc/>
    public override int GetHashCode() => ToString().GetHashCode(StringComparison.Ordinal);

    /// <summary>The width of the readout of <paramref name="model"/>.</summary>
    /// <exception cref="ArgumentException">A level names a feature map the model does not have, or the model is not a CNN.</exception>
    internal long Width(IVisionModel model, string modelName)
    {
        if (IsPooled)
        {
            return model.NumFeatures;
        }
        if (model is VisionTransformer)
        {
            throw new ArgumentException($"the spatial readout '{this}' pools CNN feature maps; {modelName} is a ViT (use --readout pooled).");
        }
        long width = 0;
        foreach (var level in Levels)
        {
            if (level.Index >= model.FeatureInfo.Count)
            {
                throw new ArgumentException($"the readout '{this}' asks for feature map {level.Index} but {modelName} has {model.FeatureInfo.Count} (0 to {model.FeatureInfo.Count - 1}).");
            }
            width += model.FeatureInfo[level.Index].Channels * level.Grid * level.Grid;
        }
        return width;
    }

    /// <summary>The readout of <paramref name="images"/> through <paramref name="model"/>: (batch, <see cref="Width"/>).</summary>
    internal Tensor Read(IVisionModel model, Tensor images)
    {
        using var scope = NewDisposeScope();
        if (IsPooled)
        {
            return model.ForwardHead(model.ForwardFeatures(images), preLogits: true).MoveToOuterDisposeScope();
        }
        var maps = model.ForwardIntermediates(images, [.. Levels.Select(l => l.Index)], stopEarly: true);
        var parts = new Tensor[Levels.Count];
        for (int i = 0; i < parts.Length; i++)
        {
            var pooled = Levels[i].Grid == 1 ? maps[i].mean([2, 3]) : nn.functional.adaptive_avg_pool2d(maps[i], Levels[i].Grid).flatten(1);
            parts[i] = nn.functional.normalize(pooled, p: 2, dim: 1, eps: 1e-12);
        }
        return (cat(parts, 1) * (1.0 / Math.Sqrt(parts.Length))).MoveToOuterDisposeScope();
    }
}

/// <summary>Writes a <see cref="FeatureReadout"/> as its text and reads it back, naming the value when it is malformed.</summary>
internal sealed class FeatureReadoutJsonConverter : JsonConverter<FeatureReadout>
{
    public override FeatureReadout Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            throw new JsonException($"a readout is a string such as \"pooled\" or \"2:4,3:2,4:1\", not {reader.TokenType}.");
        }
        try
        {
            return FeatureReadout.Parse(reader.GetString()!);
        }
        catch (FormatException ex)
        {
            throw new JsonException(ex.Message, ex);
        }
    }

    public override void Write(Utf8JsonWriter writer, FeatureReadout value, JsonSerializerOptions options) => writer.WriteStringValue(value.ToString());
}
