import Foundation
import Synchronization

/// The main job: decode → detect → segment → head → anonymize → encode → write, for every frame.
///
/// Frames go through in chunks of `chunk`, one worker per core (`DispatchQueue.concurrentPerform`),
/// at most `maxChunksInFlight` chunks at once so memory stays bounded whatever the recording's length.
/// Finished chunks are committed strictly in frame order by a serial writer. Detection runs on
/// every frame. A frame that fails any stage is never written in the clear (fail closed).
public final class AnonymizePipeline: @unchecked Sendable {
    public let recording: Recording
    public let options: PipelineOptions
    let reader: FrameReader
    let finder: HeadFinder
    let anonymizer: HeadAnonymizer
    let depthAnonymizer = DepthAnonymizer()
    /// The frames this shard owns, in order.
    public let frames: [FrameFiles]
    /// Called after each frame is committed, with the number done so far (from the writer's queue).
    public var progress: (@Sendable (Int) -> Void)?

    public init(recording: Recording, options: PipelineOptions) throws {
        self.recording = recording
        self.options = options
        guard options.chunk >= 1 else { throw VeilError.invalidConfiguration(path: nil, reason: "--chunk must be at least 1") }
        guard options.shard.count >= 1, (0..<options.shard.count).contains(options.shard.index) else {
            throw VeilError.invalidConfiguration(path: nil, reason: "--shard must be i/n with 0 ≤ i < n")
        }
        // The output must not be, or lie inside, the input.
        let input = recording.root.resolvingSymlinksInPath().standardizedFileURL.path
        let output = options.output.resolvingSymlinksInPath().standardizedFileURL.path
        if output == input || output.hasPrefix(input + "/") {
            throw VeilError.invalidConfiguration(path: options.output.path, reason: "the output folder lies inside the input recording \(input)")
        }
        reader = try FrameReader(recording: recording)
        finder = try HeadFinder(for: recording, kind: options.detector, faceModel: options.faceModel, beyondRange: options.beyondRange)
        anonymizer = HeadAnonymizer(method: options.method, strength: options.strength)
        let all = recording.frames
        let n = options.shard.count, i = options.shard.index
        frames = Array(all[(all.count * i / n)..<(all.count * (i + 1) / n)])
    }

    /// Where a frame's colour output goes.
    func colorOutput(_ files: FrameFiles) -> URL {
        let relative = recording.relativePath(files.color)
        var url = options.output.appendingPathComponent(relative)
        if let format = options.format, ImageFormat.fromExtension(relative) != format {
            url = url.deletingPathExtension().appendingPathExtension(format.fileExtension)
        }
        return url
    }

    /// Where a frame's depth output goes (nil when not written).
    func depthOutput(_ files: FrameFiles) -> URL? {
        guard options.writeDepth, let depth = files.depth else { return nil }
        return options.output.appendingPathComponent(recording.relativePath(depth))
    }

    /// Runs every frame; returns one result per frame in order.
    public func run() throws -> [FrameResult] {
        final class Results: @unchecked Sendable { var all: [FrameResult] = [] }
        let results = Results()
        try run { results.all.append($0) }
        return results.all
    }

    /// Runs every frame, handing each frame's result to `each` in frame order, one at a time, as it
    /// is committed: a caller that keeps only a tally runs in the same memory whatever the length.
    public func run(each: @escaping @Sendable (FrameResult) -> Void) throws {
        try prepareOutput()
        // The size a redacted frame is written at: the recording's, from the first colour image that
        // decodes, settled before any frame runs so it never depends on which frame finishes first.
        let redactSize = options.onError == .redact
            ? frames.lazy.compactMap { try? ImageFile.readRGB($0.color) }.first.map { ($0.width, $0.height) }
            : nil
        let chunkCount = (frames.count + options.chunk - 1) / options.chunk
        let limit = options.maxChunksInFlight ?? max(2, 2 * ProcessInfo.processInfo.activeProcessorCount)
        let slots = DispatchSemaphore(value: limit)
        let writer = DispatchQueue(label: "veil.writer")
        // Touched only on `writer`.
        final class Commits: @unchecked Sendable {
            var pending: [Int: [(FrameResult, StagedFrame?)]] = [:]
            var next = 0
            var committed = 0
        }
        let commits = Commits()
        // One worker per core, each taking the next chunk in order once a slot is free. (Chunks handed
        // to the global queue one block each ran on as many threads as chunks in flight, twice the
        // cores, which took turns on them.) The chunk with the lowest index not yet committed is
        // always being processed, so the slots it frees in order never run out.
        let taken = Atomic<Int>(0)
        DispatchQueue.concurrentPerform(iterations: min(ProcessInfo.processInfo.activeProcessorCount, chunkCount)) { _ in
            while true {
                slots.wait()
                let index = taken.add(1, ordering: .relaxed).oldValue
                guard index < chunkCount else {
                    slots.signal()
                    return
                }
                let first = index * self.options.chunk
                let processed = self.frames[first..<min(self.frames.count, first + self.options.chunk)].map { self.process($0, redactSize: redactSize) }
                writer.async {
                    commits.pending[index] = processed
                    // Commit finished chunks strictly in order.
                    while let ready = commits.pending.removeValue(forKey: commits.next) {
                        for (result, staged) in ready { each(self.commit(result, staged)) }
                        commits.committed += ready.count
                        self.progress?(commits.committed)
                        commits.next += 1
                        slots.signal()
                    }
                }
            }
        }
        writer.sync {}
    }

