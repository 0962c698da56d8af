using System.Text.RegularExpressions;
using TorchSharp;
using static TorchSharp.torch;

namespace Manabi.Vision.Weights;

/// <summary>
/// Maps other libraries' ViT state_dict layouts to timm's (the layout of <c>Models.VisionTransformer</c>):
/// torchvision's <c>VisionTransformer</c> and Hugging Face transformers' <c>ViTModel</c>/<c>ViTForImageClassification</c>
/// (both the 5.x <c>vit.layers.N.attention.q_proj</c> and the 4.x <c>vit.encoder.layer.N.attention.attention.query</c>
/// forms). Separate q, k, v projections are concatenated into timm's single <c>qkv</c>.
/// </summary>
public static partial class VisionTransformerKeys
{
    /// <summary>torchvision <c>vit_b_16</c>-style keys to timm keys (tensors are shared, not copied).</summary>
    /// <exception cref="ArgumentException">A key has no timm counterpart; the message names it.</exception>
    public static Dictionary<string, Tensor> FromTorchvision(IReadOnlyDictionary<string, Tensor> source)
    {
        ArgumentNullException.ThrowIfNull(source);
        var result = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var (key, value) in source)
        {
            string mapped = key switch
            {
                "class_token" => "cls_token",
                "encoder.pos_embedding" => "pos_embed",
                _ when key.StartsWith("conv_proj.", StringComparison.Ordinal) => "patch_embed.proj." + key["conv_proj.".Length..],
                _ when key.StartsWith("encoder.ln.", StringComparison.Ordinal) => "norm." + key["encoder.ln.".Length..],
                _ when key.StartsWith("heads.head.", StringComparison.Ordinal) => "head." + key["heads.head.".Length..],
                _ => TorchvisionBlockKey(key),
            };
            result.Add(mapped, value);
        }
        return result;
    }

    private static string TorchvisionBlockKey(string key)
    {
        var match = TorchvisionBlock().Match(key);
        if (!match.Success)
        {
            throw new ArgumentException($"'{key}' is not a torchvision ViT key.", nameof(key));
        }
        string rest = match.Groups["rest"].Value switch
        {
            "self_attention.in_proj_weight" => "attn.qkv.weight",
            "self_attention.in_proj_bias" => "attn.qkv.bias",
            var r when r.StartsWith("self_attention.out_proj.", StringComparison.Ordinal) => "attn.proj." + r["self_attention.out_proj.".Length..],
            var r when r.StartsWith("ln_1.", StringComparison.Ordinal) => "norm1." + r["ln_1.".Length..],
            var r when r.StartsWith("ln_2.", StringComparison.Ordinal) => "norm2." + r["ln_2.".Length..],
            var r when r.StartsWith("mlp.0.", StringComparison.Ordinal) => "mlp.fc1." + r["mlp.0.".Length..],
            var r when r.StartsWith("mlp.3.", StringComparison.Ordinal) => "mlp.fc2." + r["mlp.3.".Length..],
            _ => throw new ArgumentException($"'{key}' is not a torchvision ViT key.", nameof(key)),
        };
        return $"blocks.{match.Groups["n"].Value}.{rest}";
    }

    /// <summary>Hugging Face ViT keys (with or without the <c>vit.</c> prefix) to timm keys; q, k, v are concatenated.</summary>
    /// <exception cref="ArgumentException">A key has no timm counterpart, or a block lacks one of q, k, v.</exception>
    public static Dictionary<string, Tensor> FromTransformers(IReadOnlyDictionary<string, Tensor> source)
    {
        ArgumentNullException.ThrowIfNull(source);
        var result = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        var qkv = new Dictionary<string, Tensor?[]>(StringComparer.Ordinal);
        foreach (var (fullKey, value) in source)
        {
            string key = fullKey.StartsWith("vit.", StringComparison.Ordinal) ? fullKey[4..] : fullKey;
            if (key.StartsWith("pooler.", StringComparison.Ordinal))
            {
                continue; // ViTModel's pooler has no timm counterpart and no role in classification.
            }
            string? mapped = key switch
            {
                "embeddings.cls_token" => "cls_token",
                "embeddings.position_embeddings" => "pos_embed",
                _ when key.StartsWith("embeddings.patch_embeddings.projection.", StringComparison.Ordinal) => "patch_embed.proj." + key["embeddings.patch_embeddings.projection.".Length..],
                _ when key.StartsWith("layernorm.", StringComparison.Ordinal) => "norm." + key["layernorm.".Length..],
                _ when key.StartsWith("classifier.", StringComparison.Ordinal) => "head." + key["classifier.".Length..],
                _ => null,
            };
            if (mapped is not null)
            {
                result.Add(mapped, value);
                continue;
            }
            var match = TransformersBlock().Match(key);
            if (!match.Success)
            {
                throw new ArgumentException($"'{fullKey}' is not a Hugging Face ViT key.", nameof(source));
            }
            string prefix = $"blocks.{match.Groups["n"].Value}.";
            string rest = match.Groups["rest"].Value;
            var projection = QkvPart().Match(rest);
            if (projection.Success)
            {
                string target = prefix + "attn.qkv." + projection.Groups["param"].Value;
                int index = projection.Groups["part"].Value switch { "q" or "query" => 0, "k" or "key" => 1, _ => 2 };
                if (!qkv.TryGetValue(target, out var parts))
                {
                    qkv[target] = parts = new Tensor?[3];
                }
                parts[index] = value;
                continue;
            }
            string block = rest switch
            {
                var r when r.StartsWith("attention.o_proj.", StringComparison.Ordinal) => "attn.proj." + r["attention.o_proj.".Length..],
                var r when r.StartsWith("attention.output.dense.", StringComparison.Ordinal) => "attn.proj." + r["attention.output.dense.".Length..],
                var r when r.StartsWith("layernorm_before.", StringComparison.Ordinal) => "norm1." + r["layernorm_before.".Length..],
                var r when r.StartsWith("layernorm_after.", StringComparison.Ordinal) => "norm2." + r["layernorm_after.".Length..],
                var r when r.StartsWith("mlp.fc1.", StringComparison.Ordinal) => r,
                var r when r.StartsWith("mlp.fc2.", StringComparison.Ordinal) => r,
                var r when r.StartsWith("intermediate.dense.", StringComparison.Ordinal) => "mlp.fc1." + r["intermediate.dense.".Length..],
                var r when r.StartsWith("output.dense.", StringComparison.Ordinal) => "mlp.fc2." + r["output.dense.".Length..],
                _ => throw new ArgumentException($"'{fullKey}' is not a Hugging Face ViT key.", nameof(source)),
            };
            result.Add(prefix + block, value);
        }
        foreach (var (target, parts) in qkv)
        {
            if (parts.Any(p => p is null))
            {
                throw new ArgumentException($"{target}: the Hugging Face weights lack one of the query, key and value projections.", nameof(source));
            }
            result.Add(target, cat([parts[0]!, parts[1]!, parts[2]!], 0));
        }
        return result;
    }

    [GeneratedRegex(@"^encoder\.layers\.encoder_layer_(?<n>\d+)\.(?<rest>.+)$", RegexOptions.CultureInvariant)]
    private static partial Regex TorchvisionBlock();

    [GeneratedRegex(@"^(?:layers|encoder\.layer)\.(?<n>\d+)\.(?<rest>.+)$", RegexOptions.CultureInvariant)]
    private static partial Regex TransformersBlock();

    [GeneratedRegex(@"^attention\.(?:(?<part>q|k|v)_proj|attention\.(?<part>query|key|value))\.(?<param>weight|bias)$", RegexOptions.CultureInvariant)]
    private static partial Regex QkvPart();
}
