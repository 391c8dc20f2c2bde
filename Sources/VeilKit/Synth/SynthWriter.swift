import Foundation

/// Writes a `SynthScene` to disk exactly as CARLA's `save_to_disk` lays out a recording, plus ground truth.
///
/// ```
/// OUT/camera.json                fov, width, height, carla_version
/// OUT/rgb/NNNNNN.png             8-bit RGBA colour
/// OUT/depth/NNNNNN.png           carla-raw depth (planar Z, sky at the 1000 m far plane), RGBA
/// OUT/semantic/NNNNNN.png        raw tag in R, RGBA
/// OUT/instance/NNNNNN.png        tag in R, instance id in G + 256·B, RGBA
/// OUT/gt/NNNNNN.json             per person: box, head box, head pixels, identity, distance, visibility
/// OUT/gt/NNNNNN-heads.png        16-bit grey: the person id whose head covers each pixel
/// ```
///
/// With a depth delay, colour and depth are named by their capture times instead (`rgb/T.png`,
/// `depth/T'.png`, seconds with six decimals from 1000 s, as TUM RGB-D names them), the frame number
/// is the colour's time in microseconds, and there is no `semantic/` or `instance/`.
public struct SynthWriter: Sendable {
    public let scene: SynthScene
    public let output: URL
    /// PNG settings: fast by default; fixtures use libpng's smallest.
    public let pngSettings: PNGCodec.EncodeSettings

    public init(scene: SynthScene, output: URL, pngSettings: PNGCodec.EncodeSettings = .fast) {
        self.scene = scene
        self.output = output
        self.pngSettings = pngSettings
    }

    /// Ground truth of one frame as written to `gt/NNNNNN.json`.
    public struct FrameTruth: Codable, Sendable, Equatable {
        public var frame: Int
        public var people: [PersonTruth]
    }

    /// The folder's camera.json.
    public struct CameraFile: Codable, Sendable {
        public var fov: Double
        public var width: Int
        public var height: Int
        public var carlaVersion: String
        public var synthetic: Bool
        public var seed: UInt64
        public var lighting: String
        /// The camera's mount, written only where it is not the default (1.6 m up, level), so the
        /// files of a default recording stay as they were.
        public var cameraHeight: Float?
        public var cameraPitch: Float?
        public var cameraRoll: Float?

        enum CodingKeys: String, CodingKey {
            case fov, width, height, synthetic, seed, lighting
            case carlaVersion = "carla_version"
            case cameraHeight = "camera_height", cameraPitch = "camera_pitch", cameraRoll = "camera_roll"
        }
    }

    /// Renders and writes every frame, on every core; calls `progress` after each frame.
    public func write(progress: (@Sendable (Int) -> Void)? = nil) throws {
        let fm = FileManager.default
        let delayed = scene.options.depthDelay > 0
        for folder in ["rgb", "depth", "gt"] + (delayed ? [] : ["semantic", "instance"]) {
            do {
                try fm.createDirectory(at: output.appendingPathComponent(folder), withIntermediateDirectories: true)
            } catch {
                throw VeilError.unwritable(path: output.appendingPathComponent(folder).path, reason: error.localizedDescription)
            }
        }
        let o = scene.options
        let defaults = SynthOptions()
        let camera = CameraFile(fov: o.fov, width: o.width, height: o.height,
                                carlaVersion: o.carlaTable == .v0913 ? "0.9.13" : "0.9.15",
                                synthetic: true, seed: o.seed, lighting: o.lighting.rawValue,
                                cameraHeight: o.cameraHeight == defaults.cameraHeight ? nil : o.cameraHeight,
                                cameraPitch: o.cameraPitch == defaults.cameraPitch ? nil : o.cameraPitch,
                                cameraRoll: o.cameraRoll == defaults.cameraRoll ? nil : o.cameraRoll)
        try FileIO.writeAtomically(try Self.json(camera), to: output.appendingPathComponent("camera.json"))

        let renderer = SynthRenderer(scene: scene)
        let numbers = scene.frameNumbers
        let failure = LockedError()
        DispatchQueue.concurrentPerform(iterations: numbers.count) { index in
            guard !failure.isSet else { return }
            do {
                if delayed {
                    // Colour and ground truth at the frame's time, depth `depthDelay` later.
                    var frame = renderer.render(frame: numbers[index])
                    let depth = renderer.render(frame: numbers[index], timeOffset: scene.options.depthDelay).depth
                    let start = Self.captureMicroseconds(frame: numbers[index], first: numbers[0])
                    frame.number = start
                    frame.depth = depth
                    try writeFrame(frame, colorName: Self.timestampName(start),
                                   depthName: Self.timestampName(start + Int((scene.options.depthDelay * 1e6).rounded())))
                } else {
                    try writeFrame(renderer.render(frame: numbers[index]))
                }
                progress?(index)
            } catch {
                failure.set(error)
            }
        }
        if let error = failure.error { throw error }
    }

