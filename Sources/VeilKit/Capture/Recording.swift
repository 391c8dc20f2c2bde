import Foundation

/// The files of one frame, paired by frame number.
///
/// The paths are kept as strings and the URLs made when asked for: a `URL` kept per file took
/// about 400 bytes, which made peak memory grow with the recording's length (10 frames of a
/// 10,000-frame recording with colour and depth: 59.0 MB with URLs, 53.3 MB with strings, 51 MB
/// for 10 frames of a 100-frame one).
public struct FrameFiles: Sendable, Equatable {
    /// The frame number from the file names.
    public let number: Int
    private let colorPath: String
    private let depthPath: String?
    private let semanticPath: String?
    private let instancePath: String?

    public init(number: Int, color: URL, depth: URL? = nil, semantic: URL? = nil, instance: URL? = nil) {
        self.number = number
        colorPath = color.path
        depthPath = depth?.path
        semanticPath = semantic?.path
        instancePath = instance?.path
    }

    /// The colour image.
    public var color: URL { URL(fileURLWithPath: colorPath, isDirectory: false) }
    /// The depth image, if the recording has one for this frame.
    public var depth: URL? { depthPath.map { URL(fileURLWithPath: $0, isDirectory: false) } }
    /// The semantic segmentation image (ground truth only).
    public var semantic: URL? { semanticPath.map { URL(fileURLWithPath: $0, isDirectory: false) } }
    /// The instance segmentation image (ground truth only).
    public var instance: URL? { instancePath.map { URL(fileURLWithPath: $0, isDirectory: false) } }

    /// Seconds between the colour and the depth capture, when both files are named by their capture
    /// times (TUM RGB-D pairs them up to 20 ms apart); nil otherwise.
    public var captureGap: Double? {
        guard let depthPath, let color = timestamp(ofFileNamed: (colorPath as NSString).lastPathComponent),
              let depth = timestamp(ofFileNamed: (depthPath as NSString).lastPathComponent) else { return nil }
        return abs(color - depth)
    }
}

/// A file that could not be paired into a frame.
public struct UnpairedFile: Sendable, Equatable, Codable {
    /// The path relative to the recording.
    public let path: String
    /// Why it stands alone.
    public let reason: String
}

/// A recording folder: its layout and its frames, paired by the frame number in the file names.
public struct Recording: Sendable {
    /// The folder.
    public let root: URL
    /// The layout recognised.
    public let layout: RecordingLayout
    /// Frames in frame-number order (every frame has a colour image).
    public let frames: [FrameFiles]
    /// Files without a partner: depth or ground truth with no colour, colour with no depth, duplicates.
    public let unpaired: [UnpairedFile]
    /// Whether the recording holds depth at all.
    public let hasDepth: Bool
    /// The ground-truth streams present.
    public let hasSemantic: Bool
    public let hasInstance: Bool
    /// `camera.json`, merged with overrides.
    public let camera: CameraConfig
    /// Whether colour and depth were paired by the timestamps in their names (frame numbers are then
    /// the colour frame's timestamp in microseconds) rather than by equal frame numbers.
    public let pairedByTimestamp: Bool
    /// Whether the folder is a TUM RGB-D sequence (its `depth.txt` says so): depth then defaults to
    /// TUM's 5000 units a metre and the intrinsics to TUM's defaults (fx = fy = 525, 640×480).
    public let isTUM: Bool

