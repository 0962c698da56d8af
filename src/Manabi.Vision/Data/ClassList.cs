using System.Globalization;

namespace Manabi.Vision.Data;

/// <summary>Class lists as people write them: "0-5", "6-9", "0,2,4" or "0-2,7".</summary>
public static class ClassList
{
    /// <summary>Parses <paramref name="spec"/> against <paramref name="classCount"/> classes into sorted, distinct labels.</summary>
    /// <exception cref="FormatException">Malformed, empty, reversed or out of range; the message says which.</exception>
    public static int[] Parse(string spec, int classCount)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var classes = new SortedSet<int>();
        foreach (string part in spec.Split(',', StringSplitOptions.TrimEntries))
        {
            string[] ends = part.Split('-', StringSplitOptions.TrimEntries);
            if (part.Length == 0 || ends.Length > 2 || !ends.All(e => int.TryParse(e, NumberStyles.None, CultureInfo.InvariantCulture, out _)))
            {
                throw new FormatException($"'{spec}' is not a class list such as 0-5, 6-9 or 0,2,4.");
            }
            int first = int.Parse(ends[0], CultureInfo.InvariantCulture), last = int.Parse(ends[^1], CultureInfo.InvariantCulture);
            if (last < first)
            {
                throw new FormatException($"the range '{part}' runs backwards.");
            }
            if (last >= classCount)
            {
                throw new FormatException($"class {last} does not exist; the data has classes 0-{classCount - 1}.");
            }
            for (int c = first; c <= last; c++)
            {
                classes.Add(c);
            }
        }
        return [.. classes];
    }
}
