using System.Text.Json;
using Manabi.TestSupport;
using Manabi.SentenceTransformers;

namespace Manabi.SentenceTransformers.Tests;

/// <summary>The tiny-sbert fixture model and its golden values, loaded once per test run.</summary>
internal static class TinySbert
{
    private static readonly Lazy<SentenceEncoder> Shared = new(() => SentenceEncoder.Load(Folder));
    private static readonly Lazy<JsonDocument> GoldenDocument = new(() => GoldenJson.Load("sbert", "tiny-sbert-golden.json"));

    public static string Folder => Fixtures.Path("sbert", "tiny-sbert");

    /// <summary>The shared model; tests that train must load their own.</summary>
    public static SentenceEncoder Model => Shared.Value;

    public static JsonElement Golden => GoldenDocument.Value.RootElement;

    public static string[] ProbeTexts => Strings(Golden.GetProperty("texts_public"));

    public static string[] Strings(JsonElement array) => array.EnumerateArray().Select(e => e.GetString()!).ToArray();

    public static void AssertClose(double[][] expected, float[][] actual, double tolerance, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        double worst = 0;
        int worstRow = -1;
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i].Length, actual[i].Length);
            for (int j = 0; j < expected[i].Length; j++)
            {
                double d = Math.Abs(expected[i][j] - actual[i][j]);
                if (d > worst)
                {
                    worst = d;
                    worstRow = i;
                }
            }
        }
        Assert.True(worst <= tolerance, $"{what}: largest difference {worst:E2} (row {worstRow}) exceeds {tolerance:E0}");
    }
}
