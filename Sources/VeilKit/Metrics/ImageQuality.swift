import Foundation

/// Image similarity measures over a crop, for the reversal attacks.
public enum ImageQuality {
    /// Peak signal-to-noise ratio (dB) between two equally sized RGB crops, over the pixels `mask` marks.
    public static func psnr(_ a: Raster<UInt8>, _ b: Raster<UInt8>, mask: [Bool]) -> Double {
        var sum = 0.0, n = 0
        for i in 0..<a.pixelCount where mask[i] {
            for c in 0..<3 {
                let d = Double(a.samples[i * 3 + c]) - Double(b.samples[i * 3 + c])
                sum += d * d
            }
            n += 3
        }
        guard n > 0 else { return .nan }
        let mse = sum / Double(n)
        return mse == 0 ? 99 : 10 * log10(255 * 255 / mse)
    }

    /// Structural similarity (Wang et al. 2004) of the grey levels of two equally sized crops, with
    /// 7×7 windows (smaller crops: one window); 1 = identical.
    public static func ssim(_ a: Raster<UInt8>, _ b: Raster<UInt8>) -> Double {
        func grey(_ r: Raster<UInt8>) -> [Double] {
            (0..<r.pixelCount).map { (i: Int) -> Double in
                let red = Double(r.samples[i * 3]), green = Double(r.samples[i * 3 + 1]), blue = Double(r.samples[i * 3 + 2])
                return 0.299 * red + 0.587 * green + 0.114 * blue
            }
        }
        let x = grey(a), y = grey(b)
        let (w, h) = (a.width, a.height)
        let win = min(7, w, h)
        let c1 = pow(0.01 * 255, 2.0), c2 = pow(0.03 * 255, 2.0)
        var total = 0.0, count = 0
        for y0 in 0...(h - win) {
            for x0 in 0...(w - win) {
                var mx = 0.0, my = 0.0
                for yy in y0..<(y0 + win) { for xx in x0..<(x0 + win) { mx += x[yy * w + xx]; my += y[yy * w + xx] } }
                let n = Double(win * win)
                mx /= n; my /= n
                var vx = 0.0, vy = 0.0, cov = 0.0
                for yy in y0..<(y0 + win) {
                    for xx in x0..<(x0 + win) {
                        let dx = x[yy * w + xx] - mx, dy = y[yy * w + xx] - my
                        vx += dx * dx; vy += dy * dy; cov += dx * dy
                    }
                }
                vx /= n - 1; vy /= n - 1; cov /= n - 1
                total += ((2 * mx * my + c1) * (2 * cov + c2)) / ((mx * mx + my * my + c1) * (vx + vy + c2))
                count += 1
            }
        }
        return count > 0 ? total / Double(count) : .nan
    }
}

/// Restoration attacks an adversary would try on an anonymized head.
public enum RestorationAttack: String, CaseIterable, Sendable {
    /// The anonymized crop as it is.
    case none
    /// Unsharp masking: crop + 1.5 · (crop − blurred crop).
    case sharpen
    /// Richardson–Lucy deconvolution (15 iterations) assuming the Gaussian blur the method used.
    case deconvolution
    /// Bicubic upsampling from half size, which smooths resampling blocks and noise.
    case upsampling

    /// The restored crop.
    public func apply(_ crop: Raster<UInt8>, blurSigma: Double) throws -> Raster<UInt8> {
        switch self {
        case .none:
            return crop
        case .sharpen:
            var blurred = crop
            try ImageOps.gaussianBlur(&blurred, x: 0, y: 0, width: crop.width, height: crop.height, sigma: max(0.8, blurSigma))
            var out = crop
            for i in out.samples.indices {
                out.samples[i] = UInt8(max(0, min(255, (2.5 * Double(crop.samples[i]) - 1.5 * Double(blurred.samples[i])).rounded())))
            }
            return out
        case .deconvolution:
            // u ← u · K * (d / (K * u)), K a Gaussian of the assumed sigma (symmetric, so K* = K).
            let observed = crop.samples.map { Double($0) + 1 }
            var estimate = observed
            func blur(_ v: [Double]) throws -> [Double] {
                // Scale into 8 bits for OpenCV, keeping two decimals of headroom in a 0…255 range.
                let maxValue = max(1, v.max() ?? 1)
                var r = Raster<UInt8>(width: crop.width, height: crop.height, channels: 3,
                                      samples: v.map { UInt8(max(0, min(255, ($0 / maxValue * 255).rounded()))) })
                try ImageOps.gaussianBlur(&r, x: 0, y: 0, width: crop.width, height: crop.height, sigma: max(0.8, blurSigma))
                return r.samples.map { Double($0) / 255 * maxValue + 1e-3 }
            }
            for _ in 0..<15 {
                let predicted = try blur(estimate)
                let ratio = zip(observed, predicted).map { $0 / $1 }
                let correction = try blur(ratio)
                estimate = zip(estimate, correction).map { $0 * $1 }
            }
            return Raster(width: crop.width, height: crop.height, channels: 3,
                          samples: estimate.map { UInt8(max(0, min(255, ($0 - 1).rounded()))) })
        case .upsampling:
            let small = try ImageOps.resize(crop, width: max(1, crop.width / 2), height: max(1, crop.height / 2), interpolation: .area)
            return try ImageOps.resize(small, width: crop.width, height: crop.height, interpolation: .cubic)
        }
    }
}
