using System.Globalization;
using System.Text;

namespace Manabi.VectorData;

/// <summary>
/// The row ids that recent filters selected, each valid while the collection has not changed since (its
/// <see cref="CollectionIndex.AppliedSequence"/>): repeated searches under one filter skip the SQL query. Bounded to a
/// few filters; the sets are shared read-only by concurrent searches.
/// </summary>
internal sealed class FilterResultCache(Func<long> currentSequence)
{
    private const int MaxFilters = 16;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, (long Sequence, HashSet<long> Ids)> _entries = new(StringComparer.Ordinal);

    /// <summary>The ids for the SQL condition <paramref name="where"/> with <paramref name="parameters"/>, from the cache or <paramref name="select"/>.</summary>
    public HashSet<long> GetOrAdd(string where, IReadOnlyList<object> parameters, Func<HashSet<long>> select)
    {
        var key = KeyOf(where, parameters);
        // The sequence is read before the query: a change committed meanwhile makes the entry stale, never wrong.
        var sequence = currentSequence();
        lock (_gate)
        {
            if (_entries.TryGetValue(key, out var entry) && entry.Sequence == sequence)
            {
                return entry.Ids;
            }
        }
        var ids = select();
        lock (_gate)
        {
            if (_entries.Count >= MaxFilters)
            {
                _entries.Clear();
            }
            _entries[key] = (sequence, ids);
        }
        return ids;
    }

    private static string KeyOf(string where, IReadOnlyList<object> parameters)
    {
        var key = new StringBuilder(where);
        foreach (var parameter in parameters)
        {
            key.Append('\u0001').Append(parameter.GetType().Name).Append(':').Append(parameter switch
            {
                byte[] bytes => Convert.ToBase64String(bytes),
                double d => d.ToString("R", CultureInfo.InvariantCulture),
                IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
                var other => other.ToString(),
            });
        }
        return key.ToString();
    }
}
