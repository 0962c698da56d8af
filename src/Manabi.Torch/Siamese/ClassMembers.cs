namespace Manabi.Torch.Siamese;

/// <summary>Image indices grouped by class, for the samplers.</summary>
internal static class ClassMembers
{
    /// <summary>The indices of each class whose label is in <paramref name="classes"/> (all when null), classes ascending.</summary>
    public static SortedDictionary<int, int[]> Group(IReadOnlyList<int> labels, IReadOnlyCollection<int>? classes)
    {
        var groups = new SortedDictionary<int, List<int>>();
        for (int i = 0; i < labels.Count; i++)
        {
            if (classes is null || classes.Contains(labels[i]))
            {
                if (!groups.TryGetValue(labels[i], out var list))
                {
                    groups[labels[i]] = list = [];
                }
                list.Add(i);
            }
        }
        return new SortedDictionary<int, int[]>(groups.ToDictionary(g => g.Key, g => g.Value.ToArray()));
    }
}
