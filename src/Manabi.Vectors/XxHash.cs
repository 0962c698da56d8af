using System.Buffers.Binary;
using System.Numerics;

namespace Manabi.Vectors;

/// <summary>
/// xxHash32 and xxHash64 (Yann Collet's specification), written here so that key hashing, n-gram seeds and
/// checksums are identical across processes, machines and .NET versions (unlike string.GetHashCode).
/// </summary>
internal static class XxHash
{
    private const uint P32_1 = 0x9E3779B1u, P32_2 = 0x85EBCA77u, P32_3 = 0xC2B2AE3Du, P32_4 = 0x27D4EB2Fu, P32_5 = 0x165667B1u;
    private const ulong P64_1 = 0x9E3779B185EBCA87ul, P64_2 = 0xC2B2AE3D27D4EB4Ful, P64_3 = 0x165667B19E3779F9ul;
    private const ulong P64_4 = 0x85EBCA77C2B2AE63ul, P64_5 = 0x27D4EB2F165667C5ul;

    public static uint Hash32(ReadOnlySpan<byte> data, uint seed = 0)
    {
        int length = data.Length;
        uint h;
        if (length >= 16)
        {
            uint v1 = seed + P32_1 + P32_2, v2 = seed + P32_2, v3 = seed, v4 = seed - P32_1;
            while (data.Length >= 16)
            {
                v1 = Round32(v1, BinaryPrimitives.ReadUInt32LittleEndian(data));
                v2 = Round32(v2, BinaryPrimitives.ReadUInt32LittleEndian(data[4..]));
                v3 = Round32(v3, BinaryPrimitives.ReadUInt32LittleEndian(data[8..]));
                v4 = Round32(v4, BinaryPrimitives.ReadUInt32LittleEndian(data[12..]));
                data = data[16..];
            }
            h = BitOperations.RotateLeft(v1, 1) + BitOperations.RotateLeft(v2, 7) + BitOperations.RotateLeft(v3, 12) + BitOperations.RotateLeft(v4, 18);
        }
        else
        {
            h = seed + P32_5;
        }
        h += (uint)length;
        while (data.Length >= 4)
        {
            h += BinaryPrimitives.ReadUInt32LittleEndian(data) * P32_3;
            h = BitOperations.RotateLeft(h, 17) * P32_4;
            data = data[4..];
        }
        foreach (byte b in data)
        {
            h += b * P32_5;
            h = BitOperations.RotateLeft(h, 11) * P32_1;
        }
        h ^= h >> 15;
        h *= P32_2;
        h ^= h >> 13;
        h *= P32_3;
        h ^= h >> 16;
        return h;
    }

    public static ulong Hash64(ReadOnlySpan<byte> data, ulong seed = 0)
    {
        int length = data.Length;
        ulong h;
        if (length >= 32)
        {
            ulong v1 = seed + P64_1 + P64_2, v2 = seed + P64_2, v3 = seed, v4 = seed - P64_1;
            while (data.Length >= 32)
            {
                v1 = Round64(v1, BinaryPrimitives.ReadUInt64LittleEndian(data));
                v2 = Round64(v2, BinaryPrimitives.ReadUInt64LittleEndian(data[8..]));
                v3 = Round64(v3, BinaryPrimitives.ReadUInt64LittleEndian(data[16..]));
                v4 = Round64(v4, BinaryPrimitives.ReadUInt64LittleEndian(data[24..]));
                data = data[32..];
            }
            h = BitOperations.RotateLeft(v1, 1) + BitOperations.RotateLeft(v2, 7) + BitOperations.RotateLeft(v3, 12) + BitOperations.RotateLeft(v4, 18);
            h = Merge64(h, v1);
            h = Merge64(h, v2);
            h = Merge64(h, v3);
            h = Merge64(h, v4);
        }
        else
        {
            h = seed + P64_5;
        }
        h += (ulong)length;
        while (data.Length >= 8)
        {
            h ^= Round64(0, BinaryPrimitives.ReadUInt64LittleEndian(data));
            h = BitOperations.RotateLeft(h, 27) * P64_1 + P64_4;
            data = data[8..];
        }
        if (data.Length >= 4)
        {
            h ^= BinaryPrimitives.ReadUInt32LittleEndian(data) * P64_1;
            h = BitOperations.RotateLeft(h, 23) * P64_2 + P64_3;
            data = data[4..];
        }
        foreach (byte b in data)
        {
            h ^= b * P64_5;
            h = BitOperations.RotateLeft(h, 11) * P64_1;
        }
        h ^= h >> 33;
        h *= P64_2;
        h ^= h >> 29;
        h *= P64_3;
        h ^= h >> 32;
        return h;
    }

    private static uint Round32(uint acc, uint input) => BitOperations.RotateLeft(acc + input * P32_2, 13) * P32_1;

    private static ulong Round64(ulong acc, ulong input) => BitOperations.RotateLeft(acc + input * P64_2, 31) * P64_1;

    private static ulong Merge64(ulong acc, ulong value) => (acc ^ Round64(0, value)) * P64_1 + P64_4;
}
