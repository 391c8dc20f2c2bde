/// How a recording stores depth in its image files.
public enum DepthEncoding: String, Sendable, CaseIterable, Codable {
    /// CARLA's raw depth: 24 bits across R, G, B; metres = 1000 · (R + 256·G + 65536·B) / (256³ − 1).
    case carlaRaw = "carla-raw"
    /// CARLA's `ColorConverter.Depth`: 8-bit grey, 1000/255 ≈ 3.9 m a level. Lossy.
    case carlaGray = "carla-gray"
    /// CARLA's `ColorConverter.LogarithmicDepth`: 8-bit grey, level = 255 · (1 + ln(d/1000) / 5.70378). Lossy.
    case carlaLog = "carla-log"
    /// 16-bit grey in millimetres (or units of `--depth-scale` metres): 0 no reading, 65535 beyond range.
    case mm16

    /// CARLA's far plane: every CARLA encoding saturates here, and sky sits at it.
    public static let carlaFarPlane: Float = 1000
    /// The constant in CARLA's logarithmic converter (ln 300).
    public static let carlaLogScale: Float = 5.70378

    /// The smallest depth step the encoding can represent near `metres`, for tolerance checks.
    public func resolution(at metres: Float, scale: Float = 0.001) -> Float {
        switch self {
        case .carlaRaw: return Self.carlaFarPlane / 16_777_215
        case .carlaGray: return Self.carlaFarPlane / 255
        case .carlaLog: return metres * Self.carlaLogScale / 255
        case .mm16: return scale
        }
    }
}
