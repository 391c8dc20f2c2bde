import Foundation

/// What `veil inspect` reports about a recording; the JSON field names are the ones in DESIGN.md.
public struct RecordingSummary: Sendable, Codable, Equatable {
    /// Depth statistics in metres.
    public struct DepthStatistics: Sendable, Codable, Equatable {
        public var min: Double
        public var median: Double
        public var max: Double
    }

    /// Ground truth found beside the frames.
    public struct GroundTruthSummary: Sendable, Codable, Equatable {
        /// `semantic-raw`, `cityscapes-palette` or `instance`.
        public var kind: GroundTruthKind
        /// Person pixels (pedestrians and riders) over the frames read.
        public var pedestrianPixels: Int
        /// The CARLA tag table used for raw tags, or nil for the palette.
        public var tagTable: CarlaTagTable?
        /// Whether an instance stream exists too.
        public var hasInstance: Bool

        enum CodingKeys: String, CodingKey {
            case kind
            case pedestrianPixels = "pedestrian_pixels"
            case tagTable = "tag_table"
            case hasInstance = "instance"
        }
    }

    public var path: String
    public var layout: RecordingLayout
    public var frames: Int
    public var firstFrame: Int?
    public var lastFrame: Int?
    public var gaps: [[Int]]
    /// How colour and depth were paired: "number" (equal frame numbers) or "timestamp" (nearest
    /// capture times, TUM RGB-D style; frame numbers are then microseconds).
    public var pairing: String
    public var unpaired: [UnpairedFile]
    public var width: Int
    public var height: Int
    public var depthEncoding: DepthEncoding?
    public var depthScale: Float?
    /// Statistics over the measured pixels of the frames read; CARLA's far plane (sky) counts at 1000 m.
    public var depthM: DepthStatistics?
    /// Fraction of pixels with no depth reading (holes).
    public var depthNoReading: Double?
    /// Fraction of pixels beyond range (CARLA's sky, mm16 65535).
    public var depthBeyondRange: Double?
    public var intrinsics: Intrinsics
    /// Whether `intrinsics` are CARLA's default 90° field of view because nothing (camera.json,
    /// `--fov`, `--fx --fy`) gave the recording's own: every size and height in metres rests on them.
    public var intrinsicsAssumed: Bool
    public var groundTruth: GroundTruthSummary?
    /// The ground the depth search measures heights from, fitted to each frame read (nil without depth).
    public var ground: GroundSummary?
    /// How many frames were decoded for the statistics (evenly spread).
    public var sampledFrames: Int

    /// Where the ground lies against the camera, over the frames read.
    public struct GroundSummary: Sendable, Codable, Equatable {
        /// Frames read with depth, and how many of them showed a ground (the depth search finds no
        /// ground in a camera tilted more than 35° from level, or with too little of it in view, and
        /// then searches without heights above it).
        public var framesRead: Int
        public var framesFound: Int
        /// How the camera sits on it: medians over the frames that showed one (nil when none did).
        public var mount: Mount?

        /// The camera's height above the ground, metres; how far it looks down and how far it is
        /// turned clockwise (seen from behind), degrees.
        public struct Mount: Sendable, Codable, Equatable {
            public var cameraHeightM: Double
            public var pitchDeg: Double
            public var rollDeg: Double

            enum CodingKeys: String, CodingKey {
                case cameraHeightM = "camera_height_m", pitchDeg = "pitch_deg", rollDeg = "roll_deg"
            }
        }

        enum CodingKeys: String, CodingKey {
            case framesRead = "frames_read", framesFound = "frames_found", mount
        }

        // A missing mount as JSON null, like the rest of the summary.
        public func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(framesRead, forKey: .framesRead)
            try c.encode(framesFound, forKey: .framesFound)
            try c.encode(mount, forKey: .mount)
        }

