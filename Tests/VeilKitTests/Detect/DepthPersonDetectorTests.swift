import Foundation
import Testing
@testable import VeilKit

/// Scenes with a person where the hard cases put them, rendered and searched.
@Suite struct DepthPersonDetectorTests {
    static func person(_ id: Int, x: Float, z: Float, yaw: Float = .pi, seed: UInt64) -> SynthPerson {
        var g = SplitMix64(seed: seed)
        var identity = Identity.random(using: &g)
        identity.hairStyle = 0
        return SynthPerson(id: id, identity: identity, identityIndex: id - 1, startX: x, startZ: z, yaw: yaw, speed: 0, phase: 0, headTurn: 0)
    }

    /// `metres` as a stereo camera gives them: nothing past `range`, 2% of pixels lost at random,
    /// noise of 2 mm + 1.5 mm·Z², millimetre steps; the same for the same `seed`.
    static func degradeAsStereo(_ metres: inout [Float], range: Float = 10, seed: UInt64) {
        var random = SplitMix64(seed: seed)
        func uniform() -> Float { Float(random.next() >> 40) / Float(1 << 24) }
        for i in metres.indices {
            let z = metres[i]
            guard DepthMap.isMeasured(z), z <= range else { metres[i] = DepthMap.noReading; continue }
            if uniform() < 0.02 { metres[i] = DepthMap.noReading; continue }
            let gaussian = (-2 * logf(max(uniform(), 1e-7))).squareRoot() * cosf(2 * .pi * uniform())
            metres[i] = ((z + (0.002 + 0.0015 * z * z) * gaussian) * 1000).rounded() / 1000
        }
    }

    /// Renders frame `number` of `scene` and finds heads in it with the depth detector: the heads,
    /// their score against the frame's ground truth, and its head ids. `alter` may change the
    /// rendered depth first (to make it a real sensor's).
    static func search(_ scene: SynthScene, frame number: Int,
                       alter: (RenderedFrame, inout [Float]) throws -> Void = { _, _ in }) throws -> ([HeadRegion], HeadScore, [UInt16]) {
        let (width, height) = (scene.options.width, scene.options.height)
        let frame = SynthRenderer(scene: scene).render(frame: number)
        var metres = frame.depth
        try alter(frame, &metres)
        let files = FrameFiles(number: number, color: URL(fileURLWithPath: String(format: "/synthetic/rgb/%06d.png", number)))
        let (heads, mask) = try HeadFinder(kind: .depth).find(
            in: Frame(number: number, files: files, rgb: Raster(width: width, height: height, channels: 3, samples: frame.rgb),
                      depth: DepthMap(width: width, height: height, metres: metres), depthImage: nil),
            intrinsics: scene.intrinsics)
        let truth = FrameGroundTruth(heads: Raster(width: width, height: height, channels: 1, samples: frame.heads), people: frame.people)
        return (heads, HeadScore.score(mask: mask, heads: heads, truth: truth), frame.heads)
    }

    /// Renders one frame of a scene and finds heads in it; returns the score against its ground truth.
    /// `alter` may change the rendered depth first, as in `search(_:frame:alter:)`.
    static func search(people: [SynthPerson], props: [Prop] = [], width: Int = 800, height: Int = 600,
                       camera: (height: Float, pitch: Float, roll: Float) = (1.6, 0, 0),
                       alter: (RenderedFrame, inout [Float]) throws -> Void = { _, _ in }) throws -> (HeadScore, [HeadRegion]) {
        var options = SynthOptions()
        options.frames = 1; options.width = width; options.height = height; options.speed = 0; options.noise = 1.5
        (options.cameraHeight, options.cameraPitch, options.cameraRoll) = camera
        let (heads, score, _) = try search(SynthScene(options: options, people: people, props: props), frame: 1, alter: alter)
        return (score, heads)
    }

    /// A slim woman of 1.5 m standing side-on 3.4–4.6 m from an 800×600 camera (her head 20–27 px
    /// tall): her body is under 0.18 m deep, which the torso test wanted below 30 px; 0.14 m
    /// holds from 20 px (7 of these 8 scenes were bare before).
    @Test(arguments: [Float(3.4), 3.8, 4.2, 4.6], [Float(0.85), 0.9])
    func aSlimShortWomanSideOnAFewMetresAwayIsCovered(distance: Float, build: Float) throws {
        var woman = Self.person(1, x: 0.3, z: distance, yaw: .pi / 2, seed: 11)
        woman.identity.height = 1.5
        woman.identity.build = build
        let (score, heads) = try Self.search(people: [woman])
        #expect(score.total.allCovered == 1, "\(score.misses); heads at \(heads.map(\.box))")
        #expect(score.falseHeads == 0, "heads at \(heads.map(\.box))")
    }

    /// Slim women of 1.5–1.6 m standing side-on 5–12 m away (heads 8–18 px tall), facing left or
    /// right: 0.16–0.18 m deep at the chest, under the 0.18 m torso these distances wanted until
    /// session 22 (each of these scenes was bare then). Two of them as a stereo camera sees them
    /// (noise of 2 mm + 1.5 mm·Z², 2% of pixels lost, nothing past 10 m, millimetre steps): hole
    /// filling and the median leave the body's run as narrow as with exact depth.
    static let slimWomenSideOn: [(width: Int, height: Int, seed: UInt64, yaw: Float, tall: Float, distance: Float, stereo: Bool)] = [
        (800, 600, 12, -.pi / 2, 1.5, 5, false), (800, 600, 13, .pi / 2, 1.6, 8, false), (800, 600, 11, .pi / 2, 1.5, 12, false),
        (1280, 720, 12, .pi / 2, 1.5, 10, false), (1280, 720, 13, -.pi / 2, 1.6, 8, false), (1280, 720, 11, -.pi / 2, 1.5, 12, false),
        (800, 600, 12, .pi / 2, 1.6, 6, true), (1280, 720, 13, -.pi / 2, 1.5, 8, true),
    ]

    @Test(arguments: slimWomenSideOn)
    func aSlimWomanSideOnFiveToTwelveMetresAwayIsCovered(width: Int, height: Int, seed: UInt64, yaw: Float, tall: Float,
                                                         distance: Float, stereo: Bool) throws {
        var woman = Self.person(1, x: 0.3, z: distance, yaw: yaw, seed: seed)
        woman.identity.height = tall
        woman.identity.build = 0.85
        let (score, heads) = try Self.search(people: [woman], width: width, height: height) { _, metres in
            if stereo { Self.degradeAsStereo(&metres, seed: seed) }
        }
        #expect(score.total.allCovered == 1, "\(score.misses); heads at \(heads.map(\.box))")
        // Made noisy, a wall the frame's side cuts 7.5 m away gives a false head of its own (one
        // scene here); that is not what this tests.
        if !stereo { #expect(score.falseHeads == 0, "heads at \(heads.map(\.box))") }
    }

    @Test func standingPeopleAtSeveralDistancesAreFullyCovered() throws {
        let people = [Self.person(1, x: -1, z: 3, seed: 1), Self.person(2, x: 1.5, z: 7, seed: 2), Self.person(3, x: -2, z: 10, seed: 3)]
        let (score, heads) = try Self.search(people: people)
        #expect(score.total.heads == 3)
        #expect(score.total.covered == 3)
        #expect(heads.count == 3 && score.falseHeads == 0)
        #expect(try #require(score.overMasked) < 3.0)
    }

    /// People seated behind desks 1.6–4.2 m away, heads 1.2–1.3 m above the floor, their legs
    /// hidden: what a headset sees from a seat at a meeting (camera 1.2 m up, a D435's 69°) and from
    /// a standing height at CARLA's 90°.
    @Test(arguments: [(Float(1.2), 69.0, 640, 480), (1.6, 90.0, 1280, 720)])
    func seatedPeopleBehindDesksAreCovered(cameraHeight: Float, fov: Double, width: Int, height: Int) throws {
        var people: [SynthPerson] = [], props: [Prop] = []
        for (i, (x, z)) in [(Float(-0.9), Float(1.6)), (0.5, 2.3), (-0.3, 3.2), (1.3, 4.2)].enumerated() {
            var person = Self.person(i + 1, x: x, z: z, seed: UInt64(20 + i))
            person.seated = true
            people.append(person)
            props.append(Prop(kind: .personBox, x: x, z: z - 0.75, yaw: 0, size: Vec3(1.1, 0.74, 0.7), colour: Vec3(0.5, 0.4, 0.3)))
        }
        var options = SynthOptions()
        options.frames = 1; options.width = width; options.height = height; options.speed = 0; options.noise = 1.5; options.fov = fov
        (options.cameraHeight, options.cameraPitch, options.cameraRoll) = (cameraHeight, 0, 0)
        let (heads, score, truth) = try Self.search(SynthScene(options: options, people: people, props: props), frame: 1)
        for id in 1...4 { Self.expectCovered(UInt16(id), pixels: 100, heads: heads, score: score, truth: truth) }
        #expect(score.falseHeads == 0, "\(score.misses)")
    }

    /// Frame 56850 of the 2.4 m, 15°-down rig's 1280×720 recording of 12 people (seed 406): a man
    /// 1.6 m away, seen side-on from above and behind, his head longer than its window is wide. Its
    /// back was a strip of hair left bare (98.1% covered) until the mask followed the head's surface
    /// past the window.
    @Test func aHeadSeenSideOnIsCoveredPastItsWindow() throws {
        let (heads, score, truth) = try Self.searchRecordingFrame(56850, people: 12, frames: 16, seed: 406, lighting: .overcast,
                                                                  camera: (2.4, 15, 0))
        Self.expectCovered(3, pixels: 3000, heads: heads, score: score, truth: truth)
    }

    @Test func personCutByTheFrameEdgeIsCovered() throws {
        // 800×600 with a 90° field of view: at 4 m the frame's left edge is at x = −4 m.
        let (score, _) = try Self.search(people: [Self.person(1, x: -3.95, z: 4, yaw: .pi / 2, seed: 4)])
        #expect(score.total.allHeads == 1)
        #expect(score.total.allCovered == 1)
    }

    /// A person-sized box close by, cut by a side of the frame: its flat top, wider than any head,
    /// is no head cut by the frame edge.
    @Test(arguments: [(Float(2.8), Float(2.75)), (2.8, 2.9), (4, 4.1)])
    func aBoxCutByTheFrameEdgeIsNoHead(distance: Float, x: Float) throws {
        let box = Prop(kind: .personBox, x: x, z: distance, yaw: 0, size: Vec3(0.7, 1.8, 0.5), colour: Vec3(0.1, 0.1, 0.12))
        let (score, heads) = try Self.search(people: [], props: [box], width: 1280, height: 720)
        #expect(score.falseHeads == 0, "false heads at \(heads.map(\.box))")
    }

    @Test func twoPeopleOverlappingAtDifferentDepthsAreBothCovered() throws {
        let people = [Self.person(1, x: 0.3, z: 4, seed: 5), Self.person(2, x: 0.0, z: 5.5, seed: 6)]
        let (score, _) = try Self.search(people: people)
        #expect(score.total.allHeads == 2)
        #expect(score.total.allCovered == 2)
        #expect(score.falseHeads == 0)
    }

    @Test func peopleWalkingShoulderToShoulderAreBothCovered() throws {
        // Heads 0.28 m apart and 0.15 m apart in depth: each head's neighbour stands where its
        // shoulder would be, and only the dip between them tells two heads from one wide top.
        let people = [Self.person(1, x: 0.0, z: 5.6, seed: 8), Self.person(2, x: 0.28, z: 5.45, seed: 9)]
        let (score, _) = try Self.search(people: people)
        #expect(score.total.allHeads == 2)
        #expect(score.total.allCovered == 2)
        #expect(score.falseHeads == 0)
    }

    /// Two heads 0.16 m apart in a crowd 5.7 m away, the nearer one 8–20 cm in front and as tall or
    /// 1 cm shorter: they touch a few centimetres below their crowns, so the profile between them
    /// dips 6–10 cm, not to the shoulders. All four missed the farther head while a dip of 10 cm was
    /// needed.
    @Test(arguments: [(Float(0.08), Float(1.69)), (0.08, 1.7), (0.16, 1.69), (0.2, 1.69)])
    func headsTouchingSideBySideAreBothCovered(dz: Float, nearerHeight: Float) throws {
        var a = Self.person(1, x: 0.0, z: 5.7, seed: 8), b = Self.person(2, x: 0.16, z: 5.7 - dz, seed: 9)
        a.identity.height = 1.7; b.identity.height = nearerHeight
        let (score, heads) = try Self.search(people: [a, b], width: 1280, height: 720)
        #expect(score.total.allHeads == 2)
        #expect(score.total.allCovered == 2, "heads found at \(heads.map(\.box))")
    }

    @Test func headMostlyHiddenBehindANearerHeadIsCovered() throws {
        // The rear person, 6 cm shorter and 0.7 m further, shows a crescent of head a few
        // centimetres wide beside the front head, its top hidden behind it.
        var front = Self.person(1, x: 0.0, z: 3.8, seed: 10), rear = Self.person(2, x: 0.08, z: 4.5, seed: 11)
        front.identity.height = 1.8
        rear.identity.height = 1.74
        let (score, _) = try Self.search(people: [front, rear])
        #expect(score.total.allHeads == 2)
        #expect(score.total.allCovered == 2)
        #expect(score.total.leakedPixels == 0)
    }

    @Test func personInFrontOfAWallIsCovered() throws {
        // A 6 m wide, 3 m tall wall one metre behind the person.
        let wall = Prop(kind: .personBox, x: 0, z: 7, yaw: 0, size: Vec3(6, 3, 0.3), colour: Vec3(0.6, 0.6, 0.6))
        let (score, _) = try Self.search(people: [Self.person(1, x: 0.5, z: 6, seed: 7)], props: [wall])
        #expect(score.total.allHeads == 1 && score.total.allCovered == 1)
        #expect(score.falseHeads == 0)
    }

    @Test(arguments: [(Float(6), Float(0.2)), (6, 0.24), (9, 0.2), (9, 0.24)])
    func personWithTheirBackToAWallIsCovered(distance: Float, wallBehind: Float) throws {
        // The wall (0.3 m thick) has its face 5–9 cm behind the person's centre line: their back
        // against it, one region with it, and the top of the head steps back to the wall by less
        // than a depth step. Exact depth (CARLA's) shows that step; all four fail with the edge
        // step a real camera's noise needs (0.12 m + 0.6%).
        let wall = Prop(kind: .personBox, x: 0, z: distance + wallBehind, yaw: 0, size: Vec3(6, 3, 0.3), colour: Vec3(0.6, 0.6, 0.6))
        let (score, heads) = try Self.search(people: [Self.person(1, x: 0.5, z: distance, seed: 7)], props: [wall])
        #expect(score.total.allHeads == 1 && score.total.allCovered == 1, "heads found at \(heads.map(\.box))")
        #expect(score.falseHeads == 0)
    }

    @Test func personWithTheirBackToAWallWiderThanTheFrameIsCovered() throws {
        // As above, but the wall (a facade along the street) is 20 m wide: it fills the frame, whose
        // width is 12.4 m at the wall's depth, and the person is one region with it. Regions that
        // wide were dropped unsearched, taking the person in front with them.
        let wall = Prop(kind: .personBox, x: 0, z: 6.2, yaw: 0, size: Vec3(20, 3, 0.3), colour: Vec3(0.6, 0.6, 0.6))
        let (score, heads) = try Self.search(people: [Self.person(1, x: 0.5, z: 6, seed: 7)], props: [wall])
        #expect(score.total.allHeads == 1 && score.total.allCovered == 1, "heads found at \(heads.map(\.box))")
        #expect(score.falseHeads == 0)
    }

    @Test(arguments: [Float(10), 15])
    func hangingHairIsCoveredWhereAPitchedCameraLeansTheVertical(pitch: Float) throws {
        // A camera looking down (CARLA rigs often tilt 10–15°) leans the world's vertical toward
        // the image centre at its sides: a woman in profile 1.8 m away at the right of a 1280×720
        // view has her hair hanging behind her head, and it leans out of a straight-down window
        // (109 of her head's pixels left bare at 10°, 232 at 15°).
        var woman = Self.person(1, x: 1.5, z: 1.8, yaw: .pi / 2, seed: 12)
        woman.identity.hairStyle = 1
        let (score, heads) = try Self.search(people: [woman], width: 1280, height: 720, camera: (1.6, pitch, 0))
        #expect(score.total.allHeads == 1 && score.total.allCovered == 1 && score.total.leakedPixels == 0,
                "leaked \(score.total.leakedPixels) px; heads at \(heads.map(\.box))")
        #expect(heads.count == 1 && heads[0].lean < -0.1, "leans \(heads.map(\.lean))")
    }

