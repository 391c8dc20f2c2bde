import Foundation

/// Finds people, and their heads, from depth alone.
///
/// 1. The ground plane is fitted (RANSAC), and every pixel gets a height above it.
/// 2. Pixels 0.12–3.2 m above the ground are grouped into connected regions wherever neighbours lie
///    within a depth step τ(Z) = 0.1 + 0.02·Z of each other (on a half-resolution grid above 960 px).
/// 3. Each region is refined to full resolution, and its top profile (the highest pixel of every
///    column, in metres) is searched for heads: a local peak 0.95–2.3 m above the ground, 0.07–0.32 m
///    wide, with the profile at least 0.1 m lower 0.25 m to each side (shoulders, or nothing), and a
///    body at least 0.18 m wide (0.14 m close up) 0.45–0.7 m below the top (or hidden by something
///    nearer, or cut by the frame). Poles, signposts, trunks, bins, hydrants and person-sized boxes
///    fail one of these.
/// 4. The parts of a region 0.35 m or more nearer, and farther, than a head found in it are searched
///    again as regions of their own, for a child just in front of or behind an adult.
///
/// Without a ground plane (no floor in view) heights are measured from the camera, and the absolute
/// height test is skipped.
public struct DepthPersonDetector: Sendable {
    /// The thresholds, in metres.
    public struct Parameters: Sendable, Equatable {
        public var minTopHeight: Float = 0.95
        public var maxTopHeight: Float = 2.3
        public var minHeadWidth: Float = 0.07
        public var maxHeadWidth: Float = 0.32
        public var shoulderOffset: Float = 0.25
        public var shoulderDrop: Float = 0.1
        /// Two tops as high, `shoulderOffset` apart, are two heads when the profile dips this much
        /// between them (10 cm missed heads touching a nearer head in a crowd: seed-8 crowd leak
        /// 0.19% → 0.09%, one more head ≥ 8 px found).
        public var headDip: Float = 0.06
        /// How far behind an accepted head a lower top lies when it is a child just behind that
        /// adult: farther than the adult's own shoulders ever lie, near enough to share a region.
        public var childBehind: Range<Float> = 0.3..<0.7
        /// How much lower than an adult's a child's head lies at least, and how far aside at most,
        /// for a top to be searched as a child's beside that adult (an adult's own shoulder tops lie
        /// 0.25–0.32 m below their head's).
        public var childBelowAdult: Float = 0.35
        public var childAsideAdult: Float = 0.8
        /// How much nearer or farther than an accepted head (along the ground) the parts of its region
        /// lie that are searched again on their own, for a child just in front of or behind that
        /// adult (`layers`).
        public var layerGap: Float = 0.35
        /// Two tops less than this apart in height may both be heads close together; a shoulder lies
        /// 0.2 m or more below its own head.
        public var headsAsHigh: Float = 0.15
        /// The torso's minimum where a head is expected under `slimTorsoHeadPixels` tall: far off,
        /// a pixel is 4–6 cm, and 0.155 m let 4 px pieces of cars and facades pass where 0.18 m
        /// wants 5 (0.155 m at every distance: 119 more false heads over the sets, 46 of them from
        /// a rig 2.4 m up looking 15° down, all 20–40 m away).
        public var minTorsoWidth: Float = 0.18
        /// The torso's minimum where a head is expected `slimTorsoHeadPixels` to
        /// `closeTorsoHeadPixels` tall (there 0.155 m spans 5 px or more): a slim woman of 1.5–1.6 m
        /// standing side-on is 0.16–0.18 m deep at the chest. At 0.18 m, 88 of 216 such scenes 5–12
        /// m from 800×600 and 1280×720 cameras were bare, none at 0.155 m. Children's recordings:
        /// recall 0.971 → 0.973, leaked 0.72% → 0.69%; bushes 0.960 → 0.973, 0.24% → 0.10%; 7 more
        /// false heads (camera rigs 5, people in conversation as a stereo camera's 2). A lone post
        /// 0.16–0.17 m thick and 1.2–1.8 m tall, 5–12 m away, now passes as a person in 99 of 120
        /// probe scenes, against 52 (0.2 m thick: 57 of 60 either way).
        public var slimTorsoWidth: Float = 0.155
        /// From how many pixels tall a head is expected `slimTorsoWidth` holds.
        public var slimTorsoHeadPixels: Float = 7.5
        /// The torso's minimum where the head is expected `closeTorsoHeadPixels` tall or more (until
        /// session 21, `closeHeadPixels`): a slim person in profile, arms swinging clear, is only
        /// 0.13–0.17 m deep at the chest (a camera 1.5 m up looking 20° down at people 2 m away
        /// missed such a man in 5 frames; on four recordings of handheld-like cameras, 640×480 and
        /// 1280×720, 1.2–1.7 m up, 5–20° down: recall 0.963 → 0.989, leaked 1.07% → 0.18%; as a
        /// stereo camera gives them 0.968 → 1.000; no more false heads there or anywhere else, every
        /// other set unchanged). Farther, 0.18 m holds: at 0.14 m the benchmark set had 46 more
        /// false heads.
        public var minCloseTorsoWidth: Float = 0.14
        /// From how many pixels tall a head is expected `minCloseTorsoWidth` holds: 20 (0.14 m then
        /// spans 12 px or more). At 30 (`closeHeadPixels`), a woman 3.8 m from an 800×600 camera,
        /// walking across the view with a body 0.179 m deep, was bare, and so was a slim woman of
        /// 1.5 m side-on 3.4–4.6 m away (heads 20–27 px) in 7 of 8 scenes. Children's recordings:
        /// leaked 0.94% → 0.72%, recall 0.970 → 0.971; one more false head on the benchmark set as a
        /// stereo camera gives it, every other group identical. From 15 px, one more false head still.
        public var closeTorsoHeadPixels: Float = 20
        public var maxRange: Float = 60
        public var minObjectHeight: Float = 0.12
        public var maxObjectHeight: Float = 3.2
        /// Head window: from the top of the head this far down, and this far either side of its centre;
        /// below `chinDepth` only `neckHalfWidth` either side (neck and hanging hair).
        public var headDepthExtent: Float = 0.34
        public var headHalfWidth: Float = 0.13
        public var chinDepth: Float = 0.24
        public var neckHalfWidth: Float = 0.12
        /// Heads expected to be fewer pixels tall than this are searched for only on a whole person
        /// standing free (below): a top alone that small cannot be told from a sliver of a car.
        public var minHeadPixels: Float = 2.5
        /// Down to `minWholePersonHeadPixels`, a head is still searched for on a region that is a
        /// whole person standing free: the bottom row of its box at most `maxWholePersonFoot` above
        /// the ground, no wider than `maxWholePersonWidth`, its top at most `maxWholePersonTop`, and
        /// nothing nearer beside it on any row (a far car's cabin showing beside a nearer car is a
        /// narrow strip that reaches the ground too: 2 false heads on the hard-negative fixture
        /// without that). On the benchmark set: leaked head pixels 0.22% → 0.20% with no more false
        /// heads; 640×480 street 1.03% → 0.68%; seed 78 (800×600) 0.55% → 0.27%.
        public var minWholePersonHeadPixels: Float = 1.8
        public var maxWholePersonFoot: Float = 0.35
        public var maxWholePersonWidth: Float = 1.0
        public var maxWholePersonTop: Float = 2.1
        /// Heads expected under `tinyHeadPixels` tall (no face recognisable, but their pixels are
        /// still someone's head) count only with their top at least `minTinyHeadTop` above the
        /// ground: an adult's. At that size a car body's corner or a bin (tops 1.0–1.2 m) passes
        /// every shape test (`Fixtures/negatives-640x480`: 9 false heads without this, 0 with it).
        public var tinyHeadPixels: Float = 3.3
        public var minTinyHeadTop: Float = 1.3
        /// Heads expected at least `closeHeadPixels` tall, whole (not cut by the frame or by something
        /// nearer), are at least `minCloseHeadWidth` wide 10 cm below their top; `minHeadWidth` is
        /// for heads too small to measure that well. Narrower, close up, it is a limb: on the seed-42
        /// 1280×720 street an arm 1.9 m away (0.074 m) was a tenth of the over-masking. Of the whole
        /// heads expected 20 px or taller found on the benchmark set, the crowds and the main-job
        /// recordings (719), the narrowest was 0.113 m.
        public var closeHeadPixels: Float = 30
        public var minCloseHeadWidth: Float = 0.09
        /// Heads expected at least this many pixels tall are told from a shoulder beside another
        /// person's head by their own shape (a head 9–11 m away, 0.1 m before a taller person's and
        /// touching it, was 7–88% covered in 15 frames; below 12 px, 22–30 m away, leaves on bushes
        /// passed too). False heads: none more on the benchmark set, 1–3 more from rolled cameras,
        /// 4–7 more on recordings degraded like a stereo camera.
        public var headBesideHeadPixels: Float = 12
        /// A shoulder lies at least this far below its own head's top (an adult's 0.25–0.32 m).
        public var minShoulderBelowHead: Float = 0.2
        /// How far below a head's top its own shoulders lie, from a child's to a stooping adult's.
        public var ownShoulderDrop: ClosedRange<Float> = 0.15...0.35
        /// The narrowest a head is 10 cm below its crown (a child's). Where that spans two columns or
        /// more, a top one column wide that nothing cuts is no head: a single pixel at a head's depth
        /// is the end of an edge, most often a parked car's roof seen along its length 20–40 m away.
        /// On the benchmark set 129 → 116 false heads, the seed-42 street 54 → 43, the six camera
        /// rigs 668 → 594; recall and leaks unchanged.
        public var minCrownWidth: Float = 0.12
        /// How much of a head shows below its top, at its own depth, in one column of its top at
        /// least, unless something nearer hides it or the frame ends.
        public var minBelowTop: Float = 0.1
        /// Heads expected at least this many pixels tall whose body something nearer hides show
        /// `minBelowTop` of themselves under most columns of their top (smaller ones are too round
        /// for that: 0.1 m is a row or two).
        public var hiddenBodyHeadPixels: Float = 5
        /// How far the surface at a top may go on above it, past anything nearer right over it,
        /// for the top to be a head's: a head cut by something shows at most its own 0.3 m above the cut.
        public var maxSurfaceAbove: Float = 0.4
        /// An occluding top edge: the pixel above lies at least this much farther, plus this much per
        /// metre of depth. Small for exact depth (CARLA's), which finds a person within a few
        /// centimetres of a wall behind them; `forSensorDepth` raises it above a real camera's noise.
        public var occludingEdge: Float = 0.035
        public var occludingEdgePerMetre: Float = 0.004
        /// The occluding edge's step at depth `m`.
        func occludingStep(_ m: Float) -> Float { occludingEdge + occludingEdgePerMetre * m }
        /// Depth noise allowed, per metre of depth, when a top's two ends are compared (a head's
        /// sides lie at about the same depth): none for exact depth; 2% for a sensor's, whose
        /// median-filtered depth at a head's outline mixes head and background. On the benchmark set
        /// degraded like a stereo camera: head recall 5–10 m 0.886 → 0.934, leaked there 7.1% →
        /// 3.5%, false heads 140 → 159 in 192 frames.
        public var endNoisePerMetre: Float = 0
        /// Whether something nearer that belongs to a top's own region (joined to it by small depth
        /// steps) hides a body below that top. With exact depth it does not: it is the same object
        /// coming toward the camera (a car's bonnet below its windscreen pillar, which CARLA's depth
        /// camera shows through the glass), not something in front of a person. A sensor's noise
        /// and filled holes can join a person to another just before them, so there it does.
        public var regionPartsHide = false
        public init() {}

