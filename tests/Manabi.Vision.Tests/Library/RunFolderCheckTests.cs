using Manabi.Torch.Training;
using Manabi.Vision.Data;
using Manabi.Vision.Siamese;
using Manabi.Vision.Training;

namespace Manabi.Vision.Tests.Library;

public sealed class RunFolderCheckTests : IDisposable
{
    private readonly string root = Directory.CreateTempSubdirectory("manabi-runs-").FullName;

    public void Dispose() => Directory.Delete(root, recursive: true);

    [Fact]
    public void Opening_a_missing_folder_throws_naming_it()
    {
        string missing = Path.Combine(root, "nowhere");
        var ex = Assert.Throws<DirectoryNotFoundException>(() => SiameseRun.Open(missing));
        Assert.Contains(missing, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Opening_a_folder_without_a_state_throws_naming_it()
    {
        var ex = Assert.Throws<FileNotFoundException>(() => SiameseRun.Open(root));
        Assert.Contains(root, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Opening_a_classifier_run_as_a_Siamese_run_throws_naming_the_state_file()
    {
        File.WriteAllText(Path.Combine(root, "state.json"), "{\"model\": \"resnet18-small\"}");
        var ex = Assert.Throws<InvalidDataException>(() => SiameseRun.Open(root));
        Assert.Contains("not a Siamese run", ex.Message, StringComparison.Ordinal);
        Assert.Contains(Path.Combine(root, "state.json"), ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Siamese_state_checks_name_what_differs()
    {
        var state = new SiameseRunState
        {
            Network = new EmbeddingNetworkConfig("resnet18-small", 16, 1),
            Data = "somewhere",
            ClassNames = ["a", "b", "c"],
            TrainClasses = [0, 1],
            Mean = [0.5f],
            Std = [0.25f],
            Options = SiameseTrainingOptions.ForObjective(SiameseObjective.Triplet),
        };
        state.EnsureResumableAs("ResNet18-Small", SiameseObjective.Triplet, root);
        Assert.Contains("triplet run of resnet18-small", Assert.Throws<InvalidDataException>(() => state.EnsureResumableAs("resnet18-small", SiameseObjective.Contrastive, root)).Message, StringComparison.Ordinal);
        state.EnsureTrainClasses([0, 1], root);
        Assert.Contains("0,1, not all", Assert.Throws<InvalidDataException>(() => state.EnsureTrainClasses(null, root)).Message, StringComparison.Ordinal);
        state.EnsureFits(Images(16, 1, 3));
        Assert.Contains("now has 20x20x1", Assert.Throws<InvalidDataException>(() => state.EnsureFits(Images(20, 1, 3))).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Classifier_state_checks_name_what_differs()
    {
        var state = new TrainingState
        {
            Model = "resnet18-small", Classes = 3, ImageSize = 16, Channels = 1, ClassNames = ["a", "b", "c"],
            Data = "somewhere", Mean = [0.5f], Std = [0.25f], Options = new TrainingOptions(),
        };
        state.EnsureModel("resnet18-small", root);
        Assert.Contains("holds a run of resnet18-small", Assert.Throws<InvalidDataException>(() => state.EnsureModel("seresnet18-small", root)).Message, StringComparison.Ordinal);
        state.EnsureFits(Images(16, 1, 3), root);
        Assert.Contains("12x12x1", Assert.Throws<InvalidDataException>(() => state.EnsureFits(Images(12, 1, 3), root)).Message, StringComparison.Ordinal);
        Assert.Contains("2 classes", Assert.Throws<InvalidDataException>(() => state.EnsureFits(Images(16, 1, 2), root)).Message, StringComparison.Ordinal);
        // No weights in the folder: the error names it before any training step could overwrite anything.
        Assert.Contains(root, Assert.Throws<InvalidDataException>(() => state.LoadModel(root)).Message, StringComparison.Ordinal);
        Assert.Contains("unknown model", Assert.Throws<InvalidDataException>(() => (state with { Model = "resnet19" }).LoadModel(root)).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0-2,7", new[] { 0, 1, 2, 7 })]
    [InlineData("3, 1-2", new[] { 1, 2, 3 })]
    public void Class_lists_parse(string spec, int[] expected) => Assert.Equal(expected, ClassList.Parse(spec, 10));

    [Theory]
    [InlineData("0-", "not a class list")]
    [InlineData("5-3", "runs backwards")]
    [InlineData("6-10", "class 10 does not exist")]
    public void Bad_class_lists_say_why(string spec, string expected) =>
        Assert.Contains(expected, Assert.Throws<FormatException>(() => ClassList.Parse(spec, 10)).Message, StringComparison.Ordinal);

    private static ImageDataset Images(int side, int channels, int classes) =>
        new(new byte[classes * channels * side * side], [.. Enumerable.Range(0, classes)], channels, side, side, [.. Enumerable.Range(0, classes).Select(c => $"c{c}")]);
}
