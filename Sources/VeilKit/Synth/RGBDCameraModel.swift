import Foundation

/// What a real RGB-D camera (stereo or structured light) makes of exact depth, to test Veil on it
/// without one: nothing past `range`; pixels lost at random (`drop`), on dark surfaces such as hair
/// (`dark`, luma under 45) and on the far side of an occluding edge, where stereo finds no match
/// (`edge`, a step of more than 0.3 m from the pixel to its left); noise of `noise` × (2 mm +
/// 1.5 mm·Z²); optionally the depth `shift` pixels off the colour (a registration error) and rounded
/// to 1/8 px of disparity for a focal length × baseline of `quantum` px·m (a Kinect v1's is about
/// 43.5: steps of 1.1 cm at 2 m, 4.6 cm at 4 m, 18 cm at 8 m). `VeilBench rgbd-camera` and the
/// wall scenes of `WallAtTheRangesEdgeTests` use it (other sensor tests keep a simpler stereo model).
public struct RGBDCameraModel: Sendable {
    public var range: Float
    public var drop: Float = 0.02
    public var dark: Float = 0.6
    public var edge: Float = 0.7
    public var noise: Float = 1
    public var shift: (x: Int, y: Int) = (0, 0)
    public var quantum: Float?

    public init(range: Float = 10) { self.range = range }

    /// `depth` (metres, row-major, `width`×`height`) as the camera gives it, `rgb` the frame's colour
    /// (8-bit RGB); draws from `random` pixel by pixel in scan order.
    public func degrade(_ depth: [Float], colour rgb: [UInt8], width w: Int, height h: Int, random: inout SplitMix64) -> [Float] {
        func uniform() -> Float { Float(random.next() >> 40) / Float(1 << 24) }
        func gaussian() -> Float { (-2 * logf(max(uniform(), 1e-7))).squareRoot() * cosf(2 * .pi * uniform()) }
        var metres = depth
        for y in 0..<h {
            for x in 0..<w {
                let i = y * w + x
                // The scene point the depth sensor sees here (the frame's edge pixels repeated).
                let (sx, sy) = (min(w - 1, max(0, x - shift.x)), min(h - 1, max(0, y - shift.y)))
                let s = sy * w + sx
                let z = depth[s]
                guard DepthMap.isMeasured(z), z <= range else { metres[i] = DepthMap.noReading; continue }
                let r = Float(rgb[s * 3]), g = Float(rgb[s * 3 + 1]), b = Float(rgb[s * 3 + 2])
                let isDark = 0.299 * r + 0.587 * g + 0.114 * b < 45
                let isEdge = sx > 0 && DepthMap.isMeasured(depth[s - 1]) && z - depth[s - 1] > 0.3
                if uniform() < drop || isDark && uniform() < dark || isEdge && uniform() < edge { metres[i] = DepthMap.noReading; continue }
                metres[i] = z + noise * (0.002 + 0.0015 * z * z) * gaussian()
                if let fb = quantum, metres[i] > 0 { metres[i] = fb / max(0.125, (8 * fb / metres[i]).rounded() / 8) }
            }
        }
        return metres
    }
}
