/// Tells a depth image's encoding from its pixels where that is unambiguous.
public enum DepthEncodingDetector {
    /// The outcome of looking at one depth image.
    public enum Verdict: Sendable, Equatable {
        /// The pixels can only be this encoding.
        case detected(DepthEncoding)
        /// More than one encoding fits; the reason says which, for the error message.
        case ambiguous(String)
        /// No encoding fits.
        case unsupported(String)
    }

    /// Looks at a decoded depth image.
    ///
    /// 16-bit grey is `mm16`; 8-bit colour whose channels differ anywhere is `carla-raw` (24 bits
    /// across R, G, B); 8-bit grey, or colour with R = G = B everywhere, is CARLA's grey or
    /// logarithmic converter, which no pixel statistic tells apart reliably.
    public static func detect(_ image: DecodedPNG) -> Verdict {
        switch image {
        case .sixteen(let raster):
            return raster.channels == 1
                ? .detected(.mm16)
                : .unsupported("16-bit PNG with \(raster.channels) channels; depth must be 16-bit grey (mm16) or 8-bit CARLA depth")
        case .eight(let raster):
            if raster.channels >= 3 {
                let channels = raster.channels
                let differs = raster.samples.withUnsafeBufferPointer { s -> Bool in
                    var i = 0
                    while i < s.count {
                        if s[i] != s[i + 1] || s[i] != s[i + 2] { return true }
                        i += channels
                    }
                    return false
                }
                if differs { return .detected(.carlaRaw) }
            }
            return .ambiguous("8-bit grey depth is either carla-gray (ColorConverter.Depth) or carla-log (LogarithmicDepth)")
        }
    }
}
