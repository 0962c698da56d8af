using System.Buffers.Binary;
using System.IO.Compression;
using CsCheck;
using Manabi.TestSupport;
using Manabi.Numerics.Datasets;

namespace Manabi.Numerics.Tests.IO;

/// <summary>
/// Property: an unsigned-byte IDX file written by the format's definition (two zero bytes, type 0x08, the rank, each
/// dimension as a big-endian int32, then the data), plain or gzip-compressed, reads back as the same shape and bytes.
/// </summary>
public sealed class IdxRoundTripProperties
{
    /// <summary>The cases per run, stated in docs/RELIABILITY.md.</summary>
    public const int Iterations = 300;

    [Fact]
    public void A_written_idx_file_reads_back_its_shape_and_data()
    {
        var gen =
            from shape in Gen.Int[1, 6].Array[1, 4]
            from data in Gen.Byte.Array[shape.Aggregate(1, (a, b) => a * b)]
            from gzip in Gen.Bool
            select (shape, data, gzip);
        SeededProperty.Check(gen, c =>
        {
            string path = Path.Combine(Path.GetTempPath(), $"manabi-idx-{Guid.NewGuid():N}.idx");
            try
            {
                var bytes = new byte[4 + 4 * c.shape.Length + c.data.Length];
                bytes[2] = 0x08;
                bytes[3] = (byte)c.shape.Length;
                for (int i = 0; i < c.shape.Length; i++)
                {
                    BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4 + 4 * i), c.shape[i]);
                }
                c.data.CopyTo(bytes, 4 + 4 * c.shape.Length);
                using (var file = File.Create(path))
                using (Stream stream = c.gzip ? new GZipStream(file, CompressionLevel.Fastest) : file)
                {
                    stream.Write(bytes);
                }
                var (shape, data) = IdxReader.Read(path);
                Assert.Equal(c.shape, shape);
                Assert.Equal(c.data, data);
            }
            finally
            {
                File.Delete(path);
            }
        }, Iterations);
    }
}
