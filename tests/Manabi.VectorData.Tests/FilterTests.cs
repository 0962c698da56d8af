using System.Linq.Expressions;
using Microsoft.Extensions.VectorData;

namespace Manabi.VectorData.Tests;

/// <summary>Every filter form, run by the store (SQL) and by LINQ to objects over the same records: same answer.</summary>
public sealed class FilterTests : IAsyncLifetime
{
    private static readonly int FieldThreshold = 3;
    private readonly TempDirectory _dir = new();
    private readonly List<Hotel> _records = Hotel.Make(120, seed: 7);
    private ManabiVectorStore _store = null!;
    private VectorStoreCollection<int, Hotel> _hotels = null!;
    private VectorStoreCollection<object, Dictionary<string, object?>> _dynamic = null!;

    public static VectorStoreCollectionDefinition Definition { get; } = new()
    {
        Properties =
        [
            new VectorStoreKeyProperty("Id", typeof(int)),
            new VectorStoreDataProperty("Name", typeof(string)) { IsIndexed = true },
            new VectorStoreDataProperty("Rating", typeof(int)) { IsIndexed = true },
            new VectorStoreDataProperty("Price", typeof(double?)),
            new VectorStoreDataProperty("Open", typeof(bool)),
            new VectorStoreDataProperty("Tags", typeof(string[])),
            new VectorStoreDataProperty("Amenities", typeof(List<string>)),
            new VectorStoreDataProperty("Built", typeof(DateTime)),
            new VectorStoreDataProperty("Renovated", typeof(DateTimeOffset?)),
            new VectorStoreDataProperty("Code", typeof(Guid)),
            new VectorStoreVectorProperty("Embedding", typeof(ReadOnlyMemory<float>?), 8),
            new VectorStoreVectorProperty("Location", typeof(float[]), 3) { DistanceFunction = DistanceFunction.EuclideanDistance },
        ],
    };

    public async Task InitializeAsync()
    {
        _store = new ManabiVectorStore(_dir.Path);
        _hotels = _store.GetCollection<int, Hotel>("hotels");
        await _hotels.EnsureCollectionExistsAsync();
        await _hotels.UpsertAsync(_records);
        // The dynamic view of the same table: same schema, so it opens the same collection.
        _dynamic = _store.GetDynamicCollection("hotels", Definition);
    }

    public Task DisposeAsync()
    {
        _dynamic.Dispose();
        _hotels.Dispose();
        _store.Dispose();
        _dir.Dispose();
        return Task.CompletedTask;
    }

    public static TheoryData<string> FilterNames() => [.. Filters().Keys];

    private static Dictionary<string, Expression<Func<Hotel, bool>>> Filters()
    {
        var rating = 3;
        var cutoff = new DateTime(1990, 6, 1, 0, 0, 0, DateTimeKind.Utc);
        var renovated = new DateTimeOffset(2010, 1, 1, 0, 0, 0, TimeSpan.FromHours(2));
        var names = new[] { "Hotel 1", "Hotel 8", "nobody" };
        var ratings = new List<int> { 1, 5 };
        var wanted = new[] { "spa", "beach" };
        var code = Hotel.Make(120, seed: 7)[9].Code;
        string? nothing = null;
        return new()
        {
            ["eq"] = h => h.Rating == 3,
            ["ne"] = h => h.Rating != 3,
            ["lt"] = h => h.Rating < 3,
            ["le"] = h => h.Rating <= 3,
            ["gt"] = h => h.Rating > 3,
            ["ge"] = h => h.Rating >= 3,
            ["constant on the left"] = h => 3 < h.Rating,
            ["captured variable"] = h => h.Rating >= rating,
            ["static field"] = h => h.Rating > FieldThreshold,
            ["string eq"] = h => h.Name == "Hotel 5",
            ["string ne (nulls included)"] = h => h.Name != "Hotel 5",
            ["is null"] = h => h.Name == null,
            ["is not null"] = h => h.Name != null,
            ["captured null"] = h => h.Name == nothing,
            ["nullable gt"] = h => h.Price > 100.5,
            ["nullable le"] = h => h.Price <= 50,
            ["nullable is null"] = h => h.Price == null,
            ["not over nullable comparison"] = h => !(h.Price > 100),
            ["bool member"] = h => h.Open,
            ["not bool member"] = h => !h.Open,
            ["bool eq false"] = h => h.Open == false,
            ["and"] = h => h.Open && h.Rating > 2,
            ["or"] = h => h.Open || h.Rating == 1,
            ["not and"] = h => !(h.Rating > 2 && h.Price < 100),
            ["nested"] = h => (h.Rating == 1 || h.Rating == 5) && !(h.Name == null),
            ["array contains"] = h => h.Tags.Contains("pool"),
            ["list contains"] = h => h.Amenities != null && h.Amenities.Contains("wifi"),
            ["captured array contains member"] = h => names.Contains(h.Name),
            ["captured list contains member"] = h => ratings.Contains(h.Rating),
            ["any in captured"] = h => h.Tags.Any(t => wanted.Contains(t)),
            ["any"] = h => h.Tags.Any(),
            ["datetime lt"] = h => h.Built < cutoff,
            ["datetimeoffset gt"] = h => h.Renovated > renovated,
            ["guid eq"] = h => h.Code == code,
            ["key gt"] = h => h.Id > 100,
            ["true"] = h => true,
        };
    }

