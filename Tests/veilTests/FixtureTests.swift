import Foundation
import Testing
@testable import VeilKit

/// The committed fixtures: every one reads, and `veil synth` regenerates them byte for byte.
@Suite struct FixtureTests {
    static var fixtures: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Fixtures")
    }

    @Test(arguments: ["street-640x480", "dusk-1280x720", "negatives-640x480"])
    func everyFixtureInspects(name: String) throws {
        let result = try CLI.run(["inspect", Self.fixtures.appendingPathComponent(name).path, "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(json["layout"] as? String == "carla")
        #expect(json["depth_encoding"] as? String == "carla-raw")
        #expect((json["unpaired"] as? [Any])?.isEmpty == true)
        let truth = try #require(json["ground_truth"] as? [String: Any])
        #expect(truth["kind"] as? String == "semantic-raw")
        #expect(((truth["pedestrian_pixels"] as? Int) ?? -1) > 0 || name.hasPrefix("negatives"))
    }

    @Test func synthRegeneratesAFixtureByteForByte() throws {
        // The same arguments as Scripts/make-fixtures uses for this fixture.
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("veil-regen-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: out) }
        let result = try CLI.run(["synth", out.path, "--frames", "10", "--people", "0", "--negatives", "18", "--size", "640x480",
                                  "--seed", "3", "--lighting", "overcast", "--carla-version", "0.9.15", "--noise", "0", "--smallest"])
        #expect(result.status == 0, "\(result.stderr)")
        let committed = Self.fixtures.appendingPathComponent("negatives-640x480")
        let files = try FileManager.default.subpathsOfDirectory(atPath: committed.path).filter { $0.contains(".") }.sorted()
        #expect(files.count == 61)
        #expect(try FileManager.default.subpathsOfDirectory(atPath: out.path).filter { $0.contains(".") }.sorted() == files)
        for file in files {
            #expect(try Data(contentsOf: committed.appendingPathComponent(file)) == Data(contentsOf: out.appendingPathComponent(file)),
                    "\(file) differs from the committed fixture")
        }
    }
}
