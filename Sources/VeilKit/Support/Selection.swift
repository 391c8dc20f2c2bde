/// Order statistics without sorting.
public enum Selection {
    /// The `k`-th smallest of `values` (what `values.sorted()[k]` is), reordering them: Hoare's
    /// selection, in linear time on average: a sort of a close-up head's 100,000 depths had been most
    /// of the depth anonymizer's time, and a sort of a head's top rows a part of the detector's.
    public static func kthSmallest(_ k: Int, in values: inout [Float]) -> Float {
        precondition(k >= 0 && k < values.count)
        var (lo, hi) = (0, values.count - 1)
        return values.withUnsafeMutableBufferPointer { v in
            while lo < hi {
                let pivot = v[lo + (hi - lo) / 2]
                var (i, j) = (lo, hi)
                while i <= j {
                    while v[i] < pivot { i += 1 }
                    while v[j] > pivot { j -= 1 }
                    if i <= j { v.swapAt(i, j); i += 1; j -= 1 }
                }
                if k <= j { hi = j } else if k >= i { lo = i } else { return v[k] }
            }
            return v[k]
        }
    }
}
