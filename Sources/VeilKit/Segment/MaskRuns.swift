extension UnsafeBufferPointer where Element == UInt8 {
    /// Calls `body` with each run of non-zero bytes among the `count` from `start` (a mask's row),
    /// in order: the run's first offset from `start` and the offset just past its last. Empty
    /// stretches are skipped eight bytes at a time. Mask blobs and mask dilation both walk rows so.
    @inline(__always) func forEachRun(from start: Int, count: Int, _ body: (Int, Int) -> Void) {
        let raw = UnsafeRawBufferPointer(self)
        var x = 0
        while x < count {
            if x + 8 <= count, raw.loadUnaligned(fromByteOffset: start + x, as: UInt64.self) == 0 { x += 8; continue }
            guard self[start + x] != 0 else { x += 1; continue }
            let first = x
            while x < count, self[start + x] != 0 { x += 1 }
            body(first, x)
        }
    }
}
