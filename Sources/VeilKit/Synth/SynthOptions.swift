/// Lighting presets for synthetic recordings.
public enum Lighting: String, Sendable, CaseIterable, Codable {
    case day, dusk, overcast

    /// Direction toward the light (camera coordinates, y down), ambient and direct strength, light colour.
    var parameters: (toLight: Vec3, ambient: Float, direct: Float, colour: Vec3, skyTop: Vec3, skyHorizon: Vec3) {
        switch self {
        case .day:
            (normalize(Vec3(0.45, -0.8, -0.35)), 0.45, 0.7, Vec3(1, 0.98, 0.94), Vec3(0.32, 0.52, 0.88), Vec3(0.74, 0.84, 0.95))
        case .dusk:
            (normalize(Vec3(-0.85, -0.25, 0.45)), 0.22, 0.6, Vec3(1, 0.68, 0.42), Vec3(0.16, 0.16, 0.34), Vec3(0.92, 0.52, 0.30))
        case .overcast:
            (normalize(Vec3(0, -1, 0)), 0.72, 0.18, Vec3(0.95, 0.96, 1), Vec3(0.62, 0.64, 0.68), Vec3(0.78, 0.79, 0.81))
        }
    }
}

/// What `veil synth` makes.
public struct SynthOptions: Sendable, Equatable {
    public var frames: Int = 20
    public var people: Int = 4
    public var width: Int = 800
    public var height: Int = 600
    /// Horizontal field of view, degrees.
    public var fov: Double = 90
    public var seed: UInt64 = 1
    public var lighting: Lighting = .day
    public var carlaTable: CarlaTagTable = .v0914
    /// Hard-negative props (poles, signposts, bins, hydrants, trunks, person-sized boxes).
    public var negatives: Int = 6
    /// Parked cars along the kerbs.
    public var cars: Int = 4
    /// Whether the parked cars' windows are seen through, as CARLA's depth and segmentation cameras
    /// see them (the first opaque surface along a ray): their cabins are a roof on four pillars.
    public var seeThroughGlass = false
    /// Leafy bushes in planters on the sidewalks, whose foliage the depth camera sees through
    /// between the leaves, as CARLA's does. 0 keeps every seed's recording as it was.
    public var bushes: Int = 0
    /// People start between `minDistance` and this distance from the camera.
    public var maxDistance: Float = 40
    /// The nearest people start, metres: under 2 m for an XR headset or a handheld camera among
    /// people in conversation. People then come as close as 0.4 m short of it before they wrap
    /// round to the far end of the street (at most 1.6 m, as with the default 2 m).
    public var minDistance: Float = 2
    /// Fraction of people (not crossing or at an edge) who face the camera.
    public var facingCamera: Float = 0.45
    /// Fraction of people who are children (1.0–1.4 m tall) walking beside the adult placed before
    /// them, as with a parent. 0 keeps every seed's recording as it was.
    public var children: Float = 0
    /// Camera mount height, metres.
    public var cameraHeight: Float = 1.6
    /// How far the camera looks down, degrees (0: level; CARLA rigs often use 15).
    public var cameraPitch: Float = 0
    /// How far the camera is turned about its optical axis, degrees clockwise seen from behind (a
    /// hand-held or head-worn camera is rarely level).
    public var cameraRoll: Float = 0
    /// Vehicle speed, m/s (nil: drawn from the seed, 0–4 m/s).
    public var speed: Float? = nil
    /// Sensor noise standard deviation, in 8-bit levels.
    public var noise: Float = 1.5
    /// Seconds by which each depth image is captured after its colour image (0: together, as
    /// CARLA's cameras are). Above 0 the files are named by their capture times, as TUM RGB-D names
    /// them, and no segmentation images are written (ground truth stays in `gt/`).
    public var depthDelay: Float = 0

    public init() {}

    /// Checks ranges, naming the option at fault.
    public func validate() throws {
        func fail(_ reason: String) -> VeilError { .invalidConfiguration(path: nil, reason: reason) }
        guard frames >= 1, frames <= 1_000_000 else { throw fail("--frames must be between 1 and 1000000") }
        guard people >= 0, people <= 200 else { throw fail("--people must be between 0 and 200") }
        guard width >= 16, height >= 16, width <= 8192, height <= 8192 else { throw fail("--size must be between 16×16 and 8192×8192") }
        guard fov > 10, fov < 170 else { throw fail("--fov must be between 10 and 170 degrees") }
        guard maxDistance >= 3, maxDistance <= 44 else { throw fail("--max-distance must be between 3 and 44 metres") }
        guard minDistance >= 0.6, minDistance <= maxDistance - 1 else {
            throw fail("--min-distance must be between 0.6 metres and 1 metre short of --max-distance")
        }
        guard negatives >= 0, negatives <= 200, cars >= 0, cars <= 100, bushes >= 0, bushes <= 100 else {
            throw fail("--negatives, --cars and --bushes must be small non-negative counts")
        }
        guard children >= 0, children <= 1 else { throw fail("--children must be a fraction between 0 and 1") }
        guard cameraHeight >= 0.5, cameraHeight <= 4 else { throw fail("--camera-height must be between 0.5 and 4 metres") }
        guard cameraPitch >= -30, cameraPitch <= 30 else { throw fail("--camera-pitch must be between -30 and 30 degrees") }
        guard cameraRoll >= -30, cameraRoll <= 30 else { throw fail("--camera-roll must be between -30 and 30 degrees") }
        guard depthDelay >= 0, depthDelay < Float(Recording.maxTimestampDifference) else {
            throw fail("--depth-delay must be at least 0 and under \(Recording.timestampToleranceText), or colour and depth would not pair")
        }
    }
}
