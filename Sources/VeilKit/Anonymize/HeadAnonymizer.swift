import Foundation

/// Makes every masked head unrecognizable, touching nothing outside the mask and its feather.
///
/// Each connected blob of the mask is one head (or heads that touch). Its pixels go through the
/// chosen method in a patch around the blob; then mask pixels take the result whole, a feather
/// ring of `feather` pixels *outside* the mask blends from result to original, and every other
/// pixel keeps its exact input value.
public struct HeadAnonymizer: Sendable {
    public var method: AnonymizationMethod
    public var noise = GaussianNoiseStep()
    public var warp = RandomWarpStep(amplitude: 0.45, affine: (rotation: 0.15, scale: 0.1, shear: 0.1, shift: 0.08))
    public var smoothing = SmoothingStep()
    public var resampling: ResamplingStep
    /// Width of the blend ring outside the mask, pixels.
    public var feather: Int = 3

    public init(method: AnonymizationMethod = .ensemble, strength: Int = 7) {
        self.method = method
        resampling = ResamplingStep(blocks: strength)
    }

    /// One blob of the mask.
    public struct Blob: Sendable, Equatable {
        public var box: PixelBox
        public var pixels: [Int]
    }

    /// Chessboard distance (in pixels, capped at `limit`) from every pixel of `area` to the nearest
    /// mask pixel, by two raster passes. Mask pixels outside `area` count too (a neighbour's head).
    static func chebyshevDistance(mask: [UInt8], frameWidth w: Int, area: PixelBox, limit: Int) -> [UInt8] {
        let (aw, ah) = (area.width, area.height)
        let cap = UInt8(min(255, limit))
        var d = [UInt8](repeating: cap, count: aw * ah)
        for y in 0..<ah { for x in 0..<aw where mask[(area.y0 + y) * w + area.x0 + x] != 0 { d[y * aw + x] = 0 } }
        @inline(__always) func relax(_ i: Int, _ j: Int) { if d[j] < 255, d[j] + 1 < d[i] { d[i] = d[j] + 1 } }
        for y in 0..<ah {
            for x in 0..<aw {
                let i = y * aw + x
                if x > 0 { relax(i, i - 1) }
                if y > 0 {
                    relax(i, i - aw)
                    if x > 0 { relax(i, i - aw - 1) }
                    if x + 1 < aw { relax(i, i - aw + 1) }
                }
            }
        }
        for y in stride(from: ah - 1, through: 0, by: -1) {
            for x in stride(from: aw - 1, through: 0, by: -1) {
                let i = y * aw + x
                if x + 1 < aw { relax(i, i + 1) }
                if y + 1 < ah {
                    relax(i, i + aw)
                    if x + 1 < aw { relax(i, i + aw + 1) }
                    if x > 0 { relax(i, i + aw - 1) }
                }
            }
        }
        return d
    }

    /// The mean RGB of `pixels` (indices into `image`, not empty).
    static func meanColour(_ pixels: [Int], in image: Raster<UInt8>) -> [Float] {
        var mean = [Float](repeating: 0, count: 3)
        for i in pixels { for c in 0..<3 { mean[c] += Float(image.samples[i * 3 + c]) } }
        return mean.map { $0 / Float(pixels.count) }
    }

    /// The 4-connected blobs of `mask`, in scan order (so head numbers are deterministic).
    public static func blobs(mask: [UInt8], width: Int, height: Int) -> [Blob] {
        var seen: [Bool] = []  // made at the first mask pixel: a frame without heads needs none
        var blobs: [Blob] = []
        var stack: [Int] = []
        mask.withUnsafeBufferPointer { m in
            let raw = UnsafeRawBufferPointer(m)
            var start = 0
            while start < m.count {
                // Empty stretches are skipped eight pixels at a time.
                if start + 8 <= m.count, raw.loadUnaligned(fromByteOffset: start, as: UInt64.self) == 0 {
                    start += 8
                    continue
                }
                defer { start += 1 }
                guard m[start] != 0 else { continue }
                if seen.isEmpty { seen = [Bool](repeating: false, count: m.count) }
                guard !seen[start] else { continue }
                var blob = Blob(box: PixelBox(x0: Int.max, y0: Int.max, x1: -1, y1: -1), pixels: [])
                seen[start] = true
                stack.append(start)
                while let i = stack.popLast() {
                    blob.pixels.append(i)
                    let x = i % width, y = i / width
                    blob.box = PixelBox(x0: min(blob.box.x0, x), y0: min(blob.box.y0, y), x1: max(blob.box.x1, x), y1: max(blob.box.y1, y))
                    if x > 0, m[i - 1] != 0, !seen[i - 1] { seen[i - 1] = true; stack.append(i - 1) }
                    if x + 1 < width, m[i + 1] != 0, !seen[i + 1] { seen[i + 1] = true; stack.append(i + 1) }
                    if y > 0, m[i - width] != 0, !seen[i - width] { seen[i - width] = true; stack.append(i - width) }
                    if y + 1 < height, m[i + width] != 0, !seen[i + width] { seen[i + width] = true; stack.append(i + width) }
                }
                blobs.append(blob)
            }
        }
        return blobs
    }

    /// Anonymizes `image` in place where `mask` is set; `random(head)` gives each blob its randomness.
    ///
    /// - Parameter blobs: the mask's blobs when the caller has them already (`HeadAnonymizer.blobs`).
    public func apply(to image: inout Raster<UInt8>, mask: [UInt8], blobs: [Blob]? = nil,
                      random: (Int) -> AnonymizationRandom) throws {
        precondition(image.channels == 3 && mask.count == image.pixelCount, "an RGB image and a mask of its size")
        let (w, h) = (image.width, image.height)
        for (index, blob) in (blobs ?? Self.blobs(mask: mask, width: w, height: h)).enumerated() {
            var rng = random(index)
            try anonymize(blob, in: &image, mask: mask, random: &rng)
        }
    }

