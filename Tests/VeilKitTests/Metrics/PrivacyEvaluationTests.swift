import Foundation
import Testing
@testable import VeilKit

@Suite struct PrivacyEvaluationTests {
    /// Reference values from the Wilson formula evaluated independently (Python, z = 1.959964).
    @Test(arguments: [(40, 311, 0.095893, 0.170404), (0, 10, 0.0, 0.277533), (10, 10, 0.722467, 1.0), (5, 10, 0.236593, 0.763407)])
    func wilsonIntervalMatchesTheFormula(successes: Int, trials: Int, low: Double, high: Double) {
        let interval = PrivacyEvaluation.wilsonInterval(successes: successes, trials: trials)
        #expect(abs(interval[0] - low) < 1e-5 && abs(interval[1] - high) < 1e-5, "\(interval)")
    }

    @Test func wilsonIntervalWithoutTrialsIsEverything() {
        #expect(PrivacyEvaluation.wilsonInterval(successes: 0, trials: 0) == [0, 1])
    }
}
