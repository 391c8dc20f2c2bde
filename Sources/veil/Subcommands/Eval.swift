import ArgumentParser
import Foundation
import VeilKit

extension VeilCommand {
    /// Attacks an anonymized recording: re-identification, reversal, utility.
    struct Eval: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Attack an anonymized recording against its synthetic original: re-identification, reversal, utility."
        )

        @Argument(help: "The original recording (from veil synth: it needs gt/).") var original: String
        @Argument(help: "The output of veil anonymize for it.") var anonymized: String
        @Option(help: "The method the attacker assumes (default: from ANONYMIZED/metrics.json).") var method: AnonymizationMethod?
        @Option(help: "The strength the attacker assumes (default: from ANONYMIZED/metrics.json, else 7).") var strength: Int?
        @Option(help: "Leave out heads shorter than this (too small to identify).") var minHead = 12
        @Flag(help: "Print JSON (field names as in DESIGN.md).") var json = false

        func run() throws {
            let originalRecording = try Recording(at: URL(fileURLWithPath: original))
            let anonymizedRecording = try Recording(at: URL(fileURLWithPath: anonymized))
            var used = (method: AnonymizationMethod.ensemble, strength: 7)
            let metricsURL = URL(fileURLWithPath: anonymized).appendingPathComponent("metrics.json")
            if let data = try? Data(contentsOf: metricsURL),
               let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] {
                if let name = object["method"] as? String, let m = AnonymizationMethod(rawValue: name) { used.method = m }
                if let s = object["strength"] as? Int { used.strength = s }
            }
            var evaluation = PrivacyEvaluation(method: method ?? used.method, strength: strength ?? used.strength)
            evaluation.minHeadHeight = minHead
            let report = try evaluation.run(original: originalRecording, anonymized: anonymizedRecording)
            if json {
                print(try JSONOutput.string(report))
                return
            }
            print("\(report.identities) identities, \(report.probes) head crops of \(minHead) px or more; chance \(String(format: "%.3f", report.chance))")
            print("re-id top-1: the mean over identities of their probes' rate (over probes in brackets)")
            print("method     re-id top-1       aware top-1       best reversal PSNR dB   SSIM    (attack)")
            for row in report.methods {
                print(row.method.padding(toLength: 10, withPad: " ", startingAt: 0)
                      + String(format: " %5.3f (%5.3f)   %5.3f (%5.3f)   %21.2f   %5.3f    (%@)", row.reidTop1, row.reidTop1PerProbe,
                               row.reidTop1Aware, row.reidTop1AwarePerProbe, row.reversalPSNR, row.reversalSSIM, row.bestAttack))
            }
            print(String(format: "%@ re-id top-1 %.3f (95%% interval %.3f–%.3f), aware %.3f (%.3f–%.3f); chance + 5 points is %.3f",
                         report.methods.first?.method ?? "", report.reidTop1, report.reidTop1CI95[0], report.reidTop1CI95[1],
                         report.reidTop1Aware, report.reidTop1AwareCI95[0], report.reidTop1AwareCI95[1], report.chance + 0.05))
            if let floor = report.methods.first(where: { $0.method == AnonymizationMethod.solid.rawValue }), report.methods.first?.method != floor.method {
                print(String(format: "floor: a solid fill (no face left) scores %.3f / %.3f here, from scenery inside the matcher's window", floor.reidTop1, floor.reidTop1Aware))
            }
            let before = report.personRecallBefore.map { String(format: "%.3f", $0) } ?? "–"
            let after = report.personRecallAfter.map { String(format: "%.3f", $0) } ?? "–"
            print("utility: person recall \(before) before, \(after) after; head mean colour shifts \(String(format: "%.1f", report.headColourShift)) levels")
        }
    }
}
