namespace Manabi.Torch.Search;

/// <summary>Keeps the k best (highest score; on ties, lowest id) of a stream of scored ids with a min-heap.</summary>
public sealed class TopK
{
    private readonly int _k;
    private readonly PriorityQueue<int, (float Score, int NegativeId)> _heap;

    /// <summary>Creates an empty selection of at most <paramref name="k"/> entries.</summary>
    public TopK(int k)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(k);
        _k = k;
        _heap = new PriorityQueue<int, (float, int)>(k + 1);
    }

    /// <summary>Offers one candidate.</summary>
    public void Offer(int id, float score)
    {
        var priority = (score, -id);
        if (_heap.Count < _k)
        {
            _heap.Enqueue(id, priority);
        }
        else if (_heap.TryPeek(out _, out var worst) && priority.CompareTo(worst) > 0)
        {
            _heap.EnqueueDequeue(id, priority);
        }
    }

    /// <summary>The kept entries, best first.</summary>
    public SearchHit[] Sorted() =>
        _heap.UnorderedItems.Select(e => new SearchHit(e.Element, e.Priority.Score))
            .OrderByDescending(h => h.Score).ThenBy(h => h.CorpusId).ToArray();
}