        /// The same thresholds for depth from a real sensor (noise of centimetres that grows with
        /// distance): occluding edges must step 0.12 m + 0.6% of the depth, a top's two ends may
        /// differ by 2% of the depth more, and anything nearer hides a body, in the top's region or
        /// not.
        public var forSensorDepth: Parameters {
            var p = self
            p.occludingEdge = max(p.occludingEdge, 0.12)
            p.occludingEdgePerMetre = max(p.occludingEdgePerMetre, 0.006)
            p.endNoisePerMetre = max(p.endNoisePerMetre, 0.02)
            p.regionPartsHide = true
            return p
        }
    }

    public var parameters = Parameters()

    public init(parameters: Parameters = Parameters()) { self.parameters = parameters }

    /// A region of pixels at one depth, at full resolution.
    struct Region {
        var box: PixelBox
        /// One byte per pixel of `box`: 1 inside the region.
        var bits: [UInt8]
        var depth: Float

        /// Whether pixel (x, y) of the frame belongs to the region.
        func holds(x: Int, y: Int) -> Bool {
            box.contains(x: x, y: y) && bits[(y - box.y0) * box.width + (x - box.x0)] != 0
        }
    }

    /// The depth step that separates two neighbouring pixels into different objects.
    @inline(__always) static func step(_ z: Float) -> Float { 0.1 + 0.02 * z }

    /// How much nearer something must be to count as hiding a body: well past a depth step, so the
    /// next fragment of a slanted surface is not mistaken for an occluder.
    @inline(__always) static func occluderGap(_ z: Float) -> Float { max(0.3, 2 * step(z)) }
    /// Whether a reading `m` is something in front of a surface at `z` (nearer by the occluder gap).
    @inline(__always) static func isNearer(_ m: Float, than z: Float) -> Bool { m > 0 && m < z - occluderGap(z) }

    /// People and heads found in `depth`.
    public func detect(depth: DepthMap, intrinsics k: Intrinsics, ground: GroundPlane?) -> [HeadRegion] {
        let p = parameters
        let regions = self.regions(depth: depth, intrinsics: k, ground: ground)
        var heads: [HeadRegion] = []
        for region in regions {
            let found = findHeads(region, depth: depth, intrinsics: k, ground: ground)
            heads += found
            // A child just in front of an adult shares the adult's region (0.35 m is within a depth
            // step 10 m away), the child's head inside the adult's outline, under the adult's head:
            // no top of the region. So does a child just behind an adult's arm, whose head lies
            // under the arm's outline. The parts 0.35 m or more nearer, and farther, than each head
            // found are searched on their own; a head there counts where it lies 0.35 m or more
            // below that head and within 0.8 m aside (`childBelowAdult`, `childAsideAdult`, as for a
            // child beside an adult in `findHeads`), and its layer reaches a standing person's feet
            // (a leaf clump before a false head in a bush does not). Children's recordings: recall
            // 0.891 → 0.944, leaked 3.13% → 1.53% in front, and → 0.962, 1.12% behind too; no more
            // false heads there, 6 more over all other sets (4 on the stereo ones). Without the two
            // tests, in front alone, 29 more false heads (cars before a person 23–28 m away, leaf
            // clumps); with the feet alone, 8 more in bushes. Measured in depth, not along the
            // ground, 11 more on handheld-like recordings, 5 from 15° down (the hips of people close
            // by, looking down).
            for (layer, adult) in layers(of: region, around: found, depth: depth, intrinsics: k, ground: ground) {
                for head in findHeads(layer, depth: depth, intrinsics: k, ground: ground, layerOfAdult: true)
                    where !heads.contains(where: { $0.box.iou(head.box) > 0.1 }) {
                    guard let z = head.depth, let za = adult.depth else { continue }
                    let (below, aside) = Self.placement(of: head, at: z, against: adult, at: za, intrinsics: k)
                    guard below >= p.childBelowAdult, aside <= p.childAsideAdult, reachesGround(head, in: layer, depth: depth, intrinsics: k, ground: ground) else { continue }
                    heads.append(head)
                }
            }
            // A region taller or wider than a person may hide one standing close in front of it.
            let width = Float(region.box.width) * region.depth / Float(k.fx)
            let tall = Float(region.box.height) * region.depth / Float(k.fy)
            guard width > 1.3 || tall > p.maxTopHeight else { continue }
            for head in findHeads(region, depth: depth, intrinsics: k, ground: ground, occluding: true)
                where !heads.contains(where: { $0.box.iou(head.box) > 0.1 }) {
                heads.append(head)
            }
        }
        return heads.filter { head in
            !isTuckedUnder(head, among: heads, depth: depth, intrinsics: k) && !isShoulderOfAHeadCutBySide(head, among: heads, depth: depth, intrinsics: k)
        }
    }

    /// The parts of `region` nearer, and farther, than each of `heads` by `layerGap`, as regions of
    /// their own, each with its head. Distances run along the ground, away from the camera: a
    /// camera looking down 25° sees a standing person's hips 0.4 m farther than the head.
    func layers(of region: Region, around heads: [HeadRegion], depth: DepthMap, intrinsics k: Intrinsics,
                ground: GroundPlane?) -> [(layer: Region, head: HeadRegion)] {
        let box = region.box, w = depth.width
        // The horizontal direction straight ahead (the optical axis without a ground plane).
        var ahead = SIMD3<Float>(0, 0, 1)
        if let n = ground?.normal {
            let level = ahead - (ahead * n).sum() * n
            let length = (level * level).sum().squareRoot()
            if length > 0.5 { ahead = level / length }
        }
        @inline(__always) func distance(_ x: Int, _ y: Int, _ m: Float) -> Float { (k.point(x: x, y: y, depth: m) * ahead).sum() }
        // How far ahead each region pixel lies, once for all the heads (the same sums as `distance`,
        // with each column's and row's part of `Intrinsics.point` worked out once): a facade's
        // region behind people close by spans most of the frame. `measured`: 0 where the pixel is
        // not the region's or has no reading (in no layer).
        var along = [Float](repeating: 0, count: region.bits.count), measured = [UInt8](repeating: 0, count: region.bits.count)
        let columns = (0..<box.width).map { c in (Float(box.x0 + c) - Float(k.cx)) / Float(k.fx) }
        depth.metres.withUnsafeBufferPointer { metres in
            region.bits.withUnsafeBufferPointer { bits in
                along.withUnsafeMutableBufferPointer { along in
                    measured.withUnsafeMutableBufferPointer { measured in
                        for r in 0..<box.height {
                            let across = (Float(box.y0 + r) - Float(k.cy)) / Float(k.fy)
                            for c in 0..<box.width where bits[r * box.width + c] != 0 {
                                let m = metres[(box.y0 + r) * w + box.x0 + c]
                                guard m > 0 else { continue }
                                along[r * box.width + c] = (SIMD3<Float>(columns[c] * m, across * m, m) * ahead).sum()
                                measured[r * box.width + c] = 1
                            }
                        }
                    }
                }
            }
        }
        var layers: [(layer: Region, head: HeadRegion)] = []
        for head in heads {
            guard let za = head.depth else { continue }
            let d = distance((head.box.x0 + head.box.x1) / 2, Self.headTopRow(of: head, at: za, fy: Float(k.fy)), za)
            for side: Float in [-1, 1] {
                @inline(__always) func isInLayer(_ r: Int, _ c: Int) -> Bool {
                    let i = r * box.width + c
                    return measured[i] != 0 && side * (along[i] - d) > parameters.layerGap
                }
                var (x0, y0, x1, y1) = (Int.max, Int.max, -1, -1)
                for r in 0..<box.height {
                    for c in 0..<box.width where isInLayer(r, c) {
                        x0 = min(x0, c); x1 = max(x1, c); y0 = min(y0, r); y1 = max(y1, r)
                    }
                }
                guard x1 >= 0 else { continue }
                let sub = PixelBox(x0: box.x0 + x0, y0: box.y0 + y0, x1: box.x0 + x1, y1: box.y0 + y1)
                var bits = [UInt8](repeating: 0, count: sub.width * sub.height)
                var (sum, count): (Float, Int) = (0, 0)
                for r in 0..<sub.height {
                    for c in 0..<sub.width where isInLayer(r + y0, c + x0) {
                        bits[r * sub.width + c] = 1
                        sum += depth.metres[(sub.y0 + r) * w + sub.x0 + c]
                        count += 1
                    }
                }
                guard count >= 4 else { continue }
                layers.append((Region(box: sub, bits: bits, depth: sum / Float(count)), head))
            }
        }
        return layers
    }

