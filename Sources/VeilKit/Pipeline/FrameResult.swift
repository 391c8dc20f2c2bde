import Foundation

/// What happened to one frame.
public struct FrameResult: Sendable {
    public enum Status: String, Sendable, Codable {
        case done, skipped, failed, redacted
    }

    public var number: Int
    public var file: String
    public var status: Status
    public var reason: String?
    public var heads = 0
    /// Pixels anonymized where a real camera's depth ends (`BeyondRangeCover`).
    public var beyondRangePixels = 0
    public var ms: [Stage: Double] = [:]
    public var score: HeadScore?
}

/// Files ready to be written for one frame.
struct EncodedFrame: Sendable {
    var files: [(url: URL, bytes: [UInt8])]
}

/// A frame's files written to temporary files beside their places, to be renamed into place.
/// Handed from the worker that wrote them to the writer, used by one thread at a time.
struct StagedFrame: @unchecked Sendable {
    var files: [FileIO.AtomicFile] = []
}
