using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Manabi.VectorData;

/// <summary>
/// The int8 screen of a <see cref="VectorIndex"/>'s exact scan: per slot, the row x as int8 codes c with a scale s
/// (x = s·c + e), an upper bound of ‖e‖, an upper bound of ‖x‖ and ‖x‖². The query q is quantized the same way
/// (q = t·d + f), so x·q = s·t·(c·d) + t·(e·d) + x·f and |x·q − s·t·(c·d)| ≤ ‖e‖·‖t·d‖ + ‖x‖·‖f‖ (Cauchy–Schwarz). The scan
/// reads the codes (a quarter of the float32 bytes), keeps the k best lower bounds of the rank, and returns only the
/// slots whose upper bound reaches the k-th of them; the caller rescores those in float32 with its own arithmetic, so
/// the top k equals the full float32 scan, scores and ties included. Rows may have any length (dot product ranks).
/// </summary>
/// <remarks>
/// Ranks are "higher is better". For dot-product ranks the bounds are on the float32 dot product: the quantization
/// bound plus the float rounding of that dot product. Euclidean ranks (−‖q − x‖) are screened through
/// ‖q − x‖² = ‖q‖² + ‖x‖² − 2q·x and bounded as −fl(‖q − x‖)², a function of the float32 rank that keeps its order.
/// Rows too large for float32 arithmetic not to overflow, and rows holding NaN or infinity, are always rescored.
/// </remarks>
internal sealed unsafe class ScreenedRows
{
    private const int InitialCapacity = 16;

    // Relative rounding of a float32 sum of n products (or squared differences) is below n·2⁻²⁴ of the sum of their
    // magnitudes; counting 2⁻²³ per term plus a few terms for the sqrt and subtraction keeps a wide margin.
    private static readonly double UnitRoundoff = Math.ScaleB(1.0, -23);

    // Products that underflow in float32 lose up to 2⁻¹⁵⁰ each whatever their relative size.
    private static readonly double UnderflowPerTerm = Math.ScaleB(1.0, -146);

    private readonly int _dimensions;
    private readonly int _stride;
    private readonly bool _euclidean;
    private sbyte[] _codes;
    private float[] _scales;
    private float[] _residuals;
    private float[] _norms;
    private double[] _squaredNorms;

    public ScreenedRows(int dimensions, bool euclidean)
    {
        _dimensions = dimensions;
        _stride = Int8Kernels.StrideFor(dimensions);
        _euclidean = euclidean;
        Clear();
    }

    /// <summary>Bytes kept per slot: the padded codes and the per-row scale, residual bound, norm (and ‖x‖² for Euclidean).</summary>
    public int BytesPerRow => _stride + 3 * sizeof(float) + (_euclidean ? sizeof(double) : 0);

    /// <summary>Rows the last search on this thread returned for rescoring (what the screen could not rule out).</summary>
    public static int LastRescored { get => t_lastRescored; private set => t_lastRescored = value; }

    [ThreadStatic]
    private static int t_lastRescored;

    /// <summary>Quantizes <paramref name="row"/> (the row exactly as the index scores it) into slot <paramref name="slot"/>.</summary>
    public void Set(int slot, ReadOnlySpan<float> row)
    {
        EnsureCapacity(slot + 1);
        var codes = _codes.AsSpan(slot * _stride, _stride);
        codes.Clear();
        double squaredNorm = SquaredNorm(row);
        (_scales[slot], _residuals[slot]) = Int8Kernels.Quantize(row, codes);
        // Rounded up so the norm stays a bound; NaN and infinity become +∞, which the scan always rescores.
        _norms[slot] = double.IsFinite(squaredNorm) ? MathF.BitIncrement((float)(Math.Sqrt(squaredNorm) * (1 + 1e-9))) : float.PositiveInfinity;
        if (_euclidean)
        {
            _squaredNorms[slot] = squaredNorm;
        }
    }

