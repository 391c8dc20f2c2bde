import Foundation
import Testing
@testable import VeilKit

@Suite struct AnonymizerStepTests {
    static func patch(_ w: Int, _ h: Int, seed: UInt64 = 1) -> Patch {
        var g = SplitMix64(seed: seed)
        return Patch(width: w, height: h, values: (0..<(w * h * 3)).map { _ in Float(g.next() % 256) })
    }

    @Test func noiseHasTheRequestedSpread() throws {
        var p = Patch(width: 100, height: 100, values: [Float](repeating: 128, count: 30_000))
        var random = AnonymizationRandom.seeded(1, frame: 0, head: 0)
        GaussianNoiseStep(sigma: 20, coarseSigma: 0).apply(&p, random: &random)
        let mean = p.values.reduce(0, +) / Float(p.values.count)
        let sd = (p.values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Float(p.values.count)).squareRoot()
        #expect(abs(mean - 128) < 1 && abs(sd - 20) < 1)
    }

    @Test func coarseNoiseIsSmoothTheSameInEveryChannelAndVariesAcrossTheHead() throws {
        var p = Patch(width: 60, height: 60, values: [Float](repeating: 128, count: 60 * 60 * 3))
        var random = AnonymizationRandom.seeded(3, frame: 0, head: 0)
        GaussianNoiseStep(sigma: 0, coarseSigma: 30, coarseCells: 2).apply(&p, random: &random)
        var largestStep: Float = 0
        for y in 0..<60 {
            for x in 0..<60 {
                let o = (y * 60 + x) * 3
                #expect(p.values[o] == p.values[o + 1] && p.values[o] == p.values[o + 2])
                if x > 0 { largestStep = max(largestStep, abs(p.values[o] - p.values[o - 3])) }
                if y > 0 { largestStep = max(largestStep, abs(p.values[o] - p.values[o - 180])) }
            }
        }
        // Brightness shifts by tens of levels across the patch but only a few between neighbours.
        let spread = (p.values.max() ?? 0) - (p.values.min() ?? 0)
        #expect(spread > 20)
        #expect(largestStep < 5)
    }

    /// A head of dark hair over light skin: the noise step removes the light/dark layout (hair and
    /// face come out equally bright) and keeps each pixel's colour against the others and the mean.
    @Test func noiseRemovesTheHeadsBrightnessLayoutButNotItsColours() throws {
        let (w, h) = (70, 70)
        var values: [Float] = []
        for y in 0..<h { for _ in 0..<w { values += y < 30 ? [40, 30, 20] : [200, 150, 120] } }
        let head = Patch(width: w, height: h, values: values)
        func grey(_ p: Patch, rows: Range<Int>) -> Float {
            var sum: Float = 0
            for y in rows { for x in 0..<w { let o = (y * w + x) * 3; sum += 0.299 * p.values[o] + 0.587 * p.values[o + 1] + 0.114 * p.values[o + 2] } }
            return sum / Float(rows.count * w)
        }
        var random = AnonymizationRandom.seeded(5, frame: 0, head: 0)
        var kept = head
        GaussianNoiseStep(sigma: 0, coarseSigma: 0, layoutRemoved: 0).apply(&kept, headSize: 70, random: &random)
        #expect(kept.values == head.values)
        var flattened = head
        GaussianNoiseStep(sigma: 0, coarseSigma: 0).apply(&flattened, headSize: 70, random: &random)
        // Before: hair 117 levels darker than skin. After: hair and skin away from their border are
        // equally bright, and the whole is as bright as before.
        #expect(grey(head, rows: 40..<70) - grey(head, rows: 0..<20) > 100)
        #expect(abs(grey(flattened, rows: 40..<70) - grey(flattened, rows: 0..<20)) < 1)
        #expect(abs(grey(flattened, rows: 0..<70) - grey(head, rows: 0..<70)) < 1)
        // Every channel moved alike: red stays above green and blue by as much as before.
        for i in stride(from: 0, to: head.values.count, by: 3) {
            #expect(abs((flattened.values[i] - flattened.values[i + 2]) - (head.values[i] - head.values[i + 2])) < 1e-3)
        }
    }