    @Test func aHeadJustBehindOneThatTheTopOfTheFrameCutsIsCovered() throws {
        // `Scripts/bench-detect`'s handheld recording 403 (1.6 m up, looking 25° down): a short man's
        // bald head 1.9 m away, 0.16 m behind a taller man whose head the top of the frame cuts and
        // whose cut top is 3.5 cm higher than the bald head's. How high the taller head reaches is
        // unknown, so the bald head is neither a lower part of it nor a top with a shoulder hidden.
        let (heads, score, truth) = try Self.searchBenchFrame(73148, "403 87 1280x720 6 8 1.6 25 0")
        Self.expectCovered(1, pixels: 1000, heads: heads, score: score, truth: truth)
    }

    @Test func aShortHeadBesideATallerManCutBySideIsNoShoulderOfHis() throws {
        // `Scripts/bench-detect`'s handheld recording 402 (1.2 m up, looking 5° up): a short man's
        // bald head 2.6 m away, 0.17 m below the top of a taller man's head 0.28 m to his right,
        // which the right side of the frame cuts. The background 4.9 m away shows between them.
        let (heads, score, truth) = try Self.searchBenchFrame(41706, "402 69 640x480 4 6 1.2 -5 0")
        Self.expectCovered(6, pixels: 300, heads: heads, score: score, truth: truth)
    }

    @Test(arguments: [(5986, "404 69 640x480 8 6 1.6 10 -12", 20, Lighting.day, UInt16(1)),
                      (51191, "502 90 800x600 40 8 1.6 5 -15", 16, .dusk, 7)])
    func hairBelowTheChinIsCoveredWhereARolledCameraRunsTheHeadAslant(frame: Int, recording: String, frames: Int,
                                                                       lighting: Lighting, person: UInt16) throws {
        // `Scripts/bench-detect`'s handheld recording 404 and its rig rolled −15°: a woman 7.4 m
        // away seen from behind, her long hair reaching 0.36 m below the top of her head, and a
        // head 4.3 m away; rolled 12° (15°), the lowest pixels of hair (chin) at one side lay 1–3
        // rows below a level window's bottom (97.3% and 98.4% covered).
        let (heads, score, truth) = try Self.searchBenchFrame(frame, recording, frames: frames, lighting: lighting)
        Self.expectCovered(person, pixels: 100, heads: heads, score: score, truth: truth)
        #expect(heads.contains { abs($0.tilt) > 0.15 }, "tilts \(heads.map(\.tilt))")
    }

    /// A person standing with their back against a building, 0.1 m from its wall (one region with
    /// it), in frames of `veil synth --size 1280x720` recordings: from a camera 2.4 m up looking 15°
    /// down (seed 404, 16 frames; about 12 m away), 1.6 m up looking 5° down and rolled −15° (seed
    /// 505, about 12 m) and level (seed 77, 100 frames; about 21 m, the wall seen at a grazing
    /// angle). These frames once held the same people walking half inside the wall (`veil synth`
    /// wrapped walkers 2 m past the facades until session 16), for which two rules were made that
    /// tell a head's top from a sliver of a slanted surface by its own two ends lying level (an
    /// occluding top's measured at the top itself). Standing against the wall, each is covered
    /// without either rule.
    @Test(arguments: [(5989, UInt64(404), 4, 16, Lighting.day, Float(2.4), Float(15), Float(0), UInt16(3), Float(1)),
                      (35831, 505, 8, 16, .dusk, 1.6, 5, -15, 1, -1),
                      (66638, 77, 8, 100, .day, 1.6, 0, 0, 6, 1)])
    func aPersonWithTheirBackAgainstAWallIsCovered(frame: Int, seed: UInt64, people: Int, frames: Int, lighting: Lighting,
                                                   height: Float, pitch: Float, roll: Float, person: UInt16, side: Float) throws {
        let scene = Self.recordingScene(people: people, frames: frames, seed: seed, lighting: lighting, camera: (height, pitch, roll))
        let (heads, score, truth) = try Self.search(Self.standingAgainstTheWall(person, in: scene, frame: frame, side: side), frame: frame)
        Self.expectCovered(person, pixels: 20, heads: heads, score: score, truth: truth)
    }

    /// `scene` with person `id` standing still where they are at `frame` along the street, but
    /// with their back against the facade on `side` (1: right, −1: left), facing the street: their
    /// middle `gap` from its wall. `veil synth` keeps walkers 0.4 m off the facades.
    static func standingAgainstTheWall(_ id: UInt16, in scene: SynthScene, frame: Int, side: Float, gap: Float = 0.1) -> SynthScene {
        var scene = scene
        let time = scene.time(ofFrame: frame)
        guard let i = scene.people.firstIndex(where: { $0.id == Int(id) }) else { return scene }
        let at = scene.personPlacement(scene.people[i], at: time, camera: scene.camera(at: time)).position(at: time)
        scene.people[i].startX = side * (scene.roadHalfWidth + scene.sidewalkWidth - gap)
        scene.people[i].startZ = at.z
        scene.people[i].yaw = -side * .pi / 2
        scene.people[i].speed = 0
        return scene
    }

    @Test func distantPersonWithAHeadOfThreePixelsIsCovered() throws {
        // 800×600 at 90°: fy = 400, so a 0.23 m head 32 m away is 2.9 px tall — no face to see, but
        // its pixels are still someone's head. Beside it, a bin and a hydrant as far away.
        let props = [
            Prop(kind: .bin, x: 2.5, z: 31, yaw: 0.2, size: Vec3(0.6, 1.0, 0.6), colour: Vec3(0.2, 0.5, 0.2)),
            Prop(kind: .hydrant, x: -3, z: 30, yaw: 0, size: Vec3(0.3, 0.8, 0), colour: Vec3(0.8, 0.1, 0.1)),
        ]
        let (score, heads) = try Self.search(people: [Self.person(1, x: 0.5, z: 32, seed: 12)], props: props)
        #expect(score.total.allHeads == 1 && score.total.allCovered == 1, "heads found at \(heads.map(\.box))")
        #expect(score.falseHeads == 0)
    }

    /// 800×600 at 90°: a 0.23 m head 38–44 m away is 2.1–2.4 px tall, under the 2.5 px below which
    /// a top alone cannot be told from a sliver of a car. A person standing free (nothing nearer
    /// beside them, feet on the ground, no wider than 1 m) is still searched down to 1.8 px. (Without
    /// "nothing nearer beside", the hard-negative fixture gives 2 false heads: a far car's cabin 32 m
    /// away, a narrow strip beside a nearer car that reaches the ground.)
    @Test(arguments: [Float(38), 44])
    func aDistantPersonStandingFreeWithAHeadOfTwoPixelsIsCovered(distance: Float) throws {
        var person = Self.person(1, x: 0.5, z: distance, seed: 12)
        person.identity.height = 1.75
        let (score, heads) = try Self.search(people: [person])
        #expect(score.total.allHeads == 1 && score.total.allCovered == 1, "heads found at \(heads.map(\.box))")
        #expect(score.falseHeads == 0)
    }

    @Test(arguments: [Float(1.67), 1.69])
    func topOfAHeadShowingOverACarIsCovered(roof: Float) throws {
        // 1280×720 (fy 640, camera 1.6 m up): a 1.8 m person 27 m away behind a box 18 m away whose
        // roof is 1.67–1.69 m up shows 4 pixels of the top of their head over it (as in a street
        // recording: a head over a parked car). The half-resolution grid the regions are first
        // found on samples one pixel in four, and once kept only regions of three grid cells: this
        // head had one, and was missed.
        var person = Self.person(1, x: 0.5, z: 27, seed: 12)
        person.identity.height = 1.8
        let car = Prop(kind: .personBox, x: 0.5, z: 18, yaw: 0, size: Vec3(4, roof, 1.5), colour: Vec3(0.1, 0.1, 0.12))
        let (score, heads) = try Self.search(people: [person], props: [car], width: 1280, height: 720)
        #expect(score.total.allHeads == 1 && score.total.headPixels >= 3)
        #expect(score.total.allCovered == 1, "heads found at \(heads.map(\.box))")
        #expect(score.total.leakedPixels == 0)
        #expect(score.falseHeads == 0)
    }

    /// Two cars parked one behind the other along the kerb, seen from the road at 1280×720: the far
    /// car's side, at a grazing angle, falls apart on the half-resolution grid into strips 2 grid
    /// cells (4–5 pixels) wide with a nearer car beside them, each a head-sized top over a body.
    /// They gave 1–2 false heads in each of these scenes while slivers were judged by full-resolution
    /// columns.
    @Test(arguments: [(Float(21), Float(4.8), Float(3)), (15, 6.5, 3), (12, 5.5, -3)])
    func carsParkedInARowGiveNoHeads(nearZ: Float, gap: Float, x: Float) throws {
        let near = Prop(kind: .car, x: x, z: nearZ, yaw: 0, size: Vec3(1.85, 1.45, 4.4), colour: Vec3(0.3, 0.3, 0.6))
        let far = Prop(kind: .car, x: x, z: nearZ + gap, yaw: 0, size: Vec3(1.85, 1.45, 4.4), colour: Vec3(0.6, 0.2, 0.2))
        let (score, heads) = try Self.search(people: [], props: [near, far], width: 1280, height: 720)
        #expect(score.falseHeads == 0, "false heads at \(heads.map(\.box))")
    }

    /// Frame 50729 of `veil synth --size 1280x720 --people 1 --frames 8 --seed 114 --lighting dusk`
    /// (the benchmark set's one-person dusk recording): the far ends of two parked cars' roofs, 31
    /// and 36 m away, each a top one column wide over a body, passed as heads where a child's crown
    /// would span two columns. With one person in view, such windows were most of the over-masking.
    @Test func aTopOneColumnWideWhereACrownWouldSpanTwoIsNoHead() throws {
        let (heads, score, _) = try Self.searchRecordingFrame(50729, people: 1, frames: 8, seed: 114, lighting: .dusk)
        #expect(score.falseHeads == 0, "false heads at \(heads.map(\.box))")
        #expect(score.total.allHeads == 1 && score.total.allCovered == 1)
    }