    [Theory]
    [MemberData(nameof(FilterNames))]
    public async Task TypedFilterMatchesLinqToObjects(string name)
    {
        var filter = Filters()[name];
        var expected = _records.Where(filter.Compile()).Select(h => h.Id).Order().ToList();
        var actual = (await _hotels.GetAsync(filter, 1000).ToListAsync()).Select(h => h.Id).Order().ToList();
        Assert.Equal(expected, actual);
        Assert.True(name == "true" || expected.Count < _records.Count || name.Contains("ne", StringComparison.Ordinal) || name.StartsWith("not", StringComparison.Ordinal),
            $"filter '{name}' selects everything; it tests nothing");
    }

    [Theory]
    [MemberData(nameof(FilterNames))]
    public async Task FilteredSearchIsTheExactTopOfTheFilteredSet(string name)
    {
        var filter = Filters()[name];
        var query = Hotel.RandomVector(new Random(name.Length), 8);
        var expected = _records.Where(filter.Compile()).Where(h => h.Embedding is not null)
            .Select(h => (h.Id, Score: Cosine(query, h.Embedding!.Value.Span)))
            .OrderByDescending(x => x.Score).Take(7).ToList();
        var actual = await _hotels.SearchAsync(query, 7, new() { Filter = filter, VectorProperty = h => h.Embedding }).ToListAsync();
        Assert.Equal(expected.Select(x => x.Id), actual.Select(r => r.Record.Id));
        for (int i = 0; i < expected.Count; i++)
        {
            Assert.Equal(expected[i].Score, actual[i].Score!.Value, 1e-5);
        }
    }

    public static TheoryData<string> DynamicFilterNames() => [.. DynamicFilters().Keys];

    private static Dictionary<string, Expression<Func<Dictionary<string, object?>, bool>>> DynamicFilters()
    {
        var rating = 2;
        var tags = new[] { "gym" };
        return new()
        {
            ["eq"] = r => (int)r["Rating"]! == 4,
            ["captured gt"] = r => (int)r["Rating"]! > rating,
            ["string eq"] = r => (string?)r["Name"] == "Hotel 9",
            ["null"] = r => r["Name"] == null,
            ["nullable lt"] = r => (double?)r["Price"] < 80.0,
            ["bool"] = r => (bool)r["Open"]!,
            ["not bool and"] = r => !(bool)r["Open"]! && (int)r["Rating"]! <= 2,
            ["array contains"] = r => ((string[])r["Tags"]!).Contains("bar"),
            ["any in captured"] = r => ((string[])r["Tags"]!).Any(t => tags.Contains(t)),
        };
    }

    [Theory]
    [MemberData(nameof(DynamicFilterNames))]
    public async Task DynamicFilterMatchesLinqToObjects(string name)
    {
        var filter = DynamicFilters()[name];
        var all = await _dynamic.GetAsync(r => true, 1000).ToListAsync();
        Assert.Equal(_records.Count, all.Count);
        var expected = all.Where(filter.Compile()).Select(r => (int)r["Id"]!).Order().ToList();
        var actual = (await _dynamic.GetAsync(filter, 1000).ToListAsync()).Select(r => (int)r["Id"]!).Order().ToList();
        Assert.NotEmpty(expected);
        Assert.Equal(expected, actual);
    }

    [Fact]
    public async Task DynamicRecordsCarryTheSameValuesAsTypedOnes()
    {
        var record = await _dynamic.GetAsync((object)10, new() { IncludeVectors = true });
        Assert.NotNull(record);
        var typed = _records[9];
        Assert.Equal(typed.Name, record["Name"]);
        Assert.Equal(typed.Price, record["Price"]);
        Assert.Equal(typed.Tags, (string[])record["Tags"]!);
        Assert.Equal(typed.Built, record["Built"]);
        Assert.Equal(typed.Renovated, record["Renovated"]);
        Assert.Equal(typed.Embedding!.Value.ToArray(), ((ReadOnlyMemory<float>)record["Embedding"]!).ToArray());
    }

    [Fact]
    public async Task AnUnsupportedFilterSaysWhatIsSupported()
    {
        var error = await Assert.ThrowsAsync<NotSupportedException>(async () =>
            await _hotels.GetAsync(h => h.Name!.StartsWith("Hotel", StringComparison.Ordinal), 10).ToListAsync());
        Assert.Contains("not supported", error.Message, StringComparison.Ordinal);
    }

    internal static double Cosine(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        double dot = 0, na = 0, nb = 0;
        for (int i = 0; i < a.Length; i++)
        {
            dot += a[i] * b[i];
            na += a[i] * a[i];
            nb += b[i] * b[i];
        }
        return dot / Math.Sqrt(na * nb);
    }
}
