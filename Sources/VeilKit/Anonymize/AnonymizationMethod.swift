/// How heads are made unrecognizable.
public enum AnonymizationMethod: String, Sendable, CaseIterable, Codable {
    /// Gaussian noise → random warp → smoothing → down/up resampling (the default).
    case ensemble
    /// A Gaussian blur alone, for comparison.
    case blur
    /// Pixelation alone, for comparison.
    case mosaic
    /// A solid fill with the head's mean colour.
    case solid
}

/// The randomness a step draws on: cryptographic by default, seeded for reproducible tests.
///
/// The secure kind reads the kernel's CSPRNG (/dev/urandom) in blocks that double from 512 bytes to
/// 32 KiB: one system call per block instead of one per draw, which is what a per-pixel noise step
/// needs, without generating 32 KiB for a head of a few hundred pixels (the kernel's ChaCha was 1.7%
/// of a 640×480 run's CPU with fixed 32 KiB blocks).
public struct AnonymizationRandom: RandomNumberGenerator, Sendable {
    private var seeded: SplitMix64?
    private var buffer: [UInt64] = []
    private var position = 0

    /// Fresh randomness from the operating system's secure generator.
    public static func secure() -> AnonymizationRandom { AnonymizationRandom(seeded: nil) }

    /// Reproducible randomness for one frame and head: the same seed, frame and head give the same draws.
    public static func seeded(_ seed: UInt64, frame: Int, head: Int) -> AnonymizationRandom {
        var mixer = SplitMix64(seed: seed ^ (UInt64(bitPattern: Int64(frame)) &* 0x9E37_79B9_7F4A_7C15) ^ (UInt64(head) &* 0xC2B2_AE3D_27D4_EB4F))
        return AnonymizationRandom(seeded: SplitMix64(seed: mixer.next()))
    }

    private init(seeded: SplitMix64?) { self.seeded = seeded }

    public mutating func next() -> UInt64 {
        if seeded != nil { return seeded!.next() }
        if position == buffer.count { refill() }
        defer { position += 1 }
        return buffer[position]
    }

    private mutating func refill() {
        buffer = [UInt64](repeating: 0, count: min(4096, max(64, 2 * buffer.count)))
        buffer.withUnsafeMutableBytes { raw in
            var filled = 0
            let fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC)
            if fd >= 0 {
                while filled < raw.count {
                    let n = read(fd, raw.baseAddress! + filled, raw.count - filled)
                    if n > 0 { filled += n } else if n == 0 || errno != EINTR { break }
                }
                close(fd)
            }
            if filled < raw.count {
                // No kernel device: Swift's own secure generator, one draw at a time.
                var system = SystemRandomNumberGenerator()
                for i in stride(from: 0, to: raw.count, by: 8) { raw.storeBytes(of: system.next(), toByteOffset: i, as: UInt64.self) }
            }
        }
        position = 0
    }

    /// A uniform Float in [0, 1).
    public mutating func unit() -> Float { Float(next() >> 40) / Float(1 << 24) }

    /// Gives `body` `count` samples of noise of standard deviation `sigma`, with their indices:
    /// Irwin–Hall with four terms, the sum of four 4-bit uniforms centred and scaled, four samples
    /// from each 64-bit draw. Gaussian to within a few percent in 61 levels; what limits speed is the
    /// secure generator's bytes, and this needs 2 per value (`gaussian()` takes 16 and a logarithm
    /// and a cosine).
    @inline(__always) public mutating func forEachNoise(_ count: Int, sigma: Float, _ body: (Int, Float) -> Void) {
        let variance: Float = 4 * (256 - 1) / 12  // four uniforms on 0…15
        let scale = sigma / variance.squareRoot()
        var i = 0
        while i < count {
            var r = next()
            for _ in 0..<4 where i < count {
                let sum = Float(r & 0xF) + Float((r >> 4) & 0xF) + Float((r >> 8) & 0xF) + Float((r >> 12) & 0xF)
                body(i, (sum - 30) * scale)
                r >>= 16
                i += 1
            }
        }
    }

    /// A standard normal sample.
    public mutating func gaussian() -> Float {
        let u1 = max(unit(), 1e-7), u2 = unit()
        return (-2 * logf(u1)).squareRoot() * cosf(2 * Float.pi * u2)
    }
}

import Foundation
