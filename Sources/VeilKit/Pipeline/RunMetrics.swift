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

    /// Summarises a run from its tally (what `veil anonymize` keeps instead of every frame's result).
    public init(tally: RunTally, options: PipelineOptions, elapsed: Double) {
        frames = tally.frames
        failedFrames = tally.failures.count
        skippedFrames = tally.skipped
        fps = elapsed > 0 ? Double(tally.done) / elapsed : 0
        elapsedSeconds = elapsed
        chunk = options.chunk
        detector = options.detector.rawValue
        method = options.method.rawValue
        strength = options.strength
        seed = options.seed
        shard = "\(options.shard.index)/\(options.shard.count)"
        var stages: [String: Timing] = [:]
        for (stage, histogram) in tally.stages {
            if let timing = histogram.timing { stages[stage.rawValue] = timing }
        }
        stagesMs = stages
        groundTruthCounts = tally.score
        groundTruth = tally.score?.summary
        failures = tally.failures
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

    /// The first line of `frames.csv`.
    public static let csvHeader = "frame,file,status,heads," + Stage.allCases.map { "\($0.rawValue)_ms" }.joined(separator: ",")
        + ",gt_heads,gt_covered,gt_head_pixels,gt_leaked_pixels,beyond_range_px,reason"

    /// One frame's line of `frames.csv` (without the newline).
    public static func csvRow(_ r: FrameResult) -> String {
        var row = ["\(r.number)", Self.quote(r.file), r.status.rawValue, "\(r.heads)"]
        row += Stage.allCases.map { stage in r.ms[stage].map { String(format: "%.3f", $0) } ?? "" }
        if let s = r.score {
            row += ["\(s.total.allHeads)", "\(s.total.allCovered)", "\(s.total.headPixels)", "\(s.total.leakedPixels)"]
        } else {
            row += ["", "", "", ""]
        }
        row.append("\(r.beyondRangePixels)")
        row.append(Self.quote(r.reason ?? ""))
        return row.joined(separator: ",")
    }

    static func quote(_ field: String) -> String {
        field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" }) ? "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : field
    }
}

/// What a run keeps of its frames: counts, failures, summed scores and a fixed-size histogram of
/// each stage's milliseconds — the same size after 100 frames or 10 million.
public struct RunTally: Sendable {
    public private(set) var frames = 0
    public private(set) var done = 0
    public private(set) var skipped = 0
    public private(set) var failures: [RunMetrics.Failure] = []
    public private(set) var score: HeadScore?
    public private(set) var stages: [Stage: TimingHistogram] = [:]

    public init() {}

    public mutating func add(_ result: FrameResult) {
        frames += 1
        switch result.status {
        case .done: done += 1
        case .skipped: skipped += 1
        case .failed, .redacted:
            failures.append(RunMetrics.Failure(frame: result.number, file: result.file, status: result.status.rawValue, reason: result.reason ?? ""))
        }
        for (stage, ms) in result.ms { stages[stage, default: TimingHistogram()].add(ms) }
        if var s = result.score {
            s.misses = []  // the per-head miss lines are for `veil detect --verbose`, not for the totals
            if score == nil { score = HeadScore() }
            score!.add(s)
        }
    }
}

/// Milliseconds in logarithmic bins 1% wide from 1 µs to over an hour: an exact mean and count,
/// and percentiles to within 1%, in fixed memory.
public struct TimingHistogram: Sendable {
    static let smallest = 0.001, ratio = 1.01, bins = 2_200
    var counts = [UInt32](repeating: 0, count: bins)
    var total = 0.0
    var count = 0

    public init() {}

    public mutating func add(_ ms: Double) {
        total += ms
        count += 1
        counts[Self.bin(ms)] += 1
    }

    static func bin(_ ms: Double) -> Int {
        guard ms > smallest else { return 0 }
        return min(bins - 1, 1 + Int(log(ms / smallest) / log(ratio)))
    }

    /// The middle of bin `k`, in milliseconds.
    static func value(_ k: Int) -> Double { k == 0 ? smallest : smallest * pow(ratio, Double(k) - 0.5) }

    /// The value below which `fraction` of the samples lie (the bin holding the sample at that rank).
    func percentile(_ fraction: Double) -> Double {
        let rank = min(count - 1, Int(Double(count) * fraction))
        var seen = 0
        for (k, c) in counts.enumerated() where c > 0 {
            seen += Int(c)
            if seen > rank { return Self.value(k) }
        }
        return Self.value(Self.bins - 1)
    }

    public var timing: RunMetrics.Timing? {
        count > 0 ? RunMetrics.Timing(mean: total / Double(count), p50: percentile(0.5), p95: percentile(0.95), total: total, count: count) : nil
    }
}
