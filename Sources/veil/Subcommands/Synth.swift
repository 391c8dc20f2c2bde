import ArgumentParser
import Foundation
import VeilKit

extension Lighting: ExpressibleByArgument {}

extension VeilCommand {
    /// Makes a synthetic recording in CARLA's on-disk format, with ground truth.
    struct Synth: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Make a synthetic CARLA-format recording with people, hard negatives and ground truth."
        )

        @Argument(help: "The folder to write (created; existing frames of the same numbers are replaced).")
        var output: String

        @Option(help: "Frames to render.") var frames = 20
        @Option(help: "People in the scene.") var people = 4
        @Option(help: "Frame size WxH.") var size = "800x600"
        @Option(help: "Horizontal field of view in degrees.") var fov = 90.0
        @Option(help: "Seed: the same seed gives byte-identical files.") var seed: UInt64 = 1
        @Option(help: "Lighting: day, dusk or overcast.") var lighting: Lighting = .day
        @Option(help: "CARLA version whose semantic tag table to write (0.9.13 or 0.9.14+).") var carlaVersion = "0.9.15"
        @Option(help: "Hard negatives: poles, signposts, bins, hydrants, trunks, person-sized boxes.") var negatives = 6
        @Option(help: "Parked cars along the kerbs.") var cars = 4
        @Flag(help: "Parked cars whose windows the depth and segmentation cameras see through, as CARLA's do.")
        var seeThroughGlass = false
        @Option(help: "Leafy bushes in planters on the sidewalks, seen through between their leaves as CARLA's depth camera sees plants.")
        var bushes = 0
        @Option(help: "Vehicle speed in m/s (default: from the seed, 0–4).") var speed: Float?
        @Option(help: "People start between --min-distance and this distance.") var maxDistance: Float = 40
        @Option(help: "The nearest people start, metres (0.6 and up: under 2 for people in conversation with an XR headset's wearer).") var minDistance: Float = 2
        @Option(help: "Fraction of people who face the camera (0–1).") var facing: Float = 0.45
        @Option(help: "Fraction of people who are children of 1.0–1.4 m walking beside an adult (0–1).") var children: Float = 0
        @Option(help: "Sensor noise standard deviation in 8-bit levels.") var noise: Float = 1.5
        @Option(help: "Camera mount height above the road, metres (CARLA rigs: about 1 m on a bumper to 2.4 m on a roof).") var cameraHeight: Float = 1.6
        @Option(help: "How far the camera looks down, degrees (negative: up).") var cameraPitch: Float = 0
        @Option(help: "How far the camera is turned about its optical axis, degrees clockwise seen from behind.") var cameraRoll: Float = 0
        @Flag(help: "Compress PNGs as small as libpng can (slow): for fixtures and archives.") var smallest = false
        @Option(help: "Milliseconds each depth image is captured after its colour image (under 20; files then named by capture times, as TUM RGB-D names them).") var depthDelay: Float = 0
        @Option(help: "Write a contact sheet of the frames to this PNG as well.") var contactSheet: String?

        func validate() throws {
            guard Self.parseSize(size) != nil else { throw ValidationError("'--size' takes WxH, like 1280x720") }
            guard CarlaTagTable(version: carlaVersion) != nil else {
                throw ValidationError("'--carla-version' takes a version like 0.9.13 or 0.9.15")
            }
            do { try options.validate() } catch { throw ValidationError("\(error)") }
        }

        static func parseSize(_ text: String) -> (Int, Int)? {
            let parts = text.lowercased().split(separator: "x").compactMap { Int($0) }
            return parts.count == 2 ? (parts[0], parts[1]) : nil
        }

        var options: SynthOptions {
            var o = SynthOptions()
            o.frames = frames
            o.people = people
            if let (w, h) = Self.parseSize(size) { o.width = w; o.height = h }
            o.fov = fov
            o.seed = seed
            o.lighting = lighting
            o.carlaTable = CarlaTagTable(version: carlaVersion) ?? .v0914
            o.negatives = negatives
            o.cars = cars
            o.seeThroughGlass = seeThroughGlass
            o.bushes = bushes
            o.speed = speed
            o.noise = noise
            o.maxDistance = maxDistance
            o.minDistance = minDistance
            o.facingCamera = facing
            o.children = children
            o.cameraHeight = cameraHeight
            o.cameraPitch = cameraPitch
            o.cameraRoll = cameraRoll
            o.depthDelay = depthDelay / 1000
            return o
        }

        func run() throws {
            let scene = SynthScene(options: options)
            let url = URL(fileURLWithPath: output)
            let start = Date()
            try SynthWriter(scene: scene, output: url, pngSettings: smallest ? .smallest : .fast).write()
            let seconds = Date().timeIntervalSince(start)
            FileHandle.standardError.write(Data(String(format: "synth: %d frames %dx%d in %.2f s (%.0f ms a frame) → %@\n",
                                                       frames, options.width, options.height, seconds,
                                                       seconds * 1000 / Double(frames), url.path).utf8))
            if let contactSheet {
                let sheet = try ContactSheet.make(recording: try Recording(at: url), maxFrames: 12, columns: 4, tileWidth: 320)
                try FileIO.writeAtomically(try PNGCodec.encode(sheet), to: URL(fileURLWithPath: contactSheet))
            }
        }
    }
}
