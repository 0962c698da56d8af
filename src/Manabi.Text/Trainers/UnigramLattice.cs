using System.Text;

namespace Manabi.Text;

/// <summary>The pieces being trained, as HF's trainer builds a <c>Unigram</c> model from them at every step.</summary>
internal sealed class UnigramTrainingModel
{
    /// <summary>The unknown piece's penalty below the lowest score (HF's <c>K_UNK_PENALTY</c>).</summary>
    private const double UnknownPenalty = 10.0;

    private readonly Dictionary<long, int> _edges = [];
    private readonly List<int> _terminal = [-1];

    public UnigramTrainingModel(IReadOnlyList<(string Piece, double Score)> pieces)
    {
        Pieces = pieces;
        MinScore = double.PositiveInfinity;
        for (int id = 0; id < pieces.Count; id++)
        {
            double score = pieces[id].Score;
            if (score < MinScore)
            {
                MinScore = score;
            }
            // Piece 0 is the unknown placeholder (score NaN); HF's trie holds it too, but matching its text would
            // only turn the likelihood into NaN (HF then panics), so it stands for unknown characters alone.
            if (id > 0)
            {
                Add(pieces[id].Piece, id);
            }
        }
        UnknownScore = MinScore - UnknownPenalty;
    }

    public IReadOnlyList<(string Piece, double Score)> Pieces { get; }

    public double MinScore { get; }

    public double UnknownScore { get; }

    /// <summary>The unknown piece's id: the trainer's models always have one, at 0.</summary>
    public int UnknownId => 0;

    public int Count => Pieces.Count;

    private void Add(string piece, int id)
    {
        int node = 0;
        foreach (char c in piece)
        {
            long key = ((long)node << 16) | c;
            if (!_edges.TryGetValue(key, out int child))
            {
                child = _terminal.Count;
                _terminal.Add(-1);
                _edges.Add(key, child);
            }
            node = child;
        }
        // A repeated piece maps to its last id, as HF's token-to-id map does.
        _terminal[node] = id;
    }

    /// <summary>Adds to <paramref name="lattice"/> every piece that starts at each character, shortest first, and
    /// an unknown node where no single-character piece exists (HF's <c>populate_nodes</c>).</summary>
    public void Populate(UnigramLattice lattice)
    {
        string text = lattice.Text;
        int position = 0;
        while (position < text.Length)
        {
            int characterLength = Rune.DecodeFromUtf16(text.AsSpan(position), out _, out int consumed) == System.Buffers.OperationStatus.Done ? consumed : 1;
            bool hasSingle = false;
            int node = 0;
            for (int i = position; i < text.Length; i++)
            {
                if (!_edges.TryGetValue(((long)node << 16) | text[i], out node))
                {
                    break;
                }
                int id = _terminal[node];
                if (id >= 0)
                {
                    int length = i - position + 1;
                    lattice.Insert(position, length, Pieces[id].Score, id);
                    hasSingle |= length == characterLength;
                }
            }
            if (!hasSingle)
            {
                lattice.Insert(position, characterLength, UnknownScore, UnknownId);
            }
            position += characterLength;
        }
    }
}

/// <summary>
/// HF's unigram <c>Lattice</c> for training: nodes of pieces over one word, Viterbi, forward-backward marginals and
/// the 2-best search used for pruning, with HF's orders (nodes in insertion order, ties to the first) so the choices
/// are HF's. Positions are UTF-16 indices; a lattice is reused from word to word.
/// </summary>
internal sealed class UnigramLattice
{
    private int[] _id = new int[64];
    private int[] _position = new int[64];
    private int[] _length = new int[64];
    private double[] _score = new double[64];
    private double[] _backtrace = new double[64];
    private int[] _previous = new int[64];
    private int[] _nextBegin = new int[64];
    private int[] _nextEnd = new int[64];
    private int[] _beginHead = new int[16];
    private int[] _beginTail = new int[16];
    private int[] _endHead = new int[16];
    private int[] _endTail = new int[16];
    private double[] _alpha = new double[64];
    private double[] _beta = new double[64];
    private int _count;

    public string Text { get; private set; } = "";

    /// <summary>Starts a lattice over <paramref name="text"/> with its begin (node 0) and end (node 1) nodes.</summary>
    public void Reset(string text)
    {
        Text = text;
        int positions = text.Length + 1;
        if (_beginHead.Length < positions)
        {
            int size = Math.Max(positions, _beginHead.Length * 2);
            _beginHead = new int[size];
            _beginTail = new int[size];
            _endHead = new int[size];
            _endTail = new int[size];
        }
        Array.Fill(_beginHead, -1, 0, positions);
        Array.Fill(_endHead, -1, 0, positions);
        _count = 0;
        // The begin node is only an end node (at 0) and the end node only a begin node (at the last position).
        int bos = NewNode(0, 0, 0.0, -1);
        Append(_endHead, _endTail, _nextEnd, 0, bos);
        int eos = NewNode(text.Length, 0, 0.0, -2);
        Append(_beginHead, _beginTail, _nextBegin, text.Length, eos);
    }

