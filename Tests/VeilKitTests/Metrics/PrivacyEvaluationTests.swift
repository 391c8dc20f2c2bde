import Foundation
import Testing
@testable import VeilKit

@Suite struct PrivacyEvaluationTests {
    /// Reference values from the Wilson formula evaluated independently (Python, z = 1.959964).
    @Test(arguments: [(40, 311, 0.095893, 0.170404), (0, 10, 0.0, 0.277533), (10, 10, 0.722467, 1.0), (5, 10, 0.236593, 0.763407)])
    func wilsonIntervalMatchesTheFormula(successes: Int, trials: Int, low: Double, high: Double) {
        let interval = PrivacyEvaluation.wilsonInterval(rate: Double(successes) / Double(trials), trials: Double(trials))
        #expect(abs(interval[0] - low) < 1e-5 && abs(interval[1] - high) < 1e-5, "\(interval)")
    }

    @Test func wilsonIntervalWithoutTrialsIsEverything() {
        #expect(PrivacyEvaluation.wilsonInterval(rate: 0, trials: 0) == [0, 1])
    }

    /// A descriptor with one bright pixel at `index` of the 16×16 grid.
    static func spike(_ index: Int) -> HeadDescriptor {
        var image = Raster<UInt8>(width: 16, height: 16, channels: 3)
        for c in 0..<3 { image.samples[index * 3 + c] = 255 }
        return HeadDescriptor(image: image, box: [0, 0, 15, 15])!
    }

    @Test func aMatcherThatFindsEveryIdentityScoresOne() {
        let gallery = [Self.spike(0), Self.spike(100), Self.spike(200)]
        let probes = [(7, Self.spike(0)), (8, Self.spike(100)), (9, Self.spike(200)), (9, Self.spike(200))]
        let score = Reidentification(probes: probes.map { (identity: $0.0, descriptor: $0.1) }, gallery: gallery, identities: [7, 8, 9])
        #expect(score.balanced == 1 && score.perProbe == 1)
    }

    /// A featureless probe (a flat crop) is equally far from every gallery entry: it scores chance,
    /// not a hit for whichever identity comes first.
    @Test func aFeaturelessProbeScoresChance() throws {
        // A flat fill of an odd colour, whose mean grey does not come out exact in floats.
        let fill = Raster<UInt8>(width: 16, height: 16, channels: 3, samples: Array((0..<256).map { _ in [UInt8(173), 91, 42] }.joined()))
        let flat = try #require(HeadDescriptor(image: fill, box: [0, 0, 15, 15]))
        #expect(flat.values.allSatisfy { $0 == 0 })
        let gallery = [Self.spike(0), Self.spike(100), Self.spike(200), Self.spike(50)]
        let score = Reidentification(probes: [(identity: 1, descriptor: flat)], gallery: gallery, identities: [1, 2, 3, 4])
        #expect(abs(score.balanced - 0.25) < 1e-9)
    }

    /// A matcher that answers identity 1 whatever it sees scores 1 / identities balanced, whatever the
    /// mix of probes; over probes it scores identity 1's share of them.
    @Test func aMatcherThatAlwaysGivesTheSameAnswerScoresChanceBalanced() {
        let gallery = [Self.spike(0), Self.spike(100), Self.spike(200)]
        // Every probe looks like identity 1's gallery entry; identity 1 has 8 of the 10 probes.
        let probes = (0..<10).map { i in (identity: i < 8 ? 1 : (i == 8 ? 2 : 3), descriptor: Self.spike(0)) }
        let score = Reidentification(probes: probes, gallery: gallery, identities: [1, 2, 3])
        #expect(abs(score.balanced - 1.0 / 3) < 1e-9)
        #expect(abs(score.perProbe - 0.8) < 1e-9)
    }

    @Test func effectiveSizeIsTheProbeCountOnlyWhenIdentitiesAreEven() {
        #expect(Reidentification.effectiveSize([1, 1, 2, 2, 3, 3]) == 6)
        // Kish: (Σw)² / Σw² with w = 1/8 for 8 probes and 1 for one: 4 / (1/8 + 1) ≈ 3.56.
        #expect(abs(Reidentification.effectiveSize(Array(repeating: 1, count: 8) + [2]) - 4 / (1.0 / 8 + 1)) < 1e-9)
        #expect(Reidentification.effectiveSize([]) == 0)
    }

    /// The matcher's window is the disc of the box's smaller side, centred in the box: the same for a
    /// tall and a wide box of that side, so a box's proportions tell the matcher nothing.
    @Test func theFaceWindowIsACentredDiscOfTheSmallerSide() {
        let tall = PrivacyEvaluation.faceWindow(PixelBox(x0: 100, y0: 50, x1: 119, y1: 79))  // 20×30
        #expect(tall.box == [100, 55, 119, 74])
        let wide = PrivacyEvaluation.faceWindow(PixelBox(x0: 95, y0: 55, x1: 124, y1: 74))  // 30×20
        #expect(wide.box == tall.box)
        for (x, y) in [(109, 64), (100, 64), (119, 65), (109, 55), (110, 74), (100, 55), (119, 74), (109, 50)] {
            #expect(tall.keep(x, y) == wide.keep(x, y))
        }
        #expect(tall.keep(109, 64) && tall.keep(100, 64) && tall.keep(109, 55))
        #expect(!tall.keep(100, 55) && !tall.keep(119, 74) && !tall.keep(109, 50))
    }
}
