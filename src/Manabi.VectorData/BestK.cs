namespace Manabi.VectorData;

/// <summary>The k best ranks seen (a min-heap of size k); ties go to the lower row id so results are deterministic.</summary>
internal sealed class BestK(int k)
{
    private readonly (float Rank, int Slot, long Id)[] _heap = new (float, int, long)[Math.Max(k, 0)];
    private int _count;

    public void Offer(float rank, int slot, long id)
    {
        if (k <= 0 || float.IsNaN(rank))
        {
            return;
        }
        if (_count < k)
        {
            _heap[_count] = (rank, slot, id);
            SiftUp(_count++);
        }
        else if (Worse(_heap[0], (rank, slot, id)))
        {
            _heap[0] = (rank, slot, id);
            SiftDown(0);
        }
    }

    /// <summary>Best first.</summary>
    public IEnumerable<(float Rank, int Slot)> Sorted()
    {
        var items = _heap.AsSpan(0, _count).ToArray();
        Array.Sort(items, (a, b) => Worse(a, b) ? 1 : Worse(b, a) ? -1 : 0);
        return items.Select(i => (i.Rank, i.Slot));
    }

    // a ranks below b: lower rank, or the same rank and a higher row id.
    private static bool Worse((float Rank, int Slot, long Id) a, (float Rank, int Slot, long Id) b) =>
        a.Rank < b.Rank || (a.Rank == b.Rank && a.Id > b.Id);

    private void SiftUp(int i)
    {
        while (i > 0)
        {
            var parent = (i - 1) / 2;
            if (!Worse(_heap[i], _heap[parent]))
            {
                return;
            }
            (_heap[i], _heap[parent]) = (_heap[parent], _heap[i]);
            i = parent;
        }
    }

    private void SiftDown(int i)
    {
        while (true)
        {
            int left = 2 * i + 1, right = left + 1, worst = i;
            if (left < _count && Worse(_heap[left], _heap[worst])) worst = left;
            if (right < _count && Worse(_heap[right], _heap[worst])) worst = right;
            if (worst == i)
            {
                return;
            }
            (_heap[i], _heap[worst]) = (_heap[worst], _heap[i]);
            i = worst;
        }
    }
}
