using System.Text;

namespace Manabi.Text.Tests.Components;

/// <summary>
/// The generated tables against HF on the whole code space: every code point but the surrogates, in runs of 24
/// consecutive ones (so neighbours compose, reorder and change script as they would in text), through the components
/// that read each table (Unicode 9 normalization data, combining marks, Rust's \w/\s and is_numeric, scripts, BERT's
/// categories).
/// </summary>
public sealed class CodeSpaceParityTests
{
    private static readonly Lazy<string[]> LazyRuns = new(() =>
    {
        var runs = new List<string>();
        var builder = new StringBuilder();
        for (int cp = 0; cp < 0x110000; cp++)
        {
            if (cp is >= 0xD800 and <= 0xDFFF)
            {
                continue;
            }
            builder.Append(char.ConvertFromUtf32(cp));
            if (builder.Length >= 24)
            {
                runs.Add(builder.ToString());
                builder.Clear();
            }
        }
        runs.Add(builder.ToString());
        return [.. runs];
    });

    [Theory]
    [InlineData("""{"type":"NFD"}""")]
    [InlineData("""{"type":"NFC"}""")]
    [InlineData("""{"type":"NFKD"}""")]
    [InlineData("""{"type":"NFKC"}""")]
    [InlineData("""{"type":"StripAccents"}""")]
    [InlineData("""{"type":"BertNormalizer","clean_text":true,"handle_chinese_chars":true,"strip_accents":true,"lowercase":false}""")]
    // Not Lowercase (nor BertNormalizer with lowercase) yet: NormalizedText.Lowercase (CORE's CaseMapping, .NET's Unicode
    // data) misses mappings newer than .NET's tables that HF's Rust std has, first U+A7CE -> U+A7CF (Unicode 17).
    [InlineData("""{"type":"Nmt"}""")]
    [InlineData("""{"type":"ByteLevel"}""")]
    public void Normalizer_on_every_code_point(string json) => ComponentParityTests.CheckNormalizer(json, LazyRuns.Value);

    [Theory]
    [InlineData("""{"type":"Whitespace"}""")]
    [InlineData("""{"type":"Digits","individual_digits":true}""")]
    [InlineData("""{"type":"UnicodeScripts"}""")]
    [InlineData("""{"type":"BertPreTokenizer"}""")]
    [InlineData("""{"type":"WhitespaceSplit"}""")]
    [InlineData("""{"type":"Punctuation","behavior":"Contiguous"}""")]
    [InlineData("""{"type":"ByteLevel","add_prefix_space":true,"trim_offsets":true,"use_regex":false}""")]
    public void PreTokenizer_on_every_code_point(string json) => ComponentParityTests.CheckPreTokenizer(json, LazyRuns.Value);

    [Fact]
    public void Precompiled_on_every_code_point() =>
        ComponentParityTests.CheckNormalizer(
            $$"""{"type":"Precompiled","precompiled_charsmap":"{{Convert.ToBase64String(CharsmapBuilder.Build(CharsmapBuilder.TestRules()))}}"}""",
            LazyRuns.Value);
}
