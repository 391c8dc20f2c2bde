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
    public var ms: [Stage: Double] = [:]
    public var score: HeadScore?
}

/// Files ready to be written for one frame.
struct EncodedFrame: Sendable {
    var files: [(url: URL, bytes: [UInt8])]
}
