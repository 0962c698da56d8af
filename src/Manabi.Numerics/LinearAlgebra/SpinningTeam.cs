using System.Diagnostics;
using System.Runtime.ExceptionServices;

namespace Manabi.Numerics.LinearAlgebra;

/// <summary>
/// A fork-join team for many short parallel loops in a row: the calling thread plus dedicated helper threads that
/// spin between loops instead of sleeping, so handing out a loop costs about a microsecond rather than the
/// thread pool's 4–10 µs wake-up. The blocked tridiagonalization runs about a thousand matrix-vector products of a
/// few tens of microseconds each, where that wake-up was a third of the product's time.
/// </summary>
/// <remarks>
/// Helpers spin only while loops keep coming: after <see cref="SpinBeforeYield"/> without work they yield their
/// core, and after <see cref="SpinBeforeSleep"/> they sleep between checks, so a team left idle costs almost
/// nothing. Every parallel loop of the owning computation should go through the team while it lives, because a
/// spinning helper would otherwise compete with the thread pool's workers for the cores.
/// Indices are claimed one at a time, so a participant that another process holds up delays one index rather than
/// a fixed share of the loop.
/// </remarks>
internal sealed class SpinningTeam : IDisposable
{
    private static readonly long SpinBeforeYield = Stopwatch.Frequency / 2000;  // 0.5 ms
    private static readonly long SpinBeforeSleep = Stopwatch.Frequency / 50;    // 20 ms

    private readonly Thread[] _helpers;
    private Loop? _current;
    private volatile bool _stopping;

    private SpinningTeam(int helpers)
    {
        _helpers = new Thread[helpers];
        for (int h = 0; h < helpers; h++)
        {
            _helpers[h] = new Thread(HelperLoop) { IsBackground = true, Name = "Manabi spinning team" };
            _helpers[h].Start(h + 1);
        }
    }

    /// <summary>Participants, the calling thread included.</summary>
    public int Size => _helpers.Length + 1;

    /// <summary>A team with one participant per core (at most <paramref name="maxSize"/>), or null on a single core.</summary>
    public static SpinningTeam? Create(int maxSize = int.MaxValue)
    {
        int size = Math.Min(Environment.ProcessorCount, maxSize);
        return size > 1 ? new SpinningTeam(size - 1) : null;
    }

    /// <summary>Runs <paramref name="body"/> for every index in [0, count) on the team and returns when all are done.</summary>
    /// <param name="count">Indices.</param>
    /// <param name="body">The work of one index.</param>
    /// <param name="owned">
    /// Indices [0, owned) are dealt out in equal contiguous shares, participant p first running its own share, so
    /// that loops repeated over the same data find it in the same core's cache; only then does it take what others
    /// have not started. The rest go to whoever is free.
    /// </param>
    /// <remarks>Not reentrant: one loop at a time, started from the thread that created the team.</remarks>
    public void Run(int count, Action<int> body, int owned = 0)
    {
        if (count <= 0)
        {
            return;
        }
        // Each loop gets its own state, so a helper that wakes late for an earlier loop finds nothing left there
        // instead of claiming indices of this one against the old counters.
        var loop = new Loop(body, count, Math.Clamp(owned, 0, count), Size);
        Volatile.Write(ref _current, loop);
        loop.Work(participant: 0);
        var spinner = new SpinWait();
        while (Volatile.Read(ref loop.Finished) < count)
        {
            spinner.SpinOnce(sleep1Threshold: -1);
        }
        if (loop.Failure is not null)
        {
            ExceptionDispatchInfo.Capture(loop.Failure).Throw();
        }
    }

    private void HelperLoop(object? participant)
    {
        int id = (int)participant!;
        Loop? seen = null;
        while (true)
        {
            long idleSince = Stopwatch.GetTimestamp();
            Loop? loop;
            while ((loop = Volatile.Read(ref _current)) == seen)
            {
                if (_stopping)
                {
                    return;
                }
                long idle = Stopwatch.GetTimestamp() - idleSince;
                if (idle < SpinBeforeYield)
                {
                    Thread.SpinWait(16);
                }
                else if (idle < SpinBeforeSleep)
                {
                    Thread.Yield();
                }
                else
                {
                    Thread.Sleep(1);
                }
            }
            seen = loop;
            loop!.Work(id);
        }
    }

    private sealed class Loop(Action<int> body, int count, int owned, int size)
    {
        private readonly int[] _claimed = new int[count];
        public int Finished;
        public Exception? Failure;

        /// <summary>Runs participant's own share of the owned indices, then whatever is still unclaimed.</summary>
        public void Work(int participant)
        {
            for (int index = 0; index < owned; index++)
            {
                if ((long)index * size / owned == participant)
                {
                    TryRun(index);
                }
            }
            for (int index = 0; index < count; index++)
            {
                TryRun(index);
            }
        }

        private void TryRun(int index)
        {
            if (Volatile.Read(ref _claimed[index]) != 0 || Interlocked.Exchange(ref _claimed[index], 1) != 0)
            {
                return;
            }
            try
            {
                body(index);
            }
            catch (Exception exception)
            {
                Interlocked.CompareExchange(ref Failure, exception, null);
            }
            finally
            {
                Interlocked.Increment(ref Finished);
            }
        }
    }

    /// <summary>Lets the helpers exit.</summary>
    public void Dispose() => _stopping = true;
}
