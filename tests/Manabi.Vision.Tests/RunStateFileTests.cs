using System.Text.Json.Nodes;
using Manabi.Torch.Training;
using Manabi.Vision.Siamese;
using Manabi.Vision.Training;

namespace Manabi.Vision.Tests;

/// <summary>
/// A state.json with wrong JSON types (hand-edited or corrupt) is refused at load with an
/// <see cref="InvalidDataException"/> naming the file and the property, never a crash later.
/// </summary>
public sealed class RunStateFileTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("manabi-runstate-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string StatePath => Path.Combine(_folder, "state.json");

    private void WriteClassifierState(Action<JsonObject> corrupt)
    {
        new TrainingState
        {
            Model = "resnet18-small", Classes = 2, ImageSize = 8, Channels = 1, ClassNames = ["a", "b"],
            Data = "somewhere", Mean = [0.5f], Std = [0.25f], Options = new TrainingOptions(),
        }.Save(_folder);
        var root = JsonNode.Parse(File.ReadAllText(StatePath))!.AsObject();
        corrupt(root);
        File.WriteAllText(StatePath, root.ToJsonString());
    }

    [Theory]
    [InlineData("model", null)]
    [InlineData("class_names", null)]
    [InlineData("classes", "\"ten\"")]
    [InlineData("mean", "\"x\"")]
    [InlineData("class_names", "5")]
    [InlineData("options", "[]")]
    [InlineData("epoch", "1.5")]
    public void A_classifier_state_with_a_wrong_type_names_the_file_and_property(string property, string? json)
    {
        WriteClassifierState(root => root[property] = json is null ? null : JsonNode.Parse(json));
        var ex = Assert.Throws<InvalidDataException>(() => TrainingState.Load(_folder));
        Assert.Contains(StatePath, ex.Message, StringComparison.Ordinal);
        Assert.Contains(property, ex.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void A_well_formed_classifier_state_still_loads()
    {
        WriteClassifierState(_ => { });
        Assert.Equal("resnet18-small", TrainingState.Load(_folder).Model);
    }

    [Theory]
    [InlineData("[1,2]")]
    [InlineData("\"siamese\"")]
    [InlineData("{\"kind\": 3}")]
    [InlineData("{\"kind\": [\"siamese\"]}")]
    public void A_Siamese_state_of_the_wrong_shape_names_the_file(string json)
    {
        File.WriteAllText(StatePath, json);
        var ex = Assert.Throws<InvalidDataException>(() => SiameseRunState.Load(_folder));
        Assert.Contains(StatePath, ex.Message, StringComparison.Ordinal);
        var open = Assert.Throws<InvalidDataException>(() => SiameseRun.Open(_folder));
        Assert.Contains(StatePath, open.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("network", "\"x\"")]
    [InlineData("data", "7")]
    [InlineData("mean", "null")]
    public void A_Siamese_state_with_a_wrong_type_names_the_file_and_property(string property, string json)
    {
        File.WriteAllText(StatePath, $"{{\"kind\": \"{SiameseRunState.RunKind}\", \"{property}\": {json}}}");
        var ex = Assert.Throws<InvalidDataException>(() => SiameseRunState.Load(_folder));
        Assert.Contains(StatePath, ex.Message, StringComparison.Ordinal);
        Assert.Contains(property, ex.Message, StringComparison.OrdinalIgnoreCase);
    }
}
