using Microsoft.Extensions.AI;
using Microsoft.Extensions.VectorData;

namespace Manabi.VectorData.Tests;

public sealed class TypesAndKeysTests
{
    public sealed class AllTypes
    {
        [VectorStoreKey] public Guid Id { get; set; }
        [VectorStoreData] public bool Bool { get; set; }
        [VectorStoreData] public byte Byte { get; set; }
        [VectorStoreData] public sbyte SByte { get; set; }
        [VectorStoreData] public short Short { get; set; }
        [VectorStoreData] public ushort UShort { get; set; }
        [VectorStoreData] public int Int { get; set; }
        [VectorStoreData] public uint UInt { get; set; }
        [VectorStoreData] public long Long { get; set; }
        [VectorStoreData] public float Float { get; set; }
        [VectorStoreData] public double Double { get; set; }
        [VectorStoreData] public string? String { get; set; }
        [VectorStoreData] public Guid Guid { get; set; }
        [VectorStoreData] public DateTime DateTime { get; set; }
        [VectorStoreData] public DateTimeOffset DateTimeOffset { get; set; }
        [VectorStoreData] public DateOnly DateOnly { get; set; }
        [VectorStoreData] public TimeOnly TimeOnly { get; set; }
        [VectorStoreData] public int? NullableInt { get; set; }
        [VectorStoreData] public double? NullableDouble { get; set; }
        [VectorStoreData] public bool? NullableBool { get; set; }
        [VectorStoreData] public DateTime? NullableDateTime { get; set; }
        [VectorStoreData] public DateTimeOffset? NullableDateTimeOffset { get; set; }
        [VectorStoreData] public DateOnly? NullableDateOnly { get; set; }
        [VectorStoreData] public TimeOnly? NullableTimeOnly { get; set; }
        [VectorStoreData] public Guid? NullableGuid { get; set; }
        [VectorStoreData] public string[]? Strings { get; set; }
        [VectorStoreData] public List<string>? StringList { get; set; }
        [VectorStoreData] public int[]? Ints { get; set; }
        [VectorStoreData] public List<double>? Doubles { get; set; }
        [VectorStoreVector(3)] public ReadOnlyMemory<float> Memory { get; set; }
        [VectorStoreVector(2, DistanceFunction = DistanceFunction.DotProductSimilarity)] public float[]? Array { get; set; }
        [VectorStoreVector(4, DistanceFunction = DistanceFunction.EuclideanSquaredDistance)] public Embedding<float>? Embedding { get; set; }
    }

    private static AllTypes Full() => new()
    {
        Id = Guid.NewGuid(),
        Bool = true,
        Byte = 250,
        SByte = -120,
        Short = -30000,
        UShort = 65000,
        Int = int.MinValue,
        UInt = uint.MaxValue,
        Long = long.MaxValue,
        Float = 0.1f,
        Double = Math.PI,
        String = "naïve — ünïcode ✓",
        Guid = Guid.NewGuid(),
        DateTime = new DateTime(2024, 2, 29, 13, 14, 15, DateTimeKind.Local).AddTicks(1234567),
        DateTimeOffset = new DateTimeOffset(2023, 7, 1, 1, 2, 3, TimeSpan.FromMinutes(330)).AddTicks(7),
        DateOnly = new DateOnly(1, 1, 1),
        TimeOnly = new TimeOnly(23, 59, 59, 999).Add(TimeSpan.FromTicks(9)),
        NullableInt = 42,
        NullableDouble = -0.5,
        NullableBool = false,
        NullableDateTime = DateTime.MaxValue,
        NullableDateTimeOffset = DateTimeOffset.MinValue,
        NullableDateOnly = DateOnly.MaxValue,
        NullableTimeOnly = TimeOnly.MinValue,
        NullableGuid = Guid.Empty,
        Strings = ["a", "", "c,\"d\""],
        StringList = ["x"],
        Ints = [1, -2, int.MaxValue],
        Doubles = [0.1, 1e300, -0.0],
        Memory = new float[] { 1, 2, 3 },
        Array = [float.Epsilon, -1],
        Embedding = new Embedding<float>(new float[] { 0.5f, 0.25f, 0.125f, 1e-30f }),
    };