    /// Whether `layer`'s lowest pixel under `head`'s columns lies as low as a standing person's
    /// feet (`maxWholePersonFoot` above the ground; without one, 0.9 m below the head's window).
    func reachesGround(_ head: HeadRegion, in layer: Region, depth: DepthMap, intrinsics k: Intrinsics, ground: GroundPlane?) -> Bool {
        guard let z = head.depth else { return false }
        let box = layer.box
        let c0 = max(head.box.x0, box.x0) - box.x0, c1 = min(head.box.x1, box.x1) - box.x0
        guard c0 <= c1 else { return false }
        for r in stride(from: box.height - 1, through: 0, by: -1) {
            guard let c = (c0...c1).first(where: { layer.bits[r * box.width + $0] != 0 }) else { continue }
            let (x, y) = (box.x0 + c, box.y0 + r)
            guard let ground else { return Float(y - head.box.y0) * z / Float(k.fy) >= 0.9 }
            return ground.height(k.point(x: x, y: y, depth: depth.metres[y * depth.width + x])) <= parameters.maxWholePersonFoot
        }
        return false
    }

    /// Where `head` (at depth `z`) lies against `other` (at `zo`), in metres at `other`'s depth: how
    /// far its top is below theirs, and how far its centre is aside of theirs. A window starts 6 cm
    /// above its head's top.
    static func placement(of head: HeadRegion, at z: Float, against other: HeadRegion, at zo: Float,
                          intrinsics k: Intrinsics) -> (below: Float, aside: Float) {
        let fx = Float(k.fx), fy = Float(k.fy)
        func centre(_ r: HeadRegion) -> Float { Float(r.box.x0 + r.box.x1) / 2 }
        return (Float(headTopRow(of: head, at: z, fy: fy) - headTopRow(of: other, at: zo, fy: fy)) * zo / fy,
                abs(centre(head) - centre(other)) * zo / fx)
    }

    /// Metres a head's window starts above the head's top.
    static let windowAbove: Float = 0.06

    /// The row of the top of `head` (at depth `z`), `windowAbove` below its window's first row.
    static func headTopRow(of head: HeadRegion, at z: Float, fy: Float) -> Int {
        head.box.y0 + Int((windowAbove * fy / z).rounded(.up))
    }

    /// Columns a row that the world's vertical leans in the image at pixel (`x`, `y`) at `depth`:
    /// the image of a point 0.3 m below it, against it. Straight down (0) for a level camera; a
    /// camera looking down 10° leans it by up to 0.15 a row at the sides of a 90° view, 5 cm over
    /// a head's window 2 m away.
    static func lean(at x: Int, _ y: Int, depth z: Float, ground: GroundPlane, intrinsics k: Intrinsics) -> Float {
        guard let (du, dv) = imageMove(at: x, y, depth: z, by: -0.3 * ground.normal, intrinsics: k) else { return 0 }
        return dv > 1 ? du / dv : 0
    }

    /// How far (columns, rows) the image of the point at pixel (`x`, `y`) at `depth` moves when the
    /// point moves by `d` in camera space; nil when it moves to within 0.1 m of the camera's plane.
    static func imageMove(at x: Int, _ y: Int, depth z: Float, by d: SIMD3<Float>, intrinsics k: Intrinsics) -> (Float, Float)? {
        let fx = Float(k.fx), fy = Float(k.fy), cx = Float(k.cx), cy = Float(k.cy)
        let q = k.point(x: x, y: y, depth: z) + d
        guard q.z > 0.1 else { return nil }
        return (cx + fx * q.x / q.z - Float(x), cy + fy * q.y / q.z - Float(y))
    }

    /// Rows a column that the world's horizontal runs in the image at pixel (`x`, `y`) at `depth`:
    /// the image of a point 0.1 m away from it along the horizontal that lies closest to the
    /// camera's own x axis. Level (0) for a camera that is not rolled, even looking up or down (its
    /// x axis is then horizontal); a camera rolled 12° runs it about 0.21 a column, 1.5 px across a
    /// head's window 8 m away at 640×480.
    static func tilt(at x: Int, _ y: Int, depth z: Float, ground: GroundPlane, intrinsics k: Intrinsics) -> Float {
        let across = SIMD3<Float>(1, 0, 0) - ground.normal.x * ground.normal
        let length = (across * across).sum().squareRoot()
        guard length > 0.1, let (du, dv) = imageMove(at: x, y, depth: z, by: 0.1 / length * across, intrinsics: k) else { return 0 }
        return du > 1 ? dv / du : 0
    }

    /// Whether `head` is the shoulder of another head that a side of the frame cuts: within 0.3 m of
    /// its centre, at its depth (within a depth step and 0.2 m), its top 0.1–0.3 m below theirs. A
    /// head cut by a side of the frame is a region of its own, apart from its shoulders, so the
    /// search's shoulder rule (within one region) never saw them together: on the benchmark set the
    /// shoulder of a man 1.7 m away masked a 63×98 px window of his body. A child's head beside an
    /// adult lies lower (0.34 m below the top of an adult's head cut by the frame on seed 90) or
    /// farther. Benchmark set: over-masking 118.0% → 115.6%, false heads 132 → 129, recall and leak
    /// unchanged. A shoulder joins its head: where the background shows between the two 5 cm below
    /// this top, it is a head of its own (a short man's bald head 2.6 m away beside a taller man cut
    /// by the side of a handheld camera's view, 0.17 m higher and 0.28 m aside, was left bare).
    func isShoulderOfAHeadCutBySide(_ head: HeadRegion, among heads: [HeadRegion], depth: DepthMap, intrinsics k: Intrinsics) -> Bool {
        guard let z = head.depth else { return false }
        return heads.contains { other in
            guard let zo = other.depth, other != head, other.box.x0 == 0 || other.box.x1 == depth.width - 1,
                  abs(z - zo) < min(Self.step(z), 0.2) else { return false }
            let (below, aside) = Self.placement(of: head, at: z, against: other, at: zo, intrinsics: k)
            return below > parameters.shoulderDrop && below < 0.3 && aside < 0.3
                && !Self.isBackgroundBetween(head, at: z, and: other, depth: depth, intrinsics: k)
        }
    }

    /// Whether something farther than a depth step behind `head` (at `z`) shows on the row 5 cm
    /// below its top, between its centre and `other`'s window. Holes are no proof either way.
    static func isBackgroundBetween(_ head: HeadRegion, at z: Float, and other: HeadRegion, depth: DepthMap, intrinsics k: Intrinsics) -> Bool {
        let fy = Float(k.fy)
        let centre = (head.box.x0 + head.box.x1) / 2
        let (x0, x1) = other.box.x0 > centre ? (centre, other.box.x0) : (other.box.x1, centre)
        guard x0 <= x1 else { return false }
        return showsBackground(below: headTopRow(of: head, at: z, fy: fy), at: z, columns: x0...x1, depth: depth, fy: fy)
    }

    /// Whether something farther than a depth step behind a top at row `top` and depth `z` shows on
    /// the row 5 cm below it, in `columns`, over `run` columns side by side. Holes are no proof
    /// either way.
    static func showsBackground(below top: Int, at z: Float, columns: ClosedRange<Int>, depth: DepthMap, fy: Float, run: Int = 1) -> Bool {
        let y = top + Int(max(1, (0.05 * fy / z).rounded()))
        guard y >= 0, y < depth.height else { return false }
        let far = z + step(z)
        var shown = 0
        for x in columns {
            shown = depth.metres[y * depth.width + x] > far ? shown + 1 : 0
            if shown >= run { return true }
        }
        return false
    }