    /// The capture time of frame `number` of a delayed recording whose first frame is `first`, in
    /// microseconds from 1000 s (whole, so that names and frame numbers agree however long it runs).
    static func captureMicroseconds(frame number: Int, first: Int) -> Int {
        1_000_000_000 + (number - first) * Int((Double(SynthScene.frameInterval) * 1e6).rounded())
    }

    /// A file name stem for a capture time in microseconds: seconds with six decimals.
    static func timestampName(_ microseconds: Int) -> String {
        "\(microseconds / 1_000_000)." + String(format: "%06d", microseconds % 1_000_000)
    }

    /// Encodes and writes one rendered frame: colour and depth under the given names (default: the
    /// frame number), segmentation only when both are the frame number, ground truth always under it.
    func writeFrame(_ frame: RenderedFrame, colorName: String? = nil, depthName: String? = nil) throws {
        let name = String(format: "%06d", frame.number)
        let segmented = colorName == nil && depthName == nil
        let table = scene.options.carlaTable
        let count = frame.width * frame.height
        var rgba = [UInt8](repeating: 255, count: count * 4)
        var semantic = [UInt8](repeating: 255, count: count * 4)
        var instance = [UInt8](repeating: 255, count: count * 4)
        var tags = [UInt8](repeating: 0, count: 256)
        for c in SemanticClass.allCases { tags[Int(c.rawValue)] = c.tag(table) }
        for i in 0..<count {
            rgba[i * 4] = frame.rgb[i * 3]; rgba[i * 4 + 1] = frame.rgb[i * 3 + 1]; rgba[i * 4 + 2] = frame.rgb[i * 3 + 2]
            let tag = tags[Int(frame.semantic[i])]
            semantic[i * 4] = tag; semantic[i * 4 + 1] = 0; semantic[i * 4 + 2] = 0
            instance[i * 4] = tag
            instance[i * 4 + 1] = UInt8(frame.instance[i] & 0xFF)
            instance[i * 4 + 2] = UInt8(frame.instance[i] >> 8)
        }
        let depth = DepthMap(width: frame.width, height: frame.height, metres: frame.depth)
        guard case .eight(let depthRGB) = DepthCodec(encoding: .carlaRaw).encode(depth) else {
            preconditionFailure("carla-raw encodes to 8-bit RGB")
        }
        var depthRGBA = [UInt8](repeating: 255, count: count * 4)
        for i in 0..<count { for c in 0..<3 { depthRGBA[i * 4 + c] = depthRGB.samples[i * 3 + c] } }
        func png(_ samples: [UInt8]) throws -> [UInt8] {
            try PNGCodec.encode(Raster(width: frame.width, height: frame.height, channels: 4, samples: samples), settings: pngSettings)
        }
        try FileIO.writeAtomically(try png(rgba), to: output.appendingPathComponent("rgb/\(colorName ?? name).png"))
        try FileIO.writeAtomically(try png(depthRGBA), to: output.appendingPathComponent("depth/\(depthName ?? name).png"))
        if segmented {
            try FileIO.writeAtomically(try png(semantic), to: output.appendingPathComponent("semantic/\(name).png"))
            try FileIO.writeAtomically(try png(instance), to: output.appendingPathComponent("instance/\(name).png"))
        }
        let heads = Raster<UInt16>(width: frame.width, height: frame.height, channels: 1, samples: frame.heads)
        try FileIO.writeAtomically(try PNGCodec.encode(heads, settings: pngSettings), to: output.appendingPathComponent("gt/\(name)-heads.png"))
        try FileIO.writeAtomically(try Self.json(FrameTruth(frame: frame.number, people: frame.people)),
                                   to: output.appendingPathComponent("gt/\(name).json"))
    }

    /// JSON as Veil's recordings hold it (camera.json, gt/): sorted keys, pretty, a final newline.
    public static func json<T: Encodable>(_ value: T) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return Array(try encoder.encode(value)) + [0x0A]
    }
}

/// The first error from concurrent work.
final class LockedError: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: Error?

    var error: Error? { lock.withLock { stored } }
    var isSet: Bool { lock.withLock { stored != nil } }

    func set(_ error: Error) { lock.withLock { if stored == nil { stored = error } } }
}