    public void Insert(int position, int length, double score, int id)
    {
        int node = NewNode(position, length, score, id);
        Append(_beginHead, _beginTail, _nextBegin, position, node);
        Append(_endHead, _endTail, _nextEnd, position + length, node);
    }

    private int NewNode(int position, int length, double score, int id)
    {
        if (_count == _id.Length)
        {
            int size = _count * 2;
            Array.Resize(ref _id, size);
            Array.Resize(ref _position, size);
            Array.Resize(ref _length, size);
            Array.Resize(ref _score, size);
            Array.Resize(ref _backtrace, size);
            Array.Resize(ref _previous, size);
            Array.Resize(ref _nextBegin, size);
            Array.Resize(ref _nextEnd, size);
        }
        int node = _count++;
        _id[node] = id;
        _position[node] = position;
        _length[node] = length;
        _score[node] = score;
        _backtrace[node] = 0.0;
        _previous[node] = -1;
        _nextBegin[node] = -1;
        _nextEnd[node] = -1;
        return node;
    }

    private static void Append(int[] head, int[] tail, int[] next, int position, int node)
    {
        if (head[position] < 0)
        {
            head[position] = node;
        }
        else
        {
            next[tail[position]] = node;
        }
        tail[position] = node;
    }

    private int CharacterLength(int position) =>
        Rune.DecodeFromUtf16(Text.AsSpan(position), out _, out int consumed) == System.Buffers.OperationStatus.Done ? consumed : 1;

    /// <summary>The best path's piece ids (begin and end excluded) into <paramref name="ids"/>; false if there is none.</summary>
    public bool Viterbi(List<int> ids)
    {
        ids.Clear();
        int length = Text.Length;
        int position = 0;
        while (position <= length)
        {
            if (_beginHead[position] < 0)
            {
                return false;
            }
            for (int right = _beginHead[position]; right >= 0; right = _nextBegin[right])
            {
                _previous[right] = -1;
                double best = 0.0;
                int bestNode = -1;
                for (int left = _endHead[position]; left >= 0; left = _nextEnd[left])
                {
                    double score = _backtrace[left] + _score[right];
                    if (bestNode < 0 || score > best)
                    {
                        bestNode = left;
                        best = score;
                    }
                }
                if (bestNode < 0)
                {
                    return false;
                }
                _previous[right] = bestNode;
                _backtrace[right] = best;
            }
            if (position == length)
            {
                break;
            }
            position += CharacterLength(position);
        }
        int node = _previous[1];
        if (node < 0)
        {
            return false;
        }
        while (_previous[node] >= 0)
        {
            ids.Add(node);
            node = _previous[node];
        }
        ids.Reverse();
        for (int i = 0; i < ids.Count; i++)
        {
            ids[i] = _id[ids[i]];
        }
        return true;
    }

    private static double LogSumExp(double x, double y, bool initial)
    {
        if (initial)
        {
            return y;
        }
        double min = x > y ? y : x;
        double max = x > y ? x : y;
        return max > min + 50.0 ? max : max + Math.Log(Math.Exp(min - max) + 1.0);
    }

    /// <summary>Adds each piece's expected count (times <paramref name="frequency"/>) to <paramref name="expected"/>;
    /// returns <paramref name="frequency"/> times the log-likelihood (HF's <c>populate_marginal</c>).</summary>
    public double PopulateMarginal(double frequency, double[] expected)
    {
        int length = Text.Length;
        if (_alpha.Length < _count)
        {
            _alpha = new double[_id.Length];
            _beta = new double[_id.Length];
        }
        Array.Clear(_alpha, 0, _count);
        Array.Clear(_beta, 0, _count);
        for (int position = 0; position <= length; position++)
        {
            int first = _endHead[position];
            for (int right = _beginHead[position]; right >= 0; right = _nextBegin[right])
            {
                for (int left = first; left >= 0; left = _nextEnd[left])
                {
                    // HF compares nodes by piece id here, so a later node with the first one's id restarts the sum.
                    _alpha[right] = LogSumExp(_alpha[right], _score[left] + _alpha[left], _id[left] == _id[first]);
                }
            }
        }
        for (int position = length; position >= 0; position--)
        {
            int first = _beginHead[position];
            for (int left = _endHead[position]; left >= 0; left = _nextEnd[left])
            {
                for (int right = first; right >= 0; right = _nextBegin[right])
                {
                    _beta[left] = LogSumExp(_beta[left], _score[right] + _beta[right], _id[right] == _id[first]);
                }
            }
        }
        double z = _alpha[1];
        for (int position = 0; position < length; position++)
        {
            for (int node = _beginHead[position]; node >= 0; node = _nextBegin[node])
            {
                expected[_id[node]] += frequency * Math.Exp(_alpha[node] + _score[node] + _beta[node] - z);
            }
        }
        return frequency * z;
    }