    // In double: float32 squares would underflow (tiny rows) or overflow (huge ones) and break the bounds.
    private static double SquaredNorm(ReadOnlySpan<float> vector)
    {
        double sum = 0;
        foreach (var value in vector)
        {
            sum += (double)value * value;
        }
        return sum;
    }

    /// <summary>Slot <paramref name="to"/> takes the row of slot <paramref name="from"/> (a removal filling its hole, a compaction).</summary>
    public void Move(int from, int to)
    {
        Array.Copy(_codes, from * _stride, _codes, to * _stride, _stride);
        _scales[to] = _scales[from];
        _residuals[to] = _residuals[from];
        _norms[to] = _norms[from];
        if (_euclidean)
        {
            _squaredNorms[to] = _squaredNorms[from];
        }
    }

    /// <summary>Forgets every row and gives their memory back.</summary>
    [MemberNotNull(nameof(_codes), nameof(_scales), nameof(_residuals), nameof(_norms), nameof(_squaredNorms))]
    public void Clear()
    {
        _codes = new sbyte[InitialCapacity * _stride];
        _scales = new float[InitialCapacity];
        _residuals = new float[InitialCapacity];
        _norms = new float[InitialCapacity];
        _squaredNorms = new double[_euclidean ? InitialCapacity : 0];
    }

    /// <summary>Writes the screen of slots 0..<paramref name="rows"/>−1 for a snapshot (reading it back is cheaper than quantizing again).</summary>
    public void Write(BinaryWriter writer, int rows)
    {
        writer.Write(_stride);
        writer.Write(MemoryMarshal.AsBytes(_codes.AsSpan(0, rows * _stride)));
        writer.Write(MemoryMarshal.AsBytes(_scales.AsSpan(0, rows)));
        writer.Write(MemoryMarshal.AsBytes(_residuals.AsSpan(0, rows)));
        writer.Write(MemoryMarshal.AsBytes(_norms.AsSpan(0, rows)));
        writer.Write(MemoryMarshal.AsBytes(_squaredNorms.AsSpan(0, _euclidean ? rows : 0)));
    }

    /// <summary>Reads what <see cref="Write"/> wrote for <paramref name="rows"/> slots; false if it does not fit this screen.</summary>
    public bool Read(BinaryReader reader, int rows, int capacity)
    {
        var stream = reader.BaseStream;
        if (reader.ReadInt32() != _stride || (long)rows * (_stride + 3 * sizeof(float) + (_euclidean ? sizeof(double) : 0)) > stream.Length - stream.Position)
        {
            return false;
        }
        Clear();
        EnsureCapacity(capacity);
        stream.ReadExactly(MemoryMarshal.AsBytes(_codes.AsSpan(0, rows * _stride)));
        stream.ReadExactly(MemoryMarshal.AsBytes(_scales.AsSpan(0, rows)));
        stream.ReadExactly(MemoryMarshal.AsBytes(_residuals.AsSpan(0, rows)));
        stream.ReadExactly(MemoryMarshal.AsBytes(_norms.AsSpan(0, rows)));
        stream.ReadExactly(MemoryMarshal.AsBytes(_squaredNorms.AsSpan(0, _euclidean ? rows : 0)));
        return true;
    }

    private void EnsureCapacity(int rows)
    {
        if (rows <= _scales.Length)
        {
            return;
        }
        int capacity = Math.Max(rows, _scales.Length * 2);
        Array.Resize(ref _codes, capacity * _stride);
        Array.Resize(ref _scales, capacity);
        Array.Resize(ref _residuals, capacity);
        Array.Resize(ref _norms, capacity);
        if (_euclidean)
        {
            Array.Resize(ref _squaredNorms, capacity);
        }
    }

