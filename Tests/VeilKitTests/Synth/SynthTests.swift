import Foundation
import Testing
@testable import VeilKit

/// Synthetic recordings made once per test run and shared by the tests that read them.
enum SynthFixtures {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var made: Set<String> = []
    /// Every folder this process has written to, made whole or not: removed when it exits, so
    /// test runs do not pile recordings up in /tmp.
    nonisolated(unsafe) private static var written: Set<String> = []

    /// Renders the recording `name` once per process (tests run in parallel and share it).
    static func make(_ name: String, _ configure: (inout SynthOptions) -> Void) throws -> URL {
        lock.lock()
        defer { lock.unlock() }
        var options = SynthOptions()
        configure(&options)
        let url = folder(name)
        if made.contains(name) { return url }
        try? FileManager.default.removeItem(at: url)
        if written.isEmpty { atexit { SynthFixtures.removeAll() } }
        written.insert(name)
        try SynthWriter(scene: SynthScene(options: options), output: url).write()
        made.insert(name)
        return url
    }

    private static func folder(_ name: String) -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("veil-synth-\(name)-\(getpid())")
    }

    private static func removeAll() {
        lock.withLock {
            for name in written {
                try? FileManager.default.removeItem(at: folder(name))
            }
        }
    }

    /// 12 people, 640×480, standing still camera: enough heads for recognition and geometry checks.
    static func crowd() throws -> URL {
        try make("crowd") { o in
            o.frames = 16; o.people = 12; o.width = 640; o.height = 480; o.seed = 21; o.speed = 0.5
        }
    }

    /// 12 people within 14 m, many facing the camera over 24 frames: faces to recognise.
    static func faces() throws -> URL {
        try make("faces") { o in
            o.frames = 24; o.people = 12; o.width = 640; o.height = 480; o.seed = 8; o.speed = 0.5; o.maxDistance = 14
        }
    }

    static func truth(_ recording: URL, _ number: Int) throws -> SynthWriter.FrameTruth {
        let url = recording.appendingPathComponent(String(format: "gt/%06d.json", number))
        return try JSONDecoder().decode(SynthWriter.FrameTruth.self, from: Data(contentsOf: url))
    }

    static func heads(_ recording: URL, _ number: Int) throws -> Raster<UInt16> {
        let url = recording.appendingPathComponent(String(format: "gt/%06d-heads.png", number))
        guard case .sixteen(let raster) = try PNGCodec.decode(try FileIO.read(url), path: url.path) else {
            throw VeilError.undecodable(path: url.path, reason: "expected 16-bit")
        }
        return raster
    }
}

@Suite struct SynthTests {
    @Test func sameSeedGivesByteIdenticalFiles() throws {
        var options = SynthOptions()
        options.frames = 3; options.people = 3; options.width = 160; options.height = 120; options.seed = 99
        let a = try TemporaryFolder(), b = try TemporaryFolder()
        try SynthWriter(scene: SynthScene(options: options), output: a.url).write()
        try SynthWriter(scene: SynthScene(options: options), output: b.url).write()
        let files = try FileManager.default.subpathsOfDirectory(atPath: a.url.path).filter { $0.contains(".") }.sorted()
        #expect(files.count == 1 + 3 * 6)
        for file in files {
            let x = try Data(contentsOf: a.url.appendingPathComponent(file)), y = try Data(contentsOf: b.url.appendingPathComponent(file))
            #expect(x == y, "\(file) differs between two runs with one seed")
        }
        options.seed = 100
        let c = try TemporaryFolder()
        try SynthWriter(scene: SynthScene(options: options), output: c.url).write()
        let other = try Recording(at: c.url).frames[0], original = try Recording(at: a.url).frames[0]
        #expect(try Data(contentsOf: other.color) != Data(contentsOf: original.color))
    }

