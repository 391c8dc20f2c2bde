import Foundation
@testable import VeilKit

/// A temporary folder removed when the value goes away.
final class TemporaryFolder: @unchecked Sendable {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("veil-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: url) }

    /// Writes bytes at a relative path, making folders as needed.
    @discardableResult
    func write(_ bytes: [UInt8], to relative: String) throws -> URL {
        let target = url.appendingPathComponent(relative)
        try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(bytes).write(to: target)
        return target
    }
}

/// Small deterministic images for tests.
enum TestImages {
    /// An RGB gradient with some texture.
    static func rgb(width: Int, height: Int, seed: Int = 0) -> Raster<UInt8> {
        var raster = Raster<UInt8>(width: width, height: height, channels: 3)
        for y in 0..<height {
            for x in 0..<width {
                raster[x, y, 0] = UInt8((x * 255 / max(1, width - 1) + seed) & 0xFF)
                raster[x, y, 1] = UInt8((y * 255 / max(1, height - 1) + seed * 3) & 0xFF)
                raster[x, y, 2] = UInt8(((x ^ y) * 7 + seed) & 0xFF)
            }
        }
        return raster
    }

    /// A depth scene: a wall at `wall` metres, a box at `near` metres in the middle, sky on top.
    static func depth(width: Int, height: Int, wall: Float = 20, near: Float = 5) -> DepthMap {
        var depth = DepthMap(width: width, height: height, metres: [Float](repeating: wall, count: width * height))
        for y in 0..<height {
            for x in 0..<width {
                if y < height / 4 { depth[x, y] = DepthMap.beyondRange }
                else if x > width / 3, x < 2 * width / 3, y > height / 3 { depth[x, y] = near + Float(x % 7) * 0.01 }
            }
        }
        return depth
    }

    /// A PNG of an RGB image.
    static func rgbPNG(width: Int, height: Int, seed: Int = 0) throws -> [UInt8] {
        try PNGCodec.encode(rgb(width: width, height: height, seed: seed))
    }

    /// A depth PNG in the given encoding.
    static func depthPNG(width: Int, height: Int, encoding: DepthEncoding) throws -> [UInt8] {
        try PNGCodec.encode(DepthCodec(encoding: encoding).encode(depth(width: width, height: height)))
    }

    /// A raw semantic image (tag in R) with a block of `tag` pixels.
    static func semanticRaw(width: Int, height: Int, tag: UInt8, background: UInt8 = 1, count: Int) -> Raster<UInt8> {
        var raster = Raster<UInt8>(width: width, height: height, channels: 4)
        for i in 0..<(width * height) {
            raster.samples[i * 4] = i < count ? tag : background
            raster.samples[i * 4 + 3] = 255
        }
        return raster
    }
}

/// The real CARLA samples beside the checkout (../shared/data/carla-samples), if present.
enum SharedSamples {
    static var root: URL? {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<6 {
            url.deleteLastPathComponent()
            let candidate = url.appendingPathComponent("shared/data/carla-samples")
            if FileManager.default.fileExists(atPath: candidate.path) { return candidate }
            let sibling = url.deletingLastPathComponent().appendingPathComponent("shared/data/carla-samples")
            if FileManager.default.fileExists(atPath: sibling.path) { return sibling }
        }
        return nil
    }
}
