import Foundation

/// File reading and atomic writing with the errors Veil reports.
public enum FileIO {
    /// The largest file Veil reads whole (1 GiB): anything bigger is not a frame.
    public static let maximumFileSize = 1 << 30

    /// Reads a whole file, refusing directories, unreadable files and files over `limit` bytes.
    public static func read(_ url: URL, limit: Int = maximumFileSize) throws -> [UInt8] {
        let path = url.path
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw VeilError.unreadable(path: path, reason: String(cString: strerror(errno)))
        }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            throw VeilError.unreadable(path: path, reason: "not a regular file")
        }
        guard Int(info.st_size) <= limit else {
            throw VeilError.unreadable(path: path, reason: "file is \(info.st_size) bytes, more than the \(limit)-byte limit")
        }
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw VeilError.unreadable(path: path, reason: String(cString: strerror(errno))) }
        defer { close(fd) }
        let size = Int(info.st_size)
        var failure: Int32 = 0
        var bytes = [UInt8](unsafeUninitializedCapacity: size) { buffer, count in
            var done = 0
            while done < size {
                let n = Foundation.read(fd, buffer.baseAddress! + done, size - done)
                if n < 0 {
                    if errno == EINTR { continue }
                    failure = errno
                    break
                }
                if n == 0 { break }
                done += n
            }
            count = done
        }
        if failure != 0 { throw VeilError.unreadable(path: path, reason: String(cString: strerror(failure))) }
        // A file that shrank while being read is reported as what it now is.
        if bytes.count < size { bytes.removeSubrange(bytes.count...) }
        return bytes
    }

    /// Writes `bytes` to `url` atomically: a temporary file beside it, flushed, then renamed over it.
    ///
    /// A reader never sees a half-written file, and a failure (a full disk, say) leaves no file behind.
    public static func writeAtomically<Bytes: ContiguousBytes>(_ bytes: Bytes, to url: URL, sync: Bool = false) throws {
        let path = url.path
        let directory = url.deletingLastPathComponent().path
        let temporary = directory + "/.\(url.lastPathComponent).\(getpid()).\(UInt32.random(in: 0...UInt32.max)).tmp"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw VeilError.unwritable(path: path, reason: String(cString: strerror(errno))) }
        var failure: Int32 = 0
        bytes.withUnsafeBytes { raw in
            var done = 0
            while done < raw.count {
                let n = write(fd, raw.baseAddress! + done, raw.count - done)
                if n < 0 {
                    if errno == EINTR { continue }
                    failure = errno
                    return
                }
                done += n
            }
        }
        if failure == 0, sync, fsync(fd) != 0 { failure = errno }
        if close(fd) != 0, failure == 0 { failure = errno }
        if failure == 0, rename(temporary, path) != 0 { failure = errno }
        if failure != 0 {
            unlink(temporary)
            throw VeilError.unwritable(path: path, reason: String(cString: strerror(failure)))
        }
    }
}