    /// Whether `head` lies at the torso of another head's person: from 0.1 m nearer to 0.3 m
    /// farther than their head, its centre within 0.3 m of theirs, its top at least 0.45 m below
    /// theirs. It is then a part of that body cut off as a region of its own (an arm swinging behind
    /// the torso, a hand, a bag). A head more than 0.1 m nearer (a child in front of an adult) is
    /// never dropped by this rule. Up to 0.4 m farther when nothing farther shows right above its top
    /// (the body hides it): the far hand of a man walking across the view 2.1 m away, 0.3–0.4 m
    /// behind his head, its upper end behind his near arm. A child's head just behind an adult shows
    /// the background above it (dropping every top up to 0.4 m farther lost such a child 3.2 m away,
    /// 0% covered, though it took 111 false heads off the sets).
    func isTuckedUnder(_ head: HeadRegion, among heads: [HeadRegion], depth: DepthMap, intrinsics k: Intrinsics) -> Bool {
        guard let z = head.depth else { return false }
        let top = Self.headTopRow(of: head, at: z, fy: Float(k.fy))
        let above = top >= 1 ? depth.metres[(top - 1) * depth.width + (head.box.x0 + head.box.x1) / 2] : 0
        let hiddenAbove = above > 0 && above - z < parameters.occludingStep(z)
        return heads.contains { other in
            guard let zo = other.depth, other != head, z > zo - 0.1, z - zo < (hiddenAbove ? 0.4 : 0.3) else { return false }
            let (below, aside) = Self.placement(of: head, at: z, against: other, at: zo, intrinsics: k)
            return below >= 0.45 && aside < 0.3
        }
    }

    /// Connected regions of above-ground pixels, separated by depth steps.
    func regions(depth: DepthMap, intrinsics k: Intrinsics, ground: GroundPlane?) -> [Region] {
        let (w, h) = (depth.width, depth.height)
        let s = w > 960 ? 2 : 1
        let gw = w / s, gh = h / s
        let fx = Float(k.fx), fy = Float(k.fy), cx = Float(k.cx), cy = Float(k.cy)
        let p = parameters
        var gz = [Float](repeating: 0, count: gw * gh)
        var parent = [Int32](repeating: -1, count: gw * gh)
        // Each root cell's region number, in scan order (-1 elsewhere), the roots in that order, and
        // each region's grid box and depths.
        var slots = [Int32](repeating: -1, count: gw * gh)
        var roots: [Int32] = []
        struct Stats { var x0 = Int.max, y0 = Int.max, x1 = -1, y1 = -1, count = 0, zSum: Float = 0 }
        var stats: [Stats] = []
        // The ground's rise along the rays of each pixel column and each pixel row (a pixel's height
        // is `ground.height(along: column + row, at: depth)`), once for the grid pass and the
        // refinement below rather than a dot product and a division a pixel.
        let columnRises = ground.map { ground in (0..<w).map { x in ground.riseAcross(x: (Float(x) - cx) / fx) } }
        let rowRises = ground.map { ground in (0..<h).map { y in ground.riseDown(y: (Float(y) - cy) / fy) } }
        depth.metres.withUnsafeBufferPointer { z in
            gz.withUnsafeMutableBufferPointer { g in
                parent.withUnsafeMutableBufferPointer { par in
                    for y in 0..<gh {
                        let fyRow = y * s + s / 2
                        let rowRise = rowRises?[fyRow] ?? 0
                        for x in 0..<gw {
                            let fxCol = x * s + s / 2
                            let m = z[fyRow * w + fxCol]
                            guard m > 0, m < p.maxRange else { continue }
                            if let ground, let columnRises {
                                let height = ground.height(along: columnRises[fxCol] + rowRise, at: m)
                                guard height > p.minObjectHeight, height < p.maxObjectHeight else { continue }
                            }
                            let i = y * gw + x
                            g[i] = m
                            par[i] = Int32(i)
                        }
                    }
                    // Union-find over right and down neighbours within a depth step.
                    func find(_ i: Int32) -> Int32 {
                        var r = i
                        while par[Int(r)] != r { r = par[Int(r)] }
                        var c = i
                        while par[Int(c)] != r { let next = par[Int(c)]; par[Int(c)] = r; c = next }
                        return r
                    }
                    // Each cell links to its left and upper neighbours (within the step of the
                    // neighbour's depth): the same edges as linking every cell to its right and
                    // lower ones, but a cell is still alone when it is reached, so it joins the
                    // roots of the cells before it with one or two finds. Roots are always the
                    // smallest index of their region, whatever the order.
                    for y in 0..<gh {
                        for x in 0..<gw {
                            let i = y * gw + x
                            guard par[i] >= 0 else { continue }
                            let zi = g[i]
                            var root = Int32(i)
                            if x > 0, par[i - 1] >= 0, abs(zi - g[i - 1]) < Self.step(g[i - 1]) {
                                root = find(Int32(i - 1))
                                par[i] = root
                            }
                            if y > 0, par[i - gw] >= 0, abs(zi - g[i - gw]) < Self.step(g[i - gw]) {
                                let up = find(Int32(i - gw))
                                if root == Int32(i) {
                                    par[i] = up
                                } else if up != root {
                                    par[Int(max(up, root))] = min(up, root)
                                }
                            }
                        }
                    }
                    // Every cell is pointed at its root and counted in its region's statistics. A
                    // cell's parent always has a smaller index, so it was pointed at its root earlier
                    // in this scan, and a root (its region's first cell) gets its slot before any
                    // other cell of its region comes.
                    slots.withUnsafeMutableBufferPointer { slot in
                        for y in 0..<gh {
                            for x in 0..<gw {
                                let i = y * gw + x
                                let up = par[i]
                                guard up >= 0 else { continue }
                                let r = up == Int32(i) ? up : par[Int(up)]
                                par[i] = r
                                let k: Int
                                if r == Int32(i) {
                                    k = stats.count
                                    slot[i] = Int32(k)
                                    roots.append(r)
                                    stats.append(Stats())
                                } else {
                                    k = Int(slot[Int(r)])
                                }
                                stats[k].x0 = min(stats[k].x0, x); stats[k].y0 = min(stats[k].y0, y)
                                stats[k].x1 = max(stats[k].x1, x); stats[k].y1 = max(stats[k].y1, y)
                                stats[k].count += 1
                                stats[k].zSum += g[i]
                            }
                        }
                    }
                }
            }
        }
        var result: [Region] = []
        for (root, st) in zip(roots, stats) {
            let z = st.zSum / Float(st.count)
            // Too small to hold a head of even a few pixels (3; a grid cell stands for s×s of them:
            // the top of a head over a car at 1280×720 can be one cell). A region n cells wide may
            // be up to n·s + s − 1 pixels wide at full resolution: the sliver of a head behind a
            // nearer one, 3 px wide, is one cell. However wide a region is, it is searched: a
            // person close before a facade is one region with it (a camera 2.4 m up, seeing a man
            // over a car against a building 12 m away: recall 0.750 → 0.969 on that recording, with
            // regions over 12 m wide dropped as wider than a crowd).
            let extent = Float((st.y1 - st.y0 + 1) * s) * z / fy
            let width = Float((st.x1 - st.x0 + 1) * s + s - 1) * z / fx
            let atSide = st.x0 == 0 || (st.x1 + 1) * s >= w
            guard st.count * s * s >= 3, extent >= 0.02, width >= 0.05 || atSide else { continue }
            // Full-resolution refinement: a pixel joins when a neighbouring grid cell of the region lies within a depth step.
            let box = PixelBox(x0: st.x0 * s, y0: st.y0 * s, x1: st.x1 * s + s - 1, y1: st.y1 * s + s - 1)
                .expanded(by: s, width: w, height: h)
            var bits = [UInt8](repeating: 0, count: box.area)
            depth.metres.withUnsafeBufferPointer { zz in
                parent.withUnsafeBufferPointer { parent in
                    gz.withUnsafeBufferPointer { gz in
                        bits.withUnsafeMutableBufferPointer { bits in
                            for y in box.y0...box.y1 {
                                let gy = y / s
                                let rowRise = rowRises?[y] ?? 0
                                for x in box.x0...box.x1 {
                                    let m = zz[y * w + x]
                                    guard m > 0, m < p.maxRange else { continue }
                                    if s == 1 {
                                        if parent[y * gw + x] == root { bits[(y - box.y0) * box.width + (x - box.x0)] = 1 }
                                        continue
                                    }
                                    if let ground, let columnRises {
                                        let height = ground.height(along: columnRises[x] + rowRise, at: m)
                                        guard height > p.minObjectHeight * 0.5, height < p.maxObjectHeight else { continue }
                                    }
                                    // The pixel's own cell first: inside a region it takes the pixel.
                                    let (gx, step) = (x / s, Self.step(m))
                                    let own = gy * gw + gx
                                    var joined = parent[own] == root && abs(gz[own] - m) < step
                                    cells: for ny in max(0, gy - 1)...min(gh - 1, gy + 1) where !joined {
                                        for nx in max(0, gx - 1)...min(gw - 1, gx + 1) {
                                            let j = ny * gw + nx
                                            if parent[j] == root, abs(gz[j] - m) < step { joined = true; break cells }
                                        }
                                    }
                                    if joined { bits[(y - box.y0) * box.width + (x - box.x0)] = 1 }
                                }
                            }
                        }
                    }
                }
            }
            result.append(Region(box: box, bits: bits, depth: z))
        }
        return result
    }

