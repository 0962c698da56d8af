using SkiaSharp;

namespace Manabi.Cli.Siamese;

/// <summary>One row of a one-shot episode picture: the query, the support images (one per class), and the chosen one.</summary>
/// <param name="Query">The query image, (channels, height, width) bytes.</param>
/// <param name="QueryCaption">The query's caption (its true class).</param>
/// <param name="Supports">The support images, one per class of the episode.</param>
/// <param name="SupportCaptions">Their captions (class and distance).</param>
/// <param name="Chosen">The index of the nearest support.</param>
/// <param name="Correct">Whether the nearest support has the query's class.</param>
public sealed record EpisodeRow(byte[] Query, string QueryCaption, IReadOnlyList<byte[]> Supports, IReadOnlyList<string> SupportCaptions, int Chosen, bool Correct);

/// <summary>Renders one-shot episodes as a PNG: per row the query, then the supports with a frame around the match.</summary>
public static class EpisodeGrid
{
    private const int Scale = 3;
    private const int Gap = 8;
    private const int CaptionHeight = 16;

    /// <summary>Encodes the rows as PNG bytes; images are grey or RGB of <paramref name="width"/>×<paramref name="height"/>.</summary>
    public static byte[] Render(IReadOnlyList<EpisodeRow> rows, int channels, int height, int width, string title)
    {
        ArgumentNullException.ThrowIfNull(rows);
        if (rows.Count == 0)
        {
            throw new ArgumentException("No episodes to draw.", nameof(rows));
        }
        int tileWidth = width * Scale, tileHeight = height * Scale;
        int columns = 1 + rows.Max(r => r.Supports.Count);
        int headerHeight = 24;
        int imageWidth = Gap + columns * (tileWidth + 2 * Gap) + 3 * Gap;
        int imageHeight = headerHeight + rows.Count * (tileHeight + CaptionHeight + Gap) + Gap;
        using var surface = SKSurface.Create(new SKImageInfo(imageWidth, imageHeight, SKColorType.Rgba8888, SKAlphaType.Premul));
        var canvas = surface.Canvas;
        canvas.Clear(SKColors.White);
        using var font = new SKFont(SKTypeface.Default, 11);
        using var text = new SKPaint { IsAntialias = true, Color = SKColors.Black };
        using var frame = new SKPaint { Style = SKPaintStyle.Stroke, StrokeWidth = 3, IsAntialias = true };
        canvas.DrawText(title, Gap, 16, font, text);
        for (int r = 0; r < rows.Count; r++)
        {
            var row = rows[r];
            int y = headerHeight + r * (tileHeight + CaptionHeight + Gap);
            Draw(canvas, row.Query, channels, height, width, new SKRect(Gap, y, Gap + tileWidth, y + tileHeight));
            text.Color = SKColors.Black;
            canvas.DrawText("query: " + row.QueryCaption, Gap, y + tileHeight + 12, font, text);
            for (int s = 0; s < row.Supports.Count; s++)
            {
                // The supports start after a wider gap, so the query stands apart.
                float x = Gap + (s + 1) * (tileWidth + 2 * Gap) + 2 * Gap;
                var rect = new SKRect(x, y, x + tileWidth, y + tileHeight);
                Draw(canvas, row.Supports[s], channels, height, width, rect);
                if (s == row.Chosen)
                {
                    frame.Color = row.Correct ? new SKColor(0, 150, 0) : new SKColor(200, 0, 0);
                    canvas.DrawRect(SKRect.Inflate(rect, 2, 2), frame);
                }
                text.Color = s == row.Chosen ? frame.Color : SKColors.Black;
                canvas.DrawText(row.SupportCaptions[s], x, y + tileHeight + 12, font, text);
            }
        }
        using var image = surface.Snapshot();
        using var png = image.Encode(SKEncodedImageFormat.Png, 100);
        return png.ToArray();
    }

    private static void Draw(SKCanvas canvas, byte[] pixels, int channels, int height, int width, SKRect rect)
    {
        int plane = width * height;
        using var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        var bytes = new byte[plane * 4];
        for (int p = 0; p < plane; p++)
        {
            bytes[4 * p] = pixels[p];
            bytes[4 * p + 1] = channels == 3 ? pixels[plane + p] : pixels[p];
            bytes[4 * p + 2] = channels == 3 ? pixels[2 * plane + p] : pixels[p];
            bytes[4 * p + 3] = 255;
        }
        System.Runtime.InteropServices.Marshal.Copy(bytes, 0, bitmap.GetPixels(), bytes.Length);
        canvas.DrawBitmap(bitmap, rect);
    }
}
