import Testing
@testable import VeilKit

@Suite struct SelectionTests {
    @Test func selectionFindsWhatSortingWould() {
        // Ties, runs of one value, and sorted and reversed input, as a head's depths have them.
        var g = SplitMix64(seed: 5)
        var inputs: [[Float]] = [[1], [2, 1], [3, 3, 3, 3], Array(stride(from: Float(0), to: 50, by: 1)),
                                 Array(stride(from: Float(50), to: 0, by: -1))]
        for n in [7, 64, 1001] { inputs.append((0..<n).map { _ in Float(Int(g.unit() * 20)) * 0.01 + 2 }) }
        for values in inputs {
            let sorted = values.sorted()
            for k in Set([0, values.count / 2, values.count - 1]) {
                var scratch = values
                #expect(Selection.kthSmallest(k, in: &scratch) == sorted[k], "k \(k) of \(values.count)")
            }
        }
    }
}
