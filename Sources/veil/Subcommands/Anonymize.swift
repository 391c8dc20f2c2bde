import ArgumentParser
import Foundation
import VeilKit

extension AnonymizationMethod: ExpressibleByArgument {}
extension ImageFormat: ExpressibleByArgument {}
extension PipelineOptions.OnError: ExpressibleByArgument {}

extension VeilCommand {
    /// The main job: anonymizes every head of a recording into a new folder.
    struct Anonymize: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Anonymize every head in a recording, writing frames, depth, metrics.json and frames.csv to OUT."
        )

        @Argument(help: "The recording folder (never modified).")
        var recording: String

        @Option(name: .shortAndLong, help: "The output folder (must not lie inside the recording).")
        var output: String

        @OptionGroup var options: RecordingOptions

        @Option(help: "Output colour format: png or jpeg (default: each frame's own).") var format: ImageFormat?
        @Option(help: "JPEG quality, 1–100.") var quality = 90
        @Option(help: "Frames per chunk on the Dispatch queues.") var chunk = 5
        @Option(help: ArgumentHelp(DetectorKind.optionHelp)) var detector: DetectorKind = .auto
        @Option(help: "A CenterFace ONNX model for the face detector (Scripts/get-face-model).") var faceModel: String?
        @Option(help: ArgumentHelp(BeyondRangePolicy.optionHelp)) var beyondRange: BeyondRangePolicy = .cover
        @Option(help: "Anonymization: ensemble, blur, mosaic or solid.") var method: AnonymizationMethod = .ensemble
        @Option(help: "Blocks across a head after resampling (fewer: stronger).") var strength = 7
        @Option(help: "Seed for reproducible runs (tests); default: fresh cryptographic randomness.") var seed: UInt64?
        @Option(help: "Depth output: same (anonymized, in the input's encoding) or none.") var depthOut = "same"
        @Option(help: "A frame that cannot be anonymized: fail (write nothing) or redact (write it fully grey). Either way the run exits non-zero.")
        var onError: PipelineOptions.OnError = .fail
        @Flag(help: "Skip frames whose outputs already exist.") var resume = false
        @Flag(help: "Do not score against ground truth even where gt/ exists (for speed measurements).") var noScore = false
        @Option(help: "Process share i of n (i from 0), e.g. 2/8: a disjoint, deterministic block of frames.") var shard = "0/1"
        @Flag(help: "Print frames per second and per-stage milliseconds, and a codec-only pass for comparison.") var benchmark = false
        @Flag(help: "No progress bar and no summary.") var quiet = false
        @Flag(help: "Print the metrics as JSON on stdout.") var json = false

        func validate() throws {
            guard (1...100).contains(quality) else { throw ValidationError("'--quality' must be 1–100") }
            guard chunk >= 1 else { throw ValidationError("'--chunk' must be at least 1") }
            guard (1...64).contains(strength) else { throw ValidationError("'--strength' must be 1–64") }
            guard ["same", "none"].contains(depthOut) else { throw ValidationError("'--depth-out' is same or none") }
            guard Self.parseShard(shard) != nil else { throw ValidationError("'--shard' takes i/n with 0 ≤ i < n, like 0/4") }
        }

        static func parseShard(_ text: String) -> (Int, Int)? {
            let parts = text.split(separator: "/").compactMap { Int($0) }
            guard parts.count == 2, parts[1] >= 1, parts[0] >= 0, parts[0] < parts[1] else { return nil }
            return (parts[0], parts[1])
        }

        func run() throws {
            let recording = try options.open(recording)
            var pipelineOptions = PipelineOptions(output: URL(fileURLWithPath: output))
            pipelineOptions.format = format
            pipelineOptions.quality = quality
            pipelineOptions.chunk = chunk
            pipelineOptions.detector = detector
            pipelineOptions.faceModel = faceModel
            pipelineOptions.beyondRange = beyondRange
            pipelineOptions.method = method
            pipelineOptions.strength = strength
            pipelineOptions.seed = seed
            pipelineOptions.writeDepth = depthOut == "same"
            pipelineOptions.onError = onError
            pipelineOptions.resume = resume
            pipelineOptions.score = !noScore
            pipelineOptions.shard = Self.parseShard(shard) ?? (0, 1)
            let pipeline = try AnonymizePipeline(recording: recording, options: pipelineOptions)
            let bar = ProgressBar(total: pipeline.frames.count, enabled: !quiet && isatty(STDERR_FILENO) == 1)
            pipeline.progress = { done in bar.update(done) }
            // Frame results are tallied and their frames.csv rows streamed to a temporary file as
            // they are committed, so memory does not grow with the recording's length.
            let out = pipelineOptions.output
            let csv = CSVStream(final: out.appendingPathComponent(pipelineOptions.framesFileName), header: RunMetrics.csvHeader)
            final class Tally: @unchecked Sendable {  // touched on the pipeline's writer queue only
                var tally = RunTally()
                var coveredFrames = 0, coveredPixels = 0
            }
            let tally = Tally()
            let start = DispatchTime.now().uptimeNanoseconds
            try pipeline.run { result in
                tally.tally.add(result)
                if result.beyondRangePixels > 0 { tally.coveredFrames += 1; tally.coveredPixels += result.beyondRangePixels }
                csv.append(RunMetrics.csvRow(result))
            }
            let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            bar.finish()
            let metrics = RunMetrics(tally: tally.tally, options: pipelineOptions, elapsed: elapsed)
            try FileIO.writeAtomically(Array((try JSONOutput.string(metrics) + "\n").utf8), to: out.appendingPathComponent(pipelineOptions.metricsFileName))
            try csv.finish()
            if json {
                print(try JSONOutput.string(metrics))
            } else if !quiet {
                printSummary(metrics)
            }
            if benchmark { try printBenchmark(metrics, pipeline: pipeline) }
            if tally.coveredFrames > 0, !quiet {
                FileHandle.standardError.write(Data(("veil: note: in \(tally.coveredFrames) frames the depth camera gave no reading where the head of "
                    + "someone past its range could be; those rows were anonymized (\(tally.coveredPixels / tally.coveredFrames) pixels a frame, "
                    + "column beyond_range_px of frames.csv). --beyond-range leave keeps them, and any face there stays in the clear.\n").utf8))
            }
            for failure in metrics.failures {
                FileHandle.standardError.write(Data("veil: frame \(failure.frame) (\(failure.file)) \(failure.status): \(failure.reason)\n".utf8))
            }
            if metrics.failedFrames > 0 { throw ExitCode.failure }
        }

        func printSummary(_ m: RunMetrics) {
            var line = String(format: "%d frames in %.2f s (%.1f FPS)", m.frames, m.elapsedSeconds, m.fps)
            if m.skippedFrames > 0 { line += ", \(m.skippedFrames) skipped (already done)" }
            if m.failedFrames > 0 { line += ", \(m.failedFrames) FAILED" }
            print(line + " → \(output)")
            if let gt = m.groundTruthCounts { print(gt.table) }
        }

        func printBenchmark(_ m: RunMetrics, pipeline: AnonymizePipeline) throws {
            print("stage        mean ms    p50 ms    p95 ms   (per frame, one core each)")
            for stage in Stage.allCases {
                guard let t = m.stagesMs[stage.rawValue] else { continue }
                print(stage.rawValue.padding(toLength: 10, withPad: " ", startingAt: 0) + String(format: " %9.2f %9.2f %9.2f", t.mean, t.p50, t.p95))
            }
            let codec = try pipeline.codecOnlyPass()
            let codecFPS = Double(codec.frames) / max(codec.seconds, 1e-9)
            print(String(format: "end to end   %.1f FPS", m.fps))
            print(String(format: "codec only   %.1f FPS (decode + encode of the same frames, nothing else)", codecFPS))
            print(String(format: "ratio        %.2f (end-to-end ÷ codec-only)", m.fps / codecFPS))
        }
    }
}

