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
        let file = try AtomicFile(url)
        try file.append(bytes)
        try file.commit(sync: sync)
    }

    /// A file written in pieces into a hidden temporary file beside `url` (`.NAME.PID.RANDOM.tmp`,
    /// which an interrupted run's clean-up recognises) and renamed over `url` by `commit()`. Any
    /// failure removes the temporary file and throws; nothing is left at `url` but a whole file.
    public final class AtomicFile {
        public let url: URL
        let temporary: String
        private var fd: Int32

        /// The name of the file a temporary file's name (`.NAME.PID.RANDOM.tmp`) stands for, or nil
        /// when the name is not one.
        public static func target(ofTemporaryName name: String) -> String? {
            guard name.hasPrefix("."), name.hasSuffix(".tmp") else { return nil }
            let parts = name.dropFirst().dropLast(4).split(separator: ".", omittingEmptySubsequences: false)
            guard parts.count >= 3, parts.suffix(2).allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isNumber) }) else { return nil }
            return parts.dropLast(2).joined(separator: ".")
        }

        public init(_ url: URL) throws {
            self.url = url
            temporary = url.deletingLastPathComponent().path + "/.\(url.lastPathComponent).\(getpid()).\(UInt32.random(in: 0...UInt32.max)).tmp"
            fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
            guard fd >= 0 else { throw VeilError.unwritable(path: url.path, reason: String(cString: strerror(errno))) }
        }

        /// Appends `bytes`; on failure the temporary file is removed.
        public func append<Bytes: ContiguousBytes>(_ bytes: Bytes) throws {
            var error: Int32 = 0
            bytes.withUnsafeBytes { raw in
                var done = 0
                while done < raw.count {
                    let n = write(fd, raw.baseAddress! + done, raw.count - done)
                    if n < 0 {
                        if errno == EINTR { continue }
                        error = errno
                        return
                    }
                    done += n
                }
            }
            if error != 0 { fail(error) }
            try check()
        }

        /// Flushes (with `sync`, to the disk) and closes the temporary file, which `commit()` then
        /// renames; until then it is removed when this object goes away.
        public func close(sync: Bool = false) throws {
            try check()
            guard fd >= 0 else { return }
            var error: Int32 = 0
            if sync, fsync(fd) != 0 { error = errno }
            if Foundation.close(fd) != 0, error == 0 { error = errno }
            fd = -1
            if error != 0 { fail(error) }
            try check()
        }

        /// Flushes and closes the file if that is not done yet, and renames it over `url`.
        public func commit(sync: Bool = false) throws {
            try close(sync: sync)
            if rename(temporary, url.path) != 0 { fail(errno) }
            try check()
            renamed = true
        }

        /// Removes the temporary file; `url` is left as it was.
        public func discard() { fail(ECANCELED) }

        private var failure: Int32 = 0
        private var renamed = false
        private func fail(_ code: Int32) {
            guard failure == 0 else { return }
            failure = code
            if fd >= 0 { Foundation.close(fd); fd = -1 }
            unlink(temporary)
        }
        private func check() throws {
            if failure != 0 { throw VeilError.unwritable(path: url.path, reason: String(cString: strerror(failure))) }
        }

        deinit { if !renamed { discard() } }
    }
}