    @Test func recordingIsReadLikeCARLAOutputWithGapsAndTags() throws {
        let url = try SynthFixtures.crowd()
        let recording = try Recording(at: url)
        #expect(recording.layout == .carla && recording.hasDepth && recording.hasSemantic && recording.hasInstance)
        #expect(recording.unpaired.isEmpty)
        let summary = try RecordingSummary(recording: recording, sampleLimit: 0)
        #expect(summary.depthEncoding == .carlaRaw)
        #expect(summary.groundTruth?.kind == .semanticRaw && summary.groundTruth?.tagTable == .v0914)
        #expect((summary.groundTruth?.pedestrianPixels ?? 0) > 1000)
    }

    @Test func oldTagTableIsWrittenAndRecognised() throws {
        let url = try SynthFixtures.make("old-table") { o in
            o.frames = 2; o.people = 3; o.width = 320; o.height = 240; o.seed = 4; o.carlaTable = .v0913
        }
        let summary = try RecordingSummary(recording: try Recording(at: url))
        #expect(summary.groundTruth?.tagTable == .v0913)
        let truthPixels = try Recording(at: url).frames.reduce(0) { $0 + (try SynthFixtures.truth(url, $1.number)).people.reduce(0) { $0 + $1.pixels } }
        #expect(summary.groundTruth?.pedestrianPixels == truthPixels)
    }

