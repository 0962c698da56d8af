using System.Buffers;
using System.Buffers.Text;
using System.IO.Compression;
using System.Numerics;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;

namespace Manabi.Text;

/// <summary>
/// A tiktoken rank table: every token's bytes in one blob, and an open-addressing hash table from bytes to rank
/// that is probed with spans (no allocation per lookup).
/// </summary>
internal sealed class TiktokenRanks
{
    private readonly byte[] blob;
    private readonly int[] starts; // token r occupies blob[starts[r]..starts[r + 1]]
    private readonly int[] slots;  // rank + 1, 0 = empty
    private readonly int mask;

    /// <summary>Number of ranks (the highest rank + 1).</summary>
    public int Count => starts.Length - 1;

    private TiktokenRanks(List<byte[]> tokens)
    {
        int total = 0;
        foreach (byte[] t in tokens)
        {
            total += t.Length;
        }
        blob = new byte[total];
        starts = new int[tokens.Count + 1];
        int at = 0;
        for (int r = 0; r < tokens.Count; r++)
        {
            starts[r] = at;
            tokens[r].CopyTo(blob, at);
            at += tokens[r].Length;
        }
        starts[tokens.Count] = at;
        int size = (int)BitOperations.RoundUpToPowerOf2((uint)Math.Max(16, tokens.Count * 2));
        slots = new int[size];
        mask = size - 1;
        for (int r = 0; r < tokens.Count; r++)
        {
            if (tokens[r].Length == 0)
            {
                continue; // a rank left free (p50k_base's <|endoftext|> between r50k's ranks and its own)
            }
            int i = Hash(tokens[r]) & mask;
            while (slots[i] != 0)
            {
                i = (i + 1) & mask;
            }
            slots[i] = r + 1;
        }
    }

    /// <summary>The bytes of token <paramref name="rank"/>.</summary>
    public ReadOnlySpan<byte> Bytes(int rank) => blob.AsSpan(starts[rank], starts[rank + 1] - starts[rank]);

    /// <summary>The rank of <paramref name="bytes"/>, or -1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Find(ReadOnlySpan<byte> bytes)
    {
        int i = Hash(bytes) & mask;
        while (true)
        {
            int slot = slots[i];
            if (slot == 0)
            {
                return -1;
            }
            int r = slot - 1;
            int start = starts[r];
            if (starts[r + 1] - start == bytes.Length && bytes.SequenceEqual(blob.AsSpan(start, bytes.Length)))
            {
                return r;
            }
            i = (i + 1) & mask;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Hash(ReadOnlySpan<byte> bytes)
    {
        // Eight bytes at a time, multiply-rotate; tokens are short, so this stays a handful of instructions.
        ulong h = 0x9E3779B97F4A7C15UL ^ (ulong)bytes.Length;
        ref byte b = ref MemoryMarshal.GetReference(bytes);
        int n = bytes.Length;
        int i = 0;
        for (; i + 8 <= n; i += 8)
        {
            h = BitOperations.RotateLeft((h ^ Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref b, i))) * 0xFF51AFD7ED558CCDUL, 29);
        }
        if (i < n)
        {
            ulong tail = 0;
            for (int k = 0; i + k < n; k++)
            {
                tail |= (ulong)Unsafe.Add(ref b, i + k) << (8 * k);
            }
            h = BitOperations.RotateLeft((h ^ tail) * 0xC4CEB9FE1A85EC53UL, 29);
        }
        h ^= h >> 32;
        return (int)h;
    }

    /// <summary>
    /// Reads a .tiktoken file deflate-compressed as the Microsoft.ML.Tokenizers.Data packages embed it: a
    /// "Capacity: N" line, then one base64 token per line in rank order.
    /// </summary>
    public static TiktokenRanks LoadEmbedded(Func<Type?> dataType, string assemblyName, string resourceName)
    {
        Assembly assembly;
        try
        {
            assembly = (dataType() ?? throw new FileNotFoundException($"{assemblyName} was not found")).Assembly;
        }
        catch (Exception e) when (e is FileNotFoundException or FileLoadException)
        {
            throw new InvalidOperationException(
                $"the tiktoken rank file of this encoding comes from the NuGet package {assemblyName}, which this application does not reference: " +
                $"add <PackageReference Include=\"{assemblyName}\" /> (p50k_base uses r50k_base's). ({e.Message})", e);
        }
        using Stream stream = assembly.GetManifestResourceStream(resourceName)
            ?? throw new InvalidOperationException($"{assemblyName} has no embedded resource {resourceName}");
        using var inflated = new DeflateStream(stream, CompressionMode.Decompress);
        return Read(inflated, $"{assemblyName}/{resourceName}");
    }

    /// <summary>Reads a plain .tiktoken stream ("base64 rank" lines, ranks 0..n-1 in order, or bare base64 lines
    /// after a "Capacity:" header); <paramref name="source"/> names it in errors.</summary>
    public static TiktokenRanks Read(Stream stream, string source, int extraCapacity = 0)
    {
        var tokens = new List<byte[]>(200_000 + extraCapacity);
        using var reader = new StreamReader(stream, Encoding.ASCII);
        int line = 0;
        byte[] buffer = new byte[1024];
        while (reader.ReadLine() is { } text)
        {
            line++;
            if (text.Length == 0)
            {
                continue;
            }
            if (line == 1 && text.StartsWith("Capacity:", StringComparison.Ordinal))
            {
                continue; // the Microsoft.ML.Tokenizers.Data header; its lines are then bare tokens in rank order
            }
            int space = text.IndexOf(' ');
            int rank = tokens.Count;
            if (space < 0)
            {
                space = text.Length;
            }
            else if (space == 0 || !int.TryParse(text.AsSpan(space + 1), out rank))
            {
                throw new TokenizerFormatException($"{source}: line {line}: expected 'base64 rank' or 'base64'");
            }
            if (rank != tokens.Count)
            {
                throw new TokenizerFormatException($"{source}: line {line}: rank {rank} out of order (expected {tokens.Count})");
            }
            var status = Base64.DecodeFromUtf8(Encoding.ASCII.GetBytes(text, 0, space), buffer, out _, out int written);
            if (status != OperationStatus.Done)
            {
                throw new TokenizerFormatException($"{source}: line {line}: invalid base64 token");
            }
            tokens.Add(buffer.AsSpan(0, written).ToArray());
        }
        return new TiktokenRanks(tokens);
    }

    /// <summary>A copy with <paramref name="extra"/> tokens at ranks from <paramref name="firstRank"/> on (ranks
    /// skipped in between stay free): p50k_base on r50k_base.</summary>
    public TiktokenRanks With(int firstRank, IEnumerable<byte[]> extra)
    {
        var tokens = new List<byte[]>(Count + 32);
        for (int r = 0; r < Count; r++)
        {
            tokens.Add(Bytes(r).ToArray());
        }
        while (tokens.Count < firstRank)
        {
            tokens.Add([]);
        }
        tokens.AddRange(extra);
        return new TiktokenRanks(tokens);
    }
}
