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

    /// One blob of the mask: its box, and its pixels (indices into the frame) in scan order.
    public struct Blob: Sendable, Equatable {
        public var box: PixelBox
        public var pixels: [Int]
        /// A square of the cover where a real camera's depth ends (`blobs(mask:width:height:coverTile:)`):
        /// worked on at a scale where it spans 12–23 px (see `anonymizeCover`).
        public var isCoverTile = false

        public init(box: PixelBox, pixels: [Int], isCoverTile: Bool = false) {
            self.box = box
            self.pixels = pixels
            self.isCoverTile = isCoverTile
        }
    }

    /// Chessboard distance (in pixels, capped at `limit`) from every pixel of `area` to the nearest
    /// mask pixel in it. Every mask pixel in `area` counts, a neighbouring head's too.
    ///
    /// Separably: along each row, the distance to that row's nearest mask pixel, the least `dx` <
    /// `limit` for which the pixel `dx` to the left or right is on the mask; then each
    /// pixel's distance is the least, over the rows `dy` < `limit` above and below, of the larger of
    /// `dy` and that row's distance. Both steps are whole rows of minima and maxima over raw
    /// pointers, which the compiler vectorizes, `limit` passes each way (the feather's limit is 4).
    /// The feather's two chamfer passes of eight branching neighbour tests a pixel had been a third
    /// of the colour anonymizer's own time on heads 100–300 px across; after them a running count
    /// along each row, pixel by pixel, and the rows' minima over arrays, which the compiler left
    /// byte by byte, were the largest part of the ensemble's time on a head 400 px across (with the
    /// fill and the composite's eight at a time: 7.5 → 3.0–4.3 ms for a round head in a 1280×720 frame).
    static func chebyshevDistance(mask: [UInt8], frameWidth w: Int, area: PixelBox, limit: Int) -> [UInt8] {
        let (aw, ah) = (area.width, area.height)
        let cap = min(255, max(0, limit))
        let far = UInt8(cap)
        // Each row: 0 on the mask, `cap` off it (`base`); then the least `dx` for which the pixel
        // `dx` to the left or right is on the mask (`across`).
        var base = [UInt8](repeating: far, count: aw * ah)
        mask.withUnsafeBufferPointer { m in
            base.withUnsafeMutableBufferPointer { b in
                for y in 0..<ah {
                    let from = (area.y0 + y) * w + area.x0, o = y * aw
                    for x in 0..<aw { b[o + x] = m[from + x] != 0 ? 0 : far }
                }
            }
        }
        var across = base
        across.withUnsafeMutableBufferPointer { a in
            base.withUnsafeBufferPointer { b in
                for y in 0..<ah {
                    let o = y * aw
                    for dx in stride(from: 1, to: min(cap, aw), by: 1) {
                        lowerToDistance(a.baseAddress! + o + dx, from: b.baseAddress! + o, UInt8(dx), count: aw - dx)
                        lowerToDistance(a.baseAddress! + o, from: b.baseAddress! + o + dx, UInt8(dx), count: aw - dx)
                    }
                }
            }
        }
        var d = across
        d.withUnsafeMutableBufferPointer { d in
            across.withUnsafeBufferPointer { a in
                for dy in stride(from: 1, to: cap, by: 1) {
                    for y in 0..<ah {
                        if y >= dy { lowerToDistance(d.baseAddress! + y * aw, from: a.baseAddress! + (y - dy) * aw, UInt8(dy), count: aw) }
                        if y + dy < ah { lowerToDistance(d.baseAddress! + y * aw, from: a.baseAddress! + (y + dy) * aw, UInt8(dy), count: aw) }
                    }
                }
            }
        }
        return d
    }

    /// `d[x] = min(d[x], max(k, a[x]))` for `count` bytes: a distance `k` away from one of `a`'s
    /// (whose pixels on the mask are 0), over raw pointers the compiler vectorizes. Not inlined:
    /// inlined into the cover's anonymizer, the loop had been left byte by byte.
    @inline(never) static func lowerToDistance(_ d: UnsafeMutablePointer<UInt8>, from a: UnsafePointer<UInt8>, _ k: UInt8, count: Int) {
        for x in 0..<count { d[x] = min(d[x], max(k, a[x])) }
    }

    /// The mean RGB of those of `pixels` (indices into `image`) that `include` takes, and how many
    /// it took; zeros where it took none.
    static func meanColour(_ pixels: [Int], in image: Raster<UInt8>, where include: (Int) -> Bool = { _ in true }) -> (mean: [Float], count: Int) {
        var (r, g, b): (Float, Float, Float) = (0, 0, 0)
        var count = 0
        image.samples.withUnsafeBufferPointer { samples in
            for i in pixels where include(i) {
                r += Float(samples[i * 3]); g += Float(samples[i * 3 + 1]); b += Float(samples[i * 3 + 2])
                count += 1
            }
        }
        return count == 0 ? ([0, 0, 0], 0) : ([r, g, b].map { $0 / Float(count) }, count)
    }

    /// The 4-connected blobs of `mask`, in scan order of their first pixels (so head numbers are
    /// deterministic), each blob's pixels in scan order too.
    ///
    /// The mask's runs (a row's stretches of set pixels) are joined where they overlap a run of the
    /// row above, by union-find with the earliest run as each set's root; then every run's pixels go
    /// to its root's blob. A pixel-by-pixel flood fill took 2–3 ms a frame on heads 0.5–1 m from a
    /// camera at 1280×720 (a stack push, two divisions and a box update a pixel).
    public static func blobs(mask: [UInt8], width: Int, height: Int) -> [Blob] {
        precondition(mask.count == width * height, "a mask of the frame's size")
        // Runs: first and last column, and row.
        var runs: [(x0: Int32, x1: Int32, y: Int32)] = []
        var parent: [Int32] = []
        @inline(__always) func root(_ r: Int32) -> Int32 {
            var r = r
            while parent[Int(r)] != r {
                parent[Int(r)] = parent[Int(parent[Int(r)])]
                r = parent[Int(r)]
            }
            return r
        }
        mask.withUnsafeBufferPointer { m in
            var above = 0..<0  // the runs of the row above
            for y in 0..<height {
                let first = runs.count
                var p = above.lowerBound
                m.forEachRun(from: y * width, count: width) { x0, end in
                    let r = Int32(runs.count)
                    runs.append((Int32(x0), Int32(end - 1), Int32(y)))
                    parent.append(r)
                    // Runs above that share a column with this one (they are in column order).
                    while p < above.upperBound, runs[p].x1 < Int32(x0) { p += 1 }
                    var q = p
                    while q < above.upperBound, runs[q].x0 <= Int32(end - 1) {
                        let (a, b) = (root(Int32(q)), root(r))
                        if a != b { parent[Int(max(a, b))] = min(a, b) }
                        q += 1
                    }
                    // The last run above that overlapped may reach under the next run of this row too.
                    if q > p { p = q - 1 }
                }
                above = first..<runs.count
            }
        }
        guard !runs.isEmpty else { return [] }
        // Blob numbers of the roots, in run order (a root is its set's earliest run), and each
        // blob's pixel count and box.
        var number = [Int32](repeating: -1, count: runs.count)
        var counts: [Int] = []
        var blobs: [Blob] = []
        for r in 0..<runs.count {
            let top = Int(root(Int32(r)))
            if number[top] < 0 {
                number[top] = Int32(blobs.count)
                blobs.append(Blob(box: PixelBox(x0: Int.max, y0: Int.max, x1: -1, y1: -1), pixels: []))
                counts.append(0)
            }
            let k = Int(number[top])
            number[r] = Int32(k)
            let run = runs[r]
            counts[k] += Int(run.x1 - run.x0) + 1
            blobs[k].box = PixelBox(x0: min(blobs[k].box.x0, Int(run.x0)), y0: min(blobs[k].box.y0, Int(run.y)),
                                    x1: max(blobs[k].box.x1, Int(run.x1)), y1: max(blobs[k].box.y1, Int(run.y)))
        }
        for k in blobs.indices { blobs[k].pixels.reserveCapacity(counts[k]) }
        for (r, run) in runs.enumerated() {
            let base = Int(run.y) * width
            blobs[Int(number[r])].pixels.append(contentsOf: (base + Int(run.x0))...(base + Int(run.x1)))
        }
        return blobs
    }

    /// The blobs of `mask` as `blobs(mask:width:height:)` gives them, but with its cover past a real
    /// camera's range (`HeadMasker.beyondRange`) apart from its heads and cut into `tile`×`tile`
    /// squares of the frame's grid. The cover runs along a frame's horizon: one blob of it would be
    /// anonymized as a single head as large as itself (resampled to a few blocks across the whole
    /// width), where each face in it is a head of a third of `tile` at most; and a head it touches
    /// would be cut with it. Order stays deterministic: the heads' blobs, then the squares of each
    /// cover blob in scan order. `tile` 0: the plain blobs.
    public static func blobs(mask: [UInt8], width: Int, height: Int, coverTile tile: Int) -> [Blob] {
        guard tile > 0 else { return blobs(mask: mask, width: width, height: height) }
        // The heads' mask and the cover's, in one branch-free pass the compiler vectorizes.
        var heads = [UInt8](repeating: 0, count: mask.count), cover = [UInt8](repeating: 0, count: mask.count)
        var covered: UInt8 = 0
        mask.withUnsafeBufferPointer { m in
            heads.withUnsafeMutableBufferPointer { headPixels in
                cover.withUnsafeMutableBufferPointer { coverPixels in
                    for i in 0..<m.count {
                        let isCover: UInt8 = m[i] == HeadMasker.beyondRange ? 1 : 0
                        headPixels[i] = m[i] & (isCover &- 1)
                        coverPixels[i] = isCover
                        covered |= isCover
                    }
                }
            }
        }
        guard covered != 0 else { return blobs(mask: mask, width: width, height: height) }
        var out = blobs(mask: heads, width: width, height: height)
        for blob in blobs(mask: cover, width: width, height: height) {
            let (c0, r0) = (blob.box.x0 / tile, blob.box.y0 / tile)
            let columns = blob.box.x1 / tile - c0 + 1, rows = blob.box.y1 / tile - r0 + 1
            var cells = [[Int]](repeating: [], count: columns * rows)
            var boxes = [PixelBox](repeating: PixelBox(x0: Int.max, y0: Int.max, x1: Int.min, y1: Int.min), count: columns * rows)
            // The blob's pixels run by run (they are in scan order), each run cut where it crosses
            // into the next square.
            blob.pixels.withUnsafeBufferPointer { pixels in
                var k = 0
                while k < pixels.count {
                    let (y, x0) = pixels[k].quotientAndRemainder(dividingBy: width)
                    let base = y * width, row = (y / tile - r0) * columns
                    var end = k + 1
                    while end < pixels.count, pixels[end] == pixels[end - 1] + 1, pixels[end] < base + width { end += 1 }
                    var x = x0
                    let xEnd = x0 + (end - k)
                    while x < xEnd {
                        let column = x / tile
                        let stop = min(xEnd, (column + 1) * tile)
                        let cell = row + column - c0
                        cells[cell].append(contentsOf: (base + x)..<(base + stop))
                        boxes[cell] = PixelBox(x0: min(boxes[cell].x0, x), y0: min(boxes[cell].y0, y),
                                               x1: max(boxes[cell].x1, stop - 1), y1: max(boxes[cell].y1, y))
                        x = stop
                    }
                    k = end
                }
            }
            for (pixels, box) in zip(cells, boxes) where !pixels.isEmpty {
                out.append(Blob(box: box, pixels: pixels, isCoverTile: true))
            }
        }
        return out
    }

    /// Anonymizes `image` in place where `mask` is set; `random(head)` gives each blob its randomness
    /// (with the ensemble, the squares of the cover past a camera's range share the first one's).
    ///
    /// - Parameter blobs: the mask's blobs when the caller has them already (`HeadAnonymizer.blobs`).
    public func apply(to image: inout Raster<UInt8>, mask: [UInt8], blobs: [Blob]? = nil,
                      random: (Int) -> AnonymizationRandom) throws {
        precondition(image.channels == 3 && mask.count == image.pixelCount, "an RGB image and a mask of its size")
        let (w, h) = (image.width, image.height)
        var tiles: [(index: Int, blob: Blob)] = []
        for (index, blob) in (blobs ?? Self.blobs(mask: mask, width: w, height: h)).enumerated() {
            if blob.isCoverTile, method == .ensemble {
                tiles.append((index, blob))
                continue
            }
            var rng = random(index)
            try anonymize(blob, in: &image, mask: mask, random: &rng)
        }
        if !tiles.isEmpty { try anonymizeCover(tiles, in: &image, mask: mask, random: random) }
    }

    /// The ensemble on the squares of the cover past a real camera's range
    /// (`blobs(mask:width:height:coverTile:)`), all in one region, after the heads.
    ///
    /// The region around every square is worked on where a square spans 12–23 px (its faces, a third
    /// of it at most, end as two or three blocks either way): there each square takes its own noise
    /// and warp, then the region is smoothed and resampled to `strength` blocks a square as one, and
    /// comes back to full size once. The cover's pixels take the result whole and a feather ring
    /// outside it (not on a head) blends, as for a head. Square by square, with a patch at full size
    /// around each, the cover of a 1280×720 stereo street frame (87 squares) took about 10 ms a frame.
    func anonymizeCover(_ tiles: [(index: Int, blob: Blob)], in image: inout Raster<UInt8>, mask: [UInt8],
                        random: (Int) -> AnonymizationRandom) throws {
        let (w, h) = (image.width, image.height)
        let side = tiles.map { max($0.blob.box.width, $0.blob.box.height) }.max() ?? 1
        var region = tiles[0].blob.box
        for (_, blob) in tiles {
            region = PixelBox(x0: min(region.x0, blob.box.x0), y0: min(region.y0, blob.box.y0),
                              x1: max(region.x1, blob.box.x1), y1: max(region.y1, blob.box.y1))
        }
        region = region.expanded(by: feather + 2, width: w, height: h)
        let (rw, rh) = (region.width, region.height)
        let pixels8 = image.cropped(to: region)
        let factor = max(1, side / 12)
        let (sw, sh) = ((rw + factor - 1) / factor, (rh + factor - 1) / factor)
        var work = Patch(factor > 1 ? try ImageOps.resize(pixels8, width: sw, height: sh, interpolation: .area) : pixels8)
        let workHead = Float(side) / Float(factor)
        // Each square's noise and warp, on it and one pixel of its neighbours around; one stream of
        // randomness for them all (the secure one is read in blocks that grow as it is drawn on).
        var rng = random(tiles[0].index)
        for (_, blob) in tiles {
            let x0 = max(0, (blob.box.x0 - region.x0) * sw / rw - 1), y0 = max(0, (blob.box.y0 - region.y0) * sh / rh - 1)
            let x1 = min(sw - 1, ((blob.box.x1 + 1 - region.x0) * sw + rw - 1) / rw), y1 = min(sh - 1, ((blob.box.y1 + 1 - region.y0) * sh + rh - 1) / rh)
            let (pw, ph) = (x1 - x0 + 1, y1 - y0 + 1)
            var patch = work.cropped(x: x0, y: y0, width: pw, height: ph)
            noise.apply(&patch, headSize: workHead, random: &rng)
            warp.apply(&patch, headSize: workHead, random: &rng)
            work.paste(patch, x: x0, y: y0)
        }
        var result = work.raster()
        try smoothing.apply(&result, headSize: workHead)
        try resampling.apply(&result, headSize: workHead, size: (rw, rh))
        // Composite: the cover's pixels whole; the ring outside it, where no head is, blended.
        var cover = [UInt8](repeating: 0, count: rw * rh)
        mask.withUnsafeBufferPointer { m in
            cover.withUnsafeMutableBufferPointer { c in
                for y in 0..<rh {
                    let from = (region.y0 + y) * w + region.x0
                    for x in 0..<rw { c[y * rw + x] = m[from + x] == HeadMasker.beyondRange ? 1 : 0 }
                }
            }
        }
        let distances = Self.chebyshevDistance(mask: cover, frameWidth: rw, area: PixelBox(x0: 0, y0: 0, x1: rw - 1, y1: rh - 1),
                                               limit: feather + 1)
        Self.composite(result, into: &image, area: region, distances: distances, feather: feather) { mask[$0] == 0 }
    }

    func anonymize(_ blob: Blob, in image: inout Raster<UInt8>, mask: [UInt8], random: inout AnonymizationRandom) throws {
        let (w, h) = (image.width, image.height)
        let headSize = Float(max(blob.box.width, blob.box.height * 3 / 4, 2))
        // Context around the blob for the warp and blur to draw on, plus the feather ring. A square of
        // the cover past a camera's range (blurred, pixelated or filled here; the ensemble works on
        // them in `anonymizeCover`) has its neighbours' pixels for context (2 px of them).
        let margin = feather + (blob.isCoverTile ? 2 : max(2, Int(headSize * 0.15)))
        let area = blob.box.expanded(by: margin, width: w, height: h)
        // The area's pixels, 8-bit.
        var pixels8 = image.cropped(to: area)
        // The method's result over `area`, 8-bit.
        var result: Raster<UInt8>
        switch method {
        case .ensemble:
            // Only the head's own pixels feed the steps: the rest of the patch, and the band below
            // the chin (where a shirt's collar often lies), takes the head's mean colour, so the warp
            // and blur move head content around instead of pulling in background or clothes.
            // (A pixel covered beyond a camera's range feeds them as a head's does.)
            var (mean, count) = mask.withUnsafeBufferPointer { m in Self.meanColour(blob.pixels, in: image) { m[$0] != HeadMasker.neck } }
            if count == 0 { (mean, count) = Self.meanColour(blob.pixels, in: image) }
            let feeds = count == blob.pixels.count
            /// Sets every area pixel of `values` (the area's samples) that takes the mean to `colour`,
            /// over raw buffers: a head 400 px across has an area of 280,000 px.
            func fill<T>(_ values: inout [T], with colour: [T]) {
                let (f0, f1, f2) = (colour[0], colour[1], colour[2])
                mask.withUnsafeBufferPointer { m in
                    values.withUnsafeMutableBufferPointer { v in
                        for y in area.y0...area.y1 {
                            let row = y * w, to = (y - area.y0) * area.width - area.x0
                            for x in area.x0...area.x1 {
                                // Without a branch: heads' and necks' pixels alternate where a
                                // real camera left holes.
                                let k = m[row + x]
                                let fills = k == 0 || !feeds && k == HeadMasker.neck
                                let p = (to + x) * 3
                                v[p] = fills ? f0 : v[p]; v[p + 1] = fills ? f1 : v[p + 1]; v[p + 2] = fills ? f2 : v[p + 2]
                            }
                        }
                    }
                }
            }
            // A head of 96 px or more is worked on at a scale where it spans 48–95 px: the smoothing
            // (σ 6% of the head) and the resampling to `strength` blocks that end the ensemble keep
            // nothing that averaging its pixels in squares first removes, and noise, warp and blur
            // cost what they cost on a head of that size (a 300 px head, 0.5–1 m from an XR
            // headset's camera, took 19.5 ms to anonymize in all; smaller heads are worked on as before).
            // (The ensemble on the cover past a camera's range is `anonymizeCover`.)
            let factor = max(1, Int(headSize) / 48)
            var work: Patch
            if factor > 1 {
                let colour = mean.map { UInt8(max(0, min(255, $0.rounded()))) }
                fill(&pixels8.samples, with: colour)
                work = Patch(try ImageOps.resize(pixels8, width: (area.width + factor - 1) / factor,
                                                 height: (area.height + factor - 1) / factor, interpolation: .area))
            } else {
                work = Patch(pixels8)
                fill(&work.values, with: mean)
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
            let mean = Self.meanColour(blob.pixels, in: image).mean.map { UInt8(max(0, min(255, $0.rounded()))) }
            result = Raster(width: area.width, height: area.height, channels: 3,
                            samples: (0..<(area.area * 3)).map { mean[$0 % 3] })
        }
        // Composite: mask pixels whole; the feather ring outside the mask blended; the rest untouched.
        let distances = Self.chebyshevDistance(mask: mask, frameWidth: w, area: area, limit: feather + 1)
        Self.composite(result, into: &image, area: area, distances: distances, feather: feather) { _ in true }
    }

    /// Writes `result`, the method's output over `area`, into `image`: whole where `distances` (each
    /// area pixel's chessboard distance to the mask) is 0, blended from result to original over the
    /// `feather` ring where `ring` takes the pixel (its index in the frame), untouched elsewhere.
    static func composite(_ result: Raster<UInt8>, into image: inout Raster<UInt8>, area: PixelBox, distances: [UInt8], feather: Int,
                          ring: (Int) -> Bool) {
        let w = image.width
        result.samples.withUnsafeBufferPointer { out in
            image.samples.withUnsafeMutableBufferPointer { samples in
                distances.withUnsafeBufferPointer { distance in
                    // Eight pixels at a time where all are on the mask (copied) or all just past
                    // the feather, as the anonymizer's distances cap them (left): most of a large
                    // head's area.
                    let chunks = (0..<255).contains(feather)
                    let outside = UInt64(chunks ? feather + 1 : 0) &* 0x0101_0101_0101_0101
                    for y in area.y0...area.y1 {
                        var x = area.x0
                        while x <= area.x1 {
                            let local = (y - area.y0) * area.width + (x - area.x0)
                            if chunks, x + 8 <= area.x1 + 1 {
                                let eight = UnsafeRawPointer(distance.baseAddress! + local).loadUnaligned(as: UInt64.self)
                                if eight == outside {
                                    x += 8
                                    continue
                                }
                                if eight == 0 {
                                    let (i, p) = ((y * w + x) * 3, local * 3)
                                    UnsafeMutableRawPointer(samples.baseAddress! + i).copyMemory(from: out.baseAddress! + p, byteCount: 24)
                                    x += 8
                                    continue
                                }
                            }
                            defer { x += 1 }
                            let d = Int(distance[local])
                            guard d <= feather else { continue }
                            let (i, p) = ((y * w + x) * 3, local * 3)
                            if d == 0 {
                                samples[i] = out[p]; samples[i + 1] = out[p + 1]; samples[i + 2] = out[p + 2]
                                continue
                            }
                            guard ring(y * w + x) else { continue }
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
}
