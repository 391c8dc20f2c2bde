import Foundation

/// A pinhole camera: focal lengths and principal point in pixels.
public struct Intrinsics: Sendable, Equatable, Codable {
    public var fx: Double
    public var fy: Double
    public var cx: Double
    public var cy: Double

    public init(fx: Double, fy: Double, cx: Double, cy: Double) {
        self.fx = fx
        self.fy = fy
        self.cx = cx
        self.cy = cy
    }

    /// CARLA's default horizontal field of view.
    public static let carlaDefaultFOV = 90.0

    /// The intrinsics of a camera with horizontal field of view `fov` degrees and square pixels:
    /// fx = fy = W / (2·tan(fov/2)), cx = W/2, cy = H/2.
    public init(fov: Double, width: Int, height: Int) {
        let f = Double(width) / (2 * tan(fov * .pi / 360))
        self.init(fx: f, fy: f, cx: Double(width) / 2, cy: Double(height) / 2)
    }

    /// The camera-space point (metres: x right, y down, z ahead) seen at pixel (`x`, `y`) at depth `z`.
    @inline(__always) public func point(x: Int, y: Int, depth z: Float) -> SIMD3<Float> {
        SIMD3<Float>((Float(x) - Float(cx)) / Float(fx) * z, (Float(y) - Float(cy)) / Float(fy) * z, z)
    }
}
