using System.Text.Json;
using Manabi.TestSupport;

namespace Manabi.Numerics.Tests;

/// <summary>tests/fixtures/math/math-golden.json (scipy, numpy, scikit-learn and torch reference values).</summary>
internal static class MathGolden
{
    private static readonly Lazy<JsonDocument> Document = new(() => GoldenJson.Load("math", "math-golden.json"));

    public static JsonElement Root => Document.Value.RootElement;

    public static double Number(JsonElement element) => GoldenJson.Number(element);

    public static double[] Vector(JsonElement element) => GoldenJson.Vector(element);

    public static double[][] Matrix(JsonElement element) => GoldenJson.Matrix(element);
}
