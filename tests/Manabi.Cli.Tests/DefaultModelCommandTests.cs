using System.Text.Json;

namespace Manabi.Cli.Tests;

/// <summary>Runs alone: it points $MANABI_CACHE, which is process-wide, at a temporary folder.</summary>
[Collection(ProcessEnvironmentCollection.Name)]
public sealed class DefaultModelCommandTests
{
    [Fact]
    public void Embed_without_model_uses_the_embedded_minilm()
    {
        using var folder = new TempFolder();
        string? previous = Environment.GetEnvironmentVariable("MANABI_CACHE");
        Environment.SetEnvironmentVariable("MANABI_CACHE", folder.PathOf("cache"));
        try
        {
            string input = folder.File("texts.txt", "A man is eating food.\nA man is eating a piece of bread.\n");
            string output = folder.PathOf("out.jsonl");
            var result = CliRunner.Run("embed", "--input", input, "--output", output);
            Assert.True(result.ExitCode == 0, result.Stderr);
            var vectors = File.ReadAllLines(output).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("embedding").EnumerateArray().Select(e => e.GetDouble()).ToArray()).ToArray();
            Assert.Equal(384, vectors[0].Length);
            double cosine = vectors[0].Zip(vectors[1]).Sum(p => p.First * p.Second);
            Assert.InRange(cosine, 0.6, 0.99);
            Assert.True(File.Exists(Path.Combine(folder.PathOf("cache"), "models", "all-MiniLM-L6-v2", "modules.json")));
        }
        finally
        {
            Environment.SetEnvironmentVariable("MANABI_CACHE", previous);
        }
    }
}
