using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using TorchSharp;
using static TorchSharp.torch;

namespace Manabi.Torch.Weights;

/// <summary>
/// Reads and writes the safetensors format (the Hugging Face weights format): an 8-byte little-endian
/// header length, a JSON header naming each tensor's dtype, shape and byte range, then raw little-endian data.
/// </summary>
public static class SafeTensors
{
    private const long MaxHeaderBytes = 100L * 1024 * 1024;

    /// <summary>Reads every tensor of a safetensors file onto the CPU, keyed by name.</summary>
    /// <exception cref="InvalidDataException">The file is not a valid safetensors file; the message names it.</exception>
    public static Dictionary<string, Tensor> Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        using var stream = File.OpenRead(path);
        return Read(stream, path);
    }

    /// <summary>Reads every tensor of a safetensors stream; <paramref name="sourceName"/> appears in error messages.</summary>
    public static Dictionary<string, Tensor> Read(Stream stream, string sourceName)
    {
        ArgumentNullException.ThrowIfNull(stream);
        Span<byte> lengthBytes = stackalloc byte[8];
        stream.ReadExactly(lengthBytes);
        long headerLength = BinaryPrimitives.ReadInt64LittleEndian(lengthBytes);
        if (headerLength <= 0 || headerLength > MaxHeaderBytes)
        {
            throw new InvalidDataException($"{sourceName}: not a safetensors file (header length {headerLength}).");
        }
        byte[] headerBytes = new byte[headerLength];
        stream.ReadExactly(headerBytes);
        JsonObject header;
        try
        {
            header = JsonNode.Parse(headerBytes)?.AsObject() ?? throw new InvalidDataException($"{sourceName}: empty safetensors header.");
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{sourceName}: the safetensors header is not valid JSON ({ex.Message}).", ex);
        }
        byte[] data = new byte[stream.Length - 8 - headerLength];
        stream.ReadExactly(data);

        var result = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var (name, node) in header)
        {
            if (name == "__metadata__" || node is null)
            {
                continue;
            }
            string dtypeName = node["dtype"]?.GetValue<string>() ?? throw new InvalidDataException($"{sourceName}: tensor '{name}' has no dtype.");
            long[] shape = node["shape"]?.AsArray().Select(v => v!.GetValue<long>()).ToArray() ?? throw new InvalidDataException($"{sourceName}: tensor '{name}' has no shape.");
            var offsets = node["data_offsets"]?.AsArray().Select(v => v!.GetValue<long>()).ToArray();
            if (offsets is not { Length: 2 } || offsets[0] < 0 || offsets[1] < offsets[0] || offsets[1] > data.Length)
            {
                throw new InvalidDataException($"{sourceName}: tensor '{name}' has invalid data_offsets.");
            }
            ScalarType dtype = ParseDtype(dtypeName, sourceName, name);
            var tensor = empty(shape, dtype);
            long expected = tensor.numel() * tensor.ElementSize;
            if (expected != offsets[1] - offsets[0])
            {
                tensor.Dispose();
                throw new InvalidDataException($"{sourceName}: tensor '{name}' holds {offsets[1] - offsets[0]} bytes but {dtypeName}{FormatShape(shape)} needs {expected}.");
            }
            if (expected > 0)
            {
                data.AsSpan((int)offsets[0], (int)expected).CopyTo(tensor.bytes);
            }
            result.Add(name, tensor);
        }
        return result;
    }

    /// <summary>
    /// Writes tensors (sorted by name, as the reference implementation does) to <paramref name="path"/>
    /// through a temporary file that is renamed into place, so a reader never sees half a file.
    /// </summary>
    public static void Write(string path, IReadOnlyDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(tensors);
        var names = tensors.Keys.OrderBy(k => k, StringComparer.Ordinal).ToList();
        var header = new JsonObject();
        if (metadata is { Count: > 0 })
        {
            var meta = new JsonObject();
            foreach (var (key, value) in metadata)
            {
                meta[key] = value;
            }
            header["__metadata__"] = meta;
        }
        long offset = 0;
        var contiguous = new List<Tensor>(names.Count);
        foreach (string name in names)
        {
            var tensor = tensors[name].detach().cpu().contiguous();
            contiguous.Add(tensor);
            long size = tensor.numel() * tensor.ElementSize;
            header[name] = new JsonObject
            {
                ["dtype"] = DtypeName(tensor.dtype, name),
                ["shape"] = new JsonArray(tensor.shape.Select(d => (JsonNode)d).ToArray()),
                ["data_offsets"] = new JsonArray(offset, offset + size),
            };
            offset += size;
        }
        byte[] headerBytes = Encoding.UTF8.GetBytes(header.ToJsonString());
        // The format pads the header with spaces to a multiple of 8 so the data is aligned.
        int padded = (headerBytes.Length + 7) / 8 * 8;
        string directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(directory);
        string temporary = Path.Combine(directory, $".{Path.GetFileName(path)}.{Environment.ProcessId}.tmp");
        try
        {
            using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write))
            {
                Span<byte> lengthBytes = stackalloc byte[8];
                BinaryPrimitives.WriteInt64LittleEndian(lengthBytes, padded);
                stream.Write(lengthBytes);
                stream.Write(headerBytes);
                for (int i = headerBytes.Length; i < padded; i++)
                {
                    stream.WriteByte((byte)' ');
                }
                foreach (var tensor in contiguous)
                {
                    if (tensor.numel() > 0)
                    {
                        stream.Write(tensor.bytes);
                    }
                }
                stream.Flush(flushToDisk: true);
            }
            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            foreach (var tensor in contiguous)
            {
                tensor.Dispose();
            }
            if (File.Exists(temporary))
            {
                File.Delete(temporary);
            }
        }
    }

    private static ScalarType ParseDtype(string name, string source, string tensor) => name switch
    {
        "F32" => ScalarType.Float32,
        "F64" => ScalarType.Float64,
        "F16" => ScalarType.Float16,
        "BF16" => ScalarType.BFloat16,
        "I64" => ScalarType.Int64,
        "I32" => ScalarType.Int32,
        "I16" => ScalarType.Int16,
        "I8" => ScalarType.Int8,
        "U8" => ScalarType.Byte,
        "BOOL" => ScalarType.Bool,
        _ => throw new InvalidDataException($"{source}: tensor '{tensor}' has unsupported dtype '{name}'."),
    };

    private static string DtypeName(ScalarType type, string tensor) => type switch
    {
        ScalarType.Float32 => "F32",
        ScalarType.Float64 => "F64",
        ScalarType.Float16 => "F16",
        ScalarType.BFloat16 => "BF16",
        ScalarType.Int64 => "I64",
        ScalarType.Int32 => "I32",
        ScalarType.Int16 => "I16",
        ScalarType.Int8 => "I8",
        ScalarType.Byte => "U8",
        ScalarType.Bool => "BOOL",
        _ => throw new ArgumentException($"Tensor '{tensor}' has dtype {type}, which safetensors cannot store.", nameof(type)),
    };

    private static string FormatShape(long[] shape) => "[" + string.Join(',', shape) + "]";
}