    /// Creates the output folders and proves they are writable before any frame is processed.
    func prepareOutput() throws {
        let fm = FileManager.default
        var folders = Set(frames.map { colorOutput($0).deletingLastPathComponent() })
        for files in frames { if let d = depthOutput(files) { folders.insert(d.deletingLastPathComponent()) } }
        folders.insert(options.output)
        for folder in folders.sorted(by: { $0.path < $1.path }) {
            do {
                try fm.createDirectory(at: folder, withIntermediateDirectories: true)
            } catch {
                throw VeilError.unwritable(path: folder.path, reason: (error as NSError).localizedDescription)
            }
        }
        // Temporary files of an interrupted run (`.NAME.PID.RANDOM.tmp`) are removed, but only those
        // of files this shard writes: shards sharing the output folder, on this machine or another,
        // may be writing theirs right now.
        var owned: [URL: Set<String>] = [options.output: [options.metricsFileName, options.framesFileName]]
        for files in frames {
            for url in [colorOutput(files), depthOutput(files)].compactMap({ $0 }) {
                owned[url.deletingLastPathComponent(), default: []].insert(url.lastPathComponent)
            }
        }
        for (folder, names) in owned {
            for entry in (try? fm.contentsOfDirectory(atPath: folder.path)) ?? [] {
                if let name = FileIO.AtomicFile.target(ofTemporaryName: entry), names.contains(name) {
                    unlink(folder.appendingPathComponent(entry).path)
                }
            }
        }
        let probe = options.output.appendingPathComponent(".veil-write-test")
        try FileIO.writeAtomically([UInt8](), to: probe)
        unlink(probe.path)
        let camera = recording.root.appendingPathComponent("camera.json")
        if fm.fileExists(atPath: camera.path) {
            try FileIO.writeAtomically(try FileIO.read(camera, limit: 1 << 20), to: options.output.appendingPathComponent("camera.json"))
        }
    }

    /// Processes one frame and writes its files to temporary files beside their places, which
    /// `commit` renames in frame order. The encoded bytes are freed here, on the worker that made
    /// them, rather than kept until the writer reaches the frame: held across other frames' work,
    /// they fragmented the heap, whose peak then crept up over a long run.
    func process(_ files: FrameFiles, redactSize: (Int, Int)?) -> (FrameResult, StagedFrame?) {
        var (result, encoded) = encode(files, redactSize: redactSize)
        guard let encoded else { return (result, nil) }
        let start = DispatchTime.now().uptimeNanoseconds
        var staged = StagedFrame()
        do {
            for (url, bytes) in encoded.files {
                let file = try FileIO.AtomicFile(url)
                staged.files.append(file)
                try file.append(bytes)
                try file.close()
            }
        } catch {
            // Nothing of the frame is written: its temporary files go with `staged`.
            result.status = .failed
            result.reason = "\(error)"
            return (result, nil)
        }
        result.ms[.write] = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6
        return (result, staged)
    }

