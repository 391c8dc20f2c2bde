/// Depth in metres for every pixel, decoded from any `DepthEncoding`.
///
/// A pixel holds planar Z in metres, `DepthMap.noReading` (0) where the sensor gave nothing (a hole),
/// or `DepthMap.beyondRange` (+∞) where the scene lies past the sensor's range (CARLA's sky).
public struct DepthMap: Sendable, Equatable {
    /// Marks a pixel without a depth reading.
    public static let noReading: Float = 0
    /// Marks a pixel beyond the sensor's range.
    public static let beyondRange: Float = .infinity

    /// Width in pixels.
    public let width: Int
    /// Height in pixels.
    public let height: Int
    /// `width · height` values in metres, row after row.
    public var metres: [Float]

    public init(width: Int, height: Int, metres: [Float]) {
        precondition(metres.count == width * height, "depth count does not match \(width)×\(height)")
        self.width = width
        self.height = height
        self.metres = metres
    }

    /// The depth at (x, y).
    @inlinable public subscript(x: Int, y: Int) -> Float {
        get { metres[y * width + x] }
        set { metres[y * width + x] = newValue }
    }

    /// Whether a value is a real distance (neither a hole nor beyond range).
    @inlinable public static func isMeasured(_ value: Float) -> Bool { value > 0 && value.isFinite }
}
