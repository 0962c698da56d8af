namespace Manabi.Torch.Training;

/// <summary>
/// The views of each test image whose logits an image classifier's evaluation averages (test-time augmentation),
/// as airbench's <c>tta_level</c> 0, 1 and 2.
/// </summary>
public enum TestTimeAugmentation
{
    /// <summary>The image alone (1 view).</summary>
    None,

    /// <summary>The image and its mirror image, weighted equally (2 views).</summary>
    Flip,

    /// <summary>
    /// Half the weight on the image and its mirror image, half on both of them moved one pixel down and right and one
    /// pixel up and left, the pixels moved in filled black as the training crops fill them (6 views).
    /// </summary>
    FlipAndTranslate,
}