    func anonymize(_ blob: Blob, in image: inout Raster<UInt8>, mask: [UInt8], random: inout AnonymizationRandom) throws {
        let (w, h) = (image.width, image.height)
        let headSize = Float(max(blob.box.width, blob.box.height * 3 / 4, 2))
        // Context around the blob for the warp and blur to draw on, plus the feather ring.
        let margin = feather + max(2, Int(headSize * 0.15))
        let area = blob.box.expanded(by: margin, width: w, height: h)
        let rowValues = area.width * 3
        // The area's pixels, 8-bit.
        var pixels8 = Raster<UInt8>(width: area.width, height: area.height, channels: 3)
        image.samples.withUnsafeBufferPointer { src in
            pixels8.samples.withUnsafeMutableBufferPointer { out in
                for y in area.y0...area.y1 {
                    let from = (y * w + area.x0) * 3, to = (y - area.y0) * rowValues
                    for k in 0..<rowValues { out[to + k] = src[from + k] }
                }
            }
        }
        // The method's result over `area`, 8-bit.
        var result: Raster<UInt8>
        switch method {
        case .ensemble:
            // Only the head's own pixels feed the steps: the rest of the patch, and the band below
            // the chin (where a shirt's collar often lies), takes the head's mean colour, so the warp
            // and blur move head content around instead of pulling in background or clothes.
            var source = blob.pixels.filter { mask[$0] == HeadMasker.head }
            if source.isEmpty { source = blob.pixels }
            let feeds = source.count == blob.pixels.count
            let mean = Self.meanColour(source, in: image)
            /// Calls `body` with the area's offset of every pixel that takes the mean.
            func forEachFilled(_ body: (Int) -> Void) {
                for y in area.y0...area.y1 {
                    for x in area.x0...area.x1 where feeds ? mask[y * w + x] == 0 : mask[y * w + x] != HeadMasker.head {
                        body(((y - area.y0) * area.width + (x - area.x0)) * 3)
                    }
                }
            }
            // A head of 96 px or more is worked on at a scale where it spans 48–95 px: the smoothing
            // (σ 6% of the head) and the resampling to `strength` blocks that end the ensemble keep
            // nothing that averaging its pixels in squares first removes, and noise, warp and blur
            // cost what they cost on a head of that size (a 300 px head, 0.5–1 m from an XR
            // headset's camera, took 19.5 ms to anonymize in all; smaller heads are worked on as before).
            let factor = max(1, Int(headSize) / 48)
            var work: Patch
            if factor > 1 {
                let fill = mean.map { UInt8(max(0, min(255, $0.rounded()))) }
                forEachFilled { p in for c in 0..<3 { pixels8.samples[p + c] = fill[c] } }
                work = Patch(try ImageOps.resize(pixels8, width: (area.width + factor - 1) / factor,
                                                 height: (area.height + factor - 1) / factor, interpolation: .area))
            } else {
                work = Patch(pixels8)
                forEachFilled { p in for c in 0..<3 { work.values[p + c] = mean[c] } }
            }
            let workHead = headSize / Float(factor)
            noise.apply(&work, headSize: workHead, random: &random)
            warp.apply(&work, headSize: workHead, random: &random)
            // Smoothing and resampling run on 8-bit pixels (OpenCV): one conversion for both. A large
            // head is smoothed at half resolution: the blur (σ 6% of the head) and the resampling to
            // `strength` blocks that follows keep nothing a 2×2 average removes, and the blur costs a
            // quarter (a 100 px head: 0.9 → 0.25 ms).
            var pixels = work.raster()
            let halve = workHead >= 48
            if halve { pixels = try ImageOps.resize(pixels, width: (work.width + 1) / 2, height: (work.height + 1) / 2, interpolation: .area) }
            let scaledHead = halve ? workHead / 2 : workHead
            try smoothing.apply(&pixels, headSize: scaledHead)
            try resampling.apply(&pixels, headSize: scaledHead, size: (area.width, area.height))
            result = pixels
        case .blur:
            result = pixels8
            try SmoothingStep(sigma: 0.12).apply(&result, headSize: headSize)
        case .mosaic:
            result = pixels8
            try resampling.apply(&result, headSize: headSize, interpolationUp: .nearest)
        case .solid:
            let mean = Self.meanColour(blob.pixels, in: image).map { UInt8(max(0, min(255, $0.rounded()))) }
            result = Raster(width: area.width, height: area.height, channels: 3,
                            samples: (0..<(area.area * 3)).map { mean[$0 % 3] })
        }
        // Composite: mask pixels whole; the feather ring outside the mask blended; the rest untouched.
        let distance = Self.chebyshevDistance(mask: mask, frameWidth: w, area: area, limit: feather + 1)
        result.samples.withUnsafeBufferPointer { out in
            image.samples.withUnsafeMutableBufferPointer { samples in
                for y in area.y0...area.y1 {
                    for x in area.x0...area.x1 {
                        let local = (y - area.y0) * area.width + (x - area.x0)
                        let d = Int(distance[local])
                        guard d <= feather else { continue }
                        let (i, p) = ((y * w + x) * 3, local * 3)
                        if d == 0 {
                            samples[i] = out[p]; samples[i + 1] = out[p + 1]; samples[i + 2] = out[p + 2]
                            continue
                        }
                        let alpha = 1 - Float(d) / Float(feather + 1)
                        for c in 0..<3 {
                            let value = alpha * Float(out[p + c]) + (1 - alpha) * Float(samples[i + c])
                            samples[i + c] = UInt8(max(0, min(255, value.rounded())))
                        }
                    }
                }
            }
        }
    }
}
