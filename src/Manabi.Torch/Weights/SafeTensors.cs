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
    /// <remarks>The stream must be seekable: each tensor is read from its own byte range.</remarks>
    /// <exception cref="InvalidDataException">
    /// A truncated file, a header length or header that lies (wrong JSON types, byte ranges outside the data,
    /// shapes whose size does not match their bytes); the message names the source and the tensor.
    /// </exception>
    public static Dictionary<string, Tensor> Read(Stream stream, string sourceName)
    {
        ArgumentNullException.ThrowIfNull(stream);
        long fileLength = stream.Length;
        if (fileLength < 8)
        {
            throw new InvalidDataException($"{sourceName}: not a safetensors file ({fileLength} bytes: empty or truncated).");
        }
        Span<byte> lengthBytes = stackalloc byte[8];
        stream.ReadExactly(lengthBytes);
        long headerLength = BinaryPrimitives.ReadInt64LittleEndian(lengthBytes);
        if (headerLength <= 0 || headerLength > MaxHeaderBytes)
        {
            throw new InvalidDataException($"{sourceName}: not a safetensors file (header length {headerLength}).");
        }
        if (headerLength > fileLength - 8)
        {
            throw new InvalidDataException($"{sourceName}: truncated safetensors file (the header claims {headerLength} bytes but the file has {fileLength - 8} after the length).");
        }
        byte[] headerBytes = new byte[headerLength];
        stream.ReadExactly(headerBytes);
        long dataStart = 8 + headerLength;
        long dataLength = fileLength - dataStart;
        var entries = ParseHeader(headerBytes, sourceName, dataLength);

        var result = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        try
        {
            foreach (var entry in entries)
            {
                var tensor = empty(entry.Shape, entry.Dtype);
                result.Add(entry.Name, tensor);
                if (entry.Bytes > 0)
                {
                    stream.Position = dataStart + entry.Begin;
                    stream.ReadExactly(tensor.bytes);
                }
            }
        }
        catch
        {
            foreach (var tensor in result.Values)
            {
                tensor.Dispose();
            }
            throw;
        }
        return result;
    }

    private sealed record Entry(string Name, ScalarType Dtype, long[] Shape, long Begin, long Bytes);

    /// <summary>
    /// Validates the whole header before any tensor is allocated, so a lying header (a 2^50-element shape, a byte
    /// range past the end) is refused with its tensor's name instead of exhausting memory or reading garbage.
    /// </summary>
    private static List<Entry> ParseHeader(byte[] headerBytes, string sourceName, long dataLength)
    {
        // System.Text.Json checks the UTF-8 of strings only when it decodes them, which JsonNode does lazily (an
        // InvalidOperationException at the first key or value read; found by fuzzing): check it all up front.
        if (!System.Text.Unicode.Utf8.IsValid(headerBytes))
        {
            throw new InvalidDataException($"{sourceName}: the safetensors header is not valid UTF-8.");
        }
        JsonNode? root;
        try
        {
            // Duplicate keys refused while parsing, at every depth: JsonObject otherwise finds them lazily, at the first
            // field read of a tensor's entry (an ArgumentException; found by fuzzing).
            root = JsonNode.Parse(headerBytes, documentOptions: new JsonDocumentOptions { AllowDuplicateProperties = false });
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{sourceName}: the safetensors header is not valid JSON ({ex.Message}).", ex);
        }
        catch (InvalidOperationException ex)
        {
            // The duplicate check unescapes every key, and a key holding a lone surrogate cannot be.
            throw new InvalidDataException($"{sourceName}: the safetensors header holds a key that is not valid text ({ex.Message}).", ex);
        }
        if (root is not JsonObject header)
        {
            throw new InvalidDataException($"{sourceName}: the safetensors header is not a JSON object.");
        }
        var entries = new List<Entry>();
        List<KeyValuePair<string, JsonNode?>> properties;
        try
        {
            properties = [.. header];
        }
        catch (ArgumentException ex)
        {
            // JsonObject refuses duplicate keys when first enumerated.
            throw new InvalidDataException($"{sourceName}: the safetensors header is malformed ({ex.Message}).", ex);
        }
        foreach (var (name, node) in properties)
        {
            if (name == "__metadata__")
            {
                continue;
            }
            if (node is not JsonObject fields)
            {
                throw new InvalidDataException($"{sourceName}: tensor '{name}': the header entry is not a JSON object.");
            }
            string dtypeName = fields["dtype"] is JsonValue dtypeValue && dtypeValue.GetValueKind() == JsonValueKind.String
                ? dtypeValue.GetValue<string>()
                : throw new InvalidDataException($"{sourceName}: tensor '{name}': \"dtype\" is missing or not a string.");
            var (dtype, elementSize) = ParseDtype(dtypeName, sourceName, name);
            long[] shape = ReadIntegers(fields["shape"], sourceName, name, "shape");
            long elements = 1;
            foreach (long dimension in shape)
            {
                if (dimension < 0)
                {
                    throw new InvalidDataException($"{sourceName}: tensor '{name}': negative dimension in shape {FormatShape(shape)}.");
                }
                elements = CheckedMultiply(elements, dimension, sourceName, name, shape);
            }
            long bytes = CheckedMultiply(elements, elementSize, sourceName, name, shape);
            long[] offsets = ReadIntegers(fields["data_offsets"], sourceName, name, "data_offsets");
            if (offsets.Length != 2)
            {
                throw new InvalidDataException($"{sourceName}: tensor '{name}': \"data_offsets\" must hold 2 numbers, not {offsets.Length}.");
            }
            if (offsets[0] < 0 || offsets[1] < offsets[0] || offsets[1] > dataLength)
            {
                throw new InvalidDataException($"{sourceName}: tensor '{name}': data_offsets [{offsets[0]},{offsets[1]}] lie outside the {dataLength}-byte data section (truncated file?).");
            }
            if (bytes != offsets[1] - offsets[0])
            {
                throw new InvalidDataException($"{sourceName}: tensor '{name}' holds {offsets[1] - offsets[0]} bytes but {dtypeName}{FormatShape(shape)} needs {bytes}.");
            }
            if (bytes > int.MaxValue)
            {
                // A tensor's bytes are copied through one span.
                throw new InvalidDataException($"{sourceName}: tensor '{name}' has {bytes} bytes; tensors over 2 GiB are not supported.");
            }
            entries.Add(new Entry(name, dtype, shape, offsets[0], bytes));
        }
        return entries;
    }

    private static long CheckedMultiply(long a, long b, string sourceName, string tensor, long[] shape)
    {
        try
        {
            return checked(a * b);
        }
        catch (OverflowException ex)
        {
            throw new InvalidDataException($"{sourceName}: tensor '{tensor}': shape {FormatShape(shape)} is too large.", ex);
        }
    }

    private static long[] ReadIntegers(JsonNode? node, string sourceName, string tensor, string field)
    {
        if (node is not JsonArray array)
        {
            throw new InvalidDataException($"{sourceName}: tensor '{tensor}': \"{field}\" is missing or not an array.");
        }
        var values = new long[array.Count];
        for (int i = 0; i < values.Length; i++)
        {
            if (array[i] is not JsonValue value || value.GetValueKind() != JsonValueKind.Number || !value.TryGetValue(out long number))
            {
                throw new InvalidDataException($"{sourceName}: tensor '{tensor}': \"{field}\" must hold whole numbers; item {i} is {array[i]?.ToJsonString() ?? "null"}.");
            }
            values[i] = number;
        }
        return values;
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

    private static (ScalarType Type, int Size) ParseDtype(string name, string source, string tensor) => name switch
    {
        "F32" => (ScalarType.Float32, 4),
        "F64" => (ScalarType.Float64, 8),
        "F16" => (ScalarType.Float16, 2),
        "BF16" => (ScalarType.BFloat16, 2),
        "I64" => (ScalarType.Int64, 8),
        "I32" => (ScalarType.Int32, 4),
        "I16" => (ScalarType.Int16, 2),
        "I8" => (ScalarType.Int8, 1),
        "U8" => (ScalarType.Byte, 1),
        "BOOL" => (ScalarType.Bool, 1),
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
