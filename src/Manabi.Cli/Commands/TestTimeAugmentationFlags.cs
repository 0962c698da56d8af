using System.CommandLine;
using Manabi.Torch.Training;

namespace Manabi.Cli.Commands;

/// <summary>The test-time augmentation flags that <c>vision train</c> and <c>vision eval</c> share.</summary>
internal sealed class TestTimeAugmentationFlags
{
    public Option<string?> Mode { get; } = new("--tta")
    {
        Description = "Test-time augmentation: none, flip (the image and its mirror image, 2 views) or flip-translate " +
            "(airbench's level 2: those two, and both moved one pixel down-right and up-left, 6 views).",
    };

    // Kept from before --tta, so the commands recorded in docs/RESULTS.md still run.
    public Option<bool> Flip { get; } = new("--tta-flip") { Description = "Same as --tta flip." };

    /// <summary>The augmentation asked for, or bad input naming the flag.</summary>
    public TestTimeAugmentation Read(ParseResult parseResult)
    {
        bool flip = parseResult.GetValue(Flip);
        var mode = parseResult.GetValue(Mode)?.ToLowerInvariant() switch
        {
            null => flip ? TestTimeAugmentation.Flip : TestTimeAugmentation.None,
            "none" => TestTimeAugmentation.None,
            "flip" => TestTimeAugmentation.Flip,
            "flip-translate" => TestTimeAugmentation.FlipAndTranslate,
            var other => throw new InputException($"--tta: '{other}' is not none, flip or flip-translate."),
        };
        if (flip && mode != TestTimeAugmentation.Flip)
        {
            throw new InputException("--tta-flip is the same as --tta flip; give one of the two.");
        }
        return mode;
    }

    /// <summary>The value <c>--tta</c> takes for <paramref name="mode"/>.</summary>
    public static string Name(TestTimeAugmentation mode) => mode switch
    {
        TestTimeAugmentation.Flip => "flip",
        TestTimeAugmentation.FlipAndTranslate => "flip-translate",
        _ => "none",
    };
}