    /// Heads on a region's top profile, each checked against a person's metric shape.
    ///
    /// With `occluding`, the profile is instead the first *occluding top edge* of each column at a
    /// person's height: a pixel whose neighbour above lies clearly farther (or has no reading). That
    /// finds a person who stands so close in front of a wall or a car that both share one region,
    /// with the wall's top above the head.
    /// With `layerOfAdult`, the region is a layer of an adult's (`layers`), searched for a child.
    func findHeads(_ region: Region, depth: DepthMap, intrinsics k: Intrinsics, ground: GroundPlane?, occluding: Bool = false,
                   layerOfAdult: Bool = false) -> [HeadRegion] {
        let (w, h) = (depth.width, depth.height)
        let box = region.box
        let bw = box.width
        let fx = Float(k.fx), fy = Float(k.fy)
        let p = parameters
        // Height (metres) of a pixel: above the ground, or above the camera without one.
        func height(_ x: Int, _ y: Int, _ m: Float) -> Float {
            let point = k.point(x: x, y: y, depth: m)
            return ground?.height(point) ?? -point.y
        }
        // How many rows tall a head at depth `m` is expected to be.
        func expectedHeadPixels(at m: Float) -> Float { 0.23 * fy / m }
        // Top profile: first region pixel of each column, its height and depth.
        var topRow = [Int](repeating: -1, count: bw)
        var topHeight = [Float](repeating: -.infinity, count: bw)
        var topDepth = [Float](repeating: 0, count: bw)
        for c in 0..<bw {
            let x = box.x0 + c
            for r in 0..<box.height where region.bits[r * bw + c] != 0 {
                let y = box.y0 + r
                let m = depth.metres[y * w + x]
                if occluding {
                    guard y > 0 else { continue }
                    // Clearly farther, beyond range, or no reading: a real sensor gives none for
                    // the sky, and a hole over a top left out of the profile broke a wall's top
                    // under the sky into head-sized pieces (the 12 close-by recordings as millimetre
                    // depth: false heads 271 → 226; as a stereo camera's, 140 → 109, and the benchmark
                    // set 136 → 119; every head's coverage unchanged but one 9.3 m away, 3.7% → 0%).
                    let above = depth.metres[(y - 1) * w + x]
                    guard above == DepthMap.beyondRange || above == DepthMap.noReading || above - m > p.occludingStep(m) else { continue }
                    let hm = height(x, y, m)
                    guard hm >= p.minTopHeight, hm <= p.maxTopHeight + 0.05 else { continue }
                }
                topRow[c] = y
                topHeight[c] = height(x, y, m)
                topDepth[c] = m
                break
            }
        }
        func heightAt(column c: Int) -> Float? {
            // Columns outside the frame are unknown; inside the frame but outside the box, nothing is there.
            if c < 0 || c >= bw { return box.x0 + c < 0 || box.x0 + c >= w ? nil : -.infinity }
            return topHeight[c]
        }
        // Whether column `n` holds something in front of column `c`'s top (by an occluding edge, less
        // than 0.5 m) whose top the frame's top edge cuts, within 5 m: how high it reaches is unknown,
        // so it neither makes `c`'s top a lower part of it nor hides a shoulder that must show. Close
        // up, a camera looking down cuts the heads of the nearest people at the top of its view (a
        // short man's bald head 1.9 m away, 25° down, 0.16 m behind a taller man's, was left half bare).
        func isCutInFront(_ n: Int, of c: Int) -> Bool {
            let (z, zn) = (topDepth[c], topDepth[n])
            return topRow[n] >= 0 && box.y0 + topRow[n] == 0 && z < 5 && z - zn >= p.occludingStep(z) && z - zn < 0.5
        }
        // Whether column `n`'s top has `minBelowTop` of itself below it, at its own depth: nothing
        // farther (measured, or beyond range) in those rows before something nearer or the frame's
        // bottom. Holes say nothing.
        func showsBelowTop(_ n: Int) -> Bool {
            let x = box.x0 + n, z = topDepth[n]
            let rows = max(1, Int((p.minBelowTop * fy / z).rounded()))
            for y in (topRow[n] + 1)...(topRow[n] + rows) {
                guard y < h else { return true }
                let m = depth.metres[y * w + x]
                if m == DepthMap.noReading { continue }
                if m > z + Self.step(z) { return false }
                if Self.isNearer(m, than: z) { return true }
            }
            return true
        }
        // Whether most of the columns of a top show `minBelowTop` below it.
        func showsBelowMostOf(_ columns: ClosedRange<Int>) -> Bool { columns.filter { showsBelowTop($0) }.count * 2 > columns.count }
        // Whether the surface at column `n`'s top goes on above it for `maxSurfaceAbove` or more,
        // past anything nearer (up to a metre of it) right over the top: then the top is only
        // where its region stops (a facade seen through a gap in a bush's leaves, parted from the
        // rest of the facade by the leaves or by the coarse grid), not a crown, which has
        // something farther over it or over what hides it.
        func surfaceGoesOnAbove(_ n: Int) -> Bool {
            let x = box.x0 + n, z = topDepth[n]
            var y = topRow[n] - 1
            let lowest = max(0, topRow[n] - Int(1.0 * fy / z))
            while y >= lowest, depth.metres[y * w + x] == DepthMap.noReading || Self.isNearer(depth.metres[y * w + x], than: z) { y -= 1 }
            guard y >= 0, abs(depth.metres[y * w + x] - z) <= p.occludingStep(z) else { return false }
            // Up the surface, pixel to pixel within a depth step.
            let rows = Int((p.maxSurfaceAbove * fy / z).rounded(.up))
            var last = z
            for run in 0..<rows {
                guard y - run >= 0 else { return false }
                let m = depth.metres[(y - run) * w + x]
                guard abs(m - last) < Self.step(last) else { return false }
                last = m
            }
            return true
        }
        // Whether column `n`'s top is the far edge of a level surface coming toward the camera: in
        // the rows below it, two or more in a row lie as high as the top (within 2 cm a metre of
        // depth, for the fitted ground's tilt, and a fifth of a row's height), each as high as the
        // one before, until the surface has come a depth step (and 0.3 m) nearer. Seen at a
        // grazing angle, a car's body top through its windows (CARLA's depth camera looks through
        // glass), a roof or a deck breaks into strips a row high, each a region whose far edge is
        // a top over nothing; a crown drops a row's height from row to row. One level row is not
        // enough: a tiny head 28–46 m away one row over something nearer, whose top happens to be
        // as high, would be lost.
        func isFarEdgeOfLevelSurface(_ n: Int) -> Bool {
            let x = box.x0 + n, z = topDepth[n], top = topHeight[n]
            @inline(__always) func isLevel(_ hm: Float, at m: Float, with h0: Float, at z0: Float) -> Bool {
                abs(hm - h0) <= 0.02 * min(max(0, z0 - m), 2) + 0.2 * z0 / fy
            }
            var level = 0
            var (lastDepth, lastHeight) = (z, top)
            for y in (topRow[n] + 1)...(topRow[n] + max(3, Int((0.5 * fy / z).rounded()))) {
                guard y < h else { return false }
                let m = depth.metres[y * w + x]
                if m == DepthMap.noReading { continue }
                guard m != DepthMap.beyondRange else { return false }
                let hm = height(x, y, m)
                guard isLevel(hm, at: m, with: top, at: z), isLevel(hm, at: m, with: lastHeight, at: lastDepth) else { return false }
                (lastDepth, lastHeight) = (m, hm)
                level += 1
                if level >= 2, z - m >= max(0.3, Self.step(z)) { return true }
            }
            return false
        }
        var heads: [HeadRegion] = []
        // Local maxima of the top profile, highest first; each claims its plateau.
        var maxima: [Int] = []
        // Tops that are highest only up to a dip or a nearer thing (parted from them), with something
        // higher beyond.
        var besideTaller = [Bool](repeating: false, count: bw)
        for c in 0..<bw where topRow[c] >= 0 {
            let window = max(1, Int((0.12 * fx / topDepth[c]).rounded()))
            // Highest within 12 cm either side, up to where the profile first dips a head's dip below
            // it or rises onto something an occluding edge nearer: something higher beyond a dip, or
            // in front (the arm of an adult beside a child), is another top, not more of this one.
            var isPeak = true
            for direction in [-1, 1] where isPeak {
                var parted = false
                for d in 1...window {
                    let n = c + direction * d
                    guard n >= 0, n < bw else { break }
                    if topHeight[n] < topHeight[c] - p.headDip { parted = true }
                    if topHeight[n] > topHeight[c] + 1e-4 {
                        // Higher but behind, where a head is expected 12 px or more: the head of
                        // someone else beyond this top's side, where the two share a region lower
                        // down, not more of this top. Behind by the occluder gap, or by 0.1 m and
                        // less than 0.15 m higher (a shoulder lies 0.2 m or more below its own
                        // head). Close-by recordings: head recall 0.977 → 0.983, leaked head pixels
                        // 1.76% → 1.27%, one more false head, with a depth step (0.13–0.2 m there);
                        // with 0.1 m, 0.992 → 0.993 and 0.57% → 0.17% more, no more false heads (a
                        // woman's head 1.7 m away, 0.13 m before a taller man's). At 30 px and up
                        // at first (session 15); from 12 px (session 16), a head 8.4 m away 0.5 m
                        // before a taller person's is found (cameras 1.0 and 2.4 m up: leaked
                        // 0.60% → 0.35% and 0.61% → 0.37%). At every distance, a car's body before
                        // its cabin 16–32 m away has such tops too (8 more false heads on a fresh
                        // recording, 8 from a bumper).
                        let behind = topDepth[n] - topDepth[c]
                        if expectedHeadPixels(at: topDepth[c]) >= p.headBesideHeadPixels,
                           behind >= Self.occluderGap(topDepth[c]) || behind >= 0.1 && topHeight[n] - topHeight[c] < p.headsAsHigh { break }
                        // Higher and nearer, by an occluding edge: something in front of this top (the
                        // arm of an adult walking beside a child, the child on the far side).
                        if topDepth[c] - topDepth[n] >= p.occludingStep(topDepth[c]) { parted = true }
                        if isCutInFront(n, of: c) { break }
                        if parted { besideTaller[c] = true } else { isPeak = false }
                        break
                    }
                }
            }
            if isPeak { maxima.append(c) }
        }
        maxima.sort { topHeight[$0] > topHeight[$1] || topHeight[$0] == topHeight[$1] && $0 < $1 }
        var claimed = [Bool](repeating: false, count: bw)
        // Accepted heads' centre columns, depths and top heights.
        var accepted: [(column: Int, depth: Float, peak: Float)] = []
        for c in maxima where !claimed[c] {
            let z = topDepth[c]
            let peak = topHeight[c]
            let expectedPixels = expectedHeadPixels(at: z)
            // An accepted head 0.2–0.8 m aside, within 0.5 m of depth and at least 0.35 m higher: an
            // adult beside a child. (An adult's own shoulder tops lie 0.25–0.32 m below their head's:
            // at 0.2 m, a man's far shoulder 2.2 m away, behind his head, passed as a child's head.)
            // Or 0.3–0.7 m in front of this top, however close aside: a child just behind an adult,
            // farther than the adult's own shoulders ever lie (children seed 92: recall 0.904 →
            // 0.930; a car's body 0.8 m behind a man before it passed at up to 1 m).
            let adult = accepted.first { other in
                let aside = Float(abs(other.column - c)) * z / fx
                let behind = z - other.depth
                return aside <= p.childAsideAdult && other.peak - peak >= p.childBelowAdult && (aside >= 0.2 && abs(behind) < 0.5 || p.childBehind.contains(behind))
            }
            // Or, close up, beside the head of someone a depth step nearer, as high within 0.15 m,
            // whose side rises over this top: a head just behind theirs (a woman's head 2.5 m away
            // beside a man's 0.23 m before her and 2 cm higher was 13% covered; close-by recordings:
            // recall 0.993 → 0.995, leaked 0.17% → 0.13%, no more false heads; at every distance,
            // 3 more false heads 9–28 m away on the rolled rig, the stereo close-by set and bushes).
            if besideTaller[c], adult == nil, !(expectedPixels >= p.closeHeadPixels && accepted.contains { other in
                Float(abs(other.column - c)) * z / fx <= 0.3 && z - other.depth >= Self.step(z) && abs(other.peak - peak) < p.headsAsHigh
            }) { continue }
            var left = c, right = c
            // Plateau: neighbouring columns whose top lies within 0.1 m below the peak, on the same
            // surface: a depth step between two tops parts them, even where the region joins them
            // lower down (a person in front of a van whose roof is as high as their head).
            @inline(__always) func joins(_ n: Int, _ from: Int) -> Bool {
                !claimed[n] && topHeight[n] >= peak - 0.1 && topHeight[n] <= peak + 1e-3
                    && abs(topDepth[n] - topDepth[from]) < Self.step(topDepth[from])
            }
            while left - 1 >= 0, joins(left - 1, left) { left -= 1 }
            while right + 1 < bw, joins(right + 1, right) { right += 1 }
            for i in left...right { claimed[i] = true }
            let headWidth = Float(right - left + 1) * z / fx
            let touchesSide = (box.x0 + left == 0) || (box.x0 + right == w - 1)
            if ground != nil, peak < p.minTopHeight || peak > p.maxTopHeight { continue }
            // Below `minHeadPixels`, only the top of a whole person standing free.
            if expectedPixels < p.minHeadPixels {
                guard expectedPixels >= p.minWholePersonHeadPixels, ground != nil, peak <= p.maxWholePersonTop,
                      Float(box.width) * z / fx <= p.maxWholePersonWidth,
                      height(box.x0 + c, box.y1, z) <= p.maxWholePersonFoot,
                      standsFree(region, z: z, depth: depth) else { continue }
            }
            // A tiny head needs a ground plane to measure its top against.
            if expectedPixels < p.tinyHeadPixels, ground == nil || peak < p.minTinyHeadTop { continue }
            // A head cut by a side of the frame is at most a head wide; one cut by the top may be
            // the whole width of the shoulders below it.
            if !touchesSide || topRow[c] > 0, headWidth > p.maxHeadWidth { continue }
            // A head partly hidden behind a nearer one (people in a crowd) shows only a sliver
            // beside it: like a head cut by the frame edge, it may be narrower than any head.
            // Which sides (left, right) something nearer cuts.
            let cutSides = [box.x0 + left - 1, box.x0 + right + 1].map { x in
                guard !occluding, x >= 0, x < w, topRow[c] >= 0 else { return false }
                return [0.04, 0.1, 0.16].contains { (dy: Float) in
                    let y = topRow[c] + Int(dy * fy / z)
                    guard y < h else { return false }
                    let m = depth.metres[y * w + x]
                    return Self.isNearer(m, than: z)
                }
            }
            let cutByNearer = cutSides.contains(true)
            // A whole head shows below its top: 10 cm of it at its own depth, unless something
            // nearer hides it or the frame ends there. A strip with something farther right under it
            // is no head: a car's pillar or roof edge, seen through the windows (CARLA's depth camera
            // looks through glass), cut into head-sized pieces. A sliver of a head, cut by a side of
            // the frame or by something nearer, may be the side of its outline, which curves away.
            if !touchesSide, !cutByNearer, !(left...right).contains(where: { showsBelowTop($0) }) { continue }
            if surfaceGoesOnAbove(c) { continue }
            if isFarEdgeOfLevelSurface((left + right) / 2) { continue }
            if headWidth < p.minHeadWidth, !touchesSide, !cutByNearer, right - left + 1 >= 3 || occluding { continue }
            // A top one column wide, whole, where even the narrowest crown would span two: the end of
            // an edge (a parked car's roof seen along its length 20–40 m away), not a head.
            if right == left, !touchesSide, !cutByNearer, p.minCrownWidth * fx / z >= 2 { continue }
            // Close up, a top this narrow is a limb: a swinging arm's upper end beside its torso, a
            // region of its own just behind or before it.
            if expectedPixels >= p.closeHeadPixels, headWidth < p.minCloseHeadWidth, !touchesSide, !cutByNearer { continue }
            // A head is round: its two sides lie at about the same depth. A fragment of a surface seen
            // at a grazing angle (the side of a car far away) recedes steeply from one side to the other.
            // A sliver of a head beside a nearer one ends where the nearer head cuts it, closer to
            // its centre than its outline on the far side, and so nearer: by up to a head's radius
            // (0.1 m) more, where the nearer thing rises beside that end at least as high as this
            // top (a far car's side beside a nearer car in a parked row recedes the same way, but
            // ends below the nearer car's roof). On the benchmark set: recall ≥ 8 px 0.996 → 0.998,
            // false heads unchanged; on the seed-8 crowd 0.989 → 0.992, 1 more false head.
            @inline(__always) func risesBeside(_ x: Int) -> Bool {
                x >= 0 && x < w && topRow[c] >= 1 && Self.isNearer(depth.metres[(topRow[c] - 1) * w + x], than: z)
            }
            let cutEndIsNearer = cutSides[0] && topDepth[left] < topDepth[right] && risesBeside(box.x0 + left - 1)
                || cutSides[1] && topDepth[right] < topDepth[left] && risesBeside(box.x0 + right + 1)
            let sliverAllowance: Float = cutEndIsNearer ? 0.1 : 0
            if right > left, abs(topDepth[right] - topDepth[left]) > max(0.12, 1.2 * headWidth) + p.endNoisePerMetre * z + sliverAllowance { continue }
            let centre = (left + right) / 2
            // Columns from this top's centre to where its shoulders lie.
            let offset = Int((p.shoulderOffset * fx / z).rounded())
            // A lower peak beside an accepted head is that person's shoulder, not another head; a
            // shoulder lies well below its head's top, the head of someone walking alongside does not.
            // Nor does a shoulder lie 0.3 m or more behind its head: that is a child just behind
            // (children seed 92: recall 0.930 → 0.956).
            // A shoulder joins its head: where the background shows between the two 5 cm below this
            // top, over 8 cm (2 px at least), it is a head of its own (a short woman 2.8 m away, her
            // head 0.27 m beside and 0.22 m below a taller man's, was left bare; close-by recordings:
            // head recall 0.983 → 0.987, leaked head pixels 1.27% → 0.82%; 1 more false head there,
            // 2 on the benchmark set, 1 on the handheld recordings). Over 5 cm, a synthetic
            // shoulder's notch beside the neck passed too (2 more false heads); with any pixel of
            // background, 50 more.
            @inline(__always) func backgroundShows(toward column: Int) -> Bool {
                Self.showsBackground(below: topRow[c], at: z, columns: (box.x0 + min(column, centre))...(box.x0 + max(column, centre)),
                                     depth: depth, fy: fy, run: max(2, Int((0.08 * fx / z).rounded())))
            }
            // Nor is it that head's shoulder where it lies less than a shoulder's 0.2 m below it and
            // shows a shoulder of its own on its far side, where a head is expected 12 px or more:
            // a shorter person's head beside a taller one's, touching it (see `sides` below).
            @inline(__always) func isHeadBeside(_ other: (column: Int, depth: Float, peak: Float)) -> Bool {
                expectedPixels >= p.headBesideHeadPixels && abs(other.depth - z) < Self.step(z)
                    && other.peak - peak < p.minShoulderBelowHead && showsOwnShoulder(awayFrom: other.column)
            }
            // Whether the profile on this top's side away from `column`, within 0.25 m of its centre
            // and at its depth, lies where its own shoulder would (`ownShoulderDrop` below it).
            @inline(__always) func showsOwnShoulder(awayFrom column: Int) -> Bool {
                let (lo, hi) = column < centre ? (right + 1, min(bw - 1, centre + offset)) : (max(0, centre - offset), left - 1)
                guard lo <= hi else { return false }
                return (lo...hi).contains { n in
                    topRow[n] >= 0 && abs(topDepth[n] - z) < Self.step(z) && p.ownShoulderDrop.contains(peak - topHeight[n])
                }
            }
            if accepted.contains(where: { other in
                Float(abs(other.column - centre)) * z / fx < 0.3 && abs(other.depth - z) < Self.step(z) && z - other.depth < p.childBehind.lowerBound && other.peak - peak > p.shoulderDrop
                    && !backgroundShows(toward: other.column) && !isHeadBeside(other)
            }) { continue }
            var besideSurfaceBehind = false
            // Per side: whether it passes, and whether only because something clearly taller stands
            // right beside this top (a child beside an adult).
            var tallerBeside = 0
            let sides = [centre - offset, centre + offset].map { n -> Bool in
                guard let hn = heightAt(column: n) else { return true }
                if hn <= peak - p.shoulderDrop { return true }
                if n >= 0, n < bw, isCutInFront(n, of: c) { return true }
                // Or the head of someone a depth step nearer, less than 0.15 m higher, covers it: the
                // shoulder is behind their head (a woman's head 2.4 m away touching that of a man
                // 0.25 m before her, as high, was left bare; close-by recordings: head recall 0.987 →
                // 0.990, no more false heads anywhere). A head 0.15 m or more higher may be this
                // top's own, nearer than its shoulder (a camera 25° down: 10 more false heads).
                if accepted.contains(where: { Float(abs($0.column - n)) * $0.depth / fx <= p.headHalfWidth && z - $0.depth >= Self.step(z) && $0.peak - peak < p.headsAsHigh }) { return true }
                // Or the head of someone beside, on this side, rises there: a taller person's head
                // touching this one's, which shows its own shoulder on the other side (a head
                // 9–11 m away, 0.1 m before a taller person's and 0.18 m lower, was taken for
                // that one's shoulder in 15 frames of a fresh recording: seeds 77–81 recall 0.983 →
                // 0.995, leaked 0.42% → 0.19%; below 12 px, leaves on bushes 22–30 m away passed).
                if accepted.contains(where: { other in
                    (other.column - centre).signum() == (n - centre).signum() && Float(abs(other.column - n)) * z / fx <= p.headHalfWidth
                        && isHeadBeside(other)
                }) { return true }
                // Something as high 0.25 m aside is another head when the profile dips between the
                // two: at least 1.5 cm of columns 6–70 cm below the top (shoulders, or two heads side
                // by side that touch below their crowns, as in a crowd). A flat top (a car roof, a
                // wall) never dips, and a gap of missing columns in one is no dip. Close up, two
                // people side by side, one a head taller, show their shoulders between their heads
                // in a gap as narrow as 2.4 cm (1.6 m away; 3 cm were needed before: on recordings
                // of people 2–5 m away, head recall 0.972 → 0.973 and leaked head pixels 2.76% →
                // 2.03%; children 0.966 → 0.967; no more false heads anywhere, the other
                // recordings unchanged).
                let (lo, hi) = n < centre ? (max(0, n + 1), left) : (right + 1, min(bw, n))
                guard lo < hi else { return false }
                let shoulders = (lo..<hi).filter { topHeight[$0] <= peak - p.headDip && topHeight[$0] >= peak - 0.7 }.count
                if shoulders >= max(2, Int((0.015 * fx / z).rounded())) { return true }
                // Or it stands a depth step behind, about as high as this top, which is an adult's
                // (a man 23 m away before a van whose roof is as high as his head): then his own
                // body must show below it, not hidden and no wider than a person (0.8 m). Lower
                // tops are left out: a box's or a bin's near edge has its own top face behind it.
                if n >= 0, n < bw, topRow[n] >= 0, topDepth[n] - z >= Self.step(z), hn <= peak + 0.03, peak >= p.minTinyHeadTop {
                    besideSurfaceBehind = true
                    return true
                }
                if let adult, (adult.column - centre).signum() == (n - centre).signum(), hn >= peak + p.shoulderDrop { tallerBeside += 1 }
                return false
            }
            // A child's head beside an adult's arm: the adult side rises straight to a top clearly
            // higher, with no dip, while the child's own shoulder drops on the other side.
            let shouldersOK = sides.allSatisfy { $0 } || sides.contains(true) && tallerBeside == 1
            if !shouldersOK { continue }
            // Torso: 0.45–0.7 m below the top, at least 0.18 m wide, or hidden, or out of the frame.
            let top = topRow[centre] >= 0 ? topRow[centre] : topRow[c]
            let r0 = top + Int(0.45 * fy / z), r1 = top + Int(0.7 * fy / z)
            var torsoOK = r0 >= h
            if !torsoOK {
                var widest: Float = 0
                var narrowest: Float = .infinity
                var hidden = false
                // Body pixels: any at the person's depth, in or out of this region (a head cut off by
                // the frame edge is a region of its own, apart from its shoulders).
                let band = max(Self.step(z), 0.35)
                // A child just behind an adult shows a body only beside the adult's: 0.1 m of it
                // will do (children seed 92: recall 0.956 → 0.982). So will it for a top in a layer
                // of an adult's region (`layers`, `layerOfAdult`): a child just before or behind
                // that adult, whose body seen in profile is 0.1 m deep (a child 12–14 m away, 3–4 px:
                // children's recordings recall 0.965 → 0.970, leaked 1.01% → 0.94%; no more false
                // heads anywhere). A layer's head must also lie 0.35 m below the adult's, within
                // 0.8 m aside, and its layer reach the ground; a post 0.1 m thick just before a
                // person and joined to them might pass (none does on our recordings).
                let childBehind = adult.map { p.childBehind.contains(z - $0.depth) } ?? false
                // There a run's end nearer than halfway to the adult is the adult's (the side of an
                // arm turning away from the camera), which says nothing of whether the run recedes
                // (children: recall 0.876 → 0.891, leaked 3.58% → 3.13%; every other set identical).
                let adultEdge = adult.map { childBehind ? (z + $0.depth) / 2 : 0 } ?? 0
                let centreX = box.x0 + centre
                let reach = max(1, Int(0.15 * fx / z))
                for y in r0...min(h - 1, r1) {
                    let row = y * w
                    @inline(__always) func isBody(_ x: Int) -> Bool {
                        let m = depth.metres[row + x]
                        return m > 0 && abs(m - z) < band
                    }
                    // Something nearer at column `x` hides the body (with exact depth, only when it
                    // is not a part of this top's own region).
                    @inline(__always) func hidesBody(_ x: Int) -> Bool {
                        Self.isNearer(depth.metres[row + x], than: z) && (p.regionPartsHide || !region.holds(x: x, y: y))
                    }
                    var a = -1
                    for d in 0...reach {
                        if centreX - d >= 0, isBody(centreX - d) { a = centreX - d; break }
                        if centreX + d < w, isBody(centreX + d) { a = centreX + d; break }
                    }
                    guard a >= 0 else {
                        // No body here: is something nearer in front of it?
                        if hidesBody(centreX) { hidden = true }
                        continue
                    }
                    var b = a
                    while a - 1 >= 0, isBody(a - 1) { a -= 1 }
                    while b + 1 < w, isBody(b + 1) { b += 1 }
                    // A run cut short by something nearer has an unknown width: the body goes on behind it.
                    for edge in [a - 1, b + 1] where edge >= 0 && edge < w && hidesBody(edge) { hidden = true }
                    let touches = a == 0 || b == w - 1
                    // A body's two sides lie at about the same depth; a surface seen edge-on recedes.
                    // A run cut by a side of the frame shows only part of its width: a body turned
                    // toward that side may recede by up to half a metre across the part that shows
                    // (a man 1.8 m away at the side of a 69° view, 0.33 m over 0.125 m: his head was
                    // lost; on four handheld-like recordings recall 0.931 → 0.934, leaked 1.33% →
                    // 0.96%; every other set identical). Close up, a body turned away at an angle,
                    // its far arm showing behind it, recedes by up to 1.7 times its width (a man 2.3 m
                    // away seen from behind, 0.49 m over 0.30 m, his head left bare; close-by
                    // recordings: recall 0.990 → 0.992, leaked 0.75% → 0.57%, every other set
                    // identical); farther, where a width is a few pixels, 1.7 times let car parts
                    // 16–32 m away pass (9 more false heads on the fresh recordings).
                    let width = Float(b - a + 1) * z / fx
                    let recedes = (expectedPixels >= p.closeHeadPixels ? 1.7 : 1.5) * width
                    var (e0, e1) = (a, b)
                    while e0 < e1, depth.metres[row + e0] < adultEdge { e0 += 1 }
                    while e1 > e0, depth.metres[row + e1] < adultEdge { e1 -= 1 }
                    if abs(depth.metres[row + e0] - depth.metres[row + e1]) > max(touches ? 0.5 : 0.3, recedes) { continue }
                    widest = max(widest, touches ? .infinity : width)
                    if !touches { narrowest = min(narrowest, width) }
                }
                // A top cut off by something nearer above (a pole under foliage) is no proof of a
                // head: it then needs a body clearly wider than itself. Foliage covers the whole
                // top, at its middle column and its highest; the outline of a nearer head sloping
                // over a sliver of a head behind it may cover the middle column only.
                let cutAbove = [(top, centre), (topRow[c], c)].allSatisfy { row, column in
                    row >= 1 && Self.isNearer(depth.metres[(row - 1) * w + box.x0 + column], than: z)
                }
                let torso = expectedPixels >= p.closeTorsoHeadPixels ? p.minCloseTorsoWidth
                    : expectedPixels >= p.slimTorsoHeadPixels ? p.slimTorsoWidth : p.minTorsoWidth
                let needed = cutAbove ? max(0.3, 1.5 * headWidth) : childBehind || layerOfAdult ? 0.1 : torso
                torsoOK = widest >= needed || !cutAbove && r1 >= h && widest == 0
                // A body hidden by something nearer leaves a head alone: accept it only when it is
                // wide enough not to be a sliver of some slanted surface, or when it is a sliver cut
                // by something nearer too, over a body at least twice as wide (and 0.1 m) showing
                // beside the nearer thing (a head 2 px wide behind a nearer man, seed 80: recall
                // 0.989 → 1.000; 1–4 more false heads a recording, none on the hard negatives).
                // Where a head is `hiddenBodyHeadPixels` or more, most columns of its top show
                // `minBelowTop` of it before anything farther: a piece of a car's window pillar,
                // parted from the car by a depth step over its nearer body, has what lies beyond
                // the glass right under it (the real town frame's red car; 8 fewer false heads
                // through car windows, 6 on the stereo sets, 3 in bushes, 3 from cameras looking
                // down; recall and leaks unchanged everywhere; at 2–4 px, far heads 25–36 m away
                // were lost).
                || hidden && !cutAbove && right - left + 1 >= 3
                    && (expectedPixels < p.hiddenBodyHeadPixels || showsBelowMostOf(left...right))
                || hidden && !cutAbove && cutByNearer && widest >= max(0.1, 2 * headWidth)
                if besideSurfaceBehind, hidden || cutAbove || widest < p.minTorsoWidth || narrowest > 0.8 { torsoOK = false }
            }
            if besideSurfaceBehind, r0 >= h { torsoOK = false }
            if !torsoOK { continue }
            // A sliver of a surface seen at a grazing angle (the side of a car far away) splits into
            // one-column regions whose depth continues its neighbours' trend; a head stands apart.
            // Above 960 px the regions come from a grid of every other pixel, where a column is two
            // pixels: the slivers are up to 5 pixels wide. An occluding top's two ends are measured
            // at the top itself: it may be narrower than the head under it, whose outline then
            // leaves the row below the top's ends to the wall behind (a person 12 m away just before
            // a facade receding across the view, the wall's trend both outside and inside the top).
            if right - left + 1 < 3 * (w > 960 ? 2 : 1),
               isSlantedSurface(depth: depth, x0: box.x0 + left, x1: box.x0 + right, y: top + 1, z: z,
                                ends: occluding ? (topDepth[left], topDepth[right]) : nil) { continue }
            // The head window, in pixels at the head's depth.
            let headZ = medianDepth(region, depth: depth, rows: top...(top + Int(0.2 * fy / z)), columns: (box.x0 + left)...(box.x0 + right)) ?? z
            let half = Int((p.headHalfWidth * fx / headZ).rounded(.up))
            let centreX = box.x0 + centre
            let up = Int((Self.windowAbove * fy / headZ).rounded(.up))
            let down = Int((p.headDepthExtent * fy / headZ).rounded(.up))
            let head = PixelBox(x0: max(0, centreX - half), y0: max(0, top - up), x1: min(w - 1, centreX + half), y1: min(h - 1, top + down))
            accepted.append((centre, z, peak))
            heads.append(HeadRegion(box: head, depth: headZ, person: box, source: "depth",
                                    narrowFromRow: top + Int((p.chinDepth * fy / headZ).rounded()),
                                    narrowHalfWidth: Int((p.neckHalfWidth * fx / headZ).rounded(.up)),
                                    lean: ground.map { Self.lean(at: centreX, top, depth: headZ, ground: $0, intrinsics: k) } ?? 0,
                                    leanOrigin: top + Int((0.11 * fy / headZ).rounded()),
                                    tilt: ground.map { Self.tilt(at: centreX, top, depth: headZ, ground: $0, intrinsics: k) } ?? 0))
        }
        // Person boxes: split the region's columns between neighbouring heads.
        let sorted = heads.sorted { $0.box.x0 < $1.box.x0 }
        var split: [HeadRegion] = []
        for (i, head) in sorted.enumerated() {
            var person = head.person
            if i > 0 { person.x0 = max(person.x0, (sorted[i - 1].box.x1 + head.box.x0) / 2) }
            if i + 1 < sorted.count { person.x1 = min(person.x1, (head.box.x1 + sorted[i + 1].box.x0) / 2) }
            person.y0 = min(person.y0, head.box.y0)
            var result = head
            result.person = person
            split.append(result)
        }
        return split
    }

