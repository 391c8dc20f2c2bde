import Testing
@testable import VeilKit

@Suite struct RunTallyTests {
    @Test func histogramPercentilesAreWithinOnePercentAndTheMeanIsExact() throws {
        var histogram = TimingHistogram()
        var generator = SplitMix64(seed: 5)
        var values: [Double] = []
        for _ in 0..<10_000 {
            let ms = 0.05 + Double(generator.next() % 1_000_000) / 10_000  // 0.05–100 ms
            values.append(ms)
            histogram.add(ms)
        }
        let exact = try #require(RunMetrics.timing(values))
        let timing = try #require(histogram.timing)
        #expect(timing.count == 10_000)
        #expect(abs(timing.mean - exact.mean) < 1e-9 * exact.mean)
        #expect(abs(timing.p50 - exact.p50) <= 0.01 * exact.p50)
        #expect(abs(timing.p95 - exact.p95) <= 0.01 * exact.p95)
        // Its memory is fixed: the same bins after ten thousand values as before the first.
        #expect(histogram.counts.count == TimingHistogram().counts.count)
    }

    @Test func tallyCountsStatusesFailuresAndStages() {
        var tally = RunTally()
        var done = FrameResult(number: 1, file: "rgb/1.png", status: .done)
        done.ms[.decode] = 4
        var failed = FrameResult(number: 2, file: "rgb/2.png", status: .failed)
        failed.reason = "truncated"
        tally.add(done)
        tally.add(failed)
        tally.add(FrameResult(number: 3, file: "rgb/3.png", status: .skipped))
        #expect(tally.frames == 3 && tally.done == 1 && tally.skipped == 1)
        #expect(tally.failures == [RunMetrics.Failure(frame: 2, file: "rgb/2.png", status: "failed", reason: "truncated")])
        #expect(tally.stages[.decode]?.timing?.count == 1)
        #expect(tally.stages[.detect] == nil)
    }

    @Test func tallySumsScoresWithoutKeepingEachMissLine() {
        var tally = RunTally()
        for n in 0..<3 {
            var result = FrameResult(number: n, file: "rgb/\(n).png", status: .done)
            var score = HeadScore()
            score.frames = 1
            score.falseHeads = 2
            score.misses = ["frame \(n) false head"]
            result.score = score
            tally.add(result)
        }
        #expect(tally.score?.frames == 3 && tally.score?.falseHeads == 6)
        #expect(tally.score?.misses.isEmpty == true)
    }
}
