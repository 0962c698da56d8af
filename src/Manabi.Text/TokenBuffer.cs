using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

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
        int count = Count;
        if ((uint)count >= (uint)Ids.Length)
        {
            Grow();
        }
        // The four arrays always have the same length, so the one check above covers every write.
        Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(Ids), count) = id;
        Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(Starts), count) = start;
        Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(Ends), count) = end;
        Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(Words), count) = word;
        Count = count + 1;
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
