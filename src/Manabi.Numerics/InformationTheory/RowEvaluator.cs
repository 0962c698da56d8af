using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;

namespace Manabi.Numerics;

/// <summary>
/// Evaluates a <see cref="DivergenceMeasure"/> for every row of a row-major matrix, splitting the rows into blocks
/// that run on all cores. Spans cannot be captured by the parallel loop's delegate, so the inputs are pinned and
/// reached through pointers for the duration of the call.
/// </summary>
[SkipLocalsInit]
internal sealed unsafe class RowEvaluator<T>
    where T : unmanaged
{
    // Below this many entries the cost of scheduling outweighs a second core.
    private const long ParallelThreshold = 1L << 15;

    private readonly DivergenceMeasure _measure;
    private readonly T* _p;
    private readonly T* _q;
    private readonly double* _destination;
    private readonly int _rows;
    private readonly int _columns;
    private readonly bool _normalize;
    private readonly double _naturalLogOfBase;
    private readonly bool _squareRoot;
    private readonly string _nameP;
    private readonly string _nameQ;
    private readonly int _rowsPerBlock;
    private readonly object _errorGate = new();
    private int _firstErrorRow = int.MaxValue;
    private ArgumentException? _firstError;

    private RowEvaluator(
        DivergenceMeasure measure, T* p, T* q, double* destination, int rows, int columns, bool normalize,
        double naturalLogOfBase, bool squareRoot, string nameP, string nameQ, int rowsPerBlock)
    {
        _measure = measure;
        _p = p;
        _q = q;
        _destination = destination;
        _rows = rows;
        _columns = columns;
        _normalize = normalize;
        _naturalLogOfBase = naturalLogOfBase;
        _squareRoot = squareRoot;
        _nameP = nameP;
        _nameQ = nameQ;
        _rowsPerBlock = rowsPerBlock;
    }

    /// <summary>
    /// Checks the shapes, then fills <paramref name="destination"/>[r] with the measure of row r (of p, and of q when
    /// pairwise), in the unit of <paramref name="logBase"/>; <paramref name="squareRoot"/> turns the Jensen-Shannon
    /// divergence into the distance. When several rows are invalid, the exception for the lowest row is thrown.
    /// </summary>
    internal static void Run(
        DivergenceMeasure measure, ReadOnlySpan<T> p, ReadOnlySpan<T> q, int columns, Span<double> destination,
        LogBase logBase, bool normalize, bool squareRoot, string nameP, string nameQ)
    {
        double naturalLogOfBase = logBase.NaturalLogarithm;
        bool pairwise = measure != DivergenceMeasure.Entropy;
        int rows = CheckShape(p.Length, q.Length, columns, destination.Length, pairwise, nameP, nameQ);

        int blocks = Math.Min(rows, Environment.ProcessorCount * 4);
        bool parallel = blocks > 1 && Environment.ProcessorCount > 1 && (long)rows * columns >= ParallelThreshold;
        int rowsPerBlock = parallel ? (rows + blocks - 1) / blocks : rows;

        fixed (T* pPointer = p)
        fixed (T* qPointer = q)
        fixed (double* destinationPointer = destination)
        {
            var evaluator = new RowEvaluator<T>(
                measure, pPointer, qPointer, destinationPointer, rows, columns, normalize, naturalLogOfBase,
                squareRoot, nameP, nameQ, rowsPerBlock);
            if (parallel)
            {
                Parallel.For(0, (rows + rowsPerBlock - 1) / rowsPerBlock, evaluator.RunBlock);
            }
            else
            {
                evaluator.RunBlock(0);
            }
            if (evaluator._firstError is { } error)
            {
                ExceptionDispatchInfo.Capture(error).Throw();
            }
        }
    }

    private static int CheckShape(
        int lengthP, int lengthQ, int columns, int destinationLength, bool pairwise, string nameP, string nameQ)
    {
        if (columns <= 0)
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"columns must be positive (was {columns})."), nameof(columns));
        }
        ProbabilityValidation.EnsureShape(lengthP, lengthQ, nameP, nameQ, pairwise);
        if (lengthP % columns != 0)
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture,
                    $"{nameP} has length {lengthP}, which is not a whole number of rows of {columns} columns."),
                nameP);
        }
        int rows = lengthP / columns;
        if (destinationLength != rows)
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture,
                    $"destination has length {destinationLength} but {nameP} has {rows} rows of {columns} columns."),
                "destination");
        }
        return rows;
    }

    private void RunBlock(int block)
    {
        int start = block * _rowsPerBlock;
        int end = Math.Min(_rows, start + _rowsPerBlock);
        Span<double> scratch = stackalloc double[DivergenceKernels.ScratchLength(_columns)];
        bool pairwise = _measure != DivergenceMeasure.Entropy;
        int row = start;
        try
        {
            for (; row < end; row++)
            {
                long offset = (long)row * _columns;
                var p = new ReadOnlySpan<T>(_p + offset, _columns);
                ReadOnlySpan<T> q = pairwise ? new ReadOnlySpan<T>(_q + offset, _columns) : default;
                double nats = DivergenceKernels.Evaluate(_measure, p, q, _normalize, row, scratch, _nameP, _nameQ);
                double value = InformationTheory.InUnits(_measure, nats, _naturalLogOfBase);
                _destination[row] = _squareRoot ? Math.Sqrt(value) : value;
            }
        }
        catch (ArgumentException error)
        {
            // Blocks run in any order; keep the lowest row so the message does not depend on scheduling.
            lock (_errorGate)
            {
                if (row < _firstErrorRow)
                {
                    _firstErrorRow = row;
                    _firstError = error;
                }
            }
        }
    }
}