    /// <summary>
    /// HF's <c>nbest(2)</c>: the best and second-best paths (piece ids), found by A* from the end with the Viterbi
    /// scores as the heuristic and HF's quaternary heap (so equal scores pop in HF's order).
    /// </summary>
    public List<List<int>> TwoBest()
    {
        const int wanted = 2;
        var hypotheses = new List<List<int>>(wanted);
        // Hypotheses: the node, the hypothesis it extends (towards the end), fx (priority) and gx (score so far).
        var nodes = new List<int>();
        var nexts = new List<int>();
        var gxs = new List<double>();
        var agenda = new QuaternaryHeap();
        nodes.Add(1);
        nexts.Add(-1);
        gxs.Add(_score[1]);
        agenda.Push(0, _score[1]);
        Viterbi(new List<int>());
        while (agenda.Count > 0)
        {
            int top = agenda.Pop();
            int node = nodes[top];
            if (node == 0)
            {
                var path = new List<int>();
                int next = nexts[top];
                while (nexts[next] >= 0)
                {
                    path.Add(_id[nodes[next]]);
                    next = nexts[next];
                }
                hypotheses.Add(path);
                if (hypotheses.Count == wanted)
                {
                    return hypotheses;
                }
                continue;
            }
            double gx = gxs[top];
            for (int left = _endHead[_position[node]]; left >= 0; left = _nextEnd[left])
            {
                nodes.Add(left);
                nexts.Add(top);
                gxs.Add(_score[left] + gx);
                agenda.Push(nodes.Count - 1, _backtrace[left] + gx);
            }
            if (agenda.Count > 100_000)
            {
                // HF shrinks a huge agenda (long or repetitive words) to its best few.
                var kept = new QuaternaryHeap();
                for (int i = 0; i < Math.Min(512, wanted * 10); i++)
                {
                    double fx = agenda.PeekPriority();
                    kept.Push(agenda.Pop(), fx);
                }
                agenda = kept;
            }
        }
        return hypotheses;
    }

    /// <summary>
    /// A max-heap of arity 4 with the algorithms of Rust's <c>dary_heap</c> (sift-up on push, sift-down-to-bottom
    /// then sift-up on pop) and HF's hypothesis order, where "a &lt;= b" holds only when a's priority is smaller.
    /// </summary>
    private sealed class QuaternaryHeap
    {
        private readonly List<(int Item, double Priority)> _data = [];

        public int Count => _data.Count;

        public double PeekPriority() => _data[0].Priority;

        private bool LessOrEqual(int a, int b) => _data[a].Priority < _data[b].Priority;

        public void Push(int item, double priority)
        {
            _data.Add((item, priority));
            SiftUp(0, _data.Count - 1);
        }

        public int Pop()
        {
            var last = _data[^1];
            _data.RemoveAt(_data.Count - 1);
            if (_data.Count == 0)
            {
                return last.Item;
            }
            var top = _data[0];
            _data[0] = last;
            SiftDownToBottom(0);
            return top.Item;
        }

        private int SiftUp(int start, int position)
        {
            var element = _data[position];
            while (position > start)
            {
                int parent = (position - 1) / 4;
                if (element.Priority < _data[parent].Priority)
                {
                    break;
                }
                _data[position] = _data[parent];
                position = parent;
            }
            _data[position] = element;
            return position;
        }

        private int Max(int a, int b) => LessOrEqual(a, b) ? b : a;

        private int MaxOfTwo(int first) => first + (LessOrEqual(first, first + 1) ? 1 : 0);

        private void SiftDownToBottom(int position)
        {
            int end = _data.Count;
            int start = position;
            var element = _data[position];
            int child = 4 * position + 1;
            while (child <= Math.Max(0, end - 4))
            {
                child = Max(MaxOfTwo(child), MaxOfTwo(child + 2));
                _data[position] = _data[child];
                position = child;
                child = 4 * position + 1;
            }
            if (child < end)
            {
                for (int other = child + 1; other < end; other++)
                {
                    if (LessOrEqual(child, other))
                    {
                        child = other;
                    }
                }
                _data[position] = _data[child];
                position = child;
            }
            _data[position] = element;
            SiftUp(start, position);
        }
    }
}