    @Test func warpOfZeroAmplitudeChangesNothingAndOtherwiseMovesPixels() throws {
        let original = Self.patch(40, 40)
        var still = original
        var random = AnonymizationRandom.seeded(2, frame: 0, head: 0)
        RandomWarpStep(amplitude: 0).apply(&still, headSize: 40, random: &random)
        #expect(zip(still.values, original.values).allSatisfy { abs($0 - $1) < 1e-3 })
        var moved = original
        RandomWarpStep(amplitude: 0.2).apply(&moved, headSize: 40, random: &random)
        #expect(zip(moved.values, original.values).filter { abs($0 - $1) > 1 }.count > original.values.count / 2)
    }

    @Test func resamplingLeavesAtMostKBlocksAcrossWhateverTheSize() throws {
        // After resampling, resampling again at the same block size changes almost nothing: all the
        // detail left fits in K blocks. The same holds for a 12 px and a 200 px head.
        for size in [12, 200] {
            var p = Self.patch(size, size, seed: UInt64(size))
            let step = ResamplingStep(blocks: 7)
            try step.apply(&p, headSize: Float(size), interpolationUp: .nearest)
            // Nearest-neighbour upsampling of 7×7 blocks: at most 49 distinct colours remain.
            var colours = Set<[Float]>()
            for i in 0..<(size * size) { colours.insert(Array(p.values[(i * 3)..<(i * 3 + 3)])) }
            #expect(colours.count <= 49, "\(size) px: \(colours.count) distinct colours")
        }
    }

    @Test func seededRandomnessRepeatsAndSecureRandomnessDoesNot() throws {
        var a = AnonymizationRandom.seeded(5, frame: 10, head: 0), b = AnonymizationRandom.seeded(5, frame: 10, head: 0)
        var c = AnonymizationRandom.seeded(5, frame: 11, head: 0)
        let x = (0..<8).map { _ in a.next() }, y = (0..<8).map { _ in b.next() }, z = (0..<8).map { _ in c.next() }
        #expect(x == y && x != z)
        var s1 = AnonymizationRandom.secure(), s2 = AnonymizationRandom.secure()
        #expect((0..<8).map { _ in s1.next() } != (0..<8).map { _ in s2.next() })
    }
}

@Suite struct HeadAnonymizerTests {
    static func scene() -> (Raster<UInt8>, [UInt8]) {
        var image = TestImages.rgb(width: 120, height: 90, seed: 3)
        var mask = [UInt8](repeating: 0, count: 120 * 90)
        for y in 20..<60 { for x in 40..<72 where (x - 56) * (x - 56) * 4 + (y - 40) * (y - 40) * 2 < 800 { mask[y * 120 + x] = 1 } }
        image[0, 0, 0] = 1
        return (image, mask)
    }

