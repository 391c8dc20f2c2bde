extension DepthMap {
    /// The fraction of pixel triples on one surface whose second difference along the row,
    /// |m[x] − 2·m[x−1] + m[x−2]|, is at least `threshold` metres: how much of the depth carries
    /// pixel-to-pixel noise of that size. Triples count when all three are measured and lie within
    /// 0.2 m + 2% of each other; every `rowStep`-th row, every third pixel. Nil when fewer than 64
    /// triples qualify.
    ///
    /// Rendered depth (CARLA's, `veil synth`'s) is almost linear from pixel to pixel on smooth
    /// surfaces: its median second difference is under 0.2 mm. A real camera's is millimetres to
    /// centimetres (`VeilBench depth-noise`).
    public func noiseFraction(above threshold: Float, rowStep: Int = 8) -> Float? {
        guard width >= 3, height >= 1 else { return nil }
        var counted = 0, noisy = 0
        metres.withUnsafeBufferPointer { m in
            for y in stride(from: rowStep / 2, to: height, by: max(1, rowStep)) {
                let row = y * width
                for x in stride(from: 2, to: width, by: 3) {
                    let a = m[row + x - 2], b = m[row + x - 1], c = m[row + x]
                    guard Self.isMeasured(a), Self.isMeasured(b), Self.isMeasured(c) else { continue }
                    let near = 0.2 + 0.02 * b
                    guard abs(a - b) < near, abs(c - b) < near else { continue }
                    counted += 1
                    if abs(c - 2 * b + a) >= threshold { noisy += 1 }
                }
            }
        }
        return counted >= 64 ? Float(noisy) / Float(counted) : nil
    }
}

extension PNGCodec.EncodeSettings {
    /// The setting to write a depth image with, from the depth it holds.
    ///
    /// Rendered depth: `depth` (the Up filter turns smooth surfaces into runs of small residuals that
    /// zlib's default matching compresses tenfold). Depth whose pixels mostly carry 2 mm or more
    /// of noise (a real camera's): `fast` (Sub, run-length), which on such depth is both faster and
    /// smaller — 1280×720 mm16 from `VeilBench rgbd-camera`: 10.2 ms and 550 KiB against 17.0 ms and
    /// 586 KiB; with a tenth of its noise (6 mm) 9.9 ms and 382 KiB against 13.1 ms and 415 KiB.
    public static func forDepth(_ depth: DepthMap?) -> PNGCodec.EncodeSettings {
        guard let fraction = depth?.noiseFraction(above: 0.002), fraction > 0.5 else { return .depth }
        return .fast
    }
}
