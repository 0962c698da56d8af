using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using Xunit.Abstractions;

namespace Manabi.Text.Tests.Trainers;

/// <summary>UnigramTrainer against HF's UnigramTrainer (default settings: 8000 pieces, no unknown token).</summary>
public class UnigramTrainerParityTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(6000)]
    [InlineData(12000)]
    public void SameVocabularySizeAndHeldOutFertilityWithinOnePercentOfHf(int trainingLines)
    {
        string[] corpus = TrainOracle.CorpusLines(0, trainingLines);
        var characters = corpus.SelectMany(line => line.EnumerateRunes()).ToHashSet();
        // Neither vocabulary has an unknown token, so held-out lines must use only characters seen in training.
        string[] heldOut = TrainOracle.CorpusLines(trainingLines, 3000)
            .Where(line => line.Trim().Length > 0 && line.EnumerateRunes().All(characters.Contains))
            .ToArray();
        var hf = TrainOracle.Train(TrainOracle.TokenizerJson(TrainOracle.Whitespace, TrainOracle.EmptyUnigram), corpus, heldOut);
        var hfPieces = hf.Trained.RootElement.GetProperty("model").GetProperty("vocab").EnumerateArray()
            .Select(p => p[0].GetString()!).ToArray();

        var stopwatch = Stopwatch.StartNew();
        var result = new UnigramTrainer().Train(hf.WordCounts);
        double seconds = stopwatch.Elapsed.TotalSeconds;
        Assert.Null(result.UnknownId);

        var vocab = new JsonArray(result.Pieces.Select(p => (JsonNode?)new JsonArray(p.Piece, p.Score)).ToArray());
        var model = new JsonObject { ["type"] = "Unigram", ["unk_id"] = null, ["vocab"] = vocab, ["byte_fallback"] = false };
        var encoded = TokenizersOracle.Encode(new JsonObject
        {
            ["tokenizerJson"] = TrainOracle.TokenizerJson(TrainOracle.Whitespace, model.ToJsonString()),
            ["texts"] = new JsonArray(heldOut.Select(t => (JsonNode?)t).ToArray()),
            ["decode"] = false,
        });
        for (int i = 0; i < encoded.Count; i++)
        {
            Assert.True(encoded[i]!["error"] is null, $"held-out line {i} \"{heldOut[i]}\": {encoded[i]!["error"]}");
        }
        long mine = encoded.Sum(e => e!["ids"]!.AsArray().Count);
        long theirs = hf.TokenCounts!.Sum();
        int overlap = result.Pieces.Select(p => p.Piece).Intersect(hfPieces).Count();
        output.WriteLine($"{trainingLines} lines, {hf.WordCounts.Count} distinct words: Manabi {seconds:F2} s, HF {hf.Seconds:F2} s; " +
            $"pieces {result.Pieces.Count} vs HF {hfPieces.Length} (shared {overlap}); held-out {heldOut.Length} lines: " +
            $"{mine} tokens vs HF {theirs} ({((double)mine / theirs - 1) * 100:+0.00;-0.00}%)");

        Assert.Equal(hfPieces.Length, result.Pieces.Count);
        // Not required by the issue, but the same EM gives (nearly) the same pieces: a drift here means a semantic change.
        Assert.True(overlap >= 0.99 * hfPieces.Length, $"only {overlap} of HF's {hfPieces.Length} pieces are shared");
        Assert.InRange((double)mine / theirs, 0.99, 1.01);
    }
}