    /// Scans `root`, recognising its layout and pairing its files.
    ///
    /// - Parameter overrides: command-line settings that win over `camera.json`.
    /// - Throws: `VeilError.notARecording` when no layout fits, `VeilError.invalidConfiguration` for a bad `camera.json`.
    public init(at root: URL, overrides: CameraConfig = CameraConfig()) throws {
        let root = root.standardizedFileURL
        self.root = root
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: root.path, isDirectory: &isDirectory) else {
            throw VeilError.notARecording(path: root.path, reason: "no such folder")
        }
        guard isDirectory.boolValue else { throw VeilError.notARecording(path: root.path, reason: "not a folder") }
        let entries: [String]
        do {
            entries = try FileManager.default.contentsOfDirectory(atPath: root.path)
        } catch {
            throw VeilError.notARecording(path: root.path, reason: "cannot list it (\(error.localizedDescription))")
        }
        var fileConfig = try CameraConfig.load(from: root.appendingPathComponent("camera.json"))
        isTUM = Recording.isTUMSequence(root)
        if isTUM {
            // What TUM documents for its sequences, unless camera.json or the flags say otherwise.
            let tum = CameraConfig.tumDefaults
            if fileConfig.depthScale == nil { fileConfig.depthScale = tum.depthScale }
            if !fileConfig.hasIntrinsics {
                (fileConfig.fx, fileConfig.fy, fileConfig.cx, fileConfig.cy) = (tum.fx, tum.fy, tum.cx, tum.cy)
                (fileConfig.width, fileConfig.height) = (tum.width, tum.height)
            }
        }
        camera = fileConfig.overridden(by: overrides)
        try camera.validate(path: nil)

        let folders = Set(entries.filter { Recording.isDirectory(root.appendingPathComponent($0)) })
        func firstFolder(_ names: [String]) -> String? { names.first { folders.contains($0) } }

