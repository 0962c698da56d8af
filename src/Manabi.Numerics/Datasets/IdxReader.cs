using System.Buffers.Binary;
using System.IO.Compression;

namespace Manabi.Numerics.Datasets;

/// <summary>
/// Reads the IDX format of MNIST and Fashion-MNIST (optionally gzip-compressed): a magic number whose third
/// byte is the element type (0x08 = unsigned byte) and fourth the number of dimensions, big-endian 32-bit
/// dimension sizes, then the data.
/// </summary>
public static class IdxReader
{
    /// <summary>Reads an unsigned-byte IDX file: its dimension sizes and data.</summary>
    /// <exception cref="InvalidDataException">The file is not an unsigned-byte IDX file; the message names it.</exception>
    public static (int[] Shape, byte[] Data) Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        using var file = File.OpenRead(path);
        Span<byte> magic = stackalloc byte[2];
        int read = file.Read(magic);
        file.Position = 0;
        bool gzip = read == 2 && magic[0] == 0x1f && magic[1] == 0x8b;
        using Stream stream = gzip ? new GZipStream(file, CompressionMode.Decompress) : file;
        Span<byte> header = stackalloc byte[4];
        try
        {
            stream.ReadExactly(header);
            if (header[0] != 0 || header[1] != 0 || header[2] != 0x08 || header[3] is 0 or > 4)
            {
                throw new InvalidDataException($"{path}: not an unsigned-byte IDX file (magic {header[0]:x2}{header[1]:x2}{header[2]:x2}{header[3]:x2}).");
            }
            int[] shape = new int[header[3]];
            long total = 1;
            for (int i = 0; i < shape.Length; i++)
            {
                stream.ReadExactly(header);
                shape[i] = BinaryPrimitives.ReadInt32BigEndian(header);
                if (shape[i] < 0)
                {
                    throw new InvalidDataException($"{path}: negative dimension size {shape[i]}.");
                }
                // Checked per dimension: four sizes up to 2^31 would overflow the product (found by fuzzing).
                total *= shape[i];
                if (total > Array.MaxLength)
                {
                    throw new InvalidDataException($"{path}: dimension sizes {string.Join(" x ", shape[..(i + 1)])} are too many elements.");
                }
            }
            if (!gzip && total > file.Length - 4 - 4L * shape.Length)
            {
                // Refused before allocating: a lying header must not cost gigabytes of memory.
                throw new InvalidDataException($"{path}: the IDX file ends before its declared size ({total} elements, {file.Length} bytes; truncated download?).");
            }
            byte[] data = new byte[total];
            stream.ReadExactly(data);
            return (shape, data);
        }
        catch (EndOfStreamException ex)
        {
            throw new InvalidDataException($"{path}: the IDX file ends before its declared size (truncated download?).", ex);
        }
        catch (InvalidDataException ex) when (gzip && !ex.Message.StartsWith(path, StringComparison.Ordinal))
        {
            // GZipStream's own errors do not say which file (found by fuzzing).
            throw new InvalidDataException($"{path}: corrupted gzip data ({ex.Message}).", ex);
        }
    }
}