    [Fact]
    public async Task EveryDataAndVectorTypeRoundTripsExactly()
    {
        using var dir = new TempDirectory();
        using var store = new ManabiVectorStore(dir.Path);
        using var collection = store.GetCollection<Guid, AllTypes>("types");
        await collection.EnsureCollectionExistsAsync();
        var full = Full();
        var empty = new AllTypes { Id = Guid.NewGuid() };
        await collection.UpsertAsync([full, empty]);
        foreach (var expected in new[] { full, empty })
        {
            var actual = await collection.GetAsync(expected.Id, new() { IncludeVectors = true });
            Assert.NotNull(actual);
            foreach (var property in typeof(AllTypes).GetProperties())
            {
                var e = property.GetValue(expected);
                var a = property.GetValue(actual);
                switch (e)
                {
                    case ReadOnlyMemory<float> m:
                        Assert.Equal(m.ToArray(), ((ReadOnlyMemory<float>)a!).ToArray());
                        break;
                    case Embedding<float> emb:
                        Assert.Equal(emb.Vector.ToArray(), ((Embedding<float>)a!).Vector.ToArray());
                        break;
                    case System.Collections.IEnumerable list and not string:
                        Assert.Equal(list.Cast<object>(), ((System.Collections.IEnumerable)a!).Cast<object>());
                        break;
                    default:
                        Assert.True(Equals(e, a), $"{property.Name}: expected {e}, got {a}");
                        break;
                }
            }
            Assert.Equal(expected.DateTime.Kind, actual.DateTime.Kind);
            Assert.Equal(expected.DateTimeOffset.Offset, actual.DateTimeOffset.Offset);
            Assert.Equal(BitConverter.DoubleToInt64Bits(expected.Doubles?[2] ?? 0), BitConverter.DoubleToInt64Bits(actual.Doubles?[2] ?? 0));
        }
    }

    public sealed class ByInt { [VectorStoreKey] public int Id { get; set; } [VectorStoreData] public string? Name { get; set; } }
    public sealed class ByLong { [VectorStoreKey] public long Id { get; set; } [VectorStoreData] public string? Name { get; set; } }
    public sealed class ByString { [VectorStoreKey] public string Id { get; set; } = ""; [VectorStoreData] public string? Name { get; set; } }
    public sealed class ByGuid { [VectorStoreKey] public Guid Id { get; set; } [VectorStoreData] public string? Name { get; set; } }
    public sealed class AutoGuid { [VectorStoreKey(IsAutoGenerated = true)] public Guid Id { get; set; } [VectorStoreData] public string? Name { get; set; } }
    public sealed class AutoInt { [VectorStoreKey(IsAutoGenerated = true)] public int Id { get; set; } [VectorStoreData] public string? Name { get; set; } }
    public sealed class ByDouble { [VectorStoreKey] public double Id { get; set; } }

    private static async Task RoundTripAsync<TKey, TRecord>(ManabiVectorStore store, TKey key, Func<TKey, TRecord> make, Func<TRecord, TKey> keyOf)
        where TKey : notnull
        where TRecord : class
    {
        using var collection = store.GetCollection<TKey, TRecord>("keys_" + typeof(TRecord).Name);
        await collection.EnsureCollectionExistsAsync();
        await collection.UpsertAsync(make(key));
        var got = await collection.GetAsync(key);
        Assert.NotNull(got);
        Assert.Equal(key, keyOf(got));
        await collection.DeleteAsync(key);
        Assert.Null(await collection.GetAsync(key));
    }

    [Fact]
    public async Task EveryKeyTypeRoundTrips()
    {
        using var dir = new TempDirectory();
        using var store = new ManabiVectorStore(dir.Path);
        await RoundTripAsync(store, -7, k => new ByInt { Id = k }, r => r.Id);
        await RoundTripAsync(store, long.MinValue + 1, k => new ByLong { Id = k }, r => r.Id);
        await RoundTripAsync(store, "ключ/with spaces", k => new ByString { Id = k }, r => r.Id);
        await RoundTripAsync(store, Guid.NewGuid(), k => new ByGuid { Id = k }, r => r.Id);
        Assert.ThrowsAny<NotSupportedException>(() => store.GetCollection<double, ByDouble>("doubles"));
    }

    [Fact]
    public async Task AutoGeneratedKeysAreAssignedAndWrittenBack()
    {
        using var dir = new TempDirectory();
        using var store = new ManabiVectorStore(dir.Path);
        using var guids = store.GetCollection<Guid, AutoGuid>("guids");
        await guids.EnsureCollectionExistsAsync();
        var a = new AutoGuid { Name = "a" };
        var b = new AutoGuid { Name = "b" };
        await guids.UpsertAsync([a, b]);
        Assert.NotEqual(Guid.Empty, a.Id);
        Assert.NotEqual(a.Id, b.Id);
        Assert.Equal("b", (await guids.GetAsync(b.Id))!.Name);

        // int keys are never generated: 0 is a key like any other, and asking for generation is refused.
        using var ints = store.GetCollection<int, ByInt>("ints");
        await ints.EnsureCollectionExistsAsync();
        await ints.UpsertAsync(new ByInt { Id = 0, Name = "zero" });
        Assert.Equal("zero", (await ints.GetAsync(0))!.Name);
        Assert.ThrowsAny<Exception>(() => store.GetCollection<int, AutoInt>("auto_ints"));
    }
}
