namespace Manabi.Vectors;

/// <summary>Keeps the k highest scores seen (a min-heap of size k): partial selection without sorting everything.</summary>
internal sealed class TopK(int k)
{
    private readonly float[] _scores = new float[Math.Max(1, k)];
    private readonly int[] _rows = new int[Math.Max(1, k)];
    private int _count;

    public int Count => _count;

    public float Threshold => _count < k ? float.NegativeInfinity : _scores[0];

    public void Add(float score, int row)
    {
        if (k <= 0)
        {
            return;
        }
        if (_count < k)
        {
            int i = _count++;
            _scores[i] = score;
            _rows[i] = row;
            while (i > 0)
            {
                int p = (i - 1) / 2;
                if (!Less(i, p))
                {
                    break;
                }
                Swap(i, p);
                i = p;
            }
        }
        else if (score > _scores[0] || (score == _scores[0] && row < _rows[0]))
        {
            _scores[0] = score;
            _rows[0] = row;
            int i = 0;
            while (true)
            {
                int l = 2 * i + 1, r = l + 1, m = i;
                if (l < _count && Less(l, m))
                {
                    m = l;
                }
                if (r < _count && Less(r, m))
                {
                    m = r;
                }
                if (m == i)
                {
                    break;
                }
                Swap(i, m);
                i = m;
            }
        }
    }

    public void Merge(TopK other)
    {
        for (int i = 0; i < other._count; i++)
        {
            Add(other._scores[i], other._rows[i]);
        }
    }

    /// <summary>Best first; ties broken by lower row (more frequent words first in most source files).</summary>
    public (float Score, int Row)[] Sorted()
    {
        var items = new (float Score, int Row)[_count];
        for (int i = 0; i < _count; i++)
        {
            items[i] = (_scores[i], _rows[i]);
        }
        Array.Sort(items, (a, b) => a.Score != b.Score ? b.Score.CompareTo(a.Score) : a.Row.CompareTo(b.Row));
        return items;
    }

    // Heap order: the worst (lowest score, then highest row) at the root.
    private bool Less(int a, int b) => _scores[a] < _scores[b] || (_scores[a] == _scores[b] && _rows[a] > _rows[b]);

    private void Swap(int a, int b)
    {
        (_scores[a], _scores[b]) = (_scores[b], _scores[a]);
        (_rows[a], _rows[b]) = (_rows[b], _rows[a]);
    }
}
