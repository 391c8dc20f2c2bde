#if canImport(Glibc)
/// glibc's mallopt from <malloc.h>, which the Glibc module does not export.
@_silgen_name("mallopt") private func mallopt(_ parameter: Int32, _ value: Int32) -> Int32
/// <malloc.h>: M_TRIM_THRESHOLD -1, M_MMAP_THRESHOLD -3.
private let M_TRIM_THRESHOLD: Int32 = -1, M_MMAP_THRESHOLD: Int32 = -3
#endif

/// Process-wide allocator settings for frame-sized buffers.
public enum Allocator {
    /// Keeps freed frame buffers in the heap for the next frame instead of returning them to the kernel.
    ///
    /// glibc serves allocations above its mmap threshold (128 KiB at first, adapting up to 32 MiB)
    /// with fresh mmap'd pages and trims freed heap tops, so every frame's multi-megabyte buffers
    /// were zero-filled page by page by the kernel: 1.45 s of system time for 200 frames at
    /// 640×480, 25% of the run's CPU. With every allocation up to 32 MiB on the heap and no trimming,
    /// it fell to 0.3 s. Memory stays bounded: the pipeline holds a fixed number of frames at once,
    /// so the heap's high-water mark is set by those and reused.
    public static func keepFrameBuffers() {
        #if canImport(Glibc)
        _ = mallopt(M_MMAP_THRESHOLD, 32 << 20)
        _ = mallopt(M_TRIM_THRESHOLD, Int32.max)
        #endif
    }
}