    /// <summary>
    /// The slots among 0..<paramref name="rowCount"/>−1 (those <paramref name="include"/> accepts, when given) that may
    /// be among the <paramref name="k"/> best for <paramref name="query"/>; every slot left out ranks strictly below k others.
    /// </summary>
    public List<int> Survivors(ReadOnlySpan<float> query, int k, int rowCount, Func<int, bool>? include)
    {
        var scan = new Scan(this, query, k, rowCount);
        fixed (sbyte* codes = _codes)
        {
            for (int slot = 0; slot < rowCount; slot++)
            {
                if (include is null || include(slot))
                {
                    scan.Offer(slot, codes);
                }
            }
        }
        return scan.Finish();
    }

    /// <summary>The slots of <paramref name="slots"/> that may be among the <paramref name="k"/> best for <paramref name="query"/>.</summary>
    public List<int> Survivors(ReadOnlySpan<float> query, int k, IEnumerable<int> slots)
    {
        var scan = new Scan(this, query, k, _scales.Length);
        fixed (sbyte* codes = _codes)
        {
            foreach (var slot in slots)
            {
                scan.Offer(slot, codes);
            }
        }
        return scan.Finish();
    }

    /// <summary>What <see cref="Scan.TryBound"/> says of one slot for one query (tests check every row against it).</summary>
    internal (bool Bounded, double Lower, double Upper) RankKeyBounds(ReadOnlySpan<float> query, int slot)
    {
        fixed (sbyte* codes = _codes)
        {
            bool bounded = new Scan(this, query, 1, slot + 1).TryBound(slot, codes, out double lower, out double upper);
            return (bounded, lower, upper);
        }
    }

    /// <summary>One query's screen: its codes and constants, the best k lower bounds so far, the rows not yet ruled out.</summary>
    private sealed class Scan
    {
        private readonly ScreenedRows _rows;
        // Pinned, so the scan holds a plain pointer to it.
        private readonly short[] _queryCodes;
        private readonly short* _query;
        private readonly double _queryScale, _queryCodeNorm, _queryNormFactor, _queryNorm2, _underflow, _euclideanSlack;
        private readonly double _normLimit;
        private readonly bool _rescoreAll;
        private readonly double[] _lowerBest;
        private int _lowerCount;
        private double _threshold = double.NegativeInfinity;
        private readonly List<(double Upper, int Slot)> _candidates = [];

        public Scan(ScreenedRows rows, ReadOnlySpan<float> query, int k, int maxRows)
        {
            _rows = rows;
            _queryCodes = GC.AllocateArray<short>(rows._stride, pinned: true);
            _query = (short*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(_queryCodes));
            (float t, float queryError, double codeNorm) = Int8Kernels.QuantizeQuery(query, _queryCodes);
            double squaredNorm = SquaredNorm(query);
            double queryNorm = Math.Sqrt(squaredNorm) * (1 + 1e-9);
            int dims = rows._dimensions;
            // k ≤ 0 keeps nothing; a query holding NaN or infinity is rescored everywhere (the float scan decides).
            _rescoreAll = !double.IsFinite(squaredNorm);
            _lowerBest = new double[Math.Clamp(k, 0, Math.Max(maxRows, 0))];
            _queryScale = t;
            // ‖t·d‖, the factor of a row's residual bound ‖e‖.
            _queryCodeNorm = t * Math.Sqrt(codeNorm) * (1 + 1e-9);
            // The factor of a row's ‖x‖: the query's residual ‖f‖, plus (for dot ranks) the float32 rounding of the
            // exact dot product, below n·u·Σ|xᵢqᵢ| ≤ n·u·‖x‖·‖q‖.
            double rounding = (dims + 16) * UnitRoundoff;
            _queryNormFactor = queryError * (1 + 1e-9) + (rows._euclidean ? 0 : rounding * queryNorm);
            _underflow = (dims + 16) * UnderflowPerTerm;
            _queryNorm2 = squaredNorm;
            _euclideanSlack = rounding;
            // Beyond these row norms float32 may overflow (dot ≤ ‖q‖·‖x‖; squared distance ≤ (‖q‖ + ‖x‖)²): rescore.
            _normLimit = rows._euclidean ? 1e19 - queryNorm : queryNorm > 0 ? 1e38 / queryNorm : double.PositiveInfinity;
        }