    /// Whether nothing nearer than `z` (by the occluder gap) lies just left or right of the region
    /// on any of its rows.
    func standsFree(_ region: Region, z: Float, depth: DepthMap) -> Bool {
        let box = region.box, bw = box.width, w = depth.width
        for r in 0..<box.height {
            let row = region.bits[(r * bw)..<((r + 1) * bw)]
            guard let a = row.firstIndex(where: { $0 != 0 }), let b = row.lastIndex(where: { $0 != 0 }) else { continue }
            let y = box.y0 + r
            for x in [box.x0 + (a - r * bw) - 1, box.x0 + (b - r * bw) + 1] where x >= 0 && x < w {
                if Self.isNearer(depth.metres[y * w + x], than: z) { return false }
            }
        }
        return true
    }

    /// Whether the depths just left and right of columns x0…x1 on row `y` continue a monotonic
    /// trend through `z` with small steps, as on a slanted surface, and the columns themselves
    /// recede with it: their two `ends` (the depths at x0 and x1; on row `y` unless given) differ by
    /// half as much as the surface around them does across them (a head 21 m away brushing a wall
    /// seen at a grazing angle sits in the wall's trend, but is about level across itself).
    func isSlantedSurface(depth: DepthMap, x0: Int, x1: Int, y: Int, z: Float, ends: (Float, Float)? = nil) -> Bool {
        guard x0 > 0, x1 + 1 < depth.width, y >= 0, y < depth.height else { return false }
        let left = depth.metres[y * depth.width + x0 - 1], right = depth.metres[y * depth.width + x1 + 1]
        guard DepthMap.isMeasured(left), DepthMap.isMeasured(right) else { return false }
        let limit = 3 * Self.step(z)
        let monotonic = (left < z && z < right) || (left > z && z > right)
        guard monotonic && abs(left - z) < limit && abs(right - z) < limit else { return false }
        guard x1 > x0 else { return true }
        // Wide enough to measure its own slope: a fragment of the surface recedes across itself as
        // the surface does around it; a head before a slanted wall is about level.
        let (a, b) = ends ?? (depth.metres[y * depth.width + x0], depth.metres[y * depth.width + x1])
        guard DepthMap.isMeasured(a), DepthMap.isMeasured(b) else { return true }
        let outside = abs(right - left) * Float(x1 - x0) / Float(x1 - x0 + 2)
        return abs(b - a) >= 0.5 * outside
    }

    /// The median depth of region pixels within rows × columns.
    func medianDepth(_ region: Region, depth: DepthMap, rows: ClosedRange<Int>, columns: ClosedRange<Int>) -> Float? {
        var values: [Float] = []
        for y in max(rows.lowerBound, region.box.y0)...max(max(rows.lowerBound, region.box.y0), min(rows.upperBound, region.box.y1)) {
            for x in max(columns.lowerBound, region.box.x0)...max(max(columns.lowerBound, region.box.x0), min(columns.upperBound, region.box.x1)) {
                guard region.holds(x: x, y: y) else { continue }
                values.append(depth.metres[y * depth.width + x])
            }
        }
        guard !values.isEmpty else { return nil }
        return Selection.kthSmallest(values.count / 2, in: &values)
    }
}
