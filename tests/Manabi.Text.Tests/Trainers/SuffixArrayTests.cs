using CsCheck;
using Manabi.TestSupport;

namespace Manabi.Text.Tests.Trainers;

/// <summary>The suffix array's internal nodes against a brute-force count of every substring.</summary>
public class SuffixArrayTests
{
    [Fact]
    public void AbracadabraHasEsaxxsNodes()
    {
        // esaxx's own example: abra ×2, a ×5, bra ×2, ra ×2 (the root is not listed).
        var nodes = SuffixArray.InternalNodes("abracadabra".Select(c => (int)c).ToArray())
            .Select(n => (new string("abracadabra".AsSpan(n.Start, n.Length)), n.Count)).Order();
        Assert.Equal([("a", 5), ("abra", 2), ("bra", 2), ("ra", 2)], nodes);
    }

    [Fact]
    public void NodesAreExactlyTheRightBranchingRepeats() => SeededProperty.Check(
        Gen.Int[0, 3].Array[0, 40],
        text =>
        {
            var expected = new SortedSet<(string, int)>();
            string s = string.Concat(text.Select(c => (char)('a' + c)));
            for (int length = 1; length <= s.Length; length++)
            {
                foreach (var group in Enumerable.Range(0, s.Length - length + 1).GroupBy(i => s.Substring(i, length)))
                {
                    // Internal node: at least two occurrences followed by two different characters (or the end).
                    var followers = group.Select(i => i + length < s.Length ? s[i + length] : '$').Distinct().Count();
                    if (group.Count() >= 2 && followers >= 2)
                    {
                        expected.Add((group.Key, group.Count()));
                    }
                }
            }
            var actual = SuffixArray.InternalNodes(text).Select(n => (s.Substring(n.Start, n.Length), n.Count)).ToList();
            Assert.Equal(expected, actual.Order());
        },
        cases: 300);

    [Fact]
    public void ARunOfOneLetterSortsQuickly()
    {
        int[] text = Enumerable.Repeat((int)'a', 200_000).ToArray();
        int[] sa = SuffixArray.Build(text);
        Assert.Equal(Enumerable.Range(0, text.Length).Reverse(), sa);
    }
}