    @Test(arguments: AnonymizationMethod.allCases)
    func onlyMaskAndFeatherChange(method: AnonymizationMethod) throws {
        let (original, mask) = Self.scene()
        var image = original
        let anonymizer = HeadAnonymizer(method: method)
        try anonymizer.apply(to: &image, mask: mask) { .seeded(9, frame: 1, head: $0) }
        let f = anonymizer.feather
        var changedInMask = 0, maskCount = 0
        for y in 0..<90 {
            for x in 0..<120 {
                var nearMask = false
                for dy in -f...f { for dx in -f...f {
                    let (nx, ny) = (x + dx, y + dy)
                    if nx >= 0, ny >= 0, nx < 120, ny < 90, mask[ny * 120 + nx] != 0 { nearMask = true }
                } }
                let same = (0..<3).allSatisfy { image[x, y, $0] == original[x, y, $0] }
                if !nearMask { #expect(same, "\(method): (\(x), \(y)) changed outside mask and feather") }
                if mask[y * 120 + x] != 0 { maskCount += 1; if !same { changedInMask += 1 } }
            }
        }
        #expect(changedInMask > maskCount * 8 / 10, "\(method) changed only \(changedInMask) of \(maskCount) head pixels")
    }

    @Test func aHeadCloseUpChangesOnlyInsideItsMaskAndFeatherAndKeepsNoFineDetail() throws {
        // A head 190 px tall and 150 wide (a person about a metre from an XR headset's camera) is
        // worked on at a third of its size; the result still comes back over the whole mask, at
        // full size, with the feather outside it and every other pixel as it was, and what the
        // head's fine texture was is gone.
        let (w, h) = (260, 240)
        let original = TestImages.rgb(width: w, height: h, seed: 5)
        var mask = [UInt8](repeating: 0, count: w * h)
        for y in 0..<h { for x in 0..<w {
            let dx = Float(x - 130) / 75, dy = Float(y - 120) / 95
            if dx * dx + dy * dy <= 1 { mask[y * w + x] = HeadMasker.head }
        } }
        var image = original
        let anonymizer = HeadAnonymizer()
        try anonymizer.apply(to: &image, mask: mask) { .seeded(3, frame: 1, head: $0) }
        let f = anonymizer.feather
        var changed = 0, inMask = 0
        var roughness = (before: 0, after: 0)
        for y in 0..<h {
            for x in 0..<w {
                var near = false
                for dy in -f...f { for dx in -f...f {
                    let (nx, ny) = (x + dx, y + dy)
                    if nx >= 0, ny >= 0, nx < w, ny < h, mask[ny * w + nx] != 0 { near = true }
                } }
                let same = (0..<3).allSatisfy { image[x, y, $0] == original[x, y, $0] }
                if !near { #expect(same, "(\(x), \(y)) changed outside the mask and feather") }
                guard mask[y * w + x] != 0 else { continue }
                inMask += 1
                if !same { changed += 1 }
                if x + 1 < w, mask[y * w + x + 1] != 0 {
                    roughness.before += abs(Int(original[x + 1, y, 2]) - Int(original[x, y, 2]))
                    roughness.after += abs(Int(image[x + 1, y, 2]) - Int(image[x, y, 2]))
                }
            }
        }
        #expect(changed > inMask * 9 / 10, "only \(changed) of \(inMask) head pixels changed")
        #expect(roughness.after * 8 < roughness.before, "pixel-to-pixel change \(roughness.after) against \(roughness.before) before")
    }

    @Test func featherLiesOutsideTheMask() throws {
        // With a solid fill every mask pixel must take the fill exactly: no blend inside the mask.
        let (original, mask) = Self.scene()
        var image = original
        try HeadAnonymizer(method: .solid).apply(to: &image, mask: mask) { _ in .seeded(1, frame: 0, head: 0) }
        let inside = (0..<mask.count).filter { mask[$0] != 0 }
        let first = Array(image.samples[(inside[0] * 3)..<(inside[0] * 3 + 3)])
        #expect(inside.allSatisfy { Array(image.samples[($0 * 3)..<($0 * 3 + 3)]) == first })
    }

    @Test func theBandBelowTheChinTakesTheHeadsColoursNotTheShirts() throws {
        // A skin-coloured head over a bright green collar that the mask's neck band takes in.
        var image = Raster<UInt8>(width: 80, height: 80, channels: 3, repeating: 90)
        var mask = [UInt8](repeating: 0, count: 80 * 80)
        for y in 20..<60 {
            for x in 25..<55 {
                let collar = y >= 48
                mask[y * 80 + x] = collar ? HeadMasker.neck : HeadMasker.head
                let colour: [UInt8] = collar ? [30, 220, 40] : [200, 150, 120]
                for c in 0..<3 { image[x, y, c] = colour[c] }
            }
        }
        var anonymized = image
        try HeadAnonymizer().apply(to: &anonymized, mask: mask) { .seeded(4, frame: 1, head: $0) }
        var green = 0.0, red = 0.0, n = 0.0
        for y in 48..<60 { for x in 25..<55 { green += Double(anonymized[x, y, 1]); red += Double(anonymized[x, y, 0]); n += 1 } }
        // The collar rows now carry skin tones (red above green), not the shirt's green.
        #expect(red / n > green / n)
        #expect(green / n < 180)
    }

    /// Random masks, some dense enough that runs join only many rows down (a U's two arms) and
    /// that touch only corner to corner (not 4-connected): the blobs are those a flood fill finds,
    /// in scan order of their first pixels, each blob's pixels in scan order, with their boxes.
    @Test(arguments: [(37, 23, 0.35), (64, 40, 0.55), (9, 50, 0.6), (101, 7, 0.45), (16, 16, 0)])
    func blobsAreTheMasksFourConnectedPartsInScanOrder(width: Int, height: Int, density: Double) {
        var rng = SplitMix64(seed: UInt64(width * 1000 + height))
        let mask = (0..<(width * height)).map { _ in Double(rng.next() % 1000) / 1000 < density ? UInt8(1 + rng.next() % 2) : 0 }
        // Reference: a flood fill from each unlabelled mask pixel, in scan order.
        var label = [Int](repeating: -1, count: mask.count)
        var expected: [[Int]] = []
        for start in mask.indices where mask[start] != 0 && label[start] < 0 {
            var part: [Int] = [], stack = [start]
            label[start] = expected.count
            while let i = stack.popLast() {
                part.append(i)
                let (x, y) = (i % width, i / width)
                for (nx, ny) in [(x - 1, y), (x + 1, y), (x, y - 1), (x, y + 1)] where nx >= 0 && ny >= 0 && nx < width && ny < height {
                    let j = ny * width + nx
                    if mask[j] != 0, label[j] < 0 { label[j] = expected.count; stack.append(j) }
                }
            }
            expected.append(part.sorted())
        }
        let blobs = HeadAnonymizer.blobs(mask: mask, width: width, height: height)
        #expect(blobs.map(\.pixels) == expected)
        for blob in blobs {
            let xs = blob.pixels.map { $0 % width }, ys = blob.pixels.map { $0 / width }
            #expect(blob.box == PixelBox(x0: xs.min()!, y0: ys.min()!, x1: xs.max()!, y1: ys.max()!))
        }
        if density == 0 { #expect(blobs.isEmpty) }
    }

    /// The feather's distances are the chessboard distance to the nearest mask pixel in the area
    /// (any head's), capped.
    @Test(arguments: [1, 4, 7])
    func chebyshevDistanceIsTheDistanceToTheNearestMaskPixelCapped(limit: Int) {
        var rng = SplitMix64(seed: 5)
        let (w, h) = (40, 30)
        let mask = (0..<(w * h)).map { _ in rng.next() % 50 == 0 ? UInt8(1) : 0 }
        let area = PixelBox(x0: 5, y0: 3, x1: 33, y1: 26)
        let d = HeadAnonymizer.chebyshevDistance(mask: mask, frameWidth: w, area: area, limit: limit)
        for y in area.y0...area.y1 {
            for x in area.x0...area.x1 {
                var nearest = limit
                for j in mask.indices where mask[j] != 0 {
                    let (mx, my) = (j % w, j / w)
                    guard area.contains(x: mx, y: my) else { continue }
                    nearest = min(nearest, max(abs(mx - x), abs(my - y)))
                }
                #expect(Int(d[(y - area.y0) * area.width + x - area.x0]) == nearest, "(\(x), \(y))")
            }
        }
    }

    /// The composite takes the result whole at distance 0, blends it over the feather ring where the
    /// ring test takes the pixel, and leaves the rest: pixel by pixel as the rule says, on areas
    /// whose distances come in long stretches (which it copies or skips eight at a time) and short.
    @Test(arguments: [1, 9, 40])
    func compositeTakesBlendsAndLeavesByDistance(stretch: Int) throws {
        var rng = SplitMix64(seed: UInt64(stretch))
        let (w, h, feather) = (61, 23, 3)
        let area = PixelBox(x0: 4, y0: 2, x1: 57, y1: 20)
        let original = Raster<UInt8>(width: w, height: h, channels: 3, samples: (0..<(w * h * 3)).map { _ in UInt8(rng.next() % 256) })
        let result = Raster<UInt8>(width: area.width, height: area.height, channels: 3,
                                   samples: (0..<(area.area * 3)).map { _ in UInt8(rng.next() % 256) })
        var distances = [UInt8](repeating: 0, count: area.area)
        var value = UInt8(0)
        for i in distances.indices {
            if i % stretch == 0 || rng.next() % 50 == 0 { value = UInt8(rng.next() % UInt64(feather + 2)) }
            distances[i] = value
        }
        let ring: (Int) -> Bool = { $0 % 5 != 0 }
        var image = original
        HeadAnonymizer.composite(result, into: &image, area: area, distances: distances, feather: feather, ring: ring)
        for y in 0..<h {
            for x in 0..<w {
                let i = (y * w + x) * 3
                var expected = Array(original.samples[i..<(i + 3)])
                if area.contains(x: x, y: y) {
                    let local = (y - area.y0) * area.width + x - area.x0
                    let d = Int(distances[local]), out = Array(result.samples[(local * 3)..<(local * 3 + 3)])
                    if d == 0 {
                        expected = out
                    } else if d <= feather, ring(y * w + x) {
                        let alpha = 1 - Float(d) / Float(feather + 1)
                        expected = (0..<3).map { UInt8((alpha * Float(out[$0]) + (1 - alpha) * Float(expected[$0])).rounded()) }
                    }
                }
                #expect(Array(image.samples[i..<(i + 3)]) == expected, "(\(x), \(y))")
            }
        }
    }

    @Test func freshRandomnessEveryFrame() throws {
        let (original, mask) = Self.scene()
        var a = original, b = original
        try HeadAnonymizer().apply(to: &a, mask: mask) { .seeded(1, frame: 1, head: $0) }
        try HeadAnonymizer().apply(to: &b, mask: mask) { .seeded(1, frame: 2, head: $0) }
        #expect(a != b)
    }
}

@Suite struct DepthAnonymizerTests {
    @Test func depthNoiseHasTheRequestedSpread() {
        // The depth noise is Irwin–Hall: centred, of the standard deviation asked for, and bounded.
        var random = AnonymizationRandom.seeded(2, frame: 1, head: 0)
        var samples = [Float](repeating: 0, count: 40_000)
        random.forEachNoise(samples.count, sigma: 0.01) { i, value in samples[i] = value }
        let mean = samples.reduce(0, +) / Float(samples.count)
        let sd = (samples.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Float(samples.count)).squareRoot()
        #expect(abs(mean) < 0.0003 && abs(sd - 0.01) < 0.0005, "mean \(mean), sd \(sd)")
        #expect(samples.allSatisfy { abs($0) < 0.035 })
    }

    @Test func facialReliefIsReplacedAndTheRestKeepsItsBytes() throws {
        // A head 4 m away with a 3 cm nose bump, in front of a wall at 9 m.
        let (w, h) = (64, 64)
        var depth = DepthMap(width: w, height: h, metres: [Float](repeating: 9, count: w * h))
        var mask = [UInt8](repeating: 0, count: w * h)
        for y in 16..<48 { for x in 20..<44 where (x - 32) * (x - 32) + (y - 32) * (y - 32) < 130 {
            depth[x, y] = 4 + ((x - 32) * (x - 32) + (y - 32) * (y - 32) < 4 ? -0.03 : 0)
            mask[y * w + x] = 1
        } }
        for encoding in [DepthEncoding.carlaRaw, .mm16] {
            let codec = DepthCodec(encoding: encoding)
            let stored = codec.encode(depth)
            var image = stored
            let metres = try codec.decode(stored, path: "d.png")
            DepthAnonymizer().apply(to: &image, depth: metres, codec: codec, mask: mask,
                                    intrinsics: Intrinsics(fx: 320, fy: 320, cx: 32, cy: 32)) { .seeded(3, frame: 0, head: $0) }
            let decoded = try codec.decode(image, path: "d.png")
            for i in 0..<(w * h) where mask[i] == 0 {
                switch (image, stored) {
                case (.eight(let a), .eight(let b)): #expect(a.samples[(i * a.channels)..<(i * a.channels + 3)] == b.samples[(i * b.channels)..<(i * b.channels + 3)])
                case (.sixteen(let a), .sixteen(let b)): #expect(a.samples[i] == b.samples[i])
                default: Issue.record("encoding changed")
                }
            }
            // The nose is gone: the centre is now the smooth dome, not 3 cm in front of its neighbours.
            let centre = decoded[32, 32], around = decoded[35, 32]
            #expect(abs((around - centre) - 0.03) > 0.015 || abs(around - centre) < 0.04)
            #expect(decoded.metres.enumerated().filter { mask[$0.offset] != 0 }.allSatisfy { abs($0.element - 4) < 0.2 })
        }
    }

    /// The stored image is written in place: a frame's depth image (3.7 MB at 1280×720) is not copied
    /// once per head, which a second reference to its samples would force.
    @Test(arguments: [DepthEncoding.carlaRaw, .carlaGray, .mm16])
    func updatesChangeTheStoredImageWithoutCopyingIt(encoding: DepthEncoding) throws {
        let codec = DepthCodec(encoding: encoding)
        var image = codec.encode(DepthMap(width: 32, height: 16, metres: [Float](repeating: 7, count: 32 * 16)))
        func storage(_ image: DecodedPNG) -> UnsafeRawPointer? {
            switch image {
            case .eight(let r): r.samples.withUnsafeBytes { $0.baseAddress }
            case .sixteen(let r): r.samples.withUnsafeBytes { $0.baseAddress }
            }
        }
        let before = storage(image)
        for head in 0..<3 { codec.encode([(index: 40 + head, metres: 5)], into: &image) }
        #expect(storage(image) == before)
        let metres = try codec.decode(image, path: "d.png")
        #expect(metres.metres[41] < metres.metres[39] && metres.metres[39] == metres.metres[0])
    }
}
