/// Errors Veil reports to the user; each names the file and what is wrong with it.
public enum VeilError: Error, CustomStringConvertible, Equatable {
    /// A file could not be read at all.
    case unreadable(path: String, reason: String)
    /// A file could not be written.
    case unwritable(path: String, reason: String)
    /// A file was read but its contents cannot be decoded.
    case undecodable(path: String, reason: String)
    /// A file decoded, but is not what the recording needs here (wrong size, bit depth, encoding).
    case unexpectedContent(path: String, reason: String)
    /// A folder is not a recording Veil understands.
    case notARecording(path: String, reason: String)
    /// An option or configuration value is wrong.
    case invalidConfiguration(path: String?, reason: String)
    /// An image operation failed (reported by OpenCV or the codecs).
    case imageOperation(reason: String)

    public var description: String {
        switch self {
        case .unreadable(let path, let reason): "cannot read '\(path)': \(reason)"
        case .unwritable(let path, let reason): "cannot write '\(path)': \(reason)"
        case .undecodable(let path, let reason): "cannot decode '\(path)': \(reason)"
        case .unexpectedContent(let path, let reason): "unexpected content in '\(path)': \(reason)"
        case .notARecording(let path, let reason): "'\(path)' is not a recording Veil can read: \(reason)"
        case .invalidConfiguration(let path?, let reason): "invalid configuration in '\(path)': \(reason)"
        case .invalidConfiguration(nil, let reason): "invalid configuration: \(reason)"
        case .imageOperation(let reason): "image operation failed: \(reason)"
        }
    }
}
