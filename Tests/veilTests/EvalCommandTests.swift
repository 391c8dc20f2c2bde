import Foundation
import Testing
@testable import VeilKit

@Suite struct EvalCommandTests {
    @Test func anonymizedHeadsAreHarderToReidentifyThanCleanOnes() throws {
        var options = SynthOptions()
        options.frames = 10; options.people = 10; options.width = 800; options.height = 600; options.seed = 12
        options.maxDistance = 8; options.speed = 0.3; options.facingCamera = 0.95
        let input = FileManager.default.temporaryDirectory.appendingPathComponent("veil-eval-\(UUID().uuidString)")
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("veil-eval-out-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: input); try? FileManager.default.removeItem(at: out) }
        try SynthWriter(scene: SynthScene(options: options), output: input).write()
        #expect(try CLI.run(["anonymize", input.path, "-o", out.path, "--seed", "4", "--quiet"]).status == 0)
        func report(_ anonymized: URL) throws -> [String: Any] {
            let result = try CLI.run(["eval", input.path, anonymized.path, "--json", "--method", "ensemble"])
            #expect(result.status == 0, "\(result.stderr)")
            return try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        }
        let anonymized = try report(out), clean = try report(input)
        for key in ["reid_top1", "reid_top1_aware", "chance", "reversal_psnr", "reversal_ssim", "person_recall_before", "person_recall_after"] {
            #expect(anonymized[key] != nil, "eval lacks \(key)")
        }
        // The comparison rows: blur, mosaic and the solid fill that shows the matcher's floor.
        let methods = try #require(anonymized["methods"] as? [[String: Any]]).compactMap { $0["method"] as? String }
        #expect(methods == ["ensemble", "blur", "mosaic", "solid"])
        let chance = try #require(anonymized["chance"] as? Double)
        let cleanTop1 = try #require(clean["reid_top1"] as? Double), anonymizedTop1 = try #require(anonymized["reid_top1"] as? Double)
        #expect(cleanTop1 > chance + 0.4, "clean heads should be recognisable: \(cleanTop1) vs chance \(chance)")
        #expect(anonymizedTop1 < cleanTop1 - 0.3, "anonymized \(anonymizedTop1) vs clean \(cleanTop1)")
        // Each rate comes with its 95% interval, which holds it.
        for key in ["reid_top1", "reid_top1_aware"] {
            let rate = try #require(anonymized[key] as? Double), interval = try #require(anonymized["\(key)_ci95"] as? [Double])
            #expect(interval.count == 2 && interval[0] <= rate && rate <= interval[1] && interval[1] - interval[0] > 0, "\(key) \(rate) \(interval)")
        }
        // Anonymizing heads must not stop people being found.
        let before = try #require(anonymized["person_recall_before"] as? Double), after = try #require(anonymized["person_recall_after"] as? Double)
        #expect(abs(before - after) <= 0.02)
    }
}
