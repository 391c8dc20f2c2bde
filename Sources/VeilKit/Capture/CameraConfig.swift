import Foundation

/// What a recording's optional `camera.json` says, merged with command-line overrides.
///
/// Every field is optional; command-line flags win over the file, and the file over defaults.
public struct CameraConfig: Sendable, Equatable, Codable {
    /// Horizontal field of view in degrees.
    public var fov: Double?
    public var fx: Double?
    public var fy: Double?
    public var cx: Double?
    public var cy: Double?
    /// Image size the intrinsics refer to.
    public var width: Int?
    public var height: Int?
    /// Depth encoding name (`DepthEncoding` raw value).
    public var depth: DepthEncoding?
    /// Metres per unit of `mm16` depth.
    public var depthScale: Float?
    /// The CARLA version that recorded it ("0.9.13", "0.9.15").
    public var carlaVersion: String?
    /// How many pixels the depth image may lie off the colour image at an object's edge (the two
    /// sensors' calibration, or depth mapped onto colour): every head mask grows by as much. CARLA's
    /// cameras share one pose and need none.
    public var registrationError: Double?
    /// The depth camera's range, metres: how far it gives readings (a RealSense D435's is about 10
    /// m, a Kinect v1's 4–8 m). Past it a person has no depth; where this is not given, each frame's
    /// readings tell it (`BeyondRangeCover`).
    public var depthRange: Float?

    enum CodingKeys: String, CodingKey {
        case fov, fx, fy, cx, cy, width, height, depth
        case depthScale = "depth_scale"
        case carlaVersion = "carla_version"
        case registrationError = "registration_error_px"
        case depthRange = "depth_range_m"
    }

    public init(fov: Double? = nil, fx: Double? = nil, fy: Double? = nil, cx: Double? = nil, cy: Double? = nil,
                width: Int? = nil, height: Int? = nil, depth: DepthEncoding? = nil, depthScale: Float? = nil,
                carlaVersion: String? = nil, registrationError: Double? = nil, depthRange: Float? = nil) {
        self.fov = fov; self.fx = fx; self.fy = fy; self.cx = cx; self.cy = cy
        self.width = width; self.height = height; self.depth = depth
        self.depthScale = depthScale; self.carlaVersion = carlaVersion
        self.registrationError = registrationError
        self.depthRange = depthRange
    }

    /// Reads `camera.json`; a missing file is an empty configuration, a malformed one an error naming it.
    public static func load(from url: URL) throws -> CameraConfig {
        guard FileManager.default.fileExists(atPath: url.path) else { return CameraConfig() }
        let bytes = try FileIO.read(url, limit: 1 << 20)
        do {
            let config = try JSONDecoder().decode(CameraConfig.self, from: Data(bytes))
            try config.validate(path: url.path)
            return config
        } catch let error as VeilError {
            throw error
        } catch DecodingError.dataCorrupted(let context) {
            throw VeilError.invalidConfiguration(path: url.path, reason: "not valid JSON: \(context.debugDescription)")
        } catch DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context) {
            let field = context.codingPath.map(\.stringValue).joined(separator: ".")
            throw VeilError.invalidConfiguration(path: url.path, reason: "field '\(field)': \(context.debugDescription)")
        } catch {
            throw VeilError.invalidConfiguration(path: url.path, reason: "\(error)")
        }
    }

    /// Checks ranges: a positive fov below 180°, positive focal lengths and scale, a registration
    /// error of 0–64 pixels.
    public func validate(path: String?) throws {
        if let fov, !(fov > 0 && fov < 180) {
            throw VeilError.invalidConfiguration(path: path, reason: "fov \(fov) is not between 0 and 180 degrees")
        }
        for (name, value) in [("fx", fx), ("fy", fy)] {
            if let value, !(value > 0 && value.isFinite) {
                throw VeilError.invalidConfiguration(path: path, reason: "\(name) \(value) is not a positive focal length")
            }
        }
        if let depthScale, !(depthScale > 0 && depthScale.isFinite) {
            throw VeilError.invalidConfiguration(path: path, reason: "depth_scale \(depthScale) is not positive")
        }
        if let registrationError, !(registrationError >= 0 && registrationError <= Self.maxRegistrationError) {
            throw VeilError.invalidConfiguration(path: path, reason: "registration_error_px \(registrationError) is not 0–\(Int(Self.maxRegistrationError)) pixels")
        }
        if let depthRange, !(depthRange > 0 && depthRange.isFinite) {
            throw VeilError.invalidConfiguration(path: path, reason: "depth_range_m \(depthRange) is not a positive distance")
        }
        if (fx != nil) != (fy != nil) && fov == nil {
            throw VeilError.invalidConfiguration(path: path, reason: "give both fx and fy, or fov")
        }
    }

    /// This configuration with every field `overrides` sets replacing ours.
    public func overridden(by overrides: CameraConfig) -> CameraConfig {
        var merged = self
        if overrides.fov != nil || overrides.fx != nil {
            // A field of view and focal lengths are alternatives: the override's choice wins whole.
            merged.fov = overrides.fov; merged.fx = overrides.fx; merged.fy = overrides.fy
            merged.cx = overrides.cx ?? (overrides.fx != nil ? nil : merged.cx)
            merged.cy = overrides.cy ?? (overrides.fx != nil ? nil : merged.cy)
        }
        if let cx = overrides.cx { merged.cx = cx }
        if let cy = overrides.cy { merged.cy = cy }
        if let depth = overrides.depth { merged.depth = depth }
        if let scale = overrides.depthScale { merged.depthScale = scale }
        if let version = overrides.carlaVersion { merged.carlaVersion = version }
        if let error = overrides.registrationError { merged.registrationError = error }
        if let range = overrides.depthRange { merged.depthRange = range }
        return merged
    }

    /// The largest registration error taken: more is no calibration but a wrong pairing of files.
    public static let maxRegistrationError: Double = 64

    /// The registration error in whole pixels (rounded up), 0 when none is given.
    public var registrationPixels: Int { Int((registrationError ?? 0).rounded(.up)) }

    /// Whether the intrinsics are given (a field of view, or both focal lengths); without them
    /// `intrinsics(width:height:)` falls back on CARLA's default 90°.
    public var hasIntrinsics: Bool { fov != nil || (fx != nil && fy != nil) }

    /// What TUM RGB-D documents for its sequences: 5000 depth units a metre and the default
    /// intrinsics of its 640×480 Kinect images.
    public static let tumDefaults = CameraConfig(fx: 525, fy: 525, cx: 319.5, cy: 239.5, width: 640, height: 480, depthScale: 0.0002)

    /// The intrinsics for frames `width`×`height`: explicit fx/fy (scaled if the file names another
    /// size), else the field of view, else CARLA's default 90°.
    public func intrinsics(width: Int, height: Int) -> Intrinsics {
        if let fx, let fy {
            let sx = self.width.map { Double(width) / Double($0) } ?? 1
            let sy = self.height.map { Double(height) / Double($0) } ?? 1
            return Intrinsics(fx: fx * sx, fy: fy * sy,
                              cx: cx.map { $0 * sx } ?? Double(width) / 2, cy: cy.map { $0 * sy } ?? Double(height) / 2)
        }
        var result = Intrinsics(fov: fov ?? Intrinsics.carlaDefaultFOV, width: width, height: height)
        if let cx { result.cx = cx }
        if let cy { result.cy = cy }
        return result
    }
}
