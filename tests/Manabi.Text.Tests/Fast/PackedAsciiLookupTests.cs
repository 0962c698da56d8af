namespace Manabi.Text.Tests.Fast;

/// <summary>The packed ASCII key table of the WordPiece fast path against a dictionary and plain string slicing.</summary>
public sealed class PackedAsciiLookupTests
{
    [Theory]
    [InlineData("")]
    [InlineData("abcdefghijklmnopq")]
    [InlineData("caf\u00E9")]
    [InlineData("a\u0000b")]
    [InlineData("\u0000")]
    [InlineData("abcdefghij\u00E9")]
    public void KeysThatCannotPackAreRefusedWithBothHalvesZero(string key)
    {
        Assert.False(PackedAsciiLookup.TryPack(key, out ulong low, out ulong high));
        Assert.Equal((0UL, 0UL), (low, high));
    }

    [Fact]
    public void SlicesOfAPackedWordEqualThePackedSubstrings()
    {
        const string word = "ABCDEFGHIJKLMNOP";
        Assert.True(PackedAsciiLookup.TryPack(word, out ulong low, out ulong high));
        for (int offset = 0; offset < word.Length; offset++)
        {
            for (int length = 1; offset + length <= word.Length; length++)
            {
                Assert.True(PackedAsciiLookup.TryPack(word.AsSpan(offset, length), out ulong expectedLow, out ulong expectedHigh));
                Assert.Equal((expectedLow, expectedHigh), PackedAsciiLookup.Slice(low, high, offset, length));
            }
        }
    }

    [Fact]
    public void LookupsAgreeWithADictionary()
    {
        var random = new Random(11);
        string RandomKey() => new([.. Enumerable.Range(0, random.Next(1, 17)).Select(_ => (char)random.Next(1, 128))]);
        var expected = new Dictionary<string, int>(StringComparer.Ordinal);
        var items = new List<(string, int)>();
        for (int n = 0; n < 5000; n++)
        {
            string key = RandomKey();
            expected[key] = n;
            items.Add((key, n));
        }
        // Keys that do not pack are skipped, not stored under a truncated form.
        items.Add(("abcdefghijklmnopq", -5));
        items.Add(("\u00E9", -6));
        var table = new PackedAsciiLookup(items);
        Assert.Equal(16, table.LongestKey);
        foreach (var (key, id) in expected)
        {
            Assert.True(PackedAsciiLookup.TryPack(key, out ulong low, out ulong high));
            Assert.Equal(id, table.Find(low, high));
        }
        for (int n = 0; n < 20000; n++)
        {
            string key = RandomKey();
            Assert.True(PackedAsciiLookup.TryPack(key, out ulong low, out ulong high));
            Assert.Equal(expected.TryGetValue(key, out int id) ? id : -1, table.Find(low, high));
        }
        Assert.True(PackedAsciiLookup.TryPack("abcdefghijklmnop", out ulong prefixLow, out ulong prefixHigh));
        Assert.Equal(expected.TryGetValue("abcdefghijklmnop", out int prefixId) ? prefixId : -1, table.Find(prefixLow, prefixHigh));
    }
}