/// A one-line progress bar on stderr: frames, FPS, time left.
final class ProgressBar: @unchecked Sendable {
    let total: Int
    let enabled: Bool
    let start = Date()
    private var lastDraw = Date.distantPast

    init(total: Int, enabled: Bool) {
        self.total = total
        self.enabled = enabled
    }

    func update(_ done: Int) {
        guard enabled, Date().timeIntervalSince(lastDraw) > 0.1 || done == total else { return }
        lastDraw = Date()
        let elapsed = Date().timeIntervalSince(start)
        let fps = elapsed > 0 ? Double(done) / elapsed : 0
        let left = fps > 0 ? Double(total - done) / fps : 0
        let width = 30, filled = total > 0 ? width * done / total : width
        let bar = String(repeating: "█", count: filled) + String(repeating: "·", count: width - filled)
        FileHandle.standardError.write(Data(String(format: "\r%@ %d/%d  %.1f FPS  %.0f s left ", bar, done, total, fps, left).utf8))
    }

    func finish() {
        if enabled { FileHandle.standardError.write(Data("\n".utf8)) }
    }
}

/// A text file written line by line through `FileIO.AtomicFile` (a reader never sees half a
/// table), buffered to one write per 64 KiB. The file is created at the first write, after the
/// pipeline has prepared the output folder (which removes the temporary files of interrupted runs).
final class CSVStream: @unchecked Sendable {
    let final: URL
    var file: FileIO.AtomicFile?
    var buffer: [UInt8] = []
    var failure: Error?

    init(final: URL, header: String) {
        self.final = final
        append(header)
    }

    func append(_ line: String) {
        buffer.append(contentsOf: line.utf8)
        buffer.append(0x0A)
        if buffer.count >= 1 << 16 { flush() }
    }

    func flush() {
        guard failure == nil, !buffer.isEmpty else { return }
        do {
            if file == nil { file = try FileIO.AtomicFile(final) }
            try file?.append(buffer)
        } catch {
            failure = error
        }
        buffer.removeAll(keepingCapacity: true)
    }

    func finish() throws {
        flush()
        if let failure { throw failure }
        try file?.commit()
    }
}
