import Foundation

/// What `veil anonymize` does with a recording.
public struct PipelineOptions: Sendable {
    /// What to do with a frame that cannot be anonymized.
    public enum OnError: String, Sendable, CaseIterable {
        /// Write nothing for it; list it; exit non-zero.
        case fail
        /// Write it fully redacted (every pixel replaced); list it; exit non-zero.
        case redact
    }

    public var output: URL
    /// Output colour format; nil keeps each frame's input format.
    public var format: ImageFormat?
    public var quality: Int = 90
    public var chunk: Int = 5
    public var detector: DetectorKind = .auto
    public var faceModel: String?
    /// What to do where a real camera's depth ends (`BeyondRangeCover`).
    public var beyondRange: BeyondRangePolicy = .cover
    public var method: AnonymizationMethod = .ensemble
    public var strength: Int = 7
    /// nil: fresh cryptographic randomness; a value: reproducible runs (tests).
    public var seed: UInt64?
    /// Write anonymized depth beside the frames.
    public var writeDepth = true
    public var onError: OnError = .fail
    /// Skip frames whose outputs already exist.
    public var resume = false
    /// This process's share of the frames: (index, count), index from 0.
    public var shard: (index: Int, count: Int) = (0, 1)
    /// Score masks against ground truth when the recording has it (`gt/`).
    public var score = true
    /// Chunks in flight at once (bounds memory); nil: twice the cores.
    public var maxChunksInFlight: Int?

    public init(output: URL) { self.output = output }

    /// The run's metrics file in the output folder: `metrics.json`, or one per shard
    /// (`metrics-shard-I-of-N.json`) so shards can share one output folder.
    public var metricsFileName: String { shardFileName("metrics", "json") }
    /// How a shard's metrics file name begins (`veil merge-metrics` looks for it in a folder).
    public static let shardMetricsPrefix = "metrics" + shardInfix
    /// The run's per-frame table: `frames.csv`, or one per shard (`frames-shard-I-of-N.csv`).
    public var framesFileName: String { shardFileName("frames", "csv") }

    private static let shardInfix = "-shard-"
    /// `STEM.EXT`, or `STEM-shard-I-of-N.EXT` for one shard of several.
    private func shardFileName(_ stem: String, _ ext: String) -> String {
        shard.count > 1 ? "\(stem)\(Self.shardInfix)\(shard.index)-of-\(shard.count).\(ext)" : "\(stem).\(ext)"
    }
}

/// The fixed order of stages, for timing tables.
public enum Stage: String, Sendable, CaseIterable, Codable {
    case decode, detect, anonymize, encode, write
    /// Scoring against ground truth (synthetic recordings only; not part of anonymizing).
    case score
}
