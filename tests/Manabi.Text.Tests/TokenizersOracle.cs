using System.Text.Json;
using System.Text.Json.Nodes;
using Manabi.TestSupport;

namespace Manabi.Text.Tests;

/// <summary>
/// Runs the reference implementations installed in <c>tests/Manabi.Text.Tests/oracle</c> (HF tokenizers 0.23.2
/// through its Node binding, tiktoken, the @lenml tokenizer.json files) and returns what they print.
/// </summary>
internal static class TokenizersOracle
{
    /// <summary>The oracle folder (package.json, the scripts, node_modules once installed).</summary>
    public static string Folder { get; } = Path.Combine(Fixtures.RepositoryRoot, "tests", "Manabi.Text.Tests", "oracle");

    /// <summary>
    /// The path of a real tokenizer.json from an @lenml package (<c>llama3</c>, <c>qwen3</c>, <c>gemma3</c>, <c>gpt4o</c>,
    /// <c>llama2</c>, <c>deepseek_v3</c>), installed at test time: its vocabulary carries its model owner's licence.
    /// </summary>
    public static string RealTokenizer(string name)
    {
        string path = Path.Combine(Folder, "node_modules", "@lenml", "tokenizer-" + name, "models", "tokenizer.json");
        Assert.True(File.Exists(path),
            $"{path} is missing: run build/ensure-prerequisites.sh --tests (it runs npm ci in {Folder}).");
        return path;
    }

    /// <summary>Runs <c>node SCRIPT request.json</c> in the oracle folder and parses its stdout as JSON.</summary>
    public static JsonNode Run(string script, JsonNode request, int timeoutMilliseconds = 300_000)
    {
        Assert.True(Directory.Exists(Path.Combine(Folder, "node_modules", "tokenizers")),
            $"the oracle's npm packages are not installed in {Folder}/node_modules: run build/ensure-prerequisites.sh --tests (it runs npm ci there).");
        string requestPath = Path.Combine(Path.GetTempPath(), $"manabi-oracle-{Guid.NewGuid():N}.json");
        File.WriteAllText(requestPath, request.ToJsonString());
        try
        {
            string stdout = NodeScript.Run(Folder, [script, requestPath], TimeSpan.FromMilliseconds(timeoutMilliseconds));
            return JsonNode.Parse(stdout)!;
        }
        finally
        {
            if (Environment.GetEnvironmentVariable("MANABI_KEEP_ORACLE_REQUEST") is null) { File.Delete(requestPath); }
        }
    }

    /// <summary>Encodes with HF tokenizers (<c>encode.js</c>); see that script for the request's fields.</summary>
    public static JsonArray Encode(JsonObject request) => Run("encode.js", request).AsArray();

    /// <summary>Converts code-point offsets (the Node binding's) into UTF-16 offsets of <paramref name="text"/>.</summary>
    public static (int Start, int End) ToUtf16((int Start, int End) codePoints, string text)
    {
        if (codePoints == (0, 0))
        {
            return (0, 0);
        }
        int unit = 0;
        int cp = 0;
        int start = -1;
        while (true)
        {
            if (cp == codePoints.Start && start < 0)
            {
                start = unit;
            }
            if (cp == codePoints.End)
            {
                return (start, unit);
            }
            if (unit >= text.Length)
            {
                throw new ArgumentOutOfRangeException(nameof(codePoints), $"offset {codePoints} is beyond the text's {cp} code points");
            }
            unit += char.IsHighSurrogate(text[unit]) && unit + 1 < text.Length && char.IsLowSurrogate(text[unit + 1]) ? 2 : 1;
            cp++;
        }
    }

    /// <summary>Reads an int array field.</summary>
    public static int[] Ints(JsonNode? node) => node!.AsArray().Select(n => n!.GetValue<int>()).ToArray();

    /// <summary>Reads a string array field.</summary>
    public static string[] Strings(JsonNode? node) => node!.AsArray().Select(n => n!.GetValue<string>()).ToArray();

    /// <summary>Reads an offsets field (pairs of ints).</summary>
    public static (int Start, int End)[] Offsets(JsonNode? node) =>
        node!.AsArray().Select(n => (n![0]!.GetValue<int>(), n[1]!.GetValue<int>())).ToArray();

    /// <summary>
    /// Whether <paramref name="text"/> has no lone surrogate: only such text reaches the oracle unchanged (Node and Rust
    /// strings replace a lone surrogate).
    /// </summary>
    public static bool IsWellFormedUtf16(string text)
    {
        for (int i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(text[i]))
            {
                return false;
            }
        }
        return true;
    }
}
