import ArgumentParser
import Foundation
import VeilKit

extension DetectorKind: ExpressibleByArgument {}
extension BeyondRangePolicy: ExpressibleByArgument {}

extension VeilCommand {
    /// Finds heads without anonymizing, and scores them against ground truth where it exists.
    struct Detect: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Find every head in a recording and score the masks against ground truth (no frames written)."
        )

        @Argument(help: "One or more recording folders (scores are summed over all of them).")
        var recordings: [String]

        @OptionGroup var options: RecordingOptions

        @Option(help: ArgumentHelp(DetectorKind.optionHelp))
        var detector: DetectorKind = .auto

        @Option(help: "A CenterFace ONNX model for the face detector (Scripts/get-face-model fetches it); default: OpenCV's cascades.")
        var faceModel: String?

        @Option(help: ArgumentHelp(BeyondRangePolicy.optionHelp))
        var beyondRange: BeyondRangePolicy = .cover

        @Flag(help: "Print JSON.")
        var json = false

        @Flag(help: "List every head not fully covered and every false head.")
        var verbose = false

        @Option(help: "Write each frame to this folder (PNG) with its head mask outlined in green and, where ground truth exists, unmasked head pixels in red.")
        var overlay: String?

        func run() throws {
            var score: HeadScore? = nil
            var times: [Double] = []
            var headCount = 0
            var frameCount = 0
            for path in recordings {
                let (frameScore, frameTimes, heads) = try detect(path)
                if let frameScore { score = score ?? HeadScore(); score!.add(frameScore) }
                times += frameTimes
                headCount += heads
                frameCount += frameTimes.count
            }
            report(score: score, times: times, headCount: headCount, frameCount: frameCount)
        }

        /// Detects and scores every frame of one recording, on every core.
        func detect(_ path: String) throws -> (HeadScore?, [Double], Int) {
            let recording = try options.open(path)
            let reader = try FrameReader(recording: recording)
            let finder = try HeadFinder(for: recording, kind: detector, faceModel: faceModel, beyondRange: beyondRange)
            let frames = recording.frames
            let results = ResultSlots<(HeadScore?, Double, Int)>(count: frames.count)
            if let overlay { try FileManager.default.createDirectory(atPath: overlay, withIntermediateDirectories: true) }
            DispatchQueue.concurrentPerform(iterations: frames.count) { index in
                results.set(index) {
                    let frame = try reader.read(frames[index])
                    let intrinsics = recording.camera.intrinsics(width: frame.rgb.width, height: frame.rgb.height)
                    let start = DispatchTime.now().uptimeNanoseconds
                    let (heads, mask) = try finder.find(in: frame, intrinsics: intrinsics)
                    let ms = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6
                    let truth = try FrameGroundTruth.load(recording: recording, files: frame.files, depth: frame.depth)
                    if let overlay {
                        // Mask outlined in green; true head pixels left unmasked painted red.
                        var image = frame.rgb
                        ContactSheet.outline(&image, mask: mask.map { $0 != 0 })
                        if let heads = truth?.heads?.samples {
                            for i in heads.indices where heads[i] != 0 && mask[i] == 0 {
                                image.samples[i * 3] = 255; image.samples[i * 3 + 1] = 0; image.samples[i * 3 + 2] = 0
                            }
                        }
                        let url = URL(fileURLWithPath: overlay).appendingPathComponent(String(format: "%06d.png", frame.number))
                        try FileIO.writeAtomically(try PNGCodec.encode(image), to: url)
                    }
                    return (truth.map { HeadScore.score(mask: mask, heads: heads, truth: $0, frame: frame.number) }, ms, heads.count)
                }
            }
            var score: HeadScore? = nil
            var times: [Double] = []
            var headCount = 0
            for index in frames.indices {
                let (frameScore, ms, count) = try results.get(index)
                times.append(ms)
                headCount += count
                if let frameScore { score = score ?? HeadScore(); score!.add(frameScore) }
            }
            return (score, times, headCount)
        }

        func report(score: HeadScore?, times: [Double], headCount: Int, frameCount: Int) {
            let t = RunMetrics.timing(times)
            let (mean, p50, p95) = (t?.mean ?? 0, t?.p50 ?? 0, t?.p95 ?? 0)
            if json {
                struct Output: Encodable {
                    let frames: Int, heads_found: Int, detector: String
                    let ms: [String: Double]
                    let ground_truth: [String: Double?]?
                    let bands: [HeadScore.Counts]?
                }
                let output = Output(frames: frameCount, heads_found: headCount, detector: detector.rawValue,
                                    ms: ["mean": mean, "p50": p50, "p95": p95],
                                    ground_truth: score?.summary, bands: score?.byBand)
                print((try? JSONOutput.string(output)) ?? "{}")
            } else {
                print("\(frameCount) frames, \(headCount) heads found with the \(detector.rawValue) detector")
                print(String(format: "detect + segment + head: %.2f ms a frame (p50 %.2f, p95 %.2f), one core each",
                             mean, p50, p95))
                if let score { print(score.table) } else { print("no ground truth to score against") }
                if verbose, let score { for line in score.misses { print("  " + line) } }
            }
        }
    }
}

/// Results of concurrent work, one slot per index; the first error wins.
final class ResultSlots<T>: @unchecked Sendable {
    private let lock = NSLock()
    private var slots: [Result<T, Error>?]

    init(count: Int) { slots = Array(repeating: nil, count: count) }

    func set(_ index: Int, _ body: () throws -> T) {
        let result = Result { try body() }
        lock.withLock { slots[index] = result }
    }

    func get(_ index: Int) throws -> T {
        guard let result = lock.withLock({ slots[index] }) else { throw CancellationError() }
        return try result.get()
    }
}