    /// Decodes, detects, anonymizes and encodes one frame; never returns clear-text bytes for a failed frame.
    func encode(_ files: FrameFiles, redactSize: (Int, Int)?) -> (FrameResult, EncodedFrame?) {
        var result = FrameResult(number: files.number, file: recording.relativePath(files.color), status: .done)
        let colorURL = colorOutput(files), depthURL = depthOutput(files)
        if options.resume, FileManager.default.fileExists(atPath: colorURL.path),
           depthURL.map({ FileManager.default.fileExists(atPath: $0.path) }) ?? true {
            result.status = .skipped
            return (result, nil)
        }
        var clock = DispatchTime.now().uptimeNanoseconds
        func lap(_ stage: Stage) {
            let now = DispatchTime.now().uptimeNanoseconds
            result.ms[stage] = Double(now - clock) / 1e6
            clock = now
        }
        do {
            // The colour file is kept only where it may be copied (see below).
            var frame = try reader.read(files, keepingColorFile: ImageFormat.fromExtension(colorURL.lastPathComponent) == .png)
            lap(.decode)
            let intrinsics = recording.camera.intrinsics(width: frame.rgb.width, height: frame.rgb.height)
            let found = try finder.findAll(in: frame, intrinsics: intrinsics)
            let (heads, mask) = (found.heads, found.mask)
            result.heads = heads.count
            result.beyondRangePixels = found.beyondRangePixels
            lap(.detect)
            let seed = options.seed
            let random = { (head: Int) in seed.map { AnonymizationRandom.seeded($0, frame: files.number, head: head) } ?? .secure() }
            let blobs = HeadAnonymizer.blobs(mask: mask, width: frame.rgb.width, height: frame.rgb.height, coverTile: found.beyondRangeTile)
            try anonymizer.apply(to: &frame.rgb, mask: mask, blobs: blobs, random: random)
            if depthURL != nil, var depthImage = frame.depthImage, let depth = frame.depth, let codec = reader.depthCodec {
                frame.depthImage = nil  // one reference fewer to the image the depth anonymizer changes in place
                depthAnonymizer.apply(to: &depthImage, depth: depth, codec: codec, mask: mask, blobs: blobs, intrinsics: intrinsics,
                                      random: { head in seed.map { AnonymizationRandom.seeded($0 &+ 1, frame: files.number, head: head) } ?? .secure() })
                frame.depthImage = depthImage
            }
            lap(.anonymize)
            // A frame nothing was anonymized in is written back as it came, less any metadata: the
            // same pixels without encoding them again (at 1280×720, depth: 6 ms of a synthetic
            // frame's, about 15 ms of a real CARLA one's; PNG colour: about 25 ms). Colour only when
            // it is the 8-bit RGB Veil writes, so every output frame has the same format. The depth
            // anonymizer leaves the cover past a camera's range alone: depth with only that is copied.
            func output(_ file: [UInt8]?, to url: URL, unchanged: Bool, encoding: () throws -> [UInt8]) throws -> [UInt8] {
                if unchanged, let file { return try PNGCodec.withoutMetadata(file, path: url.path) }
                return try encoding()
            }
            var encoded = EncodedFrame(files: [(colorURL, try output(frame.colorFile, to: colorURL, unchanged: blobs.isEmpty) {
                try encodeColor(frame.rgb, url: colorURL)
            })])
            if let depthURL, let image = frame.depthImage {
                encoded.files.append((depthURL, try output(frame.depthFile, to: depthURL, unchanged: blobs.allSatisfy(\.isCoverTile)) {
                    try PNGCodec.encode(image, settings: .forDepth(frame.depth))
                }))
            }
            lap(.encode)
            if options.score, let truth = try FrameGroundTruth.load(recording: recording, files: files, depth: frame.depth) {
                result.score = HeadScore.score(mask: mask, heads: heads, truth: truth, frame: files.number)
                lap(.score)
            }
            return (result, encoded)
        } catch {
            result.status = .failed
            result.reason = "\(error)"
            guard options.onError == .redact, let (w, h) = redactSize else { return (result, nil) }
            // Fully redacted: every pixel replaced by mid grey; no depth is written for it.
            let grey = Raster<UInt8>(width: w, height: h, channels: 3, repeating: 128)
            guard let bytes = try? encodeColor(grey, url: colorURL) else { return (result, nil) }
            result.status = .redacted
            return (result, EncodedFrame(files: [(colorURL, bytes)]))
        }
    }

    func encodeColor(_ rgb: Raster<UInt8>, url: URL) throws -> [UInt8] {
        ImageFormat.fromExtension(url.lastPathComponent) == .jpeg
            ? try JPEGCodec.encode(rgb, quality: options.quality)
            : try PNGCodec.encode(rgb)
    }

    /// Renames a frame's temporary files into place (on the writer queue, in frame order).
    func commit(_ result: FrameResult, _ staged: StagedFrame?) -> FrameResult {
        guard let staged else { return result }
        var result = result
        let start = DispatchTime.now().uptimeNanoseconds
        var renamed: [URL] = []
        do {
            for file in staged.files {
                try file.commit()
                renamed.append(file.url)
            }
        } catch {
            // A frame is all or nothing: remove what of it was renamed; the rest goes with `staged`.
            for url in renamed { unlink(url.path) }
            result.status = .failed
            result.reason = "\(error)"
        }
        result.ms[.write, default: 0] += Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6
        return result
    }

    /// Decodes and re-encodes the same frames with nothing else, for the overhead ratio in `--benchmark`.
    public func codecOnlyPass() throws -> (frames: Int, seconds: Double) {
        let start = DispatchTime.now().uptimeNanoseconds
        let failure = LockedError()
        DispatchQueue.concurrentPerform(iterations: frames.count) { index in
            do {
                let frame = try reader.read(frames[index])
                _ = try encodeColor(frame.rgb, url: colorOutput(frames[index]))
                if options.writeDepth, let image = frame.depthImage {
                    _ = try PNGCodec.encode(image, settings: .forDepth(frame.depth))
                }
            } catch {
                failure.set(error)
            }
        }
        _ = failure.error
        return (frames.count, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
    }
}
