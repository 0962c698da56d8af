using System.Globalization;
using Xunit.Abstractions;

namespace Manabi.Text.Tests.Models;

/// <summary>UnigramModel's worst case, its tokenizer.json round trip and the serde-compatible score parse.</summary>
public sealed class UnigramModelTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData("a")]
    [InlineData("😀")]
    [InlineData("東京")]
    public void Long_runs_encode_in_linear_time(string unit)
    {
        var model = UnigramModelParityTests.Build(UnigramModelParityTests.Variant.ByteFallback);
        var tokens = new List<ModelToken>();
        ThreadCpuTime.AssertLinear(piece =>
        {
            tokens.Clear();
            model.Tokenize(piece, tokens);
            return tokens[^1].End;
        }, unit, output, $"'{unit}'");
    }

    [Fact]
    public void Tokenizer_json_round_trip_keeps_pieces_scores_and_settings()
    {
        var model = UnigramModelParityTests.Build(UnigramModelParityTests.Variant.UnknownLast);
        var reread = (UnigramModel)ModelParity.ReadModel(UnigramModelParityTests.TokenizerJson(model));
        Assert.Equal(model.Vocabulary.Select(v => v.Piece), reread.Vocabulary.Select(v => v.Piece));
        // Scores come back as HF reads them (serde's parse), which may be one ulp from what was written, as in HF itself.
        Assert.All(model.Vocabulary.Zip(reread.Vocabulary), p =>
            Assert.True(p.First.Score == p.Second.Score || Math.BitIncrement(p.First.Score) == p.Second.Score || Math.BitDecrement(p.First.Score) == p.Second.Score,
                $"{p.First.Piece}: {p.First.Score:R} came back as {p.Second.Score:R}"));
        Assert.Equal(model.UnknownId, reread.UnknownId);
        Assert.Equal(model.ByteFallback, reread.ByteFallback);
    }

    [Fact]
    public void Unknown_runs_fuse_and_carry_their_text()
    {
        var model = new UnigramModel([("<unk>", 0), ("a", -1), ("b", -1), ("ab", -1.5)], unknownId: 0);
        var tokens = ModelParity.Tokens(model, "abxy😀ab");
        Assert.Equal([3, 0, 3], tokens.Select(t => t.Id));
        Assert.Equal(["ab", "xy😀", "ab"], tokens.Select(t => t.Value));
        Assert.Equal([(0, 2), (2, 6), (6, 8)], tokens.Select(t => (t.Start, t.End)));
        var strict = new UnigramModel([("a", -1)]);
        Assert.Contains("no unk_id", Assert.Throws<TokenizerFormatException>(() => ModelParity.Tokens(strict, "ab")).Message);
        // Lone surrogates are not valid text but must not crash: they are unknown characters.
        Assert.Equal([0, 1], ModelParity.Tokens(model, "\uD800a").Select(t => t.Id));
    }

    [Fact]
    public void Scores_parse_as_serde_json_does()
    {
        // serde_json (without float_roundtrip) reads the digits into a u64 and divides once by a power of ten.
        Assert.True(SerdeFloat.TryParse("-10.492931365966797", out double v));
        Assert.Equal(-(10492931365966797d / 1e15), v);
        Assert.True(SerdeFloat.TryParse("1e-320", out v));
        Assert.Equal(1 / 1e308 / 1e12, v);
        Assert.True(SerdeFloat.TryParse("123456789012345678901234.5", out v));
        Assert.Equal(12345678901234567890d * 1e4, v);
        Assert.False(SerdeFloat.TryParse("1e400", out _));
        Assert.False(SerdeFloat.TryParse("1.", out _));
        // It is not always the nearest double, which is why scores are not read with double.Parse.
        var random = new Random(5);
        int differ = 0;
        for (int i = 0; i < 20_000; i++)
        {
            string text = (-random.NextDouble() * 20).ToString("R", CultureInfo.InvariantCulture);
            Assert.True(SerdeFloat.TryParse(text, out double serde));
            differ += serde != double.Parse(text, CultureInfo.InvariantCulture) ? 1 : 0;
        }
        output.WriteLine($"{differ} of 20,000 shortest round-trip scores parse one ulp away from the nearest double");
        Assert.True(differ > 0);
    }
}

/// <summary>The shared word cache: bounded, insert-only, safe under concurrent writers.</summary>
public sealed class WordCacheTests
{
    [Fact]
    public void The_cache_keeps_at_most_its_capacity_and_no_long_pieces()
    {
        var cache = new WordCache(100);
        for (int i = 0; i < 300; i++)
        {
            cache.Add($"w{i}", [i]);
        }
        int kept = Enumerable.Range(0, 300).Count(i => cache.TryGet($"w{i}", out _));
        Assert.Equal(100, kept);
        Assert.True(cache.TryGet("w5", out int[] value) && value[0] == 5);
        cache.Add(new string('x', WordCache.MaxPieceLength), [1]);
        cache.Clear();
        cache.Add(new string('x', WordCache.MaxPieceLength), [1]);
        Assert.False(cache.TryGet(new string('x', WordCache.MaxPieceLength), out _));
        Assert.False(cache.TryGet("w5", out _));
    }

    [Fact]
    public void Concurrent_writers_fill_the_cache_exactly_once_per_word()
    {
        var cache = new WordCache(5_000);
        Parallel.For(0, 8, new ParallelOptions { MaxDegreeOfParallelism = 8 }, t =>
        {
            for (int i = 0; i < 4_000; i++)
            {
                cache.Add($"w{(i * 13 + t) % 4_000}", [i]);
            }
        });
        // 4,000 distinct words fit; a word added by two threads at once must not use two places.
        Assert.All(Enumerable.Range(0, 4_000), i => Assert.True(cache.TryGet($"w{i}", out _), $"w{i} missing"));
        for (int i = 0; i < 2_000; i++)
        {
            cache.Add($"v{i}", [i]);
        }
        Assert.Equal(1_000, Enumerable.Range(0, 2_000).Count(i => cache.TryGet($"v{i}", out _)));
    }
}
