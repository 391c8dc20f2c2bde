import Foundation
import Testing
@testable import VeilKit

/// People past a real depth camera's range have no depth: the rows where their heads would be are
/// covered wherever the camera gave no reading.
@Suite struct BeyondRangeTests {
    /// One 1280×720 street frame with a person 6 m away and two 14 and 24 m away, its depth as a
    /// stereo camera with a 10 m range gives it (noise of 2 mm + 1.5 mm·Z², 2% of pixels lost,
    /// nothing past `range`): the found heads and mask, the score, and the rendered frame.
    static func streetPastRange(_ policy: BeyondRangePolicy, range: Float = 10, givenRange: Float? = nil,
                                camera: (height: Float, pitch: Float, roll: Float) = (1.6, 0, 0), distances: [Float] = [6, 14, 24],
                                detector: DepthPersonDetector = DepthPersonDetector())
        throws -> (found: HeadFinder.Found, score: HeadScore, frame: RenderedFrame, depth: DepthMap) {
        var options = SynthOptions()
        options.frames = 1; options.width = 1280; options.height = 720; options.speed = 0; options.noise = 1.5
        (options.cameraHeight, options.cameraPitch, options.cameraRoll) = camera
        let people = zip([Float(-1), 1.2, -2], distances).enumerated().map { i, place in
            DepthPersonDetectorTests.person(i + 1, x: place.0, z: place.1, seed: UInt64(31 + i))
        }
        let scene = SynthScene(options: options, people: people, props: [])
        let rendered = SynthRenderer(scene: scene).render(frame: 1)
        var metres = rendered.depth
        DepthPersonDetectorTests.degradeAsStereo(&metres, range: range, seed: 7)
        let depth = DepthMap(width: 1280, height: 720, metres: metres)
        let files = FrameFiles(number: 1, color: URL(fileURLWithPath: "/synthetic/rgb/000001.png"))
        let frame = Frame(number: 1, files: files, rgb: Raster(width: 1280, height: 720, channels: 3, samples: rendered.rgb), depth: depth, depthImage: nil)
        let found = try HeadFinder(kind: .depth, beyondRange: policy, depthRange: givenRange, depthDetector: detector)
            .findAll(in: frame, intrinsics: scene.intrinsics)
        let truth = FrameGroundTruth(heads: Raster(width: 1280, height: 720, channels: 1, samples: rendered.heads), people: rendered.people)
        return (found, HeadScore.score(mask: found.mask, heads: found.heads, truth: truth), rendered, depth)
    }

    @Test func peoplePastAStereoCamerasRangeAreCoveredAndNotTheSky() throws {
        let (found, score, rendered, depth) = try Self.streetPastRange(.cover)
        #expect(rendered.heads.filter { $0 == 3 }.count >= 20, "the farthest head shows")
        #expect(score.total.allHeads == 3 && score.total.allCovered == 3, "\(score.misses)")
        #expect(found.beyondRangePixels > 0 && found.beyondRangeTile >= 16)
        // The sky (no reading either) stays: the band is a head's rows past 10 m, 1.6 m up, level
        // (at most 0.7 m above the camera at 10 m, 45 px above the horizon at row 360, with the margin).
        let skyRows = 0..<300
        let skyNoReading = skyRows.reduce(0) { n, y in n + (0..<1280).filter { !DepthMap.isMeasured(depth[$0, y]) }.count }
        let skyCovered = skyRows.reduce(0) { n, y in n + (0..<1280).filter { found.mask[y * 1280 + $0] != 0 }.count }
        #expect(skyNoReading > 100_000, "the frame shows sky")
        #expect(skyCovered == 0)
        // The cover is only a band: from 0.65 m above the ground at the range (about 9.5 m here; 64
        // px below the horizon) up, the road and everything nearer below it left.
        let covered = found.mask.indices.filter { found.mask[$0] == HeadMasker.beyondRange }
        #expect(covered.count == found.beyondRangePixels)
        #expect(covered.allSatisfy { $0 / 1280 < 430 }, "\(covered.count) pixels covered")
    }

