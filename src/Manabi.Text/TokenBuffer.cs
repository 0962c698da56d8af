using System.Runtime.CompilerServices;

namespace Manabi.Text;

/// <summary>Growable parallel arrays of token ids, UTF-16 offsets and word indices, reused across calls.</summary>
internal sealed class TokenBuffer(int capacity)
{
    public int[] Ids = new int[capacity];
    public int[] Starts = new int[capacity];
    public int[] Ends = new int[capacity];
    public int[] Words = new int[capacity];
    public int Count;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Add(int id, int start, int end, int word)
    {
        if (Count == Ids.Length)
        {
            Grow();
        }
        Ids[Count] = id;
        Starts[Count] = start;
        Ends[Count] = end;
        Words[Count] = word;
        Count++;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void Grow()
    {
        int size = Ids.Length * 2;
        Array.Resize(ref Ids, size);
        Array.Resize(ref Starts, size);
        Array.Resize(ref Ends, size);
        Array.Resize(ref Words, size);
    }
}