    /// Frame 84177 of `veil synth --size 1024x768 --fov 110 --camera-height 1.5 --people 4 --frames 8
    /// --seed 704 --bushes 10`, a camera set as the real town frame's recorder sets it: three bumps
    /// inside bushes 11–12 m away, each a top where the foliage goes on above it past a nearer
    /// clump of leaves, passed as heads. (In the real town frame, two were the building 22 m away
    /// seen through gaps in a planter's plant.)
    @Test func aTopWhoseSurfaceGoesOnAboveItIsNoHead() throws {
        let (heads, score, _) = try Self.searchRecordingFrame(84177, people: 4, frames: 8, seed: 704, size: (1024, 768),
                                                              camera: (1.5, 0, 0), fov: 110, bushes: 10)
        for (x, y) in [(251, 393), (764, 402), (782, 384)] {
            #expect(!heads.contains { $0.box.contains(x: x, y: y) }, "a head at (\(x), \(y)): \(heads.map(\.box))")
        }
        #expect(score.falseHeads <= 4)
    }

    /// Frame 72179 of `veil synth --size 1280x720 --people 4 --cars 8 --frames 8 --seed 602
    /// --see-through-glass`: seen through the windows at a grazing angle, the body tops of cars
    /// 11–13 m away break into strips a row high, and the far edges of three passed as heads.
    @Test func theFarEdgeOfALevelSurfaceIsNoHead() throws {
        let (heads, score, _) = try Self.searchRecordingFrame(72179, people: 4, frames: 8, seed: 602, cars: 8, seeThroughGlass: true)
        for (x, y) in [(369, 393), (411, 388), (422, 388)] {
            #expect(!heads.contains { $0.box.contains(x: x, y: y) }, "a head at (\(x), \(y)): \(heads.map(\.box))")
        }
        #expect(score.falseHeads <= 8)
    }

    /// Frames 76497 and 76499 of `veil synth --size 1024x768 --fov 110 --camera-height 1.5 --people 4
    /// --cars 8 --frames 8 --seed 605 --see-through-glass`: a piece of a window pillar 15 m away,
    /// parted from its car by a depth step, with the car's body nearer below it. It passed as a head
    /// whose body the car hides, though under most of its columns the buildings 42–51 m away show
    /// right below its top.
    @Test func aWindowPillarOverACarsBodyIsNoHead() throws {
        for frame in [76497, 76499] {
            let (heads, _, _) = try Self.searchRecordingFrame(frame, people: 4, frames: 8, seed: 605, size: (1024, 768),
                                                              camera: (1.5, 0, 0), fov: 110, cars: 8, seeThroughGlass: true)
            #expect(!heads.contains { $0.box.contains(x: 448, y: 381) }, "frame \(frame): a head at (448, 381): \(heads.map(\.box))")
        }
    }

    /// Frame 85131 of `veil synth --size 1280x720 --people 4 --frames 20 --seed 802 --min-distance 0.8
    /// --max-distance 4 --speed 0.5` (an XR headset's view among people in conversation): a man 0.4 m
    /// ahead, his back to the camera, fills the lower middle of the frame. Within 4 cm of a plane
    /// tilted 30° from level lay more of the ground fit's samples on his back and shoulders than on
    /// the road, so that plane was taken for the ground, 0.28 m below the camera, and measured from
    /// it no one in the frame stood: all three heads were left bare.
    @Test func aBackHalfAMetreAwayIsNotTheGround() throws {
        let scene = Self.recordingScene(people: 4, frames: 20, seed: 802, maxDistance: 4, minDistance: 0.8, speed: 0.5)
        let frame = SynthRenderer(scene: scene).render(frame: 85131)
        let ground = try #require(GroundPlane.fit(depth: DepthMap(width: 1280, height: 720, metres: frame.depth), intrinsics: scene.intrinsics))
        #expect(abs(ground.offset - 1.6) < 0.05 && ground.normal.y < -0.99, "\(ground)")
        let (heads, score, _) = try Self.searchRecordingFrame(85131, people: 4, frames: 20, seed: 802, maxDistance: 4,
                                                              minDistance: 0.8, speed: 0.5)
        #expect(score.total.heads == 3 && score.total.covered == 3, "\(score.misses); heads at \(heads.map(\.box))")
    }

    /// The scene of a `veil synth` recording (1280×720 unless `size` says otherwise).
    static func recordingScene(people: Int, frames: Int, seed: UInt64, lighting: Lighting = .day,
                               size: (width: Int, height: Int) = (1280, 720), children: Float = 0,
                               camera: (height: Float, pitch: Float, roll: Float) = (1.6, 0, 0),
                               fov: Double = 90, maxDistance: Float = 40, minDistance: Float = 2, speed: Float? = nil,
                               bushes: Int = 0, cars: Int = 4, seeThroughGlass: Bool = false) -> SynthScene {
        var options = SynthOptions()
        options.frames = frames; options.people = people; options.width = size.width; options.height = size.height
        options.seed = seed; options.lighting = lighting; options.children = children
        options.fov = fov; options.maxDistance = maxDistance; options.minDistance = minDistance; options.speed = speed
        options.bushes = bushes
        options.cars = cars; options.seeThroughGlass = seeThroughGlass
        (options.cameraHeight, options.cameraPitch, options.cameraRoll) = camera
        return SynthScene(options: options)
    }

    /// Renders one frame of a `veil synth` recording (`recordingScene`) and finds heads in it: the
    /// heads, the score, and the ground-truth head ids.
    static func searchRecordingFrame(_ number: Int, people: Int, frames: Int, seed: UInt64, lighting: Lighting = .day,
                                     size: (width: Int, height: Int) = (1280, 720), children: Float = 0,
                                     camera: (height: Float, pitch: Float, roll: Float) = (1.6, 0, 0),
                                     fov: Double = 90, maxDistance: Float = 40, minDistance: Float = 2, speed: Float? = nil,
                                     bushes: Int = 0, cars: Int = 4, seeThroughGlass: Bool = false,
                                     alter: (RenderedFrame, inout [Float]) throws -> Void = { _, _ in }) throws -> ([HeadRegion], HeadScore, [UInt16]) {
        try search(recordingScene(people: people, frames: frames, seed: seed, lighting: lighting, size: size, children: children,
                                  camera: camera, fov: fov, maxDistance: maxDistance, minDistance: minDistance, speed: speed, bushes: bushes,
                                  cars: cars, seeThroughGlass: seeThroughGlass), frame: number, alter: alter)
    }

    /// Renders frame `number` of a recording as `Scripts/bench-detect` lists its close-by and
    /// handheld ones (or any recording given so) — "seed fov WxH farthest people [height pitch
    /// roll]" — and finds heads in it.
    static func searchBenchFrame(_ number: Int, _ recording: String, frames: Int = 20, lighting: Lighting = .day,
                                 alter: (RenderedFrame, inout [Float]) throws -> Void = { _, _ in }) throws -> ([HeadRegion], HeadScore, [UInt16]) {
        let f = recording.split(separator: " ").map(String.init)
        let size = f[2].split(separator: "x").compactMap { Int($0) }
        let camera = f.count >= 8 ? (Float(f[5])!, Float(f[6])!, Float(f[7])!) : (Float(1.6), Float(0), Float(0))
        return try searchRecordingFrame(number, people: Int(f[4])!, frames: frames, seed: UInt64(f[0])!, lighting: lighting,
                                        size: (size[0], size[1]), camera: camera, fov: Double(f[1])!, maxDistance: Float(f[3])!,
                                        alter: alter)
    }

