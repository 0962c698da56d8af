using SkiaSharp;

namespace Manabi.Cli.Vision;

/// <summary>One tile of an explanation grid: an input image, its heat map and a caption.</summary>
/// <param name="Pixels">The image, (channels, height, width) bytes.</param>
/// <param name="Channels">1 (grey) or 3 (RGB).</param>
/// <param name="Height">Image height.</param>
/// <param name="Width">Image width.</param>
/// <param name="Map">The explanation map in [0, 1], row-major, <paramref name="MapHeight"/>×<paramref name="MapWidth"/>.</param>
/// <param name="MapHeight">Map height.</param>
/// <param name="MapWidth">Map width.</param>
/// <param name="Caption">Text under the tile (e.g. "Coat → Coat").</param>
/// <param name="Correct">Whether the prediction was right (the caption is green, else red).</param>
public sealed record ExplanationTile(byte[] Pixels, int Channels, int Height, int Width, float[] Map, int MapHeight, int MapWidth, string Caption, bool Correct);

/// <summary>Renders explanation tiles as a PNG grid: each input beside the input overlaid with its heat map.</summary>
public static class ExplanationGrid
{
    private const int Scale = 4;
    private const int CaptionHeight = 16;
    private const int Gap = 6;

    /// <summary>Encodes the grid as PNG bytes, <paramref name="columns"/> tiles per row.</summary>
    public static byte[] Render(IReadOnlyList<ExplanationTile> tiles, int columns, string title)
    {
        ArgumentNullException.ThrowIfNull(tiles);
        if (tiles.Count == 0)
        {
            throw new ArgumentException("No tiles to draw.", nameof(tiles));
        }
        int tileWidth = tiles[0].Width * Scale, tileHeight = tiles[0].Height * Scale;
        int cellWidth = 2 * tileWidth + Gap, cellHeight = tileHeight + CaptionHeight;
        int rows = (tiles.Count + columns - 1) / columns;
        int headerHeight = 24;
        int width = columns * (cellWidth + 2 * Gap) + Gap, height = headerHeight + rows * (cellHeight + Gap) + Gap;
        using var surface = SKSurface.Create(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul));
        var canvas = surface.Canvas;
        canvas.Clear(SKColors.White);
        using var font = new SKFont(SKTypeface.Default, 12);
        using var textPaint = new SKPaint { IsAntialias = true, Color = SKColors.Black };
        canvas.DrawText(title, Gap, 16, font, textPaint);
        for (int i = 0; i < tiles.Count; i++)
        {
            var tile = tiles[i];
            int x = Gap + i % columns * (cellWidth + 2 * Gap), y = headerHeight + i / columns * (cellHeight + Gap);
            using var input = ToBitmap(tile, overlay: false);
            using var overlaid = ToBitmap(tile, overlay: true);
            using var sampling = new SKPaint();
            canvas.DrawBitmap(input, new SKRect(x, y, x + tileWidth, y + tileHeight));
            canvas.DrawBitmap(overlaid, new SKRect(x + tileWidth + Gap, y, x + 2 * tileWidth + Gap, y + tileHeight));
            textPaint.Color = tile.Correct ? new SKColor(0, 120, 0) : new SKColor(190, 0, 0);
            canvas.DrawText(tile.Caption, x, y + tileHeight + 12, font, textPaint);
        }
        using var image = surface.Snapshot();
        using var png = image.Encode(SKEncodedImageFormat.Png, 100);
        return png.ToArray();
    }

    private static SKBitmap ToBitmap(ExplanationTile tile, bool overlay)
    {
        int w = tile.Width, h = tile.Height, plane = w * h;
        var bitmap = new SKBitmap(new SKImageInfo(w, h, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        var bytes = new byte[plane * 4];
        for (int y = 0; y < h; y++)
        {
            for (int x = 0; x < w; x++)
            {
                int p = y * w + x;
                double r = tile.Pixels[p], g = tile.Channels == 3 ? tile.Pixels[plane + p] : r, b = tile.Channels == 3 ? tile.Pixels[2 * plane + p] : r;
                if (overlay)
                {
                    double m = Sample(tile, (y + 0.5) / h, (x + 0.5) / w);
                    var (hr, hg, hb) = Jet(m);
                    // Half the image, half the heat colour: the map explains where, the image shows what.
                    r = 0.5 * r + 0.5 * hr;
                    g = 0.5 * g + 0.5 * hg;
                    b = 0.5 * b + 0.5 * hb;
                }
                bytes[4 * p] = (byte)Math.Clamp(r, 0, 255);
                bytes[4 * p + 1] = (byte)Math.Clamp(g, 0, 255);
                bytes[4 * p + 2] = (byte)Math.Clamp(b, 0, 255);
                bytes[4 * p + 3] = 255;
            }
        }
        System.Runtime.InteropServices.Marshal.Copy(bytes, 0, bitmap.GetPixels(), bytes.Length);
        return bitmap;
    }

    /// <summary>Bilinear sample of the map at relative position (v, u) in [0, 1].</summary>
    private static double Sample(ExplanationTile tile, double v, double u)
    {
        double fy = Math.Clamp(v * tile.MapHeight - 0.5, 0, tile.MapHeight - 1), fx = Math.Clamp(u * tile.MapWidth - 0.5, 0, tile.MapWidth - 1);
        int y0 = (int)fy, x0 = (int)fx, y1 = Math.Min(y0 + 1, tile.MapHeight - 1), x1 = Math.Min(x0 + 1, tile.MapWidth - 1);
        double ty = fy - y0, tx = fx - x0;
        double top = tile.Map[y0 * tile.MapWidth + x0] * (1 - tx) + tile.Map[y0 * tile.MapWidth + x1] * tx;
        double bottom = tile.Map[y1 * tile.MapWidth + x0] * (1 - tx) + tile.Map[y1 * tile.MapWidth + x1] * tx;
        return top * (1 - ty) + bottom * ty;
    }

    /// <summary>The jet colour map: blue (0) through green to red (1).</summary>
    private static (double R, double G, double B) Jet(double value)
    {
        double v = Math.Clamp(value, 0, 1);
        double r = Math.Clamp(1.5 - Math.Abs(4 * v - 3), 0, 1);
        double g = Math.Clamp(1.5 - Math.Abs(4 * v - 2), 0, 1);
        double b = Math.Clamp(1.5 - Math.Abs(4 * v - 1), 0, 1);
        return (255 * r, 255 * g, 255 * b);
    }
}
