import Foundation
import Testing
@testable import VeilKit

/// `veil anonymize` as a user runs it: outputs, fail-closed behaviour, resume, shards.
@Suite struct AnonymizeCommandTests {
    /// A small synthetic recording in a fresh folder.
    static func recording(frames: Int = 6, people: Int = 3, seed: UInt64 = 5) throws -> URL {
        var options = SynthOptions()
        options.frames = frames; options.people = people; options.width = 320; options.height = 240; options.seed = seed
        options.maxDistance = 12; options.speed = 1
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("veil-anon-\(UUID().uuidString)")
        try SynthWriter(scene: SynthScene(options: options), output: url).write()
        return url
    }

    static func temporary(_ name: String) -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("veil-\(name)-\(UUID().uuidString)")
    }

    static func files(_ folder: URL, _ sub: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent(sub).path)) ?? []).sorted()
    }

    /// The number of frames `veil merge-metrics` reports for `inputs`.
    static func mergedFrames(_ inputs: [URL]) throws -> Int? {
        let merged = try CLI.run(["merge-metrics"] + inputs.map(\.path))
        #expect(merged.status == 0, "\(merged.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(merged.stdout.utf8)) as? [String: Any])
        return json["frames"] as? Int
    }

    static func metrics(_ out: URL) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("metrics.json"))) as? [String: Any])
    }

    @Test func writesFramesDepthAndMetricsWithTheDesignFields() throws {
        let input = try Self.recording()
        let out = Self.temporary("out")
        defer { try? FileManager.default.removeItem(at: input); try? FileManager.default.removeItem(at: out) }
        let result = try CLI.run(["anonymize", input.path, "-o", out.path, "--seed", "7", "--quiet"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(Self.files(out, "rgb") == Self.files(input, "rgb"))
        #expect(Self.files(out, "depth") == Self.files(input, "depth"))
        let m = try Self.metrics(out)
        for key in ["frames", "failed_frames", "fps", "chunk", "detector", "method", "seed", "stages_ms", "ground_truth"] {
            #expect(m[key] != nil, "metrics.json lacks \(key)")
        }
        #expect(m["frames"] as? Int == 6 && m["failed_frames"] as? Int == 0 && m["seed"] as? Int == 7)
        let truth = try #require(m["ground_truth"] as? [String: Any])
        for key in ["heads", "head_recall", "leaked_head_pixels", "over_masked", "person_recall", "false_heads"] {
            #expect(truth[key] != nil, "ground_truth lacks \(key)")
        }
        let csv = try String(contentsOf: out.appendingPathComponent("frames.csv"), encoding: .utf8)
        #expect(csv.split(separator: "\n").count == 7)
        // The input is untouched: no file changed or appeared.
        #expect(Self.files(input, "rgb").count == 6 && !FileManager.default.fileExists(atPath: input.appendingPathComponent("metrics.json").path))
    }

    @Test func chunkSizeChangesNothing() throws {
        let input = try Self.recording(frames: 7)
        let a = Self.temporary("c1"), b = Self.temporary("c5")
        defer { for u in [input, a, b] { try? FileManager.default.removeItem(at: u) } }
        #expect(try CLI.run(["anonymize", input.path, "-o", a.path, "--seed", "3", "--chunk", "1", "--quiet"]).status == 0)
        #expect(try CLI.run(["anonymize", input.path, "-o", b.path, "--seed", "3", "--chunk", "5", "--quiet"]).status == 0)
        for folder in ["rgb", "depth"] {
            for name in Self.files(a, folder) {
                #expect(try Data(contentsOf: a.appendingPathComponent("\(folder)/\(name)")) == Data(contentsOf: b.appendingPathComponent("\(folder)/\(name)")),
                        "\(folder)/\(name) differs between --chunk 1 and --chunk 5")
            }
        }
    }

    @Test func pixelsOutsideMaskAndFeatherAreByteIdentical() throws {
        let input = try Self.recording(frames: 2, people: 4)
        let out = Self.temporary("px")
        defer { try? FileManager.default.removeItem(at: input); try? FileManager.default.removeItem(at: out) }
        let recording = try Recording(at: input)
        var options = PipelineOptions(output: out)
        options.seed = 11
        let pipeline = try AnonymizePipeline(recording: recording, options: options)
        _ = try pipeline.run()
        let reader = try FrameReader(recording: recording)
        let finder = try HeadFinder()
        var changedInside = 0
        for files in recording.frames {
            let frame = try reader.read(files)
            let (_, mask) = try finder.find(in: frame, intrinsics: recording.camera.intrinsics(width: 320, height: 240))
            let output = try ImageFile.readRGB(out.appendingPathComponent(recording.relativePath(files.color)))
            let feather = HeadAnonymizer().feather
            for y in 0..<240 {
                for x in 0..<320 {
                    var near = false
                    for dy in -feather...feather where !near {
                        for dx in -feather...feather {
                            let (nx, ny) = (x + dx, y + dy)
                            if nx >= 0, ny >= 0, nx < 320, ny < 240, mask[ny * 320 + nx] != 0 { near = true; break }
                        }
                    }
                    let same = (0..<3).allSatisfy { output[x, y, $0] == frame.rgb[x, y, $0] }
                    if !near { #expect(same, "pixel (\(x), \(y)) of frame \(files.number) changed outside the mask") }
                    if mask[y * 320 + x] != 0, !same { changedInside += 1 }
                }
            }
        }
        #expect(changedInside > 100)
    }

    @Test func badFramesFailClosedAndTheRunExitsNonZero() throws {
        let input = try Self.recording(frames: 5)
        let out = Self.temporary("bad")
        defer { try? FileManager.default.removeItem(at: input); try? FileManager.default.removeItem(at: out) }
        let names = Self.files(input, "rgb")
        // Frame 2: depth missing. Frame 3: colour PNG truncated. Frame 4: depth of another size.
        try FileManager.default.removeItem(at: input.appendingPathComponent("depth/\(names[1])"))
        let colour = try Data(contentsOf: input.appendingPathComponent("rgb/\(names[2])"))
        try colour.prefix(colour.count / 2).write(to: input.appendingPathComponent("rgb/\(names[2])"))
        let small = try PNGCodec.encode(Raster<UInt8>(width: 100, height: 80, channels: 3, repeating: 9))
        try Data(small).write(to: input.appendingPathComponent("depth/\(names[3])"))
        let result = try CLI.run(["anonymize", input.path, "-o", out.path, "--seed", "1", "--quiet"])
        #expect(result.status == 1)
        for (index, expected) in [(1, "no depth file"), (2, names[2]), (3, "100×80")] {
            #expect(result.stderr.contains(expected), "stderr does not explain frame \(index): \(result.stderr)")
            #expect(!FileManager.default.fileExists(atPath: out.appendingPathComponent("rgb/\(names[index])").path),
                    "a failed frame was written: \(names[index])")
        }
        #expect(Self.files(out, "rgb") == [names[0], names[4]])
        #expect(try Self.metrics(out)["failed_frames"] as? Int == 3)
        #expect(Self.files(out, "rgb").allSatisfy { !$0.hasPrefix(".") })
    }

    @Test func redactWritesFailedFramesFullyGrey() throws {
        let input = try Self.recording(frames: 3)
        let out = Self.temporary("redact")
        defer { try? FileManager.default.removeItem(at: input); try? FileManager.default.removeItem(at: out) }
        let names = Self.files(input, "rgb")
        try FileManager.default.removeItem(at: input.appendingPathComponent("depth/\(names[2])"))
        let result = try CLI.run(["anonymize", input.path, "-o", out.path, "--on-error", "redact", "--chunk", "1", "--quiet"])
        #expect(result.status == 1)
        let redacted = try ImageFile.readRGB(out.appendingPathComponent("rgb/\(names[2])"))
        #expect(redacted.samples.allSatisfy { $0 == 128 })
        #expect(!FileManager.default.fileExists(atPath: out.appendingPathComponent("depth/\(names[2])").path))
    }

    @Test func unwritableOutputIsAClearError() throws {
        let input = try Self.recording(frames: 2)
        let blocker = Self.temporary("file")
        defer { try? FileManager.default.removeItem(at: input); try? FileManager.default.removeItem(at: blocker) }
        try Data("not a folder".utf8).write(to: blocker)
        let result = try CLI.run(["anonymize", input.path, "-o", blocker.appendingPathComponent("out").path, "--quiet"])
        #expect(result.status != 0)
        #expect(result.stderr.contains(blocker.path))
    }

    @Test func outputInsideTheInputIsRefused() throws {
        let input = try Self.recording(frames: 1)
        defer { try? FileManager.default.removeItem(at: input) }
        let result = try CLI.run(["anonymize", input.path, "-o", input.appendingPathComponent("anonymized").path, "--quiet"])
        #expect(result.status != 0 && result.stderr.contains("inside the input"))
        #expect(!FileManager.default.fileExists(atPath: input.appendingPathComponent("anonymized").path))
    }

    @Test func interruptedRunResumesToTheSameResult() throws {
        let input = try Self.recording(frames: 8)
        let clean = Self.temporary("clean"), resumed = Self.temporary("resumed")
        defer { for u in [input, clean, resumed] { try? FileManager.default.removeItem(at: u) } }
        #expect(try CLI.run(["anonymize", input.path, "-o", clean.path, "--seed", "9", "--quiet"]).status == 0)
        // An interrupted run: some frames done, one stale temporary file.
        #expect(try CLI.run(["anonymize", input.path, "-o", resumed.path, "--seed", "9", "--quiet", "--shard", "0/2"]).status == 0)
        let unfinished = Self.files(input, "rgb")[5]  // a frame of the half not yet done
        try Data([1, 2, 3]).write(to: resumed.appendingPathComponent("rgb/.\(unfinished).123.456.tmp"))
        let result = try CLI.run(["anonymize", input.path, "-o", resumed.path, "--seed", "9", "--resume", "--quiet"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try Self.metrics(resumed)["skipped_frames"] as? Int == 4)
        #expect(Self.files(resumed, "rgb") == Self.files(clean, "rgb"))
        for folder in ["rgb", "depth"] {
            for name in Self.files(clean, folder) {
                #expect(try Data(contentsOf: clean.appendingPathComponent("\(folder)/\(name)")) == Data(contentsOf: resumed.appendingPathComponent("\(folder)/\(name)")))
            }
        }
    }

    @Test func shardsAreDisjointAndMergeBack() throws {
        let input = try Self.recording(frames: 7)
        let outs = (0..<3).map { Self.temporary("shard\($0)") }
        defer { try? FileManager.default.removeItem(at: input); for o in outs { try? FileManager.default.removeItem(at: o) } }
        for (i, out) in outs.enumerated() {
            #expect(try CLI.run(["anonymize", input.path, "-o", out.path, "--shard", "\(i)/3", "--quiet"]).status == 0)
        }
        let sets = outs.map { Set(Self.files($0, "rgb")) }
        #expect(sets.reduce(0) { $0 + $1.count } == 7)
        #expect(sets.reduce(Set<String>()) { $0.union($1) } == Set(Self.files(input, "rgb")))
        #expect(try Self.mergedFrames(outs) == 7)
    }

    @Test func shardsShareOneOutputFolderAndMergeBack() throws {
        let input = try Self.recording(frames: 7)
        let out = Self.temporary("shared")
        defer { try? FileManager.default.removeItem(at: input); try? FileManager.default.removeItem(at: out) }
        for i in 0..<3 {
            #expect(try CLI.run(["anonymize", input.path, "-o", out.path, "--shard", "\(i)/3", "--quiet"]).status == 0)
        }
        #expect(Self.files(out, "rgb") == Self.files(input, "rgb"))
        // Each shard keeps its own metrics and table; none overwrites another's.
        let names = try FileManager.default.contentsOfDirectory(atPath: out.path)
        #expect(Set(names.filter { $0.hasPrefix("metrics") }) == Set((0..<3).map { "metrics-shard-\($0)-of-3.json" }))
        #expect(Set(names.filter { $0.hasPrefix("frames") }) == Set((0..<3).map { "frames-shard-\($0)-of-3.csv" }))
        let rows = try (0..<3).map { try String(contentsOf: out.appendingPathComponent("frames-shard-\($0)-of-3.csv"), encoding: .utf8)
            .split(separator: "\n").count - 1 }
        #expect(rows.reduce(0, +) == 7)
        #expect(try Self.mergedFrames([out]) == 7)
    }

    @Test func aShardRemovesOnlyItsOwnTemporaryFiles() throws {
        let input = try Self.recording(frames: 4)
        let out = Self.temporary("temps")
        defer { try? FileManager.default.removeItem(at: input); try? FileManager.default.removeItem(at: out) }
        // Shard 1/2 owns the last two frames. Another shard is writing the first frame right now;
        // an interrupted run of shard 1/2 left a temporary file of its third frame.
        let names = Self.files(input, "rgb")
        try FileManager.default.createDirectory(at: out.appendingPathComponent("rgb"), withIntermediateDirectories: true)
        let others = out.appendingPathComponent("rgb/.\(names[0]).4242.17.tmp")
        let own = out.appendingPathComponent("rgb/.\(names[2]).4242.18.tmp")
        for url in [others, own] { try Data([1, 2, 3]).write(to: url) }
        #expect(try CLI.run(["anonymize", input.path, "-o", out.path, "--shard", "1/2", "--quiet"]).status == 0)
        #expect(FileManager.default.fileExists(atPath: others.path))
        #expect(!FileManager.default.fileExists(atPath: own.path))
    }

    @Test func fullDiskFailsFramesWithoutPartialFiles() throws {
        let input = try Self.recording(frames: 6)
        let mountPoint = Self.temporary("tmpfs")
        try FileManager.default.createDirectory(at: mountPoint, withIntermediateDirectories: true)
        defer {
            _ = try? Self.shell("/bin/umount", [mountPoint.path])
            try? FileManager.default.removeItem(at: mountPoint)
            try? FileManager.default.removeItem(at: input)
        }
        // A 600 KiB tmpfs: room for a few frames, not all. Needs root (as on CI); skipped otherwise.
        guard (try? Self.shell("/bin/mount", ["-t", "tmpfs", "-o", "size=600k", "tmpfs", mountPoint.path])) == 0 else { return }
        let result = try CLI.run(["anonymize", input.path, "-o", mountPoint.appendingPathComponent("out").path, "--quiet"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("No space left"))
        let out = mountPoint.appendingPathComponent("out")
        for folder in ["rgb", "depth"] {
            for name in Self.files(out, folder) {
                #expect(!name.hasPrefix("."), "a temporary file was left: \(name)")
                if folder == "rgb" { #expect(throws: Never.self) { _ = try ImageFile.readRGB(out.appendingPathComponent("rgb/\(name)")) } }
            }
        }
        // Every frame is whole: colour and depth both, or neither.
        #expect(Self.files(out, "rgb") == Self.files(out, "depth"))
    }

    static func shell(_ tool: String, _ arguments: [String]) throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus
    }
}

/// Scoring against CARLA's own segmentation, where no head ground truth exists.
@Suite struct SegmentationScoringTests {
    @Test func peopleFromTheInstanceCameraAreScoredWithoutHeads() throws {
        let input = try AnonymizeCommandTests.recording(frames: 4, people: 4, seed: 21)
        let out = AnonymizeCommandTests.temporary("seg")
        defer { try? FileManager.default.removeItem(at: input); try? FileManager.default.removeItem(at: out) }
        // As a real CARLA recording: semantic and instance images, no gt/.
        try FileManager.default.removeItem(at: input.appendingPathComponent("gt"))
        let result = try CLI.run(["anonymize", input.path, "-o", out.path, "--quiet", "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let truth = try #require(json["ground_truth"] as? [String: Any])
        #expect(truth["heads"] is NSNull && truth["head_recall"] is NSNull && truth["leaked_head_pixels"] is NSNull)
        let recall = try #require(truth["person_recall"] as? Double)
        #expect(recall > 0.5, "person recall \(recall) from the instance camera")
        #expect(truth["false_heads"] as? Double != nil)
    }
}