    @Test func leftAloneTheHeadsPastTheRangeAreBare() throws {
        let (found, score, _, _) = try Self.streetPastRange(.leave)
        #expect(found.beyondRangePixels == 0 && !found.mask.contains(HeadMasker.beyondRange))
        #expect(score.total.allCovered == 1, "\(score.misses)")
    }

    /// A range given (camera.json `depth_range_m`) wins over what the frame's readings say (here
    /// 9.x m): the band and the tiles follow it.
    @Test func aGivenRangeSetsTheBand() throws {
        let (wide, _, _, _) = try Self.streetPastRange(.cover)
        let (narrow, _, _, _) = try Self.streetPastRange(.cover, givenRange: 30)
        #expect(narrow.beyondRangePixels < wide.beyondRangePixels / 2)
        #expect((48...60).contains(wide.beyondRangeTile) && narrow.beyondRangeTile == 16)  // 3 × 0.25 m × 640 px / range, at least 16
    }

    /// In the last fifth of the range a stereo camera's noise breaks a head up, and the depth search
    /// missed heads 8–9.3 m away: readings there count as none. With the depth search finding no one
    /// at all, a head 8.5 m away (within the 10 m range) is covered, one 6 m away is not.
    @Test func headsAtTheEdgeOfTheRangeAreCovered() throws {
        var blind = DepthPersonDetector()
        blind.parameters.minTopHeight = 5  // no top is a head
        let (found, score, _, _) = try Self.streetPastRange(.cover, givenRange: 10, distances: [6, 8.5], detector: blind)
        #expect(found.heads.isEmpty)
        #expect(score.total.allHeads == 2 && score.total.allCovered == 1, "\(score.misses)")
        #expect(score.misses.count == 1 && score.misses[0].contains("person 1 at 6.0 m"), "\(score.misses)")
    }

    /// A room seen from 1.5 m up: the floor, and a wall 5 m away that sets the frame's range. The
    /// wall's readings lie in the last fifth of that range, but with no stretch without a reading
    /// beside them (only a stereo camera's scattered holes) it is no camera's edge: nothing is
    /// covered. A window in the wall (no reading, 40 px) is, with the wall around it within a far
    /// head's size and no more.
    @Test func aRoomsFarWallIsNotTheEdgeOfTheRange() throws {
        let (w, h) = (640, 480)
        let k = Intrinsics(fx: 525, fy: 525, cx: 320, cy: 240)
        var metres = [Float](repeating: 5, count: w * h)
        for y in 241..<h {
            let floor = 525 * 1.5 / Float(y - 240)
            for x in 0..<w where floor < 5 { metres[y * w + x] = floor }
        }
        for i in stride(from: 3, to: w * h, by: 53) { metres[i] = DepthMap.noReading }
        let ground = GroundPlane(normal: SIMD3(0, -1, 0), offset: 1.5)
        let cover = BeyondRangeCover()
        let depth = DepthMap(width: w, height: h, metres: metres)
        let range = try #require(cover.range(of: depth, given: nil))
        #expect(abs(range - 5) < 0.01)
        var mask = [UInt8](repeating: 0, count: w * h)
        #expect(try cover.mark(&mask, depth: depth, intrinsics: k, ground: ground, range: range) == 0)
        for y in 200..<240 { for x in 300..<340 { metres[y * w + x] = DepthMap.noReading } }
        let count = try cover.mark(&mask, depth: DepthMap(width: w, height: h, metres: metres), intrinsics: k, ground: ground, range: range)
        // 27 + 2 px around the window, and a pixel more where a scattered hole touches it.
        let side = 40 + 2 * (Int((0.25 * 525 / range).rounded(.up)) + cover.margin + 1)
        #expect(count > 40 * 40 && count <= side * side, "\(count)")
        #expect(mask[220 * w + 320] == HeadMasker.beyondRange && mask[220 * w + 100] == 0)
    }

    /// From a camera looking 10° down the band follows the horizon down the frame.
    @Test func aTiltedCamerasBandFollowsTheGround() throws {
        let (found, score, _, _) = try Self.streetPastRange(.cover, camera: (1.6, 10, 0))
        #expect(score.total.allHeads == 3 && score.total.allCovered == 3, "\(score.misses)")
        #expect(found.beyondRangePixels > 0)
    }