        /// <summary>Screens slot <paramref name="slot"/>; <paramref name="codes"/> is the pinned start of the rows' codes.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Offer(int slot, sbyte* codes)
        {
            if (_lowerBest.Length == 0)
            {
                return;
            }
            if (!TryBound(slot, codes, out double lower, out double upper))
            {
                _candidates.Add((double.PositiveInfinity, slot));
                return;
            }
            if (upper < _threshold)
            {
                return;
            }
            _candidates.Add((upper, slot));
            if (lower > _threshold)
            {
                AddLower(lower);
            }
        }

        /// <summary>
        /// Bounds of slot <paramref name="slot"/>'s rank key: the float32 dot product, or −fl(‖q − x‖)² for Euclidean
        /// ranks. False when the row must be rescored whatever the bounds (non-finite values, float32 overflow).
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public bool TryBound(int slot, sbyte* codes, out double lower, out double upper)
        {
            double norm = _rows._norms[slot];
            if (_rescoreAll || !(norm < _normLimit))
            {
                lower = double.NegativeInfinity;
                upper = double.PositiveInfinity;
                return false;
            }
            int stride = _rows._stride;
            int dot = Int8Kernels.CodeDot(codes + (long)slot * stride, _query, stride);
            // s·t·(c·d) is exact in double up to one rounding (48-bit s·t times a 23-bit integer): no underflow either.
            double approximate = _rows._scales[slot] * _queryScale * dot;
            double bound = (_rows._residuals[slot] * _queryCodeNorm + norm * _queryNormFactor) * (1 + 1e-9) + _underflow;
            if (_rows._euclidean)
            {
                // ‖q − x‖² from the dot product's interval, then the float32 distance's relative rounding ε and
                // underflow: fl(‖q − x‖)² ∈ S·(1 ± ε) ± a. The double arithmetic here rounds far below the slack added.
                double sum = _queryNorm2 + _rows._squaredNorms[slot];
                double arithmetic = (sum + 2 * (Math.Abs(approximate) + bound)) * 1e-9;
                double nearest = Math.Max(0, sum - 2 * (approximate + bound) - arithmetic);
                double farthest = sum - 2 * (approximate - bound) + arithmetic;
                upper = -nearest * (1 - _euclideanSlack) + _underflow;
                lower = -farthest * (1 + _euclideanSlack) - _underflow;
            }
            else
            {
                double arithmetic = Math.Abs(approximate) * 1e-9;
                upper = approximate + bound + arithmetic;
                lower = approximate - bound - arithmetic;
            }
            return true;
        }

        // A min-heap of the k largest lower bounds: once full, its root is the rank k rows are known to reach.
        private void AddLower(double lower)
        {
            var heap = _lowerBest;
            if (_lowerCount < heap.Length)
            {
                int i = _lowerCount++;
                while (i > 0 && heap[(i - 1) / 2] > lower)
                {
                    heap[i] = heap[(i - 1) / 2];
                    i = (i - 1) / 2;
                }
                heap[i] = lower;
            }
            else
            {
                int i = 0;
                while (true)
                {
                    int child = 2 * i + 1;
                    if (child >= heap.Length)
                    {
                        break;
                    }
                    if (child + 1 < heap.Length && heap[child + 1] < heap[child])
                    {
                        child++;
                    }
                    if (heap[child] >= lower)
                    {
                        break;
                    }
                    heap[i] = heap[child];
                    i = child;
                }
                heap[i] = lower;
            }
            if (_lowerCount == heap.Length)
            {
                _threshold = heap[0];
            }
        }

        public List<int> Finish()
        {
            var survivors = new List<int>();
            foreach (var (upper, slot) in _candidates)
            {
                // Rows whose upper bound stays below the k-th lower bound rank strictly below k other rows.
                if (!(upper < _threshold))
                {
                    survivors.Add(slot);
                }
            }
            LastRescored = survivors.Count;
            return survivors;
        }
    }
}