        /// The summary of the planes fitted to `framesRead` frames (the ones found).
        init(framesRead: Int, planes: [GroundPlane]) {
            self.framesRead = framesRead
            framesFound = planes.count
            guard !planes.isEmpty else { return }
            func median(_ value: (GroundPlane) -> Float) -> Double { Double(planes.map(value).sorted()[planes.count / 2]) }
            // The up normal of a camera looking down θ and turned φ clockwise is
            // (−cos θ sin φ, −cos θ cos φ, −sin θ) in its own coordinates.
            mount = Mount(cameraHeightM: median(\.offset),
                          pitchDeg: median { asin(max(-1, min(1, -$0.normal.z))) * 180 / .pi },
                          rollDeg: median { atan2(-$0.normal.x, -$0.normal.y) * 180 / .pi })
        }
    }

    enum CodingKeys: String, CodingKey {
        case path, layout, frames, gaps, pairing, unpaired, width, height, intrinsics
        case firstFrame = "first_frame"
        case lastFrame = "last_frame"
        case depthEncoding = "depth_encoding"
        case depthScale = "depth_scale"
        case depthM = "depth_m"
        case depthNoReading = "depth_no_reading"
        case depthBeyondRange = "depth_beyond_range"
        case groundTruth = "ground_truth"
        case ground
        case sampledFrames = "sampled_frames"
        case intrinsicsAssumed = "intrinsics_assumed"
    }

    // Encode nil optionals as JSON null so scripts always find the fields DESIGN.md names.
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(path, forKey: .path)
        try c.encode(layout, forKey: .layout)
        try c.encode(frames, forKey: .frames)
        try c.encode(firstFrame, forKey: .firstFrame)
        try c.encode(lastFrame, forKey: .lastFrame)
        try c.encode(gaps, forKey: .gaps)
        try c.encode(pairing, forKey: .pairing)
        try c.encode(unpaired, forKey: .unpaired)
        try c.encode(width, forKey: .width)
        try c.encode(height, forKey: .height)
        try c.encode(depthEncoding, forKey: .depthEncoding)
        try c.encode(depthScale, forKey: .depthScale)
        try c.encode(depthM, forKey: .depthM)
        try c.encode(depthNoReading, forKey: .depthNoReading)
        try c.encode(depthBeyondRange, forKey: .depthBeyondRange)
        try c.encode(intrinsics, forKey: .intrinsics)
        try c.encode(intrinsicsAssumed, forKey: .intrinsicsAssumed)
        try c.encode(groundTruth, forKey: .groundTruth)
        try c.encode(ground, forKey: .ground)
        try c.encode(sampledFrames, forKey: .sampledFrames)
    }

    /// Inspects a recording, decoding at most `sampleLimit` evenly spread frames (0 = all).
    public init(recording: Recording, sampleLimit: Int = 50) throws {
        let reader = try FrameReader(recording: recording)
        let frames = recording.frames
        // Frames missing their depth are listed in `unpaired`; the statistics read the complete ones
        // (all of them when none is, so that reading fails with the reason).
        let complete = frames.filter { !recording.hasDepth || $0.depth != nil }
        let sample = RecordingSummary.evenlySpread(complete.isEmpty ? frames : complete, limit: sampleLimit)
        path = recording.root.path
        layout = recording.layout
        self.frames = frames.count
        firstFrame = frames.first?.number
        lastFrame = frames.last?.number
        gaps = recording.gaps.map { [$0.lowerBound, $0.upperBound] }
        pairing = recording.pairedByTimestamp ? "timestamp" : "number"
        unpaired = recording.unpaired
        depthEncoding = reader.depthCodec?.encoding
        depthScale = reader.depthCodec?.encoding == .mm16 ? reader.depthCodec?.scale : nil
        sampledFrames = sample.count

        var width = 0, height = 0
        var values: [Float] = []
        var holes = 0, beyond = 0, total = 0
        var semanticRasters: [(Raster<UInt8>, GroundTruthKind)] = []
        var planes: [GroundPlane] = [], framesWithDepth = 0
        for files in sample {
            let frame = try reader.read(files)
            if width == 0 { (width, height) = (frame.rgb.width, frame.rgb.height) }
            guard frame.rgb.width == width, frame.rgb.height == height else {
                throw VeilError.unexpectedContent(
                    path: files.color.path,
                    reason: "frame is \(frame.rgb.width)×\(frame.rgb.height) but earlier frames are \(width)×\(height)")
            }
            if let depth = frame.depth {
                framesWithDepth += 1
                if let plane = GroundPlane.fit(depth: depth, intrinsics: recording.camera.intrinsics(width: width, height: height)) {
                    planes.append(plane)
                }
                let isCarla = reader.depthCodec?.encoding != .mm16
                // A strided subsample keeps the median exact enough and the sort cheap.
                let stride = Swift.max(1, depth.metres.count * sample.count / 4_000_000)
                var i = 0
                while i < depth.metres.count {
                    let m = depth.metres[i]
                    total += 1
                    if m == DepthMap.noReading { holes += 1 }
                    else if !m.isFinite {
                        beyond += 1
                        if isCarla { values.append(DepthEncoding.carlaFarPlane) }
                    } else { values.append(m) }
                    i += stride
                }
            }
            if let url = files.semantic ?? files.instance {
                let raster = try GroundTruthReader.readImage(url)
                let kind: GroundTruthKind = files.semantic != nil ? GroundTruthReader.sniffSemantic(raster) : .instance
                semanticRasters.append((raster, kind))
            }
        }
        self.width = width
        self.height = height
        intrinsics = recording.camera.intrinsics(width: width, height: height)
        intrinsicsAssumed = !recording.camera.hasIntrinsics
        if !values.isEmpty {
            values.sort()
            depthM = DepthStatistics(min: Double(values[0]), median: Double(values[values.count / 2]),
                                     max: Double(values[values.count - 1]))
        }
        if total > 0 {
            depthNoReading = Double(holes) / Double(total)
            depthBeyondRange = Double(beyond) / Double(total)
        }
        if framesWithDepth > 0 { ground = GroundSummary(framesRead: framesWithDepth, planes: planes) }
        if let kind = semanticRasters.first?.1 {
            let table = try RecordingSummary.tagTable(recording: recording, rasters: semanticRasters.map(\.0), kind: kind)
            let pixels = semanticRasters.reduce(0) { sum, entry in
                sum + GroundTruthReader.personMask(entry.0, kind: entry.1, table: table).pixelCount
            }
            groundTruth = GroundTruthSummary(kind: kind, pedestrianPixels: pixels,
                                             tagTable: kind == .cityscapesPalette ? nil : table,
                                             hasInstance: recording.hasInstance)
        }
    }

    /// The tag table: the configured CARLA version, else what the tags show.
    static func tagTable(recording: Recording, rasters: [Raster<UInt8>], kind: GroundTruthKind) throws -> CarlaTagTable {
        if let version = recording.camera.carlaVersion {
            guard let table = CarlaTagTable(version: version) else {
                throw VeilError.invalidConfiguration(path: nil, reason: "'\(version)' is not a CARLA version like 0.9.13")
            }
            return table
        }
        guard kind != .cityscapesPalette else { return .v0913 }
        return GroundTruthReader.inferTable(maximumTag: rasters.map(GroundTruthReader.maximumTag).max() ?? 0)
    }

    /// At most `limit` items spread evenly from first to last (all when `limit` is 0 or more than there are).
    static func evenlySpread<T>(_ items: [T], limit: Int) -> [T] {
        guard limit > 0, items.count > limit else { return items }
        if limit == 1 { return [items[0]] }
        return (0..<limit).map { items[$0 * (items.count - 1) / (limit - 1)] }
    }

    /// A human-readable report.
    public var text: String {
        var lines: [String] = []
        lines.append("recording     \(path)")
        lines.append("layout        \(layout.rawValue)")
        if let firstFrame, let lastFrame {
            lines.append("frames        \(frames) (numbers \(firstFrame)–\(lastFrame))")
        } else {
            lines.append("frames        0")
        }
        let gapText = gaps.isEmpty ? "none" : gaps.prefix(8).map { $0[0] == $0[1] ? "\($0[0])" : "\($0[0])–\($0[1])" }.joined(separator: ", ")
            + (gaps.count > 8 ? " and \(gaps.count - 8) more" : "")
        lines.append("gaps          \(gapText)")
        if pairing == "timestamp" {
            lines.append("pairing       colour and depth by the nearest timestamps (within \(Recording.timestampToleranceText)); frame numbers in µs")
        }
        lines.append("resolution    \(width)×\(height)")
        if let depthEncoding {
            var text = "depth         \(depthEncoding.rawValue)"
            if let depthScale { text += " (\(depthScale) m a unit)" }
            lines.append(text)
            if let depthM {
                lines.append(String(format: "depth range   %.2f – %.2f m, median %.2f m", depthM.min, depthM.max, depthM.median))
            }
            if let depthNoReading, let depthBeyondRange {
                lines.append(String(format: "depth gaps    %.1f%% no reading, %.1f%% beyond range", depthNoReading * 100, depthBeyondRange * 100))
            }
            if let ground {
                let read = "\(ground.framesRead) frame\(ground.framesRead == 1 ? "" : "s") read"
                if let mount = ground.mount {
                    // Rounded to the tenth shown first, so a hair under zero prints as 0.0, not -0.0.
                    func tenths(_ value: Double) -> Double { (value * 10).rounded() / 10 + 0 }
                    lines.append(String(format: "ground        camera %.2f m up, looking %.1f° down, turned %.1f° clockwise (found in %d of %@)",
                                        mount.cameraHeightM, tenths(mount.pitchDeg), tenths(mount.rollDeg), ground.framesFound, read))
                } else {
                    lines.append("ground        not found in the \(read): heads are searched without heights above it "
                                 + "(the camera tilted more than 35°, or too little ground in view)")
                }
            }
        } else {
            lines.append("depth         none (colour only)")
        }
        lines.append(String(format: "intrinsics    fx %.2f  fy %.2f  cx %.2f  cy %.2f", intrinsics.fx, intrinsics.fy, intrinsics.cx, intrinsics.cy)
                     + (intrinsicsAssumed ? " (assumed: CARLA's default 90°; --fov, --fx --fy or camera.json give the recording's own)" : ""))
        if let groundTruth {
            var text = "ground truth  \(groundTruth.kind.rawValue)"
            if let table = groundTruth.tagTable { text += ", CARLA \(table.rawValue) tags" }
            if groundTruth.hasInstance { text += ", instance ids" }
            lines.append(text)
            lines.append("pedestrians   \(groundTruth.pedestrianPixels) pixels in \(sampledFrames) frame\(sampledFrames == 1 ? "" : "s") read")
        } else {
            lines.append("ground truth  none")
        }
        if !unpaired.isEmpty {
            lines.append("unpaired      \(unpaired.count) file\(unpaired.count == 1 ? "" : "s")")
            for file in unpaired.prefix(20) { lines.append("  \(file.path): \(file.reason)") }
            if unpaired.count > 20 { lines.append("  … and \(unpaired.count - 20) more") }
        }
        return lines.joined(separator: "\n")
    }
}