    /// Expects person `id`'s head to show (at least `pixels` of it) and to be fully covered.
    static func expectCovered(_ id: UInt16, pixels: Int, heads: [HeadRegion], score: HeadScore, truth: [UInt16],
                              sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(truth.filter { $0 == id }.count >= pixels, "person \(id)'s head shows", sourceLocation: sourceLocation)
        #expect(!score.misses.contains { $0.contains("person \(id) ") }, "\(score.misses); heads at \(heads.map(\.box))",
                sourceLocation: sourceLocation)
    }

    /// The windows within 3 m that hold no true head pixel, in a frame `width` pixels wide.
    static func closeFalseHeads(_ heads: [HeadRegion], truth: [UInt16], width: Int = 1280) -> [PixelBox] {
        heads.filter { head in
            (head.depth ?? .infinity) < 3 && !(head.box.y0...head.box.y1).contains { y in
                (head.box.x0...head.box.x1).contains { x in truth[y * width + x] != 0 }
            }
        }.map(\.box)
    }

    /// Frame 82601 of `veil synth --size 1280x720 --people 8 --frames 100 --seed 42`: a man walking
    /// 1.9 m from the camera swings his far arm behind his body, a region of its own whose upper end,
    /// 0.074 m wide, passed every test of a head and masked an 86×133 px window of his body.
    @Test func aCloseSwingingArmIsNoHead() throws {
        let (heads, score, truth) = try Self.searchRecordingFrame(82601, people: 8, frames: 100, seed: 42)
        #expect(score.total.allHeads == 6 && score.total.allCovered == 6)
        let closeFalse = Self.closeFalseHeads(heads, truth: truth)
        #expect(closeFalse.isEmpty, "\(closeFalse)")
    }

    /// Frame 82602 of the same recording: the far arm, 1.8 m away and 0.10 m wide, as wide as a
    /// head, comes out from behind the man's body 0.6 m below his head. It is dropped as part of
    /// his body (a head at his torso, within his depth): it had masked a 97×147 px window.
    @Test func anArmAtTheTorsoOfAPersonIsNoHead() throws {
        let (heads, score, truth) = try Self.searchRecordingFrame(82602, people: 8, frames: 100, seed: 42)
        #expect(score.total.allHeads == score.total.allCovered)
        let closeFalse = Self.closeFalseHeads(heads, truth: truth)
        #expect(closeFalse.isEmpty, "\(closeFalse)")
    }

    /// `Scripts/bench-detect`'s close-by recording 201: a man walking across the view 2.1 m away
    /// holds his far hand 0.3–0.4 m behind his head and more than 0.45 m below it, its upper end
    /// hidden behind his near arm. It had masked a 59×90 px window of his body.
    @Test func aHandBehindABodyWhoseTopTheBodyHidesIsNoHead() throws {
        let (heads, score, truth) = try Self.searchBenchFrame(38391, "201 69 640x480 3 4")
        #expect(score.total.allHeads == score.total.allCovered)
        let hand = Self.closeFalseHeads(heads, truth: truth, width: 640).filter { $0.x1 >= 316 && $0.x0 <= 374 && $0.y1 >= 371 && $0.y0 <= 460 }
        #expect(hand.isEmpty, "\(hand)")
    }

    /// `Scripts/bench-detect`'s close-by recordings: a head 1.8–2.3 m away whose top profile, in the
    /// region it shares with someone behind, rises on into that person's slightly higher head
    /// (1.2 cm higher and 0.45 m behind in 201; 5 cm higher and 0.26 m behind in 207; 1.3 cm higher
    /// and 0.13 m behind in 216's frame 69929). It was taken for the lower side of that head, no top
    /// of its own, and left bare or 47–63% covered.
    @Test(arguments: [(38384, "201 69 640x480 3 4", UInt16(2)), (21493, "207 69 640x480 4 4", 2),
                      (69928, "216 69 1280x720 4 6", 6), (69929, "216 69 1280x720 4 6", 6)])
    func aHeadBesideAHigherOneBehindIsAHeadOfItsOwn(frame: Int, recording: String, person: UInt16) throws {
        let (heads, score, truth) = try Self.searchBenchFrame(frame, recording)
        Self.expectCovered(person, pixels: 800, heads: heads, score: score, truth: truth)
    }

    /// Frame 84519 of `veil synth --size 1280x720 --people 12 --frames 16 --seed 306 --lighting
    /// overcast --camera-height 1.0` (Scripts/bench-detect's bumper rig): someone 8.4 m away walks
    /// 0.5 m before a taller person along a building, and their top profile rises on into the
    /// other's head. A head 17 px tall, under the close-up 30 px, was left bare.
    @Test func aHeadBesideAHigherOneBehindIsAHeadOfItsOwnAtEightMetres() throws {
        let (heads, score, truth) = try Self.searchRecordingFrame(84519, people: 12, frames: 16, seed: 306, lighting: .overcast,
                                                                  camera: (1.0, 0, 0))
        Self.expectCovered(12, pixels: 150, heads: heads, score: score, truth: truth)
    }

    /// Frame 31290 of `veil synth --size 1280x720 --people 12 --frames 60 --seed 80`: someone 9.8 m
    /// away walks 0.1 m before a taller person, their heads touching, theirs 0.18 m lower, where the
    /// taller one's shoulder would be; their own shoulder shows 0.24 m below their top on the other
    /// side. The head was taken for the taller one's shoulder (43% covered).
    @Test func aShorterHeadTouchingATallerOneIsNoShoulderOfIt() throws {
        let (heads, score, truth) = try Self.searchRecordingFrame(31290, people: 12, frames: 60, seed: 80)
        Self.expectCovered(6, pixels: 100, heads: heads, score: score, truth: truth)
    }

    /// `Scripts/bench-detect`'s close-by recording 212: a woman 1.56 m tall, 2.8 m away, her head
    /// 0.27 m aside and 0.22 m below a taller man's 0.12 m behind her, as his shoulder would lie. But
    /// the street 40–120 m away shows between the two heads for 0.1 m, 5 cm below her top, where a
    /// shoulder joins its head. Her head (50×67 px) was left bare.
    @Test func aLowerHeadWithTheBackgroundBetweenItAndAHigherOneIsNoShoulder() throws {
        let (heads, score, truth) = try Self.searchBenchFrame(80604, "212 69 1280x720 5 8")
        Self.expectCovered(4, pixels: 1500, heads: heads, score: score, truth: truth)
    }

    /// `Scripts/bench-detect`'s close-by recording 213: a woman's head 2.4 m away touches, as high,
    /// the head of a man 0.25 m before her, which hides her shoulder on that side. Her head was left
    /// bare (6.8% covered, by his window).
    @Test func aHeadWhoseShoulderANearerHeadHidesIsCovered() throws {
        let (heads, score, truth) = try Self.searchBenchFrame(12174, "213 90 800x600 3 6")
        Self.expectCovered(2, pixels: 600, heads: heads, score: score, truth: truth)
    }

    /// The same recording a few frames on: a woman's head 2.5 m away beside a man's 0.23 m before her
    /// and 2 cm higher, whose side rises over her top within 12 cm, as an adult's arm rises beside a
    /// child's head. No adult's head stands 0.35 m higher, so her top was dropped (13% covered).
    @Test func aHeadJustBehindAnotherAsHighIsCovered() throws {
        let (heads, score, truth) = try Self.searchBenchFrame(12179, "213 90 800x600 3 6")
        Self.expectCovered(1, pixels: 400, heads: heads, score: score, truth: truth)
    }

    /// `Scripts/bench-detect`'s close-by recording 215: a man 2.3 m away seen from behind, turned at
    /// an angle, his near arm 2.07 m away and his far arm 2.57 m, 0.30 m apart across the view. His
    /// body recedes by 1.6 times its width, past the 1.5 times allowed before; his head was left bare.
    @Test func aBodyTurnedAwayCloseByIsABody() throws {
        let (heads, score, truth) = try Self.searchBenchFrame(12989, "215 90 1280x720 5 8")
        Self.expectCovered(5, pixels: 2000, heads: heads, score: score, truth: truth)
    }

    /// Frame 69930 of `veil synth --size 1280x720 --fov 69 --people 6 --frames 20 --seed 216
    /// --max-distance 4` (a camera with a RealSense's field of view among people close by): a man
    /// 1.6 m away stands beside a taller man, their heads touching in the image. Between them the
    /// profile drops to the taller man's shoulder, but only over 2.4 cm, and 3 cm of dip were
    /// needed to tell another head from the edge of a flat top: 11% of the nearer head was covered.
    @Test func aHeadBesideATallerHeadCloseByIsCovered() throws {
        let (heads, score, truth) = try Self.searchBenchFrame(69930, "216 69 1280x720 4 6")
        Self.expectCovered(6, pixels: 5000, heads: heads, score: score, truth: truth)
    }

    /// Frame 57237 of `veil synth --size 640x480 --fov 87 --people 4 --frames 20 --seed 304
    /// --max-distance 3 --camera-height 1.5 --camera-pitch 20` (a handheld camera looking down at
    /// people close by): a slim man 2.1 m away walks across the view, his arms swinging clear of
    /// his body, which is 0.13–0.17 m deep at the chest, under the 0.18 m a torso needs farther away.
    @Test func aSlimPersonInProfileCloseByIsCovered() throws {
        let (heads, score, truth) = try Self.searchBenchFrame(57237, "304 87 640x480 3 4 1.5 20 0")
        Self.expectCovered(2, pixels: 500, heads: heads, score: score, truth: truth)
    }

    /// Frame 70121 of `veil synth --size 848x480 --fov 69 --people 6 --frames 20 --seed 401
    /// --max-distance 4 --camera-height 1.7` (a RealSense's view): a man 1.8 m away at the right
    /// side of the frame, turned toward it, his body receding 0.33 m over the 0.125 m of it that
    /// shows, which the edge-on test took for a surface seen at a grazing angle.
    @Test func aPersonTurnedTowardTheSideOfTheFrameCutsIsCovered() throws {
        let (heads, score, truth) = try Self.searchBenchFrame(70121, "401 69 848x480 4 6 1.7 0 0")
        Self.expectCovered(3, pixels: 1000, heads: heads, score: score, truth: truth)
    }

    /// Frame 12994 of `veil synth --size 1280x720 --people 8 --frames 20 --seed 215 --max-distance 5`:
    /// people 2–5 m away fill the lower frame, and only a quarter of the ground samples lie on the
    /// road. Drawing 80 random triples missed it; with no ground the road joined everyone standing
    /// on it to the facade behind, and a man 2.8 m away, seen whole from behind, was not found.
    @Test func theGroundIsFoundWhenPeopleCloseByHideMostOfIt() throws {
        let scene = Self.recordingScene(people: 8, frames: 20, seed: 215, maxDistance: 5)
        let frame = SynthRenderer(scene: scene).render(frame: 12994)
        // Bound first: an expectation over the depth map itself would print all of it.
        let ground = GroundPlane.fit(depth: DepthMap(width: 1280, height: 720, metres: frame.depth), intrinsics: scene.intrinsics)
        #expect(ground != nil, "no ground found")
        if let ground { #expect(abs(ground.offset - 1.6) < 0.05) }
        let (heads, score, truth) = try Self.search(scene, frame: 12994)
        Self.expectCovered(3, pixels: 2000, heads: heads, score: score, truth: truth)
    }

    /// Frames 27323–27325 of `veil synth --size 1280x720 --people 4 --frames 60 --seed 79
    /// --lighting overcast`: a man 23 m away walks in front of a van a metre behind him whose roof is
    /// about as high as his head. The region joins them lower down, and the head's plateau ran on
    /// along the roof, far too wide for a head, until a depth step between two tops parted them.
    @Test(arguments: [27323, 27324, 27325])
    func aHeadAsHighAsAVanRoofBehindItIsCovered(frame: Int) throws {
        let (heads, score, _) = try Self.searchRecordingFrame(frame, people: 4, frames: 60, seed: 79, lighting: .overcast)
        #expect(score.total.allHeads >= 1)
        #expect(score.total.allCovered == score.total.allHeads, "\(score.misses); heads at \(heads.map(\.box))")
    }

    /// Frames 27321, 27322 and 27340 of the same recording: the man's head is as high as the van's roof a
    /// metre behind him (20 and 23 m away), so the roof 0.25 m beside his head looked like a head
    /// beside it, with no dip between them to tell them apart.
    @Test(arguments: [27321, 27322, 27340])
    func aHeadBeforeAVanRoofJustAsHighIsCovered(frame: Int) throws {
        let (heads, score, _) = try Self.searchRecordingFrame(frame, people: 4, frames: 60, seed: 79, lighting: .overcast)
        #expect(score.total.heads >= 1)
        #expect(score.total.covered == score.total.heads, "\(score.misses); heads at \(heads.map(\.box))")
    }

    /// Frame 31309 of `veil synth --size 1280x720 --people 12 --frames 60 --seed 80`: of a woman
    /// 15.7 m away only the back of her head shows, 3 px wide, between a nearer man's head (11.4 m)
    /// and a wall (21 m). On the grid of every other pixel it is one cell wide, which was measured as
    /// 2 px (4.9 cm), under the 5 cm a region needs, though one cell stands for up to 3 px.
    @Test func aHeadSliverOneGridCellWideIsSearched() throws {
        let (heads, score, _) = try Self.searchRecordingFrame(31309, people: 12, frames: 60, seed: 80)
        #expect(score.total.heads >= 1)
        #expect(score.total.covered == score.total.heads, "\(score.misses); heads at \(heads.map(\.box))")
    }

    /// Frame 66554 of `veil synth --size 1280x720 --people 8 --frames 100 --seed 77`: a head 10.4 m
    /// away shows beside a nearer head whose outline slopes over the middle of its top. Something
    /// nearer right above a top (foliage over a pole) asks for a body wider than the top; here the
    /// pixel above the top's highest column is the background, so the top is not cut off above.
    @Test func aHeadSliverUnderANearerHeadsOutlineIsCovered() throws {
        let (heads, score, truth) = try Self.searchRecordingFrame(66554, people: 8, frames: 100, seed: 77)
        Self.expectCovered(5, pixels: 10, heads: heads, score: score, truth: truth)
    }

    /// Frame 65469 of `veil synth --size 1280x720 --people 12 --frames 8 --seed 124 --lighting
    /// overcast` (the benchmark set's): of a woman 8.1 m away only a sliver of her head shows, 8 px
    /// wide, beside a nearer man's head 5.1 m away. Its end against his head is nearer the centre of
    /// her head than its far end, and so 0.15 m nearer: a head cut off by something nearer may recede
    /// by up to its radius more across its sliver.
    @Test func aHeadSliverRecedingFromANearerHeadIsCovered() throws {
        let (heads, score, truth) = try Self.searchRecordingFrame(65469, people: 12, frames: 8, seed: 124, lighting: .overcast)
        Self.expectCovered(12, pixels: 80, heads: heads, score: score, truth: truth)
    }

    /// Frame 31305 of `veil synth --size 1280x720 --people 12 --frames 60 --seed 80`: of a man 12 m
    /// away only a sliver of his head shows, 2 px wide, beside a nearer man 7.7 m away, who also
    /// hides most of his body: 0.17 m of it shows below, under the 0.18 m a body needs. A sliver cut
    /// by something nearer, over a body cut by something nearer, needs only a body twice its width
    /// (and at least 0.1 m): it is not a fragment of a slanted surface, which a nearer thing beside
    /// both would not explain.
    @Test func aHeadSliverOverAHiddenBodyIsCovered() throws {
        let (heads, score, truth) = try Self.searchRecordingFrame(31305, people: 12, frames: 60, seed: 80)
        Self.expectCovered(1, pixels: 10, heads: heads, score: score, truth: truth)
    }

    /// Frame 29588 of `veil synth --size 800x600 --people 8 --frames 8 --seed 108 --lighting dusk`
    /// (the benchmark set's): a man 1.7 m away is cut by the left side of the frame, his head a
    /// region of its own, 5 px wide, apart from his shoulder below it. His shoulder's top, 0.17 m
    /// lower and beside his head, passed as a head of its own and masked a 63×98 px window of his
    /// body. A head cut by a side of the frame keeps its shoulders in other regions.
    @Test func theShoulderOfAHeadCutByTheFrameEdgeIsNoHead() throws {
        let (heads, score, truth) = try Self.searchRecordingFrame(29588, people: 8, frames: 8, seed: 108, lighting: .dusk,
                                                                  size: (800, 600))
        Self.expectCovered(2, pixels: 50, heads: heads, score: score, truth: truth)
        let closeFalse = Self.closeFalseHeads(heads, truth: truth, width: 800)
        #expect(closeFalse.isEmpty, "windows without a head at \(closeFalse)")
    }

    /// A child of 1.15 m walking beside an adult, 0.4 m to the side and 0.1 m behind: the adult's
    /// arm, 0.3 m higher, stands right beside the child's head, within the 12 cm either side in which
    /// a top must be the highest, and where the child's shoulder is hidden there is no dip between
    /// them. Both were a reason to pass the child's head by. (`veil synth` makes children only with
    /// `--children`; this places one exactly.)
    @Test(arguments: [Float(3), 6, 10])
    func aChildBesideAnAdultIsCovered(distance: Float) throws {
        let adult = Self.person(1, x: 0, z: distance, seed: 3)
        var child = Self.person(2, x: -0.4, z: distance + 0.1, seed: 4)
        child.identity.height = 1.15
        let (score, heads) = try Self.search(people: [adult, child])
        #expect(score.total.allHeads == 2)
        #expect(score.total.allCovered == 2, "\(score.misses); heads at \(heads.map(\.box))")
        #expect(score.falseHeads == 0)
    }

    /// Frame 64387 of `veil synth --size 800x600 --people 10 --frames 40 --seed 94 --children 0.45
    /// --max-distance 20`: a girl of 1.38 m walks on the far side of a man crossing the view, 4 m
    /// away, about 0.15 m behind his arm, so the two are one region; her head abuts his arm, which is
    /// higher and nearer, with no dip between them. Something higher and a step nearer beside a top
    /// is another thing in front of it, as a dip would show.
    @Test func aChildOnTheFarSideOfAnAdultIsCovered() throws {
        let (heads, score, truth) = try Self.searchRecordingFrame(64387, people: 10, frames: 40, seed: 94, size: (800, 600),
                                                                  children: 0.45, maxDistance: 20)
        Self.expectCovered(10, pixels: 100, heads: heads, score: score, truth: truth)
    }

    /// Frames 34410, 34411 and 34419 of `veil synth --size 1280x720 --people 12 --frames 60
    /// --seed 92 --lighting overcast --children 0.4`: a boy of 1.16 m walks 0.5 m behind a woman
    /// 21 m away, his head beside her arm, under 0.2 m aside of her head's centre in the image: one
    /// region with her (0.5 m is within a depth step there). An adult's own shoulder lies within
    /// 0.2 m of her depth, so a top 0.3–0.7 m behind an adult's head counts as a child's however
    /// close beside it (34411), is never that adult's shoulder (34410), and needs only 0.1 m of body
    /// beside the adult's (34419). The two walk in from the right side of the view; they stand where
    /// that recording put them before session 16, when `veil synth` started such walkers beyond the
    /// view and wrapped them onto the street anywhere (now at the sidewalk's outer edge).
    @Test(arguments: [34410, 34411, 34419])
    func aChildJustBehindAnAdultIsCovered(frame: Int) throws {
        var scene = Self.recordingScene(people: 12, frames: 60, seed: 92, lighting: .overcast, children: 0.4)
        scene.people[0].startX = 2.507
        scene.people[1].startX = 2.482
        let (heads, score, truth) = try Self.search(scene, frame: frame)
        Self.expectCovered(2, pixels: 15, heads: heads, score: score, truth: truth)
    }

    /// Frames 81014 and 81024 of `veil synth --size 800x600 --people 8 --frames 40 --seed 90
    /// --children 0.35`: a child 8–10 m away walks 0.35 m in front of an adult, within a depth step
    /// of the adult there, so the two are one region; the child's head lies inside the adult's
    /// outline, under the adult's head, and is no top of the region. The parts of a region nearer
    /// than a head found in it are searched again on their own (27 frames of this child were bare).
    @Test(arguments: [81014, 81024])
    func aChildJustInFrontOfAnAdultIsCovered(frame: Int) throws {
        let (heads, score, truth) = try Self.searchRecordingFrame(frame, people: 8, frames: 40, seed: 90, size: (800, 600),
                                                                  children: 0.35)
        Self.expectCovered(6, pixels: 30, heads: heads, score: score, truth: truth)
    }

    /// Frames 80995, 80999 and 81003 of the same recording: the child walks across the view 12–14 m
    /// away, 0.4–0.5 m before the adult, in profile, arms at the sides: a body 0.1 m deep, 3–4 px
    /// (a full torso's 0.18 m would be 5–6). Searched as a part of the adult's region nearer than the
    /// adult's head, a top needs only 0.1 m of body below it, as a child just behind an adult does;
    /// it must still lie 0.35 m below and within 0.8 m of that head, in a part that reaches a
    /// standing person's feet.
    @Test(arguments: [80995, 80999, 81003])
    func aChildInProfileJustInFrontOfAnAdultIsCovered(frame: Int) throws {
        let (heads, score, truth) = try Self.searchRecordingFrame(frame, people: 8, frames: 40, seed: 90, size: (800, 600),
                                                                  children: 0.35)
        Self.expectCovered(6, pixels: 20, heads: heads, score: score, truth: truth)
    }

    /// Frames of `veil synth --size 800x600 --people 10 --frames 40 --seed 94 --children 0.45`: a
    /// child 6.7–8.5 m away walks behind an adult, 0.35–0.4 m behind the adult's head, beside the
    /// adult's arm. In 64403 and 64421 the arm hides the child's body but for a strip 0.1 m wide; the
    /// side of the arm, turning away from the camera, lies within a body's depth band of the child's
    /// head, and counted as the child's it made the strip recede 0.4 m across, like a surface seen
    /// edge-on: a strip's end nearer than halfway to the adult in front is the adult's, and left
    /// out of that measure. In 64392 and 64414 the child's head lies under the outline of the arm
    /// sloping down from the shoulder, the arm 0.2 m nearer: the arm, not the child's crown, is the
    /// top of those columns, and the parts of a region farther than a head found in it are searched
    /// on their own.
    @Test(arguments: [64392, 64403, 64414, 64421])
    func aChildJustBehindAnAdultsArmIsCovered(frame: Int) throws {
        let (heads, score, truth) = try Self.searchRecordingFrame(frame, people: 10, frames: 40, seed: 94, size: (800, 600),
                                                                  children: 0.45)
        Self.expectCovered(2, pixels: 30, heads: heads, score: score, truth: truth)
    }

    /// Frames 73143–73145 of the handheld recording looking 25° down among people close by: the
    /// hips of a person 2.3–2.5 m away lie 0.4 m farther from the camera than the head, and their
    /// top passed every test of a child's head behind that person when layers were measured in
    /// depth. Measured along the ground, the hips lie under the head.
    @Test(arguments: [73143, 73144, 73145])
    func theHipsOfAPersonSeenFromAboveAreNoHeadBehindThem(frame: Int) throws {
        let (heads, _, _) = try Self.searchBenchFrame(frame, "403 87 1280x720 6 8 1.6 25 0")
        let hips = heads.filter { $0.box.contains(x: 905, y: 255) }
        #expect(hips.isEmpty, "\(hips.map(\.box))")
    }

    /// A real sensor's depth is noisy (σ about 4 cm at 5 m for a stereo camera, after the search's
    /// 3×3 median still centimetres, and more at a head's outline, where the median mixes head and
    /// background): the two ends of a head's top may differ by 0.2 m. Exact depth would call that a
    /// surface receding across a grazing view; sensor depth allows 2% of the depth for noise. Here
    /// the head of a person 5.4 m away recedes 0.2 m from its left to its right side, and holes in
    /// the background make it a sensor's depth.
    /// A long wall's top 36 m away, with the sky over it in places, as a 16-bit millimetre depth
    /// map gives them: the sky no reading (0), the far buildings over the rest of the top beyond
    /// its range (65.535 m). The columns with no reading over them are no tops of something that
    /// may hide a person close in front: had they been left out, the rest of the top would have
    /// broken into head-sized pieces (two false heads here).
    @Test func aWallTopUnderTheSkyWithoutReadingsIsNoHead() throws {
        let (heads, _, _) = try Self.searchBenchFrame(12174, "213 90 800x600 3 6") { _, metres in
            for i in metres.indices where !DepthMap.isMeasured(metres[i]) || metres[i] > 65.535 {
                metres[i] = DepthMap.isMeasured(metres[i]) ? DepthMap.beyondRange : DepthMap.noReading
            }
        }
        #expect(!heads.contains { $0.box.x0 <= 428 && $0.box.x1 >= 419 && $0.box.y1 <= 310 }, "heads at \(heads.map(\.box))")
    }

    @Test func aHeadWhoseEndsDifferByASensorsNoiseIsCovered() throws {
        let (score, heads) = try Self.search(people: [Self.person(1, x: 0.4, z: 5.4, seed: 2)]) { frame, metres in
            let head = (0..<metres.count).filter { frame.heads[$0] != 0 }
            let columns = head.map { $0 % 800 }
            let (x0, x1) = (Float(try #require(columns.min())), Float(try #require(columns.max())))
            for i in head { metres[i] += 0.2 * (Float(i % 800) - x0) / (x1 - x0) }
            var random = SplitMix64(seed: 5)
            for i in metres.indices where frame.heads[i] == 0 && random.next() % 100 == 0 { metres[i] = DepthMap.noReading }
        }
        #expect(score.total.allHeads == 1)
        #expect(score.total.allCovered == 1, "\(score.misses); heads at \(heads.map(\.box))")
    }

    @Test func hardNegativesAloneGiveNoHeads() throws {
        let props = [
            Prop(kind: .pole, x: -2, z: 6, yaw: 0, size: Vec3(0.15, 5, 0), colour: Vec3(0.4, 0.4, 0.4)),
            Prop(kind: .signpost, x: 2, z: 8, yaw: 0, size: Vec3(0.7, 2.6, 0), colour: Vec3(0.2, 0.3, 0.8)),
            Prop(kind: .bin, x: -1.5, z: 4, yaw: 0.2, size: Vec3(0.6, 1.0, 0.6), colour: Vec3(0.2, 0.5, 0.2)),
            Prop(kind: .hydrant, x: 1.2, z: 5, yaw: 0, size: Vec3(0.3, 0.8, 0), colour: Vec3(0.8, 0.1, 0.1)),
            Prop(kind: .tree, x: 3, z: 10, yaw: 0, size: Vec3(0.35, 3, 0), colour: Vec3(0.2, 0.45, 0.15)),
            Prop(kind: .personBox, x: 0.5, z: 9, yaw: 0.3, size: Vec3(0.5, 1.8, 0.4), colour: Vec3(0.5, 0.4, 0.3)),
        ]
        let (_, heads) = try Self.search(people: [], props: props)
        #expect(heads.isEmpty, "false heads at \(heads.map(\.box))")
    }

    @Test func depthWithoutReadingsIsAnError() throws {
        let files = FrameFiles(number: 1, color: URL(fileURLWithPath: "/x/rgb/000001.png"), depth: URL(fileURLWithPath: "/x/depth/000001.png"))
        let frame = Frame(number: 1, files: files, rgb: Raster(width: 64, height: 48, channels: 3),
                          depth: DepthMap(width: 64, height: 48, metres: [Float](repeating: 0, count: 64 * 48)), depthImage: nil)
        do {
            _ = try HeadFinder(kind: .depth).find(in: frame, intrinsics: Intrinsics(fov: 90, width: 64, height: 48))
            Issue.record("an all-zero depth map was searched as if empty")
        } catch let error as VeilError {
            #expect(error.description.contains("/x/depth/000001.png"))
        }
    }

    @Test(arguments: [0, 1, 7, 8, 9, 61])
    func readingsAndHolesAreCountedAsOnePixelAtATime(count: Int) {
        // Every kind of value, at every position of the eight-pixel blocks and in the tail after them.
        let kinds: [Float] = [2.5, 0, -0.0, .infinity, .nan, -3, .leastNonzeroMagnitude, .greatestFiniteMagnitude, -.infinity]
        let metres = (0..<count).map { kinds[($0 * 5 + count) % kinds.count] }
        let counted = HeadFinder.countReadings(metres)
        #expect(counted.measured == metres.filter(DepthMap.isMeasured).count)
        #expect(counted.holes == metres.filter { $0 == DepthMap.noReading }.count)
    }

    @Test func colourOnlyFrameNeedsTheFaceDetector() throws {
        let files = FrameFiles(number: 1, color: URL(fileURLWithPath: "/x/rgb/000001.png"))
        let frame = Frame(number: 1, files: files, rgb: Raster(width: 64, height: 48, channels: 3), depth: nil, depthImage: nil)
        #expect(throws: VeilError.self) { try HeadFinder(kind: .depth).find(in: frame, intrinsics: Intrinsics(fov: 90, width: 64, height: 48)) }
    }
}

@Suite struct FixtureDetectionTests {
    static var fixtures: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fixtures")
    }

    static func score(_ name: String, kind: DetectorKind = .auto) throws -> HeadScore {
        let recording = try Recording(at: fixtures.appendingPathComponent(name))
        let reader = try FrameReader(recording: recording)
        let finder = try HeadFinder(kind: kind, hasDepth: true)
        var total = HeadScore()
        for files in recording.frames {
            let frame = try reader.read(files)
            let (heads, mask) = try finder.find(in: frame, intrinsics: recording.camera.intrinsics(width: frame.rgb.width, height: frame.rgb.height))
            let truth = try #require(try FrameGroundTruth.load(recording: recording, frame: files.number))
            total.add(HeadScore.score(mask: mask, heads: heads, truth: truth))
        }
        return total
    }

    @Test func hardNegativeFixtureHasNoFalseHeads() throws {
        let score = try Self.score("negatives-640x480")
        #expect(score.frames == 10 && score.falseHeads == 0)
    }

    @Test func streetFixtureHeadsAreCovered() throws {
        let score = try Self.score("street-640x480")
        #expect(try #require(score.total.headRecall) >= 0.95)
        #expect(try #require(score.total.leakedFraction) <= 0.01)
        #expect(score.falseHeads <= 1)
    }

    @Test func depthAndFaceFindsAFaceBeyondTheDepthCamerasRange() throws {
        guard let samples = SharedSamples.root else { return }
        let recording = try Recording(at: samples.appendingPathComponent("walker-closeup"))
        let colourOnly = try FrameReader(recording: recording).read(recording.frames[0])
        // As a stereo camera with a short range would see it: the walker beyond range (no reading),
        // readings only on the bottom rows (the street close by).
        var metres = [Float](repeating: DepthMap.beyondRange, count: 800 * 600)
        for i in (560 * 800)..<(600 * 800) { metres[i] = 2 }
        var frame = colourOnly
        frame.depth = DepthMap(width: 800, height: 600, metres: metres)
        let k = recording.camera.intrinsics(width: 800, height: 600)
        let (depthHeads, _) = try HeadFinder(kind: .depth).find(in: frame, intrinsics: k)
        #expect(depthHeads.isEmpty)
        let (heads, mask) = try HeadFinder(kind: .depthAndFace).find(in: frame, intrinsics: k)
        #expect(heads.count == 1 && heads.first?.source == "face")
        #expect(mask[237 * 800 + 401] != 0)
    }

    /// The real town frame (CARLA 0.9.6), with the 110° field of view its recorder set
    /// (carla-dataset-runner's `CarlaWorld.put_depth_sensor`). CARLA's depth camera looks through a
    /// car's windows: the windscreen pillar of the red car 11 m away is a strip 2–4 px wide with the
    /// street 23–67 m away right under it, over the car's bonnet, and its pieces were 8 false heads
    /// (3 are left: a piece of pillar on the bonnet and two at the car's far end). The walker 18.8 m
    /// away on the pavement and the one 21 m away in the road stay found.
    @Test func aCarsPillarSeenThroughItsWindowsIsNoHead() throws {
        guard let heads = try Self.townFrameHeads() else { return }
        let onTheCar = Self.centred(heads, x: 280...330, y: 380...410)
        #expect(onTheCar.count <= 3, "heads on the car at \(onTheCar.map(\.box))")
        for (x, y) in [(42, 393), (657, 386)] { #expect(heads.contains { $0.box.contains(x: x, y: y) }, "heads at \(heads.map(\.box))") }
    }

    /// The real town frame at 110°: a planter's plant 14 m away, with the building 22 m away seen
    /// through gaps between its leaves. Two pieces of the building, parted from the rest of it by the
    /// leaves, passed as heads.
    @Test func aBuildingSeenThroughGapsInAPlantIsNoHead() throws {
        guard let heads = try Self.townFrameHeads() else { return }
        let onThePlant = Self.centred(heads, x: 115...170, y: 375...410)
        #expect(onThePlant.isEmpty, "heads on the plant at \(onThePlant.map(\.box))")
    }

    /// The real town frame at 110°: the red car's windscreen pillar 11.5 m away, parted from the car
    /// by a depth step, what lies 40–67 m beyond showing through the glass under most of its top,
    /// the car's body nearer below, passed as a head whose body the car hides.
    @Test func aRealCarsWindscreenPillarIsNoHead() throws {
        guard let heads = try Self.townFrameHeads() else { return }
        let onThePillar = Self.centred(heads, x: 286...300, y: 390...408)
        #expect(onThePillar.isEmpty, "heads on the pillar at \(onThePillar.map(\.box))")
    }

    /// The depth detector's heads on the real town frame, read at the 110° it was recorded with (nil
    /// where the shared samples are not beside the checkout).
    static func townFrameHeads() throws -> [HeadRegion]? {
        guard let samples = SharedSamples.root else { return nil }
        let recording = try Recording(at: samples.appendingPathComponent("town-0.9.6"))
        let frame = try FrameReader(recording: recording).read(recording.frames[0])
        return try HeadFinder(kind: .depth).find(in: frame, intrinsics: Intrinsics(fov: 110, width: 1024, height: 768)).0
    }

    /// The heads whose windows are centred within `x` and `y`.
    static func centred(_ heads: [HeadRegion], x: ClosedRange<Int>, y: ClosedRange<Int>) -> [HeadRegion] {
        heads.filter { x.contains(($0.box.x0 + $0.box.x1) / 2) && y.contains(($0.box.y0 + $0.box.y1) / 2) }
    }

    @Test func realCarlaWalkerFaceIsFoundInColourAlone() throws {
        guard let samples = SharedSamples.root else { return }
        let recording = try Recording(at: samples.appendingPathComponent("walker-closeup"))
        let frame = try FrameReader(recording: recording).read(recording.frames[0])
        let finder = try HeadFinder(kind: .auto, hasDepth: false)
        let (heads, mask) = try finder.find(in: frame, intrinsics: recording.camera.intrinsics(width: 800, height: 600))
        #expect(heads.count == 1)
        // The face is about 19×23 px near (392,226)–(411,249): its centre must be masked.
        #expect(mask[237 * 800 + 401] == 1)
    }
}

@Suite struct HeadMaskerTests {
    @Test func nearestRoundsAsTheLibraryDoes() {
        // Halves go away from zero, as `rounded()` takes them, and so do the floats just beside them.
        var values: [Float] = [0, 0.5, -0.5, 1.5, -1.5, 2.5, -2.5, 0.49999997, -0.49999997, 1e6 + 0.5, -1e6 - 0.5]
        var g = SplitMix64(seed: 3)
        for _ in 0..<20_000 { values.append(g.float(-2000...2000)) }
        for v in values { #expect(HeadMasker.nearest(v) == Int(v.rounded()), "\(v)") }
    }

    @Test func dilationMarksEveryPixelWithinTheSquare() {
        // Against the definition: a pixel is set when a set pixel lies within `radius` both across and down.
        var g = SplitMix64(seed: 7)
        let (w, h) = (23, 17)
        // Sparse and dense, set pixels of any non-zero value, radii past the frame's size.
        for (radius, density) in [(0, Float(0.03)), (1, 0.03), (3, 0.03), (9, 0.03), (2, 0.3), (30, 0.01)] {
            let bits = (0..<(w * h)).map { _ in g.unit() < density ? UInt8(1 + g.next() % 3) : 0 }
            let dilated = HeadMasker.dilate(bits, width: w, height: h, by: radius)
            for y in 0..<h {
                for x in 0..<w {
                    var expected: UInt8 = 0
                    for v in max(0, y - radius)...min(h - 1, y + radius) {
                        for u in max(0, x - radius)...min(w - 1, x + radius) where bits[v * w + u] != 0 { expected = 1 }
                    }
                    #expect(dilated[y * w + x] == expected, "radius \(radius) at (\(x), \(y))")
                }
            }
        }
    }

    /// People 2.5–5 m away whose depth lies 3 px right of and 1 px above their colour (a real
    /// camera's registration, or a move between its two captures), searched with the colour and depth
    /// files named `colorName` and `depthName`: the score against the colour's ground truth.
    static func searchMisregistered(registrationError: Int, colorName: String = "000001.png", depthName: String = "000001.png") throws -> HeadScore {
        var options = SynthOptions()
        options.frames = 1; options.width = 800; options.height = 600; options.speed = 0; options.noise = 1.5
        let people = [DepthPersonDetectorTests.person(1, x: -1, z: 2.5, yaw: .pi * 0.9, seed: 11),
                      DepthPersonDetectorTests.person(2, x: 0.6, z: 3.5, seed: 12),
                      DepthPersonDetectorTests.person(3, x: 1.8, z: 5, yaw: .pi * 1.2, seed: 13)]
        let scene = SynthScene(options: options, people: people, props: [])
        let (w, h) = (options.width, options.height)
        let frame = SynthRenderer(scene: scene).render(frame: 1)
        var metres = frame.depth
        for y in 0..<h { for x in 0..<w { metres[y * w + x] = frame.depth[min(h - 1, y + 1) * w + max(0, x - 3)] } }
        let files = FrameFiles(number: 1, color: URL(fileURLWithPath: "/synthetic/rgb/" + colorName),
                               depth: URL(fileURLWithPath: "/synthetic/depth/" + depthName))
        let finder = try HeadFinder(kind: .depth, registrationError: registrationError)
        let (heads, mask) = try finder.find(
            in: Frame(number: 1, files: files, rgb: Raster(width: w, height: h, channels: 3, samples: frame.rgb),
                      depth: DepthMap(width: w, height: h, metres: metres), depthImage: nil),
            intrinsics: scene.intrinsics)
        let truth = FrameGroundTruth(heads: Raster(width: w, height: h, channels: 1, samples: frame.heads), people: frame.people)
        return HeadScore.score(mask: mask, heads: heads, truth: truth)
    }

    @Test func aRegistrationErrorGrowsTheMasksOverHeadsTheDepthMisplaces() throws {
        let bare = try Self.searchMisregistered(registrationError: 0)
        #expect(bare.total.heads == 3 && bare.total.covered < 3, "the misplaced depth leaves head pixels bare")
        let grown = try Self.searchMisregistered(registrationError: 3)
        #expect(grown.total.heads == 3 && grown.total.covered == 3 && grown.total.leakedPixels == 0)
        #expect(grown.falseHeads == 0)
    }

    @Test func colourAndDepthCapturedApartGrowTheMasksByAHeadsMove() throws {
        // Named by capture times 20 ms apart (as TUM RGB-D pairs them): a head moves up to 3 cm,
        // 4.8 px at 2.5 m here, more than the 3 px the depth lies off.
        let files = FrameFiles(number: 1, color: URL(fileURLWithPath: "/r/rgb/1305031102.175304.png"),
                               depth: URL(fileURLWithPath: "/r/depth/1305031102.155304.png"))
        #expect(abs(try #require(files.captureGap) - 0.02) < 1e-6)
        let apart = try Self.searchMisregistered(registrationError: 0, colorName: "1305031102.175304.png", depthName: "1305031102.155304.png")
        #expect(apart.total.heads == 3 && apart.total.covered == 3 && apart.total.leakedPixels == 0)
        // Frame numbers say nothing of time.
        #expect(FrameFiles(number: 1, color: URL(fileURLWithPath: "/r/rgb/000001.png"), depth: URL(fileURLWithPath: "/r/depth/000001.png")).captureGap == nil)
    }

    @Test func rowsFromTheChinDownAreMarkedAsNeckAndEverythingElseAsHead() throws {
        // A person 3 m away filling the window, on a background 10 m away.
        let (w, h) = (100, 100)
        var metres = [Float](repeating: 10, count: w * h)
        for y in 20..<100 { for x in 30..<70 { metres[y * w + x] = 3 } }
        let head = HeadRegion(box: PixelBox(x0: 35, y0: 20, x1: 64, y1: 70), depth: 3, person: PixelBox(x0: 30, y0: 20, x1: 69, y1: 99),
                              source: "test", narrowFromRow: 55, narrowHalfWidth: 8)
        let mask = HeadMasker.mask(heads: [head], depth: DepthMap(width: w, height: h, metres: metres),
                                   intrinsics: Intrinsics(fx: 50, fy: 50, cx: 50, cy: 50), width: w, height: h)
        let values = Set(mask)
        #expect(values == [0, HeadMasker.head, HeadMasker.neck])
        for y in 0..<h {
            for x in 0..<w where mask[y * w + x] != 0 {
                #expect(mask[y * w + x] == (y < 55 ? HeadMasker.head : HeadMasker.neck), "(\(x), \(y))")
            }
        }
        // The background 7 m behind stays out; the narrow band below the chin is narrow.
        #expect(mask[30 * w + 20] == 0)
        #expect(mask[60 * w + 36] == 0 && mask[60 * w + 50] == HeadMasker.neck)
        // The margin (the one-pixel floor here: 1.2 cm is a fifth of a pixel) stays off the background
        // 7 m behind above the head, and off the body below the window.
        #expect(mask[19 * w + 50] == 0)
        #expect(mask[71 * w + 50] == 0)
    }

    @Test func theOnePixelFloorReachesOnlyTheHeadsDepthHolesAndWhatIsJustBehind() throws {
        // A head 20 m away (6×8 px at fy = 600: the 1.2 cm margin is 0.36 px, so the floor of one
        // pixel is all that is left). Around its window: left, a pixel of the head at its depth that
        // the window missed; right, a person 1.5 m behind; above, a hole and the wall 10 m behind;
        // below the window's right corner, a sign 2 m nearer.
        let (w, h) = (40, 40)
        var metres = [Float](repeating: 30, count: w * h)
        for y in 10...17 { for x in 17...22 { metres[y * w + x] = 20 } }
        metres[12 * w + 16] = 20
        metres[12 * w + 23] = 21.5
        metres[9 * w + 18] = DepthMap.noReading
        metres[18 * w + 23] = 18
        let head = HeadRegion(box: PixelBox(x0: 17, y0: 10, x1: 22, y1: 17), depth: 20, person: PixelBox(x0: 15, y0: 10, x1: 24, y1: 39),
                              source: "test")
        func mask(fy: Double) -> [UInt8] {
            HeadMasker.mask(heads: [head], depth: DepthMap(width: w, height: h, metres: metres),
                            intrinsics: Intrinsics(fx: fy, fy: fy, cx: 20, cy: 20), width: w, height: h)
        }
        let floor = mask(fy: 600)
        #expect(floor[12 * w + 16] == HeadMasker.head, "the head's own depth")
        #expect(floor[12 * w + 23] == HeadMasker.head, "a person 1.5 m behind")
        #expect(floor[9 * w + 18] == HeadMasker.head, "a hole")
        #expect(floor[9 * w + 19] == 0 && floor[13 * w + 23] == 0 && floor[14 * w + 16] == 0, "the wall 10 m behind")
        #expect(floor[18 * w + 23] == 0, "a sign 2 m nearer")
        // At fy = 1000 the margin is 0.6 px: still less than a pixel, so still only the floor, which
        // stays off the wall and the sign as above.
        let subpixel = mask(fy: 1000)
        #expect(subpixel[12 * w + 16] == HeadMasker.head && subpixel[9 * w + 18] == HeadMasker.head)
        #expect(subpixel[9 * w + 19] == 0 && subpixel[13 * w + 23] == 0 && subpixel[14 * w + 16] == 0, "the wall 10 m behind")
        #expect(subpixel[18 * w + 23] == 0, "a sign 2 m nearer")
        // At fy = 1700 the margin is a whole pixel of its own (1.02 px) and grows into everything
        // around the window (the body below it aside).
        let metric = mask(fy: 1700)
        #expect(metric[9 * w + 19] == HeadMasker.head && metric[13 * w + 23] == HeadMasker.head && metric[14 * w + 16] == HeadMasker.head)
    }

    @Test func aboveTheChinTheMaskFollowsTheHeadsSurfacePastTheWindow() throws {
        // A head 2 m away on a wall 10 m away; its surface reaches past the window on both sides,
        // but 2 columns right of the window it steps 0.25 m back (more than a depth step). At fx =
        // 100 the 8 cm reach is 4 columns; the margin is the one-pixel floor.
        let (w, h) = (100, 100)
        var metres = [Float](repeating: 10, count: w * h)
        for y in 20..<70 { for x in 30..<70 { metres[y * w + x] = x >= 63 ? 2.25 : 2 } }
        let head = HeadRegion(box: PixelBox(x0: 40, y0: 20, x1: 60, y1: 60), depth: 2, person: PixelBox(x0: 30, y0: 20, x1: 69, y1: 99),
                              source: "test", narrowFromRow: 45, narrowHalfWidth: 8)
        let mask = HeadMasker.mask(heads: [head], depth: DepthMap(width: w, height: h, metres: metres),
                                   intrinsics: Intrinsics(fx: 100, fy: 100, cx: 50, cy: 50), width: w, height: h)
        // Above the chin: 4 columns past the left side and the floor; on the right up to the step, and the floor.
        #expect(mask[30 * w + 35] != 0 && mask[30 * w + 34] == 0)
        #expect(mask[30 * w + 63] != 0 && mask[30 * w + 64] == 0)
        // From the chin down, the narrow band and its floor only.
        #expect(mask[50 * w + 41] != 0 && mask[50 * w + 40] == 0 && mask[50 * w + 59] != 0 && mask[50 * w + 60] == 0)
        // A face detector's window (no chin known) does not grow.
        var face = head
        face.narrowFromRow = nil
        let faceMask = HeadMasker.mask(heads: [face], depth: DepthMap(width: w, height: h, metres: metres),
                                       intrinsics: Intrinsics(fx: 100, fy: 100, cx: 50, cy: 50), width: w, height: h)
        #expect(faceMask[30 * w + 39] != 0 && faceMask[30 * w + 38] == 0)
    }

    @Test func aLeaningWindowTakesInItsRowsMovedByTheLeanAndKeepsTheStraightOnes() throws {
        // A head 3 m away at the right side of the frame, everything at its depth; its window leans
        // half a column left for each row below row 30. Row 50 reaches 10 columns further left
        // (and the one pixel of margin beyond) and still holds the frame's last column; rows above
        // 30 reach right only as far as the side allows, and no further left than straight down.
        let (w, h) = (100, 100)
        let metres = [Float](repeating: 3, count: w * h)
        let head = HeadRegion(box: PixelBox(x0: 80, y0: 20, x1: 99, y1: 50), depth: 3, person: PixelBox(x0: 75, y0: 20, x1: 99, y1: 99),
                              source: "test", lean: -0.5, leanOrigin: 30)
        #expect(head.shift(atRow: 50) == -10 && head.shift(atRow: 30) == 0 && head.shift(atRow: 20) == 5)
        let mask = HeadMasker.mask(heads: [head], depth: DepthMap(width: w, height: h, metres: metres),
                                   intrinsics: Intrinsics(fx: 50, fy: 50, cx: 50, cy: 50), width: w, height: h)
        #expect(mask[50 * w + 69] != 0 && mask[50 * w + 99] != 0)
        #expect(mask[50 * w + 68] == 0)
        #expect(mask[22 * w + 78] == 0 && mask[22 * w + 79] != 0 && mask[22 * w + 99] != 0)
    }

    @Test func aTiltedWindowsRowsRunAslantAndKeepTheLevelOnes() throws {
        // A head 3 m away, everything at its depth; its rows run down 0.3 of a row for each column
        // right of its centre column 50 (a camera rolled about 17°). At fy = 50 the margin is the
        // one-pixel floor, which below the window does not grow into the body.
        let (w, h) = (100, 100)
        let metres = [Float](repeating: 3, count: w * h)
        let head = HeadRegion(box: PixelBox(x0: 40, y0: 20, x1: 60, y1: 50), depth: 3, person: PixelBox(x0: 35, y0: 20, x1: 65, y1: 99),
                              source: "test", tilt: 0.3)
        let mask = HeadMasker.mask(heads: [head], depth: DepthMap(width: w, height: h, metres: metres),
                                   intrinsics: Intrinsics(fx: 50, fy: 50, cx: 50, cy: 50), width: w, height: h)
        // Ten columns right of the centre the head's bottom row 50 lies three rows lower, at 53;
        // ten columns left its top row 20 lies three rows higher, at 17 (and the margin above it).
        #expect(mask[53 * w + 60] != 0 && mask[54 * w + 60] == 0)
        #expect(mask[16 * w + 40] != 0 && mask[15 * w + 40] == 0)
        // The level window stays: row 50 on the left, row 20 on the right (and the margin above).
        #expect(mask[50 * w + 40] != 0 && mask[51 * w + 40] == 0)
        #expect(mask[19 * w + 60] != 0 && mask[18 * w + 60] == 0)
        // At the left side of the frame, leaning too (half a column right a row below row 30):
        // below the window only what its own rows hold, slanted and moved by the lean, joins.
        let side = HeadRegion(box: PixelBox(x0: 0, y0: 20, x1: 20, y1: 50), depth: 3, person: PixelBox(x0: 0, y0: 20, x1: 25, y1: 99),
                              source: "test", lean: 0.5, leanOrigin: 30, tilt: 0.3)
        let sideMask = HeadMasker.mask(heads: [side], depth: DepthMap(width: w, height: h, metres: metres),
                                       intrinsics: Intrinsics(fx: 50, fy: 50, cx: 50, cy: 50), width: w, height: h)
        // Row 52 moves 11 columns right; its column 30, 9 right of its moved centre, lies on head row 49.
        #expect(sideMask[52 * w + 30] != 0)
        #expect((0...12).allSatisfy { sideMask[52 * w + $0] == 0 }, "\((0...12).map { sideMask[52 * w + $0] })")
    }

    /// A tilted head's neck band starts at its chin along its own slanted rows: a mask pixel is
    /// neck exactly where its head row (its row less 0.3 a row for each column right of the centre
    /// column, rounded half away from zero) lies at or below the chin row, for leaning heads too.
    @Test(arguments: [Float(0), 0.4])
    func aTiltedHeadsNeckBandStartsAtItsChinAlongItsOwnRows(lean: Float) throws {
        let (w, h) = (100, 100)
        let metres = [Float](repeating: 1, count: w * h)
        let head = HeadRegion(box: PixelBox(x0: 30, y0: 20, x1: 70, y1: 70), depth: 1, person: PixelBox(x0: 25, y0: 20, x1: 75, y1: 99),
                              source: "test", narrowFromRow: 55, narrowHalfWidth: 12, lean: lean, leanOrigin: 40, tilt: 0.3)
        let mask = HeadMasker.mask(heads: [head], depth: DepthMap(width: w, height: h, metres: metres),
                                   intrinsics: Intrinsics(fx: 50, fy: 50, cx: 50, cy: 50), width: w, height: h)
        var (heads, necks) = (0, 0)
        for y in 0..<h {
            for x in 0..<w where mask[y * w + x] != 0 {
                let headRow = y - Int((0.3 * Float(x - 50 - head.shift(atRow: y))).rounded())
                #expect(mask[y * w + x] == (headRow < 55 ? HeadMasker.head : HeadMasker.neck), "(\(x), \(y)) on head row \(headRow)")
                if mask[y * w + x] == HeadMasker.head { heads += 1 } else { necks += 1 }
            }
        }
        #expect(heads > 1000 && necks > 100, "\(heads) head and \(necks) neck pixels")
    }

    @Test func theWorldsHorizontalRunsAslantOnlyForARolledCamera() throws {
        // 1280×720, fx = fy = 640. Level or looking down 15°: the horizontal is level in the image
        // everywhere (the camera's x axis is horizontal). Rolled 12°: tan 12° = 0.21 rows a column.
        let k = Intrinsics(fx: 640, fy: 640, cx: 640, cy: 360)
        let level = GroundPlane(normal: SIMD3(0, -1, 0), offset: 1.6)
        let pitch: Float = 15 * .pi / 180, roll: Float = 12 * .pi / 180
        let down = GroundPlane(normal: SIMD3(0, -cos(pitch), -sin(pitch)), offset: 1.6)
        let rolled = GroundPlane(normal: SIMD3(sin(roll), -cos(roll), 0), offset: 1.6)
        for (x, y) in [(640, 360), (1160, 300), (120, 600)] {
            #expect(abs(DepthPersonDetector.tilt(at: x, y, depth: 2, ground: level, intrinsics: k)) < 1e-4)
            #expect(abs(DepthPersonDetector.tilt(at: x, y, depth: 2, ground: down, intrinsics: k)) < 1e-3)
        }
        let centre = DepthPersonDetector.tilt(at: 640, 360, depth: 8, ground: rolled, intrinsics: k)
        #expect(abs(centre - tan(roll)) < 0.01, "\(centre)")
    }

    @Test func theWorldsVerticalLeansTowardTheCentreAtTheSidesOfACameraLookingDown() throws {
        // 1280×720, fx = fy = 640. Level: straight down everywhere. Looking down 15°: at the right
        // side (x = 1160, 0.81 of the focal length out) about tan 15° × 0.81 = 0.22 to the left a
        // row, as much to the right at the left side, none at the centre column.
        let k = Intrinsics(fx: 640, fy: 640, cx: 640, cy: 360)
        let level = GroundPlane(normal: SIMD3(0, -1, 0), offset: 1.6)
        #expect(abs(DepthPersonDetector.lean(at: 1160, 300, depth: 2, ground: level, intrinsics: k)) < 1e-4)
        let pitch: Float = 15 * .pi / 180
        let down = GroundPlane(normal: SIMD3(0, -cos(pitch), -sin(pitch)), offset: 1.6)
        let right = DepthPersonDetector.lean(at: 1160, 300, depth: 2, ground: down, intrinsics: k)
        let left = DepthPersonDetector.lean(at: 120, 300, depth: 2, ground: down, intrinsics: k)
        #expect(right < -0.18 && right > -0.26, "\(right)")
        #expect(abs(left + right) < 0.01)
        #expect(abs(DepthPersonDetector.lean(at: 640, 300, depth: 2, ground: down, intrinsics: k)) < 1e-3)
    }

    @Test func belowTheWindowTheMarginGrowsOnlyIntoWhatIsOffTheHeadsDepth() throws {
        // As above, with the background showing through two pixels just below the window (between
        // hanging hair and the collar) and a hole in the body's depth beside them; at fy = 300 the
        // 1.2 cm margin is a pixel of its own (1.2 px), which reaches the background too.
        let (w, h) = (100, 100)
        var metres = [Float](repeating: 10, count: w * h)
        for y in 20..<100 { for x in 30..<70 { metres[y * w + x] = 3 } }
        metres[71 * w + 45] = 10; metres[71 * w + 46] = 10
        metres[71 * w + 47] = DepthMap.noReading
        let head = HeadRegion(box: PixelBox(x0: 35, y0: 20, x1: 64, y1: 70), depth: 3, person: PixelBox(x0: 30, y0: 20, x1: 69, y1: 99),
                              source: "test", narrowFromRow: 55, narrowHalfWidth: 8)
        let mask = HeadMasker.mask(heads: [head], depth: DepthMap(width: w, height: h, metres: metres),
                                   intrinsics: Intrinsics(fx: 300, fy: 300, cx: 50, cy: 50), width: w, height: h)
        #expect(mask[71 * w + 45] == HeadMasker.neck && mask[71 * w + 46] == HeadMasker.neck && mask[71 * w + 47] == HeadMasker.neck)
        #expect(mask[71 * w + 48] == 0 && mask[72 * w + 45] == 0)
    }

    @Test func belowTheWindowTheMarginTakesOnlyHolesThatJoinTheMask() throws {
        // A head 0.5 m away at fy = 600 (a margin of 14 px) over a shirt a real camera left lone
        // holes in, below the window: they lie within the margin but apart from the mask, and had
        // each been a blob anonymized as a head of its own. A hole just below the window, and a
        // hole beside it, join the mask and stay in it.
        let (w, h) = (200, 200)
        var metres = [Float](repeating: 10, count: w * h)
        for y in 20..<200 { for x in 40..<160 { metres[y * w + x] = 0.5 } }
        let lone = [(60, 130), (100, 133), (140, 126), (80, 127)]
        for (x, y) in lone { metres[y * w + x] = DepthMap.noReading }
        metres[121 * w + 90] = DepthMap.noReading; metres[121 * w + 91] = DepthMap.noReading
        metres[122 * w + 91] = DepthMap.noReading
        let head = HeadRegion(box: PixelBox(x0: 50, y0: 20, x1: 150, y1: 120), depth: 0.5, person: PixelBox(x0: 40, y0: 20, x1: 159, y1: 199),
                              source: "test", narrowFromRow: 90, narrowHalfWidth: 40)
        let mask = HeadMasker.mask(heads: [head], depth: DepthMap(width: w, height: h, metres: metres),
                                   intrinsics: Intrinsics(fx: 600, fy: 600, cx: 100, cy: 100), width: w, height: h)
        for (x, y) in lone { #expect(mask[y * w + x] == 0, "lone hole at (\(x), \(y))") }
        #expect(mask[121 * w + 90] == HeadMasker.neck && mask[121 * w + 91] == HeadMasker.neck && mask[122 * w + 91] == HeadMasker.neck)
        #expect(HeadAnonymizer.blobs(mask: mask, width: w, height: h).count == 1)
    }
}

@Suite struct HoleFillingTests {
    @Test func holesInsideASurfaceCloseAndHolesAtAnEdgeStay() throws {
        // 40×30 at fx = fy = 40: a wall at 10 m with a 4×4 window hole, a person at 3 m in front of
        // it whose dark hair left a hole between the head (3 m) and the wall behind (10 m), and holes
        // in the frame's top-left corner.
        let (w, h) = (40, 30)
        var metres = [Float](repeating: 10, count: w * h)
        for y in 10..<30 { for x in 20..<26 { metres[y * w + x] = 3 } }
        for y in 4..<8 { for x in 4..<8 { metres[y * w + x] = DepthMap.noReading } }    // window
        for x in 20..<26 { metres[9 * w + x] = DepthMap.noReading }                         // hair above the head
        for x in 0..<9 { metres[x] = DepthMap.noReading }                                   // top-left corner
        let depth = DepthMap(width: w, height: h, metres: metres)
        let closed = depth.fillingSurfaceHoles(fx: 40, fy: 40)
        for y in 4..<8 { for x in 4..<8 { #expect(abs(closed[x, y] - 10) < 0.01, "window (\(x), \(y))") } }
        // The hair row lies between 10 m above and 3 m below: not one surface, so no vertical fill;
        // along the row its ends are the wall (10 m) on both sides, 6 px = 1.5 m apart: filled as wall.
        // Either way it never takes the head's depth, so the head's top is not invented.
        for x in 20..<26 { #expect(closed[x, 9] == DepthMap.noReading || abs(closed[x, 9] - 10) < 0.01) }
        for x in 0..<9 { #expect(closed[x, 0] == DepthMap.noReading, "runs from the frame's edges have no end to fill from") }
        // A map without holes comes back unchanged.
        let solid = DepthMap(width: 4, height: 4, metres: [Float](repeating: 5, count: 16))
        #expect(solid.fillingSurfaceHoles(fx: 4, fy: 4) == solid)
    }

    @Test func theSkyBetweenTwoPeopleSideBySideStaysAHole() throws {
        // 40×30 at fx = fy = 40: two people 3 m away, 0.3 m apart (4 px), the right one shorter,
        // standing on ground 3.5 m away; everything above the ground is beyond the sensor's range (a
        // hole). Each gap row ends on both people, "one surface" 0.3 m across, but its column runs up
        // to the frame's top: it is no surface, and stays open.
        let (w, h) = (40, 30)
        var metres = [Float](repeating: DepthMap.noReading, count: w * h)
        for y in 26..<30 { for x in 0..<w { metres[y * w + x] = 3.5 } }
        for y in 8..<26 { for x in 10..<16 { metres[y * w + x] = 3 } }
        for y in 12..<26 { for x in 20..<26 { metres[y * w + x] = 3 } }
        metres[15 * w + 12] = DepthMap.noReading                                             // one pixel lost
        for y in 18..<21 { for x in 21..<24 { metres[y * w + x] = DepthMap.noReading } }     // a dark patch
        let closed = DepthMap(width: w, height: h, metres: metres).fillingSurfaceHoles(fx: 40, fy: 40)
        for y in 0..<26 { for x in 16..<20 { #expect(closed[x, y] == DepthMap.noReading, "gap (\(x), \(y))") } }
        #expect(abs(closed[12, 15] - 3) < 0.01, "a pixel 7.5 cm wide closes along its row alone")
        for y in 18..<21 { for x in 21..<24 { #expect(abs(closed[x, y] - 3) < 0.01, "patch (\(x), \(y))") } }
    }

    /// The same in a rendered street: two people 3 m away side by side, the sky and everything past
    /// 10 m lost as a depth camera's range ends. Bridged across, the gap between them made a flat top
    /// at the shorter one's head height, and that head was lost.
    @Test func aShortPersonBesideATallOneBeforeTheSkyIsCovered() throws {
        var tall = DepthPersonDetectorTests.person(1, x: -0.25, z: 3, seed: 21), short = DepthPersonDetectorTests.person(2, x: 0.35, z: 3, seed: 22)
        tall.identity.height = 1.85; short.identity.height = 1.6
        let (score, heads) = try DepthPersonDetectorTests.search(people: [tall, short]) { _, metres in
            for i in metres.indices where !(metres[i] <= 10) { metres[i] = DepthMap.noReading }
        }
        #expect(score.total.allHeads == 2)
        #expect(score.total.allCovered == 2, "\(score.misses); heads at \(heads.map(\.box))")
    }

    /// The fast fill (rows eight pixels at a time, columns read row by row) gives exactly what the
    /// rule says, worked out here a line at a time: on random scenes of surfaces at 0.5–30 m with
    /// single lost pixels, dark patches, a sky past the range and pixels at infinity, at sizes that
    /// are and are not multiples of eight.
    @Test(arguments: [(37, 23), (64, 40), (1, 9), (9, 1), (130, 71)])
    func theFillIsTheRuleAppliedLineByLine(width w: Int, height h: Int) {
        func reference(_ src: [Float], fx: Float, fy: Float, maxSpan: Float = 1.5, shortSpan: Float = 0.1) -> [Float] {
            var out = src, across = [Float](repeating: 0, count: w * h)
            func runs(start: Int, step: Int, count: Int, focal: Float, visit: (Int, Float, Bool) -> Void) {
                var i = 0
                while i < count {
                    guard src[start + i * step] == DepthMap.noReading else { i += 1; continue }
                    var j = i
                    while j < count, src[start + j * step] == DepthMap.noReading { j += 1 }
                    if i > 0, j < count {
                        let a = src[start + (i - 1) * step], b = src[start + j * step]
                        let span = Float(j - i) * max(a, b) / focal
                        if DepthMap.isMeasured(a), DepthMap.isMeasured(b), abs(a - b) < DepthPersonDetector.step(min(a, b)), span <= maxSpan {
                            for k in i..<j { visit(start + k * step, a + (b - a) * Float(k - i + 1) / Float(j - i + 1), span <= shortSpan) }
                        }
                    }
                    i = j
                }
            }
            for y in 0..<h { runs(start: y * w, step: 1, count: w, focal: fx) { o, v, short in across[o] = v; if short { out[o] = v } } }
            for x in 0..<w { runs(start: x, step: w, count: h, focal: fy) { o, v, short in
                if across[o] > 0 { out[o] = (v + across[o]) / 2 } else if short { out[o] = v }
            } }
            return out
        }
        var generator = SplitMix64(seed: UInt64(w * 1000 + h))
        func uniform() -> Float { Float(generator.next() >> 40) / Float(1 << 24) }
        for _ in 0..<20 {
            // Blocks of surfaces, each flat or sloping, then holes of every kind.
            var metres = [Float](repeating: 0.5 + 29.5 * uniform(), count: w * h)
            for _ in 0..<6 {
                let (x0, y0) = (Int(uniform() * Float(w)), Int(uniform() * Float(h)))
                let (x1, y1) = (min(w, x0 + 1 + Int(uniform() * Float(w))), min(h, y0 + 1 + Int(uniform() * Float(h))))
                let (z, slope) = (0.5 + 29.5 * uniform(), (uniform() - 0.5) * 0.05)
                for y in y0..<y1 { for x in x0..<x1 { metres[y * w + x] = z + slope * Float(x - x0 + y - y0) } }
            }
            let skyRows = Int(uniform() * Float(h) / 3)
            for i in 0..<(skyRows * w) { metres[i] = DepthMap.noReading }
            for _ in 0..<4 {
                let (x0, y0) = (Int(uniform() * Float(w)), Int(uniform() * Float(h)))
                for y in y0..<min(h, y0 + 1 + Int(uniform() * 6)) { for x in x0..<min(w, x0 + 1 + Int(uniform() * 12)) { metres[y * w + x] = DepthMap.noReading } }
            }
            for i in metres.indices where uniform() < 0.05 { metres[i] = DepthMap.noReading }
            for i in metres.indices where uniform() < 0.005 { metres[i] = .infinity }
            let fast = DepthMap(width: w, height: h, metres: metres).fillingSurfaceHoles(fx: 0.9 * Float(w), fy: 0.9 * Float(w))
            let expected = reference(metres, fx: 0.9 * Float(w), fy: 0.9 * Float(w))
            #expect(fast.metres == expected)
            if fast.metres != expected { return }
        }
    }

    @Test func aLongGapBetweenTwoEndsOfOneSurfaceStaysOpen() throws {
        // 1 × 60 at fx 10 m away: a 30-pixel gap spans 30 · 10 / 20 = 15 m, far over the 1.5 m limit.
        var metres = [Float](repeating: 10, count: 60)
        for x in 10..<40 { metres[x] = DepthMap.noReading }
        let closed = DepthMap(width: 60, height: 1, metres: metres).fillingSurfaceHoles(fx: 20, fy: 20)
        #expect((10..<40).allSatisfy { closed.metres[$0] == DepthMap.noReading })
    }
}

@Suite struct GroundPlaneTests {
    /// The height of a point worked out from its ray's rise across and down (as the region search
    /// does, a column's part once) is its height from the plane's dot product, for a tilted and
    /// rolled ground, rays across a wide view and depths from 0.5 to 60 m.
    @Test func heightAlongARayIsTheHeightOfItsPoint() {
        let (pitch, roll): (Float, Float) = (0.3, -0.2)
        let normal = SIMD3<Float>(sin(roll), -cos(roll) * cos(pitch), -cos(roll) * sin(pitch))
        let ground = GroundPlane(normal: normal, offset: 1.7)
        for x in stride(from: Float(-1.2), through: 1.2, by: 0.3) {
            for y in stride(from: Float(-0.8), through: 0.8, by: 0.2) {
                for m: Float in [0.5, 3, 12.5, 60] {
                    let expected = ground.height(SIMD3(x * m, y * m, m))
                    let rise = ground.riseAcross(x: x) + ground.riseDown(y: y)
                    #expect(abs(ground.height(along: rise, at: m) - expected) <= 1e-4 * max(1, m), "ray (\(x), \(y)) at \(m) m")
                }
            }
        }
        // Straight ahead, level: the camera's own height, whatever the depth.
        let level = GroundPlane(normal: SIMD3(0, -1, 0), offset: 1.6)
        #expect(level.height(along: level.riseAcross(x: 0) + level.riseDown(y: 0), at: 25) == 1.6)
    }

    /// Planar depth of a room seen by a camera 1.4 m above the floor, pitched `pitch` radians down:
    /// the floor, a back wall 4 m ahead, and optionally a desk (top 0.75 m above the floor, 1 m wide,
    /// from 0.5 to 1.5 m ahead) filling the middle of the lower frame.
    static func room(desk: Bool, pitch: Float = 0.52, width: Int = 640, height: Int = 480) -> (DepthMap, Intrinsics) {
        let k = Intrinsics(fx: 525, fy: 525, cx: 319.5, cy: 239.5)
        var metres = [Float](repeating: 0, count: width * height)
        let (c, s) = (cos(pitch), sin(pitch))
        for v in 0..<height {
            for u in 0..<width {
                let dx = (Float(u) - Float(k.cx)) / Float(k.fx), dy = (Float(v) - Float(k.cy)) / Float(k.fy)
                // World ray for a camera ray (dx, dy, 1): y down, z ahead, level.
                let wy = dy * c + s, wz = -dy * s + c
                var nearest = Float.infinity
                if wz > 0 { nearest = 4 / wz }  // the wall (t is the planar depth: the camera ray's z is 1)
                if wy > 0 {
                    let t = 1.4 / wy
                    nearest = min(nearest, t)  // the floor
                    if desk {
                        let t = 0.65 / wy, x = t * dx, z = t * wz
                        if abs(x) <= 0.5, z >= 0.5, z <= 1.5 { nearest = min(nearest, t) }
                    }
                }
                metres[v * width + u] = nearest
            }
        }
        return (DepthMap(width: width, height: height, metres: metres), k)
    }

    @Test func aLevelSurfaceJustBelowTheCameraIsNotTheGround() throws {
        // A camera 1.7 m up, level, over people close by: their shoulders (here a plate 0.2 m below
        // the camera, 4 m wide, 0.6–1.6 m ahead) and something as high far off (5–9 m ahead) lie on
        // one level plane with more of the fit's samples than the floor showing under and past them.
        // Measured from that plane no one stands; the floor is the ground (a stereo camera's frame of
        // people 0.7–3.8 m away lost all five heads so).
        let k = Intrinsics(fx: 525, fy: 525, cx: 319.5, cy: 239.5)
        let (width, height) = (640, 480)
        var metres = [Float](repeating: 0, count: width * height)
        for v in 0..<height {
            for u in 0..<width {
                let dx = (Float(u) - Float(k.cx)) / Float(k.fx), dy = (Float(v) - Float(k.cy)) / Float(k.fy)
                var nearest: Float = 30  // a wall far ahead
                if dy > 0 {
                    nearest = min(nearest, 1.7 / dy)  // the floor
                    let t = 0.2 / dy
                    if abs(t * dx) <= 2, t >= 0.6, t <= 1.6 { nearest = min(nearest, t) }  // shoulders close by
                    if t * dx >= 1, t * dx <= 3, t >= 5, t <= 9 { nearest = min(nearest, t) }  // as high, far off
                }
                metres[v * width + u] = nearest
            }
        }
        let ground = try #require(GroundPlane.fit(depth: DepthMap(width: width, height: height, metres: metres), intrinsics: k))
        #expect(abs(ground.offset - 1.7) < 0.05, "the ground was fitted \(ground.offset) m below the camera")
    }

    @Test func theFloorIsTheGroundEvenWithADeskFillingTheView() throws {
        let (bare, k) = Self.room(desk: false)
        #expect(abs(try #require(GroundPlane.fit(depth: bare, intrinsics: k)).offset - 1.4) < 0.05)
        let (withDesk, _) = Self.room(desk: true)
        let ground = try #require(GroundPlane.fit(depth: withDesk, intrinsics: k))
        #expect(abs(ground.offset - 1.4) < 0.05, "the ground was fitted \(ground.offset) m below the camera")
    }
}
