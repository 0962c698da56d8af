using System.Text.Json;
using Manabi.TestSupport;
using static TorchSharp.torch;

namespace Manabi.Vision.Tests;

/// <summary>Reads tests/fixtures/vision: the golden JSON and model specs.</summary>
internal static class VisionGolden
{
    private static readonly Lazy<JsonDocument> Golden = new(() => JsonDocument.Parse(File.ReadAllText(Fixtures.Path("vision", "vision-golden.json"))));
    private static readonly Lazy<JsonDocument> Specs = new(() => JsonDocument.Parse(File.ReadAllText(Fixtures.Path("vision", "model-specs.json"))));

    public static JsonElement Get(string key) => Golden.Value.RootElement.GetProperty(key);

    public static JsonElement Spec(string model) => Specs.Value.RootElement.GetProperty(model);

    public static IEnumerable<string> SpecNames => Specs.Value.RootElement.EnumerateObject().Select(p => p.Name);

    /// <summary>A nested JSON array of numbers as a float32 tensor of the same shape.</summary>
    public static Tensor ToTensor(JsonElement element)
    {
        var shape = new List<long>();
        var probe = element;
        while (probe.ValueKind == JsonValueKind.Array)
        {
            shape.Add(probe.GetArrayLength());
            probe = probe[0];
        }
        var values = new List<float>();
        Flatten(element, values);
        return tensor(values.ToArray(), shape.ToArray());
    }

    private static void Flatten(JsonElement element, List<float> values)
    {
        if (element.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in element.EnumerateArray())
            {
                Flatten(item, values);
            }
        }
        else
        {
            values.Add(element.GetSingle());
        }
    }
}
