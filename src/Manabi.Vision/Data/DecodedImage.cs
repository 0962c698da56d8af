namespace Manabi.Vision.Data;

/// <summary>A decoded image as interleaved RGB bytes, whatever its file's colour type.</summary>
/// <param name="Path">The file it came from, for error messages.</param>
/// <param name="Rgb">Height × width × 3 bytes, row-major.</param>
/// <param name="Width">Width in pixels.</param>
/// <param name="Height">Height in pixels.</param>
/// <param name="IsGrey">Whether every pixel has equal red, green and blue.</param>
internal sealed record DecodedImage(string Path, byte[] Rgb, int Width, int Height, bool IsGrey)
{
    /// <summary>
    /// Writes the image as (channels, height, width) bytes into <paramref name="destination"/>: three planes, or one
    /// plane of luma (ITU-R BT.601) when <paramref name="channels"/> is 1, so colour images can join a grey data set.
    /// </summary>
    public void WritePlanes(Span<byte> destination, int channels)
    {
        int plane = Width * Height;
        for (int p = 0; p < plane; p++)
        {
            if (channels == 1)
            {
                destination[p] = (byte)Math.Round(0.299 * Rgb[3 * p] + 0.587 * Rgb[3 * p + 1] + 0.114 * Rgb[3 * p + 2]);
            }
            else
            {
                for (int c = 0; c < 3; c++)
                {
                    destination[c * plane + p] = Rgb[3 * p + c];
                }
            }
        }
    }
}
