import ArgumentParser
import Foundation
import VeilKit

extension DepthEncoding: ExpressibleByArgument {}

/// Options that say how to read a recording; they win over its camera.json.
struct RecordingOptions: ParsableArguments {
    @Option(help: "Depth encoding: carla-raw, carla-gray, carla-log or mm16 (default: from camera.json, else detected).")
    var depthEncoding: DepthEncoding?

    @Option(help: "Metres per unit of mm16 depth (default 0.001: millimetres).")
    var depthScale: Float?

    @Option(help: "Horizontal field of view in degrees (default: camera.json, else CARLA's 90).")
    var fov: Double?

    @Option(help: "Focal length in pixels along x (with --fy).")
    var fx: Double?

    @Option(help: "Focal length in pixels along y (with --fx).")
    var fy: Double?

    @Option(help: "Principal point x in pixels (default: image centre).")
    var cx: Double?

    @Option(help: "Principal point y in pixels (default: image centre).")
    var cy: Double?

    @Option(help: "CARLA version whose semantic tag table the ground truth uses, e.g. 0.9.13 or 0.9.15 (default: camera.json, else inferred from the tags).")
    var carlaVersion: String?

    @Option(help: "Pixels the depth image may lie off the colour image at an edge (a real camera's registration); head masks grow by as much (default: camera.json, else 0).")
    var registrationError: Double?

    @Option(help: "The depth camera's range in metres: past it people have no depth, and the rows where their heads would be are covered (default: camera.json, else each frame's readings tell it).")
    var depthRange: Float?

    func validate() throws {
        if let fov, !(fov > 0 && fov < 180) { throw ValidationError("'--fov' must be between 0 and 180 degrees") }
        if (fx == nil) != (fy == nil) { throw ValidationError("'--fx' and '--fy' go together") }
        if fov != nil, fx != nil { throw ValidationError("give '--fov' or '--fx/--fy', not both") }
        for (name, value) in [("--fx", fx), ("--fy", fy)] {
            if let value, !(value > 0) { throw ValidationError("'\(name)' must be positive") }
        }
        if let depthScale, !(depthScale > 0 && depthScale.isFinite) { throw ValidationError("'--depth-scale' must be positive") }
        if let registrationError, !(registrationError >= 0 && registrationError <= CameraConfig.maxRegistrationError) {
            throw ValidationError("'--registration-error' must be 0–\(Int(CameraConfig.maxRegistrationError)) pixels")
        }
        if let depthRange, !(depthRange > 0 && depthRange.isFinite) { throw ValidationError("'--depth-range' must be a positive distance in metres") }
        if let carlaVersion, CarlaTagTable(version: carlaVersion) == nil {
            throw ValidationError("'--carla-version' takes a version like 0.9.13 or 0.9.15, not '\(carlaVersion)'")
        }
    }

    /// The overrides for `Recording`.
    var overrides: CameraConfig {
        CameraConfig(fov: fov, fx: fx, fy: fy, cx: cx, cy: cy, depth: depthEncoding, depthScale: depthScale,
                     carlaVersion: carlaVersion, registrationError: registrationError, depthRange: depthRange)
    }

    /// Opens the recording at `path` with these options, warning on stderr when a recording with
    /// depth gives no intrinsics: the detector measures people in metres through them. CARLA's own
    /// files do not hold the camera's field of view, and its recorders often set one other than the
    /// default 90° (carla-dataset-runner, which recorded the real town sample, sets 110°).
    func open(_ path: String) throws -> Recording {
        let recording = try Recording(at: URL(fileURLWithPath: path), overrides: overrides)
        if recording.hasDepth, !recording.camera.hasIntrinsics {
            let advice = recording.layout == .carla
                ? "CARLA's files do not record it, and recorders often set another (carla-dataset-runner sets 110°): pass the camera's fov attribute with --fov."
                : "A real camera's differs (a RealSense D435's colour is about 69°): pass its intrinsics with --fx --fy or camera.json."
            FileHandle.standardError.write(Data(("veil: warning: \(recording.root.path) gives no intrinsics (camera.json, --fov or --fx/--fy),"
                + " so CARLA's default 90° field of view is assumed. \(advice) People measured through wrong intrinsics may be missed.\n").utf8))
        }
        return recording
    }
}
