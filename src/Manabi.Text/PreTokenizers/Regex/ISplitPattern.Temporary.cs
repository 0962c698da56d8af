namespace Manabi.Text;

// TEMPORARY stand-in for CORE's ISplitPattern (Pipeline/), with the shared contract's signature; deleted when
// branch tok-core is merged.
internal interface ISplitPattern
{
    void FindMatches(ReadOnlySpan<char> text, List<(int Start, int End, bool IsMatch)> output);
}
