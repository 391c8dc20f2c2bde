import Foundation
import Testing
@testable import VeilKit

@Suite struct InspectCommandTests {
    @Test func townSampleReportsWhatTheIssueNames() throws {
        guard let samples = SharedSamples.root else { return }
        let result = try CLI.run(["inspect", samples.appendingPathComponent("town-0.9.6").path, "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(json["layout"] as? String == "carla")
        #expect(json["frames"] as? Int == 1)
        #expect(json["width"] as? Int == 1024 && json["height"] as? Int == 768)
        #expect(json["depth_encoding"] as? String == "carla-raw")
        let depth = try #require(json["depth_m"] as? [String: Double])
        #expect(abs(depth["median"]! - 11.8) < 0.1 && depth["max"]! == 1000 && depth["min"]! < 0.6)
        // No camera.json: CARLA's default 90° is assumed, and said to be.
        let intrinsics = try #require(json["intrinsics"] as? [String: Double])
        #expect(abs(intrinsics["fx"]! - 512) < 1e-6 && intrinsics["cy"]! == 384)
        #expect(json["intrinsics_assumed"] as? Bool == true)
        let truth = try #require(json["ground_truth"] as? [String: Any])
        #expect(truth["kind"] as? String == "cityscapes-palette")
        #expect(abs((truth["pedestrian_pixels"] as? Int ?? 0) - 424) <= 10)
        // Read at 90°, the ground comes out 1.03 m below the camera and turned a degree.
        let ground = try #require(json["ground"] as? [String: Any])
        #expect(ground["frames_read"] as? Int == 1 && ground["frames_found"] as? Int == 1)
        let mount = try #require(ground["mount"] as? [String: Double])
        #expect(abs((mount["camera_height_m"] ?? 0) - 1.03) < 0.05)
        #expect(abs(mount["pitch_deg"] ?? 99) < 3 && abs(mount["roll_deg"] ?? 99) < 3)
    }

    @Test func townSampleAtTheFieldOfViewItWasRecordedWith() throws {
        // Its recorder (carla-dataset-runner) set 110°: the camera sat 1.5 m up, level.
        guard let samples = SharedSamples.root else { return }
        let result = try CLI.run(["inspect", samples.appendingPathComponent("town-0.9.6").path, "--json", "--fov", "110"])
        #expect(result.status == 0, "\(result.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let intrinsics = try #require(json["intrinsics"] as? [String: Double])
        #expect(abs(intrinsics["fx"]! - 512 / tan(55 * Double.pi / 180)) < 1e-6)
        #expect(json["intrinsics_assumed"] as? Bool == false)
        let ground = try #require(json["ground"] as? [String: Any])
        let mount = try #require(ground["mount"] as? [String: Double])
        #expect(abs((mount["camera_height_m"] ?? 0) - 1.50) < 0.05)
        #expect(abs(mount["pitch_deg"] ?? 99) < 1 && abs(mount["roll_deg"] ?? 99) < 1)
        let text = try CLI.run(["inspect", samples.appendingPathComponent("town-0.9.6").path])
        #expect(text.stdout.contains("(assumed: CARLA's default 90°"), "\(text.stdout)")
    }

    /// CARLA's own files do not hold the camera's field of view. Without camera.json, --fov or
    /// --fx --fy, every command that reads the depth says on stderr that 90° is assumed, and how
    /// to give the camera's own; with any of them it says nothing.
    @Test func aCarlaRecordingWithoutItsFieldOfViewIsWarnedAbout() throws {
        let recording = try AnonymizeCommandTests.recording(frames: 1, people: 1)
        defer { try? FileManager.default.removeItem(at: recording) }
        let given = try CLI.run(["detect", recording.path])
        #expect(given.status == 0 && !given.stderr.contains("warning"), "\(given.stderr)")
        try FileManager.default.removeItem(at: recording.appendingPathComponent("camera.json"))
        for command in ["inspect", "detect"] {
            let assumed = try CLI.run([command, recording.path])
            #expect(assumed.status == 0, "\(assumed.stderr)")
            #expect(assumed.stderr.contains("warning: \(recording.path) gives no intrinsics") && assumed.stderr.contains("--fov"),
                    "\(command): \(assumed.stderr)")
        }
        let withFOV = try CLI.run(["detect", recording.path, "--fov", "90"])
        #expect(withFOV.status == 0 && !withFOV.stderr.contains("warning"), "\(withFOV.stderr)")
    }

    @Test func colourOnlySampleHasNullDepthAndGroundTruth() throws {
        guard let samples = SharedSamples.root else { return }
        let result = try CLI.run(["inspect", samples.appendingPathComponent("walker-closeup").path, "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(json["depth_encoding"] is NSNull)
        #expect(json["ground_truth"] is NSNull)
        #expect(json["ground"] is NSNull)
        #expect(json["width"] as? Int == 800)
    }

    @Test func missingFolderFailsWithAMessageNamingIt() throws {
        let result = try CLI.run(["inspect", "/nonexistent/recording"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("/nonexistent/recording"))
    }

    @Test func truncatedFrameFailsWithAMessageNamingTheFile() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("veil-cli-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("rgb"), withIntermediateDirectories: true)
        let png = try PNGCodec.encode(Raster<UInt8>(width: 16, height: 16, channels: 3, repeating: 90))
        try Data(png[..<40]).write(to: folder.appendingPathComponent("rgb/000007.png"))
        let result = try CLI.run(["inspect", folder.path])
        #expect(result.status != 0)
        #expect(result.stderr.contains("rgb/000007.png"))
    }

    @Test func badOptionIsAUsageError() throws {
        let result = try CLI.run(["inspect", "/tmp", "--fov", "200"])
        #expect(result.status == 64)
        let negative = try CLI.run(["detect", "/tmp", "--registration-error=-2"])
        #expect(negative.status == 64 && negative.stderr.contains("must be 0–64 pixels"))
    }
}