    @Test func semanticPedestriansAgreeWithInstancesAndTruth() throws {
        let url = try SynthFixtures.crowd()
        let recording = try Recording(at: url)
        for files in recording.frames.prefix(4) {
            let truth = try SynthFixtures.truth(url, files.number)
            let semantic = try GroundTruthReader.readImage(try #require(files.semantic))
            let instance = try GroundTruthReader.readImage(try #require(files.instance))
            let people = GroundTruthReader.personMask(semantic, kind: .semanticRaw, table: .v0914)
            let ids = try #require(GroundTruthReader.personMask(instance, kind: .instance, table: .v0914).instanceIDs)
            var counts: [Int: Int] = [:]
            for i in 0..<people.mask.count where people.mask[i] == 1 {
                let id = Int(ids[i])
                counts[id, default: 0] += 1
                let person = try #require(truth.people.first { $0.id == id }, "pedestrian pixel of unknown id \(id)")
                let (x, y) = (i % semantic.width, i / semantic.width)
                #expect(x >= person.box[0] && x <= person.box[2] && y >= person.box[1] && y <= person.box[3])
            }
            #expect(counts == Dictionary(uniqueKeysWithValues: truth.people.map { ($0.id, $0.pixels) }))
        }
    }

    @Test func headBoxesCoverExactlyTheHeadPixels() throws {
        let url = try SynthFixtures.crowd()
        for files in try Recording(at: url).frames.prefix(6) {
            let truth = try SynthFixtures.truth(url, files.number)
            let heads = try SynthFixtures.heads(url, files.number)
            var boxes: [Int: [Int]] = [:], counts: [Int: Int] = [:]
            for y in 0..<heads.height {
                for x in 0..<heads.width {
                    let id = Int(heads[x, y, 0])
                    guard id != 0 else { continue }
                    counts[id, default: 0] += 1
                    let b = boxes[id] ?? [x, y, x, y]
                    boxes[id] = [min(b[0], x), min(b[1], y), max(b[2], x), max(b[3], y)]
                }
            }
            for person in truth.people {
                #expect(person.headBox == boxes[person.id])
                #expect(person.headPixels == counts[person.id, default: 0])
            }
            #expect(Set(boxes.keys).isSubset(of: Set(truth.people.map(\.id))))
        }
    }

    /// People walk on the road and the sidewalks, never into the buildings: whoever walks off a
    /// sidewalk's outer edge comes back at the other's. (Frame-edge walkers farther than about 7 m
    /// had started inside the facades, and walkers only wrapped 2 m past them: a woman walking along
    /// a building had half her body in its wall.)
    @Test func peopleKeepOffTheFacades() throws {
        for seed in UInt64(1)...12 {
            var options = SynthOptions()
            options.people = 12; options.frames = 100; options.seed = seed; options.children = 0.3
            options.fov = seed % 2 == 0 ? 90 : 69
            let scene = SynthScene(options: options)
            let facade = scene.roadHalfWidth + scene.sidewalkWidth
            for number in scene.frameNumbers {
                let time = scene.time(ofFrame: number)
                for person in scene.people {
                    let placed = scene.personPlacement(person, at: time, camera: scene.camera(at: time))
                    let x = placed.position(at: time).x
                    #expect(abs(x) <= facade - 0.4 + 1e-3, "seed \(seed) frame \(number): person \(person.id) at x \(x), the facade at \(facade)")
                }
            }
        }
    }

    @Test func childrenWalkBesideAnAdultAndOnlyWhenAskedFor() throws {
        var options = SynthOptions()
        options.people = 40; options.frames = 1; options.seed = 9
        let adults = SynthScene(options: options).people
        #expect(adults.allSatisfy { $0.identity.height >= 1.5 })
        options.children = 0.4
        let people = SynthScene(options: options).people
        let children = people.indices.filter { people[$0].identity.height < 1.5 }
        #expect(children.count >= 6)
        for i in children {
            let child = people[i], parent = people[i - 1]
            #expect((1.0...1.4).contains(child.identity.height))
            #expect(parent.identity.height >= 1.5 && child.yaw == parent.yaw && child.speed == parent.speed)
            // 0.4–0.6 m aside and up to 0.2 m along their way: the two stay together as they walk.
            for time in [Float(0), 2] {
                let (a, b) = (child.position(at: time), parent.position(at: time))
                let apart = ((a.x - b.x) * (a.x - b.x) + (a.z - b.z) * (a.z - b.z)).squareRoot()
                #expect(apart >= 0.4 && apart <= 0.64, "child \(child.id) \(apart) m from \(parent.id)")
            }
            // A child's head is large for their height: scaled by more than the body is.
            #expect(child.identity.headScale > child.identity.height / 1.75)
        }
    }

    /// One 640×480 frame from a camera mounted as `configure` says, and the ground fitted to its depth.
    static func mountedFrame(_ configure: (inout SynthOptions) -> Void) throws -> (RenderedFrame, GroundPlane) {
        var options = SynthOptions()
        options.frames = 1; options.width = 640; options.height = 480; options.seed = 5
        configure(&options)
        let scene = SynthScene(options: options)
        let frame = SynthRenderer(scene: scene).render(frame: 1)
        let ground = try #require(GroundPlane.fit(depth: DepthMap(width: 640, height: 480, metres: frame.depth), intrinsics: scene.intrinsics))
        return (frame, ground)
    }

    @Test(arguments: [Float(1.0), 2.4])
    func theCameraIsMountedAtTheHeightAskedFor(height: Float) throws {
        // CARLA rigs mount cameras from about a metre (a bumper) to 2.4 m (a roof): the ground
        // fitted to the rendered depth lies that far below the camera, level (the camera looks
        // straight ahead). A height under half a metre, and a tilt or turn over 30°, are refused.
        let (_, ground) = try Self.mountedFrame { $0.people = 4; $0.cameraHeight = height }
        #expect(abs(ground.offset - height) < 0.03, "camera \(ground.offset) m above the ground")
        #expect(ground.normal.y < -0.999)
        for configure in [{ $0.cameraHeight = 0.3 }, { $0.cameraPitch = 31 }, { $0.cameraRoll = -31 }] as [(inout SynthOptions) -> Void] {
            var options = SynthOptions()
            configure(&options)
            #expect(throws: VeilError.self) { try options.validate() }
        }
    }

    @Test func peopleStartAsNearAsAskedAndComeNearerBeforeTheyWrap() throws {
        // People in conversation with an XR headset's wearer stand under 2 m away: they start
        // between --min-distance and --max-distance and walk up to 0.4 m nearer than the nearest
        // start before wrapping round to the far end. A minimum under 0.6 m, or less than a metre
        // short of the maximum, is refused; the default keeps every seed's recording as it was.
        var options = SynthOptions()
        options.frames = 40; options.people = 12; options.width = 64; options.height = 48; options.seed = 11
        options.minDistance = 0.8; options.maxDistance = 3; options.speed = 0
        let scene = SynthScene(options: options)
        let starts = scene.people.map { $0.position(at: 0).z }
        #expect(starts.allSatisfy { $0 >= 0.8 && $0 <= 3 }, "\(starts)")
        #expect(starts.contains { $0 < 1.6 }, "\(starts)")
        var nearest = Float.infinity
        for number in scene.frameNumbers {
            let time = scene.time(ofFrame: number)
            let camera = scene.camera(at: time)
            for person in scene.people {
                let z = scene.personPlacement(person, at: time, camera: camera).position(at: time).z - camera.z
                #expect(z >= 0.4 - 1e-3, "a person \(z) m from the camera")
                nearest = min(nearest, z)
            }
        }
        #expect(nearest < 0.8, "no one came nearer than they started: \(nearest) m")
        for (minimum, maximum) in [(Float(0.5), Float(4)), (3.5, 4)] {
            var refused = SynthOptions()
            (refused.minDistance, refused.maxDistance) = (minimum, maximum)
            #expect(throws: VeilError.self) { try refused.validate() }
        }
        #expect(SynthScene(options: SynthOptions()).peopleNearWrap == SynthScene.nearWrap)
    }

    @Test func cameraJSONRecordsAMountOtherThanTheDefault() throws {
        // A recording says how its camera was mounted where that is not 1.6 m up and level, and a
        // default one's camera.json is as it always was (the fixtures stay byte for byte).
        func cameraJSON(_ configure: (inout SynthOptions) -> Void) throws -> [String: Any] {
            var options = SynthOptions()
            options.frames = 1; options.people = 1; options.width = 64; options.height = 48
            configure(&options)
            let url = FileManager.default.temporaryDirectory.appendingPathComponent("veil-mount-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: url) }
            try SynthWriter(scene: SynthScene(options: options), output: url).write()
            let data = try Data(contentsOf: url.appendingPathComponent("camera.json"))
            return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        }
        let tilted = try cameraJSON { $0.cameraPitch = 12; $0.cameraRoll = -5 }
        #expect(tilted["camera_pitch"] as? Double == 12 && tilted["camera_roll"] as? Double == -5 && tilted["camera_height"] == nil)
        let level = try cameraJSON { _ in }
        #expect(level.keys.sorted() == ["carla_version", "fov", "height", "lighting", "seed", "synthetic", "width"])
    }

    @Test func depthCapturedAfterColourIsNamedByCaptureTimesAndPairsSo() throws {
        // Depth 15 ms after colour: the files carry their capture times, pair by them 15 ms apart,
        // and the ground truth (of the colour) is found under the colour's time in microseconds.
        let url = try SynthFixtures.make("delayed") { o in
            o.frames = 3; o.people = 3; o.width = 160; o.height = 120; o.seed = 5; o.maxDistance = 6; o.depthDelay = 0.015
        }
        let recording = try Recording(at: url)
        #expect(recording.pairedByTimestamp && recording.unpaired.isEmpty && recording.frames.count == 3)
        // Frame numbers (with CARLA-like gaps between them) are the colour's capture times in µs.
        let numbers = recording.frames.map(\.number)
        #expect(numbers.first == 1_000_000_000 && numbers.allSatisfy { $0 % 50_000 == 0 } && numbers == numbers.sorted())
        #expect(recording.frames.first?.depth?.lastPathComponent == "1000.015000.png")
        for files in recording.frames { #expect(abs(try #require(files.captureGap) - 0.015) < 1e-6) }
        #expect(!FileManager.default.fileExists(atPath: url.appendingPathComponent("semantic").path))
        let reader = try FrameReader(recording: recording)
        let frame = try reader.read(recording.frames[1])
        #expect(try FrameGroundTruth.load(recording: recording, files: frame.files, depth: frame.depth)?.heads != nil)
        var options = SynthOptions()
        options.depthDelay = 0.02
        #expect(throws: VeilError.self) { try options.validate() }  // would not pair
    }

    @Test func aPersonAboutToWrapStaysInADepthImageCapturedLater() throws {
        // A man walking toward the camera 1.62 m away is 2 cm short of where people wrap round to the
        // far end of the street; depth 19 ms later still shows his head, 3 cm nearer.
        var options = SynthOptions()
        options.frames = 1; options.width = 160; options.height = 120; options.speed = 0
        var g = SplitMix64(seed: 3)
        let man = SynthPerson(id: 1, identity: Identity.random(using: &g), identityIndex: 0, startX: 0, startZ: 1.62, yaw: .pi,
                              speed: 1.5, phase: 0, headTurn: 0)
        let renderer = SynthRenderer(scene: SynthScene(options: options, people: [man], props: []))
        let now = renderer.render(frame: 1), later = renderer.render(frame: 1, timeOffset: 0.019)
        func nearest(_ frame: RenderedFrame) -> Float? { zip(frame.heads, frame.depth).filter { $0.0 == 1 }.map(\.1).min() }
        let (a, b) = (try #require(nearest(now)), try #require(nearest(later)))
        #expect(b < a && a - b < 0.05)
    }

    @Test func inspectReadsTheMountBackFromTheGround() throws {
        // `veil inspect` fits the ground the depth search uses to every frame it reads and reports
        // the camera's height, pitch and roll from it: what a recording was made with.
        var options = SynthOptions()
        options.frames = 3; options.people = 3; options.width = 320; options.height = 240; options.seed = 4
        options.cameraHeight = 2.2; options.cameraPitch = 12; options.cameraRoll = -5
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("veil-inspect-mount-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: url) }
        try SynthWriter(scene: SynthScene(options: options), output: url).write()
        let ground = try #require(try RecordingSummary(recording: try Recording(at: url)).ground)
        #expect(ground.framesRead == 3 && ground.framesFound == 3)
        let mount = try #require(ground.mount)
        #expect(abs(mount.cameraHeightM - 2.2) < 0.05)
        #expect(abs(mount.pitchDeg - 12) < 0.5 && abs(mount.rollDeg + 5) < 0.5, "\(mount)")
    }

    @Test func aCarWithSeeThroughGlassShowsWhatLiesBeyondItsWindows() throws {
        // A car parked straight ahead, its back 5.8 m away, seen from 1.6 m at 640×480 (fy 320): the
        // ray 7 rows below the middle passes 1.46 m up through its cabin. A solid cabin stops it at
        // the rear window, 6.55 m away; with CARLA's see-through glass it leaves through the
        // windscreen and meets nothing of the car, while the car's body below still shows.
        func frame(glass: Bool) -> RenderedFrame {
            var options = SynthOptions()
            options.frames = 1; options.width = 640; options.height = 480; options.speed = 0
            let car = Prop(kind: .car, x: 0, z: 8, yaw: 0, size: Vec3(1.85, 1.45, 4.4), colour: Vec3(0.6, 0.2, 0.2), seeThroughGlass: glass)
            return SynthRenderer(scene: SynthScene(options: options, people: [], props: [car])).render(frame: 1)
        }
        let (solid, glass) = (frame(glass: false), frame(glass: true))
        let throughWindow = 247 * 640 + 320, body = 300 * 640 + 320
        #expect(abs(solid.depth[throughWindow] - 6.55) < 0.1, "\(solid.depth[throughWindow])")
        #expect(glass.depth[throughWindow] > 15 && glass.semantic[throughWindow] != SemanticClass.car.rawValue, "\(glass.depth[throughWindow])")
        #expect(glass.semantic[body] == SemanticClass.car.rawValue && solid.depth[body] == glass.depth[body])
    }

    @Test func aBushShowsWhatLiesBehindItBetweenItsLeaves() throws {
        // A bush 1.6 m high on a planter, its middle 6 m straight ahead, seen from 1.6 m at 640×480
        // (fx = fy = 320): its foliage fills rows 255–290 and columns 300–340. The leaves hide most
        // of the road behind, as the foliage of CARLA's plants does; between them the road shows,
        // 8 m away or more, as CARLA's depth camera shows it through a plant. The same leaves
        // show in every frame.
        var options = SynthOptions()
        options.frames = 2; options.width = 640; options.height = 480; options.speed = 0
        let bush = Prop(kind: .bush, x: 0, z: 6, yaw: 0, size: Vec3(1.2, 1.6, 0.8), colour: Vec3(0.2, 0.4, 0.1), seed: 7)
        let renderer = SynthRenderer(scene: SynthScene(options: options, people: [], props: [bush]))
        let (first, second) = (renderer.render(frame: 1), renderer.render(frame: 2))
        let foliage = (255...290).flatMap { y in (300...340).map { y * 640 + $0 } }
        let leaves = foliage.filter { first.semantic[$0] == SemanticClass.vegetation.rawValue && first.depth[$0] < 7 }.count
        let through = foliage.filter { first.depth[$0] > 8 }.count
        #expect(leaves >= foliage.count * 3 / 4, "\(leaves) of \(foliage.count) pixels are leaves")
        #expect(through >= 30, "the road shows through \(through) pixels")
        #expect(first.depth == second.depth)
    }

    @Test func aCameraLookingDownSeesTheGroundTiltedByItsPitch() throws {
        // Looking down 15° from 1.6 m: the ground's normal leans 15° toward the camera (camera y is
        // down, z forward), the mount height is unchanged, and the horizon rises out of the frame's
        // middle: the optical axis meets the road 1.6 / sin 15° = 6.2 m away.
        let (frame, ground) = try Self.mountedFrame { $0.people = 0; $0.cars = 0; $0.negatives = 0; $0.cameraPitch = 15 }
        let pitch: Float = 15 * .pi / 180
        #expect(abs(ground.offset - 1.6) < 0.03)
        #expect(abs(ground.normal.y + cos(pitch)) < 0.005 && abs(ground.normal.z + sin(pitch)) < 0.005, "\(ground.normal)")
        #expect(abs(frame.depth[240 * 640 + 320] - 1.6 / sin(pitch)) < 0.1, "\(frame.depth[240 * 640 + 320])")
    }

    @Test func aRolledCameraSeesTheGroundTurnedByItsRoll() throws {
        // Turned 10° clockwise (seen from behind), level otherwise: the ground's normal turns 10°
        // toward the camera's −x, and the horizon runs down to the left: the ground starts lower in
        // the frame at its left edge than at its right.
        let (frame, ground) = try Self.mountedFrame { $0.people = 0; $0.cars = 0; $0.negatives = 0; $0.cameraRoll = 10 }
        let roll: Float = 10 * .pi / 180
        #expect(abs(ground.offset - 1.6) < 0.03)
        #expect(abs(ground.normal.x + sin(roll)) < 0.005 && abs(ground.normal.y + cos(roll)) < 0.005, "\(ground.normal)")
        func firstGroundRow(_ x: Int) -> Int? { (0..<480).first { frame.depth[$0 * 640 + x] < 900 && frame.semantic[$0 * 640 + x] != SemanticClass.building.rawValue } }
        let (left, right) = (try #require(firstGroundRow(40)), try #require(firstGroundRow(600)))
        #expect(left > right, "the ground starts at row \(left) on the left, \(right) on the right")
    }

    @Test func personHeightInPixelsFollowsFocalLengthAndDistance() throws {
        let url = try SynthFixtures.crowd()
        let recording = try Recording(at: url)
        let k = recording.camera.intrinsics(width: 640, height: 480)
        var checked = 0
        for files in recording.frames {
            for person in try SynthFixtures.truth(url, files.number).people
                where !person.walking && person.visibleFraction > 0.99 && person.box[1] > 0 && person.box[3] < 479 {
                let measured = Double(person.box[3] - person.box[1] + 1)
                let expected = k.fy * person.heightM / person.distance
                #expect(abs(measured - expected) <= 3 + 0.04 * expected, "person \(person.id) at \(person.distance) m: \(measured) px, expected \(expected)")
                checked += 1
            }
        }
        #expect(checked >= 5)
    }

    @Test func depthOfAPersonDecodesToTheirDistance() throws {
        let url = try SynthFixtures.crowd()
        let reader = try FrameReader(recording: try Recording(at: url))
        var checked = 0
        for files in reader.recording.frames.prefix(4) {
            let frame = try reader.read(files)
            let depth = try #require(frame.depth)
            let instance = try GroundTruthReader.readImage(try #require(files.instance))
            let ids = try #require(GroundTruthReader.personMask(instance, kind: .instance, table: .v0914).instanceIDs)
            for person in try SynthFixtures.truth(url, files.number).people where person.pixels > 200 && person.visibleFraction > 0.9 {
                var values = (0..<ids.count).filter { Int(ids[$0]) == person.id }.map { depth.metres[$0] }
                values.sort()
                let median = Double(values[values.count / 2])
                // The body is ±0.15 m thick around the feet's distance.
                #expect(abs(median - person.distance) < 0.25, "person \(person.id): depth \(median) m, truth \(person.distance) m")
                checked += 1
            }
        }
        #expect(checked >= 4)
    }

    @Test func cleanHeadCropsAreRecognisedAndLessSoFarAway() throws {
        // The same scene rendered at 640×480 and at 160×120: every head four times smaller, as if
        // four times farther away, with the same poses. Gallery: each identity's largest crop at
        // full size. Probes: every other crop at full size, and every crop at a quarter size.
        let near = try SynthFixtures.faces()
        let far = try SynthFixtures.make("faces-far") { o in
            o.frames = 24; o.people = 12; o.width = 160; o.height = 120; o.seed = 8; o.speed = 0.5; o.maxDistance = 14
        }
        func crops(_ url: URL) throws -> [(identity: Int, height: Int, descriptor: HeadDescriptor)] {
            var result: [(identity: Int, height: Int, descriptor: HeadDescriptor)] = []
            for files in try Recording(at: url).frames {
                let image = try ImageFile.readRGB(files.color)
                for person in try SynthFixtures.truth(url, files.number).people {
                    guard let box = person.headBox, person.faceAngle < 70, person.visibleFraction > 0.8,
                          let d = HeadDescriptor(image: image, box: box) else { continue }
                    result.append((person.identity, box[3] - box[1] + 1, d))
                }
            }
            return result
        }
        let nearCrops = try crops(near), farCrops = try crops(far)
        var gallery: [Int: (height: Int, descriptor: HeadDescriptor)] = [:]
        for crop in nearCrops where crop.height > (gallery[crop.identity]?.height ?? 0) { gallery[crop.identity] = (crop.height, crop.descriptor) }
        let identities = Array(gallery.keys.sorted())
        let galleryDescriptors = identities.map { gallery[$0]!.descriptor }
        func accuracy(_ probes: [(identity: Int, height: Int, descriptor: HeadDescriptor)]) -> (Double, Int) {
            let used = probes.filter { $0.descriptor != gallery[$0.identity]?.descriptor && gallery[$0.identity] != nil }
            let hits = used.filter { probe in probe.descriptor.nearest(in: galleryDescriptors).map { identities[$0] } == probe.identity }.count
            return (Double(hits) / Double(max(1, used.count)), used.count)
        }
        let (nearAccuracy, nearCount) = accuracy(nearCrops), (farAccuracy, farCount) = accuracy(farCrops)
        let chance = 1 / Double(identities.count)
        print("recognition: \(identities.count) identities, chance \(chance), near \(nearAccuracy) of \(nearCount), far \(farAccuracy) of \(farCount)")
        #expect(identities.count >= 6)
        #expect(nearCount >= 20 && nearAccuracy > chance + 0.4)
        #expect(farCount >= 20 && farAccuracy < nearAccuracy)
    }
}
