import Foundation

/// `OUT/metrics.json`: the run summary, with the field names DESIGN.md gives.
public struct RunMetrics: Codable, Sendable {
    public struct Timing: Codable, Sendable, Equatable {
        public var mean: Double
        public var p50: Double
        public var p95: Double
        /// Sum and count, so shards can be merged.
        public var total: Double
        public var count: Int
    }

    public struct Failure: Codable, Sendable, Equatable {
        public var frame: Int
        public var file: String
        public var status: String
        public var reason: String
    }

    public var frames: Int
    public var failedFrames: Int
    public var skippedFrames: Int
    public var fps: Double
    public var elapsedSeconds: Double
    public var chunk: Int
    public var detector: String
    public var method: String
    public var strength: Int?
    public var seed: UInt64?
    public var shard: String
    public var stagesMs: [String: Timing]
    public var groundTruth: [String: Double?]?
    /// Raw counts behind `ground_truth`, for `veil merge-metrics`.
    public var groundTruthCounts: HeadScore?
    public var failures: [Failure]

    enum CodingKeys: String, CodingKey {
        case frames, fps, chunk, detector, method, strength, seed, shard, failures
        case failedFrames = "failed_frames"
        case skippedFrames = "skipped_frames"
        case elapsedSeconds = "elapsed_s"
        case stagesMs = "stages_ms"
        case groundTruth = "ground_truth"
        case groundTruthCounts = "ground_truth_counts"
    }

    // nil fields are written as null: scripts find every field DESIGN.md names.
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(frames, forKey: .frames)
        try c.encode(failedFrames, forKey: .failedFrames)
        try c.encode(skippedFrames, forKey: .skippedFrames)
        try c.encode(fps, forKey: .fps)
        try c.encode(elapsedSeconds, forKey: .elapsedSeconds)
        try c.encode(chunk, forKey: .chunk)
        try c.encode(detector, forKey: .detector)
        try c.encode(method, forKey: .method)
        try c.encode(strength, forKey: .strength)
        try c.encode(seed, forKey: .seed)
        try c.encode(shard, forKey: .shard)
        try c.encode(stagesMs, forKey: .stagesMs)
        try c.encode(groundTruth, forKey: .groundTruth)
        try c.encode(groundTruthCounts, forKey: .groundTruthCounts)
        try c.encode(failures, forKey: .failures)
    }

    /// Summarises a run's frame results.
    public init(results: [FrameResult], options: PipelineOptions, elapsed: Double) {
        frames = results.count
        failedFrames = results.filter { $0.status == .failed || $0.status == .redacted }.count
        skippedFrames = results.filter { $0.status == .skipped }.count
        let processed = results.filter { $0.status == .done }.count
        fps = elapsed > 0 ? Double(processed) / elapsed : 0
        elapsedSeconds = elapsed
        chunk = options.chunk
        detector = options.detector.rawValue
        method = options.method.rawValue
        strength = options.strength
        seed = options.seed
        shard = "\(options.shard.index)/\(options.shard.count)"
        var stages: [String: Timing] = [:]
        for stage in Stage.allCases {
            let values = results.compactMap { $0.ms[stage] }
            if let timing = Self.timing(values) { stages[stage.rawValue] = timing }
        }
        stagesMs = stages
        var score: HeadScore? = nil
        for result in results { if let s = result.score { score = score ?? HeadScore(); score!.add(s) } }
        groundTruthCounts = score
        groundTruth = score?.summary
        failures = results.filter { $0.status == .failed || $0.status == .redacted }.map {
            Failure(frame: $0.number, file: $0.file, status: $0.status.rawValue, reason: $0.reason ?? "")
        }
    }

    /// Mean, median and 95th percentile of some milliseconds, or nil for none.
    public static func timing(_ values: [Double]) -> Timing? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        let total = values.reduce(0, +)
        return Timing(mean: total / Double(values.count), p50: sorted[sorted.count / 2],
                      p95: sorted[min(sorted.count - 1, sorted.count * 95 / 100)], total: total, count: values.count)
    }

    /// Joins shards' metrics: counts add up, fractions are recomputed from the summed counts, and
    /// percentiles become the worst shard's (exact percentiles need every frame's time).
    public static func merge(_ shards: [RunMetrics]) -> RunMetrics? {
        guard var merged = shards.first else { return nil }
        for other in shards.dropFirst() {
            merged.frames += other.frames
            merged.failedFrames += other.failedFrames
            merged.skippedFrames += other.skippedFrames
            merged.elapsedSeconds = max(merged.elapsedSeconds, other.elapsedSeconds)
            merged.failures += other.failures
            for (stage, timing) in other.stagesMs {
                if var t = merged.stagesMs[stage] {
                    t.total += timing.total
                    t.count += timing.count
                    t.mean = t.total / Double(max(1, t.count))
                    t.p50 = max(t.p50, timing.p50)
                    t.p95 = max(t.p95, timing.p95)
                    merged.stagesMs[stage] = t
                } else {
                    merged.stagesMs[stage] = timing
                }
            }
            if let counts = other.groundTruthCounts {
                var sum = merged.groundTruthCounts ?? HeadScore()
                sum.add(counts)
                merged.groundTruthCounts = sum
            }
        }
        merged.groundTruth = merged.groundTruthCounts?.summary
        // Shards run side by side: the joint rate is every processed frame over the longest shard.
        let processed = merged.frames - merged.failedFrames - merged.skippedFrames
        merged.fps = merged.elapsedSeconds > 0 ? Double(processed) / merged.elapsedSeconds : 0
        merged.shard = "merged \(shards.count)"
        merged.failures.sort { $0.frame < $1.frame }
        return merged
    }

    /// `frames.csv`: one row per frame.
    public static func csv(_ results: [FrameResult]) -> String {
        var lines = ["frame,file,status,heads," + Stage.allCases.map { "\($0.rawValue)_ms" }.joined(separator: ",")
            + ",gt_heads,gt_covered,gt_head_pixels,gt_leaked_pixels,reason"]
        for r in results {
            var row = ["\(r.number)", Self.quote(r.file), r.status.rawValue, "\(r.heads)"]
            row += Stage.allCases.map { stage in r.ms[stage].map { String(format: "%.3f", $0) } ?? "" }
            if let s = r.score {
                row += ["\(s.total.allHeads)", "\(s.total.allCovered)", "\(s.total.headPixels)", "\(s.total.leakedPixels)"]
            } else {
                row += ["", "", "", ""]
            }
            row.append(Self.quote(r.reason ?? ""))
            lines.append(row.joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func quote(_ field: String) -> String {
        field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" }) ? "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : field
    }
}
