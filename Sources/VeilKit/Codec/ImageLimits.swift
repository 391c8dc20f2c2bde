/// Bounds that keep a hostile or broken file from exhausting memory before a pixel is decoded.
public enum ImageLimits {
    /// The widest and tallest image Veil decodes (16384 px, well past any camera it serves).
    public static let maximumSide = 16_384
    /// The most pixels one image may have (64 megapixels).
    public static let maximumPixels = 64 << 20
}
