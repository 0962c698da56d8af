using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json.Nodes;
using static TorchSharp.torch;

namespace Manabi.Torch.Models.Bert;

/// <summary>
/// Writes safetensors files that Python's transformers accepts: an 8-byte header length, a JSON header with each
/// tensor's dtype, shape and byte range plus <c>__metadata__ {"format": "pt"}</c> (which transformers checks), padded
/// to 8 bytes, then the little-endian tensor data in header order.
/// </summary>
public static class SafetensorsWriter
{
    /// <summary>Writes <paramref name="tensors"/> (float32, float64, int64 or int32) to <paramref name="path"/>, in key order.</summary>
    public static void Write(string path, IReadOnlyDictionary<string, Tensor> tensors)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(tensors);
        var header = new JsonObject { ["__metadata__"] = new JsonObject { ["format"] = "pt" } };
        var blobs = new List<byte[]>();
        long offset = 0;
        foreach (var (name, tensor) in tensors.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            using var cpu = tensor.detach().cpu().contiguous();
            var (dtype, bytes) = cpu.dtype switch
            {
                ScalarType.Float32 => ("F32", MemoryMarshal.AsBytes(cpu.data<float>().ToArray().AsSpan()).ToArray()),
                ScalarType.Float64 => ("F64", MemoryMarshal.AsBytes(cpu.data<double>().ToArray().AsSpan()).ToArray()),
                ScalarType.Int64 => ("I64", MemoryMarshal.AsBytes(cpu.data<long>().ToArray().AsSpan()).ToArray()),
                ScalarType.Int32 => ("I32", MemoryMarshal.AsBytes(cpu.data<int>().ToArray().AsSpan()).ToArray()),
                _ => throw new NotSupportedException($"'{name}': dtype {cpu.dtype} is not written by this writer"),
            };
            header[name] = new JsonObject
            {
                ["dtype"] = dtype,
                ["shape"] = new JsonArray(cpu.shape.Select(d => (JsonNode)d).ToArray()),
                ["data_offsets"] = new JsonArray(offset, offset + bytes.Length),
            };
            offset += bytes.Length;
            blobs.Add(bytes);
        }
        byte[] json = Encoding.UTF8.GetBytes(header.ToJsonString());
        int padded = (json.Length + 7) / 8 * 8;
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write);
        stream.Write(BitConverter.GetBytes((ulong)padded));
        stream.Write(json);
        for (int i = json.Length; i < padded; i++)
        {
            stream.WriteByte((byte)' ');
        }
        foreach (byte[] blob in blobs)
        {
            stream.Write(blob);
        }
    }
}