        var streams = Streams()
        var ambiguous: [UnpairedFile] = []
        if let colorFolder = firstFolder(RecordingLayout.colorFolders) {
            let colorFiles = try Recording.images(in: root, folder: colorFolder, extensions: ["png", "jpg", "jpeg"])
            let allNumeric = colorFiles.allSatisfy { ($0 as NSString).deletingPathExtension.allSatisfy(\.isNumber) }
            layout = (colorFolder == "rgb" && allNumeric) ? .carla : .generic
            streams.color = colorFiles.map { "\(colorFolder)/\($0)" }
            if let depthFolder = firstFolder(RecordingLayout.depthFolders) {
                streams.depth = try Recording.images(in: root, folder: depthFolder, extensions: ["png"]).map { "\(depthFolder)/\($0)" }
            }
            if let folder = firstFolder(RecordingLayout.semanticFolders) {
                streams.semantic = try Recording.images(in: root, folder: folder, extensions: ["png"]).map { "\(folder)/\($0)" }
            }
            if let folder = firstFolder(RecordingLayout.instanceFolders) {
                streams.instance = try Recording.images(in: root, folder: folder, extensions: ["png"]).map { "\(folder)/\($0)" }
            }
        } else {
            let files = entries.filter { !folders.contains($0) && !$0.hasPrefix(".") }.sorted()
            func named(_ words: Set<String>, _ extensions: Set<String>) -> [String] {
                files.filter { name in
                    extensions.contains((name.lowercased() as NSString).pathExtension)
                        && !RecordingLayout.words(ofFileNamed: name).isDisjoint(with: words)
                }
            }
            streams.color = named(RecordingLayout.flatColorWords, ["png", "jpg", "jpeg"])
            guard !streams.color.isEmpty else {
                throw VeilError.notARecording(
                    path: root.path,
                    reason: "found neither an rgb/ or color/ folder nor files named like rgb-N.png or frame-N.color.jpg"
                        + " (folders: \(folders.sorted().joined(separator: ", ")))")
            }
            layout = .flat
            streams.depth = named(RecordingLayout.flatDepthWords, ["png"])
            streams.semantic = named(RecordingLayout.flatSemanticWords, ["png"])
            streams.instance = named(RecordingLayout.flatInstanceWords, ["png"])
            // A file naming two streams (rgb-depth-3.png) belongs to neither: it is reported unpaired.
            let claimed = Streams.all.flatMap { streams[keyPath: $0] }
            let twice = Set(Dictionary(grouping: claimed, by: { $0 }).filter { $0.value.count > 1 }.keys)
            if !twice.isEmpty {
                for stream in Streams.all { streams[keyPath: stream].removeAll { twice.contains($0) } }
                ambiguous = twice.sorted().map { UnpairedFile(path: $0, reason: "its name names more than one stream") }
            }
        }
        guard !streams.color.isEmpty else {
            throw VeilError.notARecording(path: root.path, reason: "the colour folder holds no PNG or JPEG frames")
        }
        hasDepth = !streams.depth.isEmpty
        hasSemantic = !streams.semantic.isEmpty
        hasInstance = !streams.instance.isEmpty
        let (paired, strays, byTimestamp) = Recording.pair(streams, root: root)
        frames = paired
        unpaired = ambiguous + strays
        pairedByTimestamp = byTimestamp
    }

    /// The relative paths of each stream's files.
    struct Streams {
        var color: [String] = []
        var depth: [String] = []
        var semantic: [String] = []
        var instance: [String] = []
        /// Every stream, for what is done to each alike.
        static var all: [WritableKeyPath<Streams, [String]>] { [\.color, \.depth, \.semantic, \.instance] }
    }

    /// Pairs streams by frame number — or, when colour and depth are named by timestamps that
    /// differ between the two (`1305031102.175304.png`, as TUM RGB-D records them), colour and depth
    /// by the nearest timestamps — and reports everything that does not pair, never dropping it silently.
    static func pair(_ streams: Streams, root: URL) -> ([FrameFiles], [UnpairedFile], Bool) {
        if let byTime = pairByTimestamp(streams, root: root) { return (byTime.0, byTime.1, true) }
        let (frames, unpaired) = pairByNumber(streams, root: root)
        return (frames, unpaired, false)
    }

    /// Colour and depth as far apart in time as TUM's `associate.py` allows (its default, 20 ms).
    static let maxTimestampDifference = 0.02
    /// `maxTimestampDifference` as the messages say it ("20 ms").
    public static var timestampToleranceText: String { "\(Int((maxTimestampDifference * 1000).rounded())) ms" }

    /// Pairs colour and depth by the nearest timestamps, or nil when the names are not all
    /// timestamps or equal frame numbers already pair most frames.
    static func pairByTimestamp(_ streams: Streams, root: URL) -> ([FrameFiles], [UnpairedFile])? {
        guard !streams.depth.isEmpty, streams.semantic.isEmpty, streams.instance.isEmpty else { return nil }
        func stamps(_ paths: [String]) -> [(time: Double, path: String)]? {
            var result: [(Double, String)] = []
            for path in paths {
                guard let t = timestamp(ofFileNamed: (path as NSString).lastPathComponent) else { return nil }
                result.append((t, path))
            }
            return result.sorted { $0.0 < $1.0 }
        }
        guard let color = stamps(streams.color), let depth = stamps(streams.depth) else { return nil }
        let depthNumbers = Set(streams.depth.compactMap { frameNumber(ofFileNamed: ($0 as NSString).lastPathComponent) })
        let exact = streams.color.filter { frameNumber(ofFileNamed: ($0 as NSString).lastPathComponent).map(depthNumbers.contains) ?? false }
        guard exact.count * 2 < color.count else { return nil }
        // Greedy, as associate.py: every candidate pair within the limit, closest first, each file once.
        var candidates: [(difference: Double, color: Int, depth: Int)] = []
        var lower = 0
        for (c, entry) in color.enumerated() {
            while lower < depth.count, depth[lower].time < entry.time - maxTimestampDifference { lower += 1 }
            var d = lower
            while d < depth.count, depth[d].time <= entry.time + maxTimestampDifference {
                candidates.append((abs(depth[d].time - entry.time), c, d))
                d += 1
            }
        }
        candidates.sort { ($0.difference, $0.color, $0.depth) < ($1.difference, $1.color, $1.depth) }
        var depthOf = [Int?](repeating: nil, count: color.count), used = [Bool](repeating: false, count: depth.count)
        for candidate in candidates where depthOf[candidate.color] == nil && !used[candidate.depth] {
            depthOf[candidate.color] = candidate.depth
            used[candidate.depth] = true
        }
        var frames: [FrameFiles] = [], unpaired: [UnpairedFile] = []
        for (c, entry) in color.enumerated() {
            let number = Int((entry.time * 1e6).rounded())
            if let previous = frames.last, previous.number == number {
                unpaired.append(UnpairedFile(path: entry.path, reason: "colour frame at the same time as \(previous.color.lastPathComponent)"))
                if let d = depthOf[c] { used[d] = false }
                continue
            }
            let depthURL = depthOf[c].map { root.appendingPathComponent(depth[$0].path) }
            if depthURL == nil {
                unpaired.append(UnpairedFile(path: entry.path, reason: "no depth file within \(Recording.timestampToleranceText) of its timestamp"))
            }
            frames.append(FrameFiles(number: number, color: root.appendingPathComponent(entry.path), depth: depthURL))
        }
        for (d, entry) in depth.enumerated() where !used[d] {
            unpaired.append(UnpairedFile(path: entry.path, reason: "depth file that no colour frame's timestamp pairs with"))
        }
        return (frames, unpaired)
    }

    /// Whether `root` is a TUM RGB-D sequence: its `depth.txt` begins with TUM's header.
    static func isTUMSequence(_ root: URL) -> Bool {
        guard let handle = FileHandle(forReadingAtPath: root.appendingPathComponent("depth.txt").path) else { return false }
        defer { try? handle.close() }
        let head = String(decoding: handle.readData(ofLength: 64), as: UTF8.self)
        return head.hasPrefix("# depth maps")
    }

    /// Pairs streams by equal frame numbers.
    static func pairByNumber(_ streams: Streams, root: URL) -> ([FrameFiles], [UnpairedFile]) {
        var unpaired: [UnpairedFile] = []
        func index(_ paths: [String], stream: String) -> [Int: String] {
            var byNumber: [Int: String] = [:]
            for path in paths {
                let name = (path as NSString).lastPathComponent
                guard let number = frameNumber(ofFileNamed: name) else {
                    unpaired.append(UnpairedFile(path: path, reason: "no frame number in the name"))
                    continue
                }
                if let existing = byNumber[number] {
                    unpaired.append(UnpairedFile(path: path, reason: "\(stream) frame \(number) already given by \(existing)"))
                    continue
                }
                byNumber[number] = path
            }
            return byNumber
        }
        let color = index(streams.color, stream: "colour")
        let depth = index(streams.depth, stream: "depth")
        let semantic = index(streams.semantic, stream: "semantic")
        let instance = index(streams.instance, stream: "instance")
        let hasDepth = !streams.depth.isEmpty
        var frames: [FrameFiles] = []
        for number in color.keys.sorted() {
            let url = { (path: String?) in path.map { root.appendingPathComponent($0) } }
            let frame = FrameFiles(number: number, color: root.appendingPathComponent(color[number]!),
                                   depth: url(depth[number]), semantic: url(semantic[number]), instance: url(instance[number]))
            if hasDepth, frame.depth == nil {
                unpaired.append(UnpairedFile(path: color[number]!, reason: "no depth file for frame \(number)"))
            }
            frames.append(frame)
        }
        for (stream, byNumber) in [("depth", depth), ("semantic", semantic), ("instance", instance)] {
            for (number, path) in byNumber.sorted(by: { $0.key < $1.key }) where color[number] == nil {
                unpaired.append(UnpairedFile(path: path, reason: "\(stream) file without a colour frame \(number)"))
            }
        }
        return (frames, unpaired)
    }

    /// The image files directly inside `root/folder`, sorted by name.
    static func images(in root: URL, folder: String, extensions: Set<String>) throws -> [String] {
        let path = root.appendingPathComponent(folder).path
        do {
            return try FileManager.default.contentsOfDirectory(atPath: path)
                .filter { !$0.hasPrefix(".") && extensions.contains(($0 as NSString).pathExtension.lowercased()) }
                .sorted()
        } catch {
            throw VeilError.notARecording(path: path, reason: "cannot list it (\(error.localizedDescription))")
        }
    }

    public static func isDirectory(_ url: URL) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) && isDirectory.boolValue
    }

    /// Frame numbers missing between the first and the last frame, as closed ranges.
    public var gaps: [ClosedRange<Int>] {
        guard !pairedByTimestamp else { return [] }  // timestamps have no gaps to count
        var result: [ClosedRange<Int>] = []
        for (a, b) in zip(frames, frames.dropFirst()) where b.number > a.number + 1 {
            result.append((a.number + 1)...(b.number - 1))
        }
        return result
    }

    /// The path of `url` relative to the recording.
    public func relativePath(_ url: URL) -> String {
        let base = root.path.hasSuffix("/") ? root.path : root.path + "/"
        return url.path.hasPrefix(base) ? String(url.path.dropFirst(base.count)) : url.lastPathComponent
    }
}
