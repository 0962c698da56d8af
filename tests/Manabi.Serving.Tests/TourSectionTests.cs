using Manabi.Cli.Reporting;
using Manabi.Cli.Tour;

namespace Manabi.Serving.Tests;

/// <summary>The tour's serve section on its own: round trip through the OpenAI SDK, a load run and its chart.</summary>
public sealed class TourSectionTests
{
    [Fact]
    public async Task ServeSectionRoundTripsAndPlotsTheLoadRun()
    {
        string folder = Path.Combine(Path.GetTempPath(), "manabi-serve-tour-" + Guid.NewGuid().ToString("N"));
        try
        {
            var section = await new ServeSection().RunAsync(new TourContext(folder, Quick: true), CancellationToken.None);
            Assert.Equal(ReportSectionStatus.Succeeded, section.Status);
            var cosine = System.Text.RegularExpressions.Regex.Match(section.Headline, @"round trip cosine ([0-9.]+)");
            Assert.True(cosine.Success, section.Headline);
            Assert.True(double.Parse(cosine.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) >= 0.99999, section.Headline);
            Assert.Contains(section.Blocks, b => b is ReportChart);
            Assert.Contains(section.Blocks, b => b is ReportTable);
        }
        finally
        {
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }
    }
}
