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

    // The values of --tta, each with its mode; Read and Name both use this one table.
    private static readonly (string Name, TestTimeAugmentation Mode)[] Modes =
    [
        ("none", TestTimeAugmentation.None),
        ("flip", TestTimeAugmentation.Flip),
        ("flip-translate", TestTimeAugmentation.FlipAndTranslate),
    ];

    /// <summary>The augmentation asked for, or bad input naming the flag.</summary>
    public TestTimeAugmentation Read(ParseResult parseResult)
    {
        bool flip = parseResult.GetValue(Flip);
        var mode = parseResult.GetValue(Mode)?.ToLowerInvariant() switch
        {
            null => flip ? TestTimeAugmentation.Flip : TestTimeAugmentation.None,
            var given => Array.Find(Modes, m => m.Name == given) is { Name: not null } found
                ? found.Mode
                : throw new InputException($"--tta: '{given}' is not none, flip or flip-translate."),
        };
        if (flip && mode != TestTimeAugmentation.Flip)
        {
            throw new InputException("--tta-flip is the same as --tta flip; give one of the two.");
        }
        return mode;
    }

    /// <summary>The value <c>--tta</c> takes for <paramref name="mode"/>.</summary>
    public static string Name(TestTimeAugmentation mode) => Array.Find(Modes, m => m.Mode == mode).Name ?? "none";
}
