using System.Diagnostics;

// Usage: Manabi.TiktokenCompare [encoding=o200k_base] [rounds=7] [heldout.txt path]
// Single-thread encode of every non-empty line of heldout.txt, interleaved round by round so that host noise hits
// both tokenizers alike; prints the best round of each and the ratio. Ids are checked equal first.
string encoding = args.Length > 0 ? args[0] : "o200k_base";
int rounds = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 7;
string path = args.Length > 2 ? args[2] : Path.Combine(AppContext.BaseDirectory, "../../../../../tests/fixtures/tokenizer/heldout.txt");
string[] lines = [.. File.ReadLines(path).Where(l => l.Length > 0)];
var microsoft = Microsoft.ML.Tokenizers.TiktokenTokenizer.CreateForEncoding(encoding);
var manabi = Manabi.Text.TiktokenTokenizer.Create(encoding);

long tokens = 0;
int differ = 0;
foreach (string line in lines)
{
    int[] ids = manabi.EncodeOrdinary(line);
    tokens += ids.Length;
    differ += microsoft.EncodeToIds(line).SequenceEqual(ids) ? 0 : 1;
}
Console.WriteLine($"{encoding}: {lines.Length} lines, {lines.Sum(l => (long)l.Length)} chars, {tokens} tokens; lines whose ids differ from Microsoft.ML.Tokenizers 3.0: {differ}");

var buffer = new int[Manabi.Text.TiktokenTokenizer.MaxTokenCount(lines.Max(l => l.Length))];
double msEncode = double.MaxValue, msCount = double.MaxValue, mnSpan = double.MaxValue, mnArray = double.MaxValue, mnCount = double.MaxValue;
for (int round = 0; round < rounds; round++)
{
    msEncode = Math.Min(msEncode, Time(() => { foreach (string l in lines) { _ = microsoft.EncodeToIds(l); } }));
    mnSpan = Math.Min(mnSpan, Time(() => { foreach (string l in lines) { manabi.EncodeToIds(l, buffer); } }));
    mnArray = Math.Min(mnArray, Time(() => { foreach (string l in lines) { _ = manabi.EncodeOrdinary(l); } }));
    msCount = Math.Min(msCount, Time(() => { foreach (string l in lines) { microsoft.CountTokens(l); } }));
    mnCount = Math.Min(mnCount, Time(() => { foreach (string l in lines) { manabi.CountTokens(l); } }));
}
Console.WriteLine($"best of {rounds} rounds, single thread:");
Console.WriteLine($"  Microsoft.ML.Tokenizers 3.0 EncodeToIds  {msEncode,8:F1} ms  {tokens / msEncode / 1000,6:F2} M tokens/s");
Console.WriteLine($"  Manabi EncodeToIds (span)                {mnSpan,8:F1} ms  {tokens / mnSpan / 1000,6:F2} M tokens/s  {msEncode / mnSpan:F2}x");
Console.WriteLine($"  Manabi EncodeOrdinary (int[])            {mnArray,8:F1} ms  {tokens / mnArray / 1000,6:F2} M tokens/s  {msEncode / mnArray:F2}x");
Console.WriteLine($"  CountTokens: Microsoft {msCount:F1} ms, Manabi {mnCount:F1} ms  {msCount / mnCount:F2}x");
return differ == 0 ? 0 : 1;

static double Time(Action action)
{
    var watch = Stopwatch.StartNew();
    action();
    return watch.Elapsed.TotalMilliseconds;
}