    /// Without a ground (a wall fills the view) the band is unknown: every stretch without a reading
    /// large enough to hold a head is covered, scattered holes are not.
    @Test func withoutAGroundEveryLargeHoleIsCovered() throws {
        let (w, h) = (320, 240)
        var metres = [Float](repeating: 3, count: w * h)
        for y in 100..<130 { for x in 50..<80 { metres[y * w + x] = DepthMap.noReading } }
        for i in stride(from: 7, to: w * h, by: 97) { metres[i] = DepthMap.noReading }
        let depth = DepthMap(width: w, height: h, metres: metres)
        let k = Intrinsics(fx: 200, fy: 200, cx: 160, cy: 120)
        var mask = [UInt8](repeating: 0, count: w * h)
        let count = try BeyondRangeCover().mark(&mask, depth: depth, intrinsics: k, ground: nil, range: 10)
        // The hole and a 2 px margin, and no more than a stray hole or two touching it.
        #expect(count >= 34 * 34 && count < 34 * 34 + 40, "\(count)")
        for y in 98..<132 { for x in 48..<82 { #expect(mask[y * w + x] == HeadMasker.beyondRange) } }
        for y in 0..<h { for x in 0..<w where y < 94 || y >= 136 || x < 44 || x >= 86 { #expect(mask[y * w + x] == 0, "(\(x), \(y))") } }
        // The wall lies in the last fifth of a 3.2 m range, but without a ground that band would be
        // the whole frame: readings are not covered then.
        var again = [UInt8](repeating: 0, count: w * h)
        #expect(try BeyondRangeCover().mark(&again, depth: depth, intrinsics: k, ground: nil, range: 3.2) == count)
    }

    /// The frame's range, when none is given, is the 99th percentile of its readings.
    @Test func theRangeIsTheFramesFarReadings() {
        var random = SplitMix64(seed: 3)
        var metres = (0..<(400 * 400)).map { _ in 0.1 + 9.9 * Float(random.next() >> 40) / Float(1 << 24) }
        metres[0] = 60
        let cover = BeyondRangeCover()
        let range = cover.range(of: DepthMap(width: 400, height: 400, metres: metres), given: nil)
        #expect(range != nil && abs(range! - 9.9) < 0.15)
        #expect(cover.range(of: DepthMap(width: 4, height: 4, metres: [Float](repeating: 0, count: 16)), given: nil) == nil)
        #expect(cover.range(of: DepthMap(width: 4, height: 4, metres: [Float](repeating: 0, count: 16)), given: 8) == 8)
    }

    /// The cover is anonymized in squares of a few far heads; every pixel in exactly one, a head
    /// left whole, also where it touches the cover (a close head whose outline has no reading).
    @Test(arguments: [false, true])
    func coverBlobsAreCutIntoTilesAndHeadsLeftWhole(touching: Bool) {
        let (w, h) = (200, 60)
        var mask = [UInt8](repeating: 0, count: w * h)
        for y in 20..<40 { for x in 0..<(touching ? 160 : 150) { mask[y * w + x] = HeadMasker.beyondRange } }
        for y in 5..<50 { for x in 160..<195 { mask[y * w + x] = y < 40 ? HeadMasker.head : HeadMasker.neck } }
        #expect(HeadAnonymizer.blobs(mask: mask, width: w, height: h).count == (touching ? 1 : 2))
        let blobs = HeadAnonymizer.blobs(mask: mask, width: w, height: h, coverTile: 16)
        let heads = blobs.filter { !$0.isCoverTile }
        #expect(heads.count == 1 && heads.first?.box == PixelBox(x0: 160, y0: 5, x1: 194, y1: 49))
        let tiles = blobs.filter(\.isCoverTile)
        #expect(tiles.count == 10 * 2)  // tile columns 0–9 (pixels 0–149 or 159), tile rows 1–2 (pixels 20–39)
        #expect(tiles.allSatisfy { $0.box.width <= 16 && $0.box.height <= 16 && $0.pixels.allSatisfy { mask[$0] == HeadMasker.beyondRange } })
        var seen = [Int](repeating: 0, count: w * h)
        for blob in blobs { for i in blob.pixels { seen[i] += 1 } }
        #expect(mask.indices.allSatisfy { seen[$0] == (mask[$0] != 0 ? 1 : 0) })
        #expect(HeadAnonymizer.blobs(mask: mask, width: w, height: h, coverTile: 0) == HeadAnonymizer.blobs(mask: mask, width: w, height: h))
    }
}

/// A man standing 5–9 m from an 800×600 camera 1.6 m up, 0.3–0.8 m before a wall (6 × 3 m),
/// with depth as a stereo camera gives it (`RGBDCameraModel`, as `VeilBench rgbd-camera`: 10 m
/// range; 2% of pixels, 60% of dark ones and 70% of an occluding edge's far side lost; noise 2 mm +
/// 1.5 mm·Z²): the score of what the finder covers, and how many pixels the cover past the range took.
@Suite struct WallAtTheRangesEdgeTests {
    static func scene(gap: Float, distance d: Float, seed: Int, cover: BeyondRangeCover = BeyondRangeCover()) throws -> (score: HeadScore, coverPixels: Int) {
        var options = SynthOptions()
        options.frames = 1; options.width = 800; options.height = 600; options.speed = 0; options.noise = 1.5
        let wall = Prop(kind: .personBox, x: 0, z: d + gap + 0.15, yaw: 0, size: Vec3(6, 3, 0.3), colour: Vec3(0.6, 0.6, 0.6))
        let person = DepthPersonDetectorTests.person(1, x: 0.3 * Float(seed % 3) - 0.3, z: d, seed: UInt64(100 + seed))
        let scene = SynthScene(options: options, people: [person], props: [wall])
        let frame = SynthRenderer(scene: scene).render(frame: 1)
        var random = SplitMix64(seed: UInt64(seed) * 977 + UInt64(d * 10))
        let (w, h) = (800, 600)
        let metres = RGBDCameraModel(range: 10).degrade(frame.depth, colour: frame.rgb, width: w, height: h, random: &random)
        let files = FrameFiles(number: 1, color: URL(fileURLWithPath: "/synthetic/rgb/000001.png"))
        var finder = try HeadFinder(kind: .depth)
        finder.beyondRangeCover = cover
        let found = try finder.findAll(in: Frame(number: 1, files: files, rgb: Raster(width: w, height: h, channels: 3, samples: frame.rgb),
                                                 depth: DepthMap(width: w, height: h, metres: metres), depthImage: nil),
                                       intrinsics: scene.intrinsics)
        let truth = FrameGroundTruth(heads: Raster(width: w, height: h, channels: 1, samples: frame.heads), people: frame.people)
        return (HeadScore.score(mask: found.mask, heads: found.heads, truth: truth), found.beyondRangePixels)
    }

    /// 9 m away, 0.3–0.5 m before the wall (in the last fifth of the range): the depth search
    /// misses him (noise of 12 cm there), and his dark hair leaves holes too small for the cover's
    /// old minimum (16 px over 4 rows) beside the head's readings; with 6 px over 2 rows they count,
    /// and his head's readings with them. (A probe of 150 such scenes, 0.3, 0.5 and 0.8 m before a
    /// wall 5–9 m away: 7 bare before, 3 after, leaking 0.49% of the head pixels instead of 2.03%.)
    @Test(arguments: [(Float(0.3), 3), (0.3, 5), (0.3, 6), (0.5, 9)])
    func aManBeforeAWallAtTheRangesEdgeIsCovered(gap: Float, seed: Int) throws {
        let (score, coverPixels) = try Self.scene(gap: gap, distance: 9, seed: seed)
        #expect(score.total.allHeads == 1 && score.total.allCovered == 1 && score.total.leakedPixels == 0,
                "leaked \(score.total.leakedPixels) of \(score.total.headPixels)")
        #expect(coverPixels < 800 * 600 / 8, "the cover took \(coverPixels) px")
    }
}

/// The ensemble on the cover's squares, all in one region (`HeadAnonymizer.anonymizeCover`).
@Suite struct CoverAnonymizerTests {
    /// A 320×120 frame of fine detail (a one-pixel checkerboard over a gradient); a strip of cover
    /// rows 40–79 across columns 0–261, and a head at columns 262–301 touching it (as a close head
    /// whose outline had no reading does), both anonymized with `seed` (or the head alone).
    static func anonymize(seed: UInt64, headOnly: Bool = false) throws -> (input: Raster<UInt8>, output: Raster<UInt8>, mask: [UInt8]) {
        let (w, h) = (320, 120)
        var image = Raster<UInt8>(width: w, height: h, channels: 3)
        for y in 0..<h { for x in 0..<w { for c in 0..<3 { image[x, y, c] = UInt8((x + y) % 2 == 0 ? 40 + x / 4 : 200 - y / 2) } } }
        var mask = [UInt8](repeating: 0, count: w * h)
        for y in 40..<80 { for x in 0..<262 { mask[y * w + x] = HeadMasker.beyondRange } }
        for y in 30..<90 { for x in 262..<302 { mask[y * w + x] = y < 80 ? HeadMasker.head : HeadMasker.neck } }
        let blobs = HeadAnonymizer.blobs(mask: mask, width: w, height: h, coverTile: 24).filter { !headOnly || !$0.isCoverTile }
        var output = image
        try HeadAnonymizer().apply(to: &output, mask: mask, blobs: blobs) { .seeded(seed, frame: 1, head: $0) }
        return (image, output, mask)
    }

    @Test func theCoverLosesItsDetailTheHeadIsItsOwnAndTheRestIsUntouched() throws {
        let (input, output, mask) = try Self.anonymize(seed: 1)
        let (w, h) = (input.width, input.height)
        // Outside the mask and its 3-pixel feather, nothing changes.
        for y in 0..<h { for x in 0..<w where !(max(0, y - 3)...min(h - 1, y + 3)).contains(where: { yy in
            (max(0, x - 3)...min(w - 1, x + 3)).contains { mask[yy * w + $0] != 0 }
        }) {
            #expect((0..<3).allSatisfy { output[x, y, $0] == input[x, y, $0] }, "(\(x), \(y))")
        } }
        // The checkerboard's steps of about 150 levels between neighbours are gone from the cover.
        var step = 0, count = 0
        for y in 42..<78 { for x in 2..<256 { step += abs(Int(output[x, y, 1]) - Int(output[x + 1, y, 1])); count += 1 } }
        #expect(step / count < 25, "mean step between neighbours \(step / count)")
        // The head's pixels are what anonymizing it alone gives: the cover neither overwrites nor blends them.
        let alone = try Self.anonymize(seed: 1, headOnly: true)
        for y in 30..<90 { for x in 262..<302 {
            #expect((0..<3).allSatisfy { output[x, y, $0] == alone.output[x, y, $0] }, "head pixel (\(x), \(y))")
        } }
        // Fresh randomness: another seed, another cover.
        let other = try Self.anonymize(seed: 2).output
        let differing = (40..<80).flatMap { y in (0..<260).map { (y, $0) } }.filter { y, x in (0..<3).contains { output[x, y, $0] != other[x, y, $0] } }
        #expect(differing.count * 2 > 40 * 260)
    }
}

/// The main job on a recording as a stereo camera gives it: the heads past its range are anonymized.
@Suite struct BeyondRangePipelineTests {
    /// Writes the street frame of `BeyondRangeTests.streetPastRange` as a generic RGB-D recording
    /// (PNG colour, mm16 depth; people at `distances`), anonymizes it with `policy`, and returns the
    /// rendered frame, the anonymized colour, the frame's result, and the depth file in and out.
    static func anonymize(_ policy: BeyondRangePolicy, distances: [Float] = [6, 14, 24]) throws
        -> (rendered: RenderedFrame, output: Raster<UInt8>, result: FrameResult, depthIn: Data, depthOut: Data) {
        let (_, _, rendered, depth) = try BeyondRangeTests.streetPastRange(.leave, distances: distances)
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("veil-beyond-\(UUID().uuidString)")
        let out = root.appendingPathComponent("out"), input = root.appendingPathComponent("in")
        defer { try? FileManager.default.removeItem(at: root) }
        for folder in ["rgb", "depth"] {
            try FileManager.default.createDirectory(at: input.appendingPathComponent(folder), withIntermediateDirectories: true)
        }
        try Data(PNGCodec.encode(Raster(width: 1280, height: 720, channels: 3, samples: rendered.rgb)))
            .write(to: input.appendingPathComponent("rgb/000001.png"))
        let millimetres = depth.metres.map { DepthMap.isMeasured($0) ? UInt16(min(65534, ($0 * 1000).rounded())) : 0 }
        // Stored uncompressed, as Veil never writes it: a copied file and one written anew differ.
        try Data(PNGCodec.encode(Raster(width: 1280, height: 720, channels: 1, samples: millimetres), settings: .init(level: 0, filters: 0x08, strategy: 0)))
            .write(to: input.appendingPathComponent("depth/000001.png"))
        try Data(#"{"fov": 90, "depth": "mm16"}"#.utf8).write(to: input.appendingPathComponent("camera.json"))
        var options = PipelineOptions(output: out)
        options.seed = 5
        options.beyondRange = policy
        let results = try AnonymizePipeline(recording: try Recording(at: input), options: options).run()
        return (rendered, try ImageFile.readRGB(out.appendingPathComponent("rgb/000001.png")), try #require(results.first),
                try Data(contentsOf: input.appendingPathComponent("depth/000001.png")), try Data(contentsOf: out.appendingPathComponent("depth/000001.png")))
    }

    /// How many of person `id`'s head pixels the output changed, of how many.
    static func changed(_ id: UInt16, _ rendered: RenderedFrame, _ output: Raster<UInt8>) -> (changed: Int, of: Int) {
        let pixels = rendered.heads.indices.filter { rendered.heads[$0] == id }
        return (pixels.filter { i in (0..<3).contains { output.samples[i * 3 + $0] != rendered.rgb[i * 3 + $0] } }.count, pixels.count)
    }

    @Test func headsPastTheRangeAreAnonymizedByDefaultAndLeftWhenAsked() throws {
        let covered = try Self.anonymize(.cover)
        for id: UInt16 in [2, 3] {
            let (changed, of) = Self.changed(id, covered.rendered, covered.output)
            #expect(of >= 20 && changed * 10 >= of * 9, "person \(id): \(changed) of \(of) head pixels changed")
        }
        // The sky and the road near by are untouched.
        #expect((0..<(250 * 1280 * 3)).allSatisfy { covered.output.samples[$0] == covered.rendered.rgb[$0] })
        #expect(((600 * 1280 * 3)..<(720 * 1280 * 3)).allSatisfy { covered.output.samples[$0] == covered.rendered.rgb[$0] })
        #expect(covered.result.status == .done && covered.result.beyondRangePixels > 1000)
        #expect(RunMetrics.csvRow(covered.result).contains(",\(covered.result.beyondRangePixels),"))
        let left = try Self.anonymize(.leave)
        for id: UInt16 in [2, 3] { #expect(Self.changed(id, left.rendered, left.output).changed == 0) }
    }

    /// The depth anonymizer leaves the cover alone, so a frame with nothing else to anonymize has its
    /// depth file copied as it came (this one has no metadata to drop); the person 6 m away has
    /// their head's depth changed, so that frame's depth is written anew (compressed).
    @Test func depthWithOnlyTheCoverIsCopied() throws {
        let far = try Self.anonymize(.cover, distances: [12, 14, 24])
        #expect(far.result.heads == 0 && far.result.beyondRangePixels > 1000)
        let copied = far.depthOut == far.depthIn  // a Bool: a failed #expect on two 1.8 MB values would diff them for minutes
        #expect(copied)
        let seen = [UInt16(1), 2, 3].map { Self.changed($0, far.rendered, far.output) }.filter { $0.of >= 20 }
        #expect(seen.count >= 2 && seen.allSatisfy { $0.changed * 10 >= $0.of * 9 }, "\(seen)")
        let near = try Self.anonymize(.cover)
        let rewritten = near.depthOut != near.depthIn
        #expect(near.result.heads >= 1 && rewritten)
    }
}
