/// Holes in real sensors' depth, closed for detection.
///
/// A stereo or time-of-flight camera loses dark and shiny surfaces (hair, dark clothes, windows,
/// car paint), random pixels, the shadowed side of occluding edges, and everything beyond its range.
/// Left as holes, they split a facade into window-sized fragments whose tops look like heads, and
/// cut a dark-shirted torso out of its person. A run of holes along a row or a column *closes* when
/// both its ends lie on the same surface (within the detector's depth step) and it spans at most
/// `maxSpan` metres; a run whose ends differ (an object's edge, the hair on top of a head against
/// the sky) stays a hole. A hole is filled where both its row run and its column run close (with the
/// mean of the two interpolations between their ends), or where either closes within
/// `shortSpan` metres (random pixels, a thin dark strip). The head mask still reads the raw depth,
/// where a hole in a head window counts as head.
///
/// Rows alone bridged the sky beyond range between two people standing side by side at about the
/// same depth (a row's two ends on "one surface" up to 1.5 m apart) into a flat top at the height of
/// the shorter one's head, which then no longer stood out. On recordings of people 2–5 m away
/// degraded like a stereo camera (`VeilBench rgbd-camera`): head recall ≥ 8 px 0.918 → 0.977,
/// leaked head pixels 8.99% → 2.76%, false heads 163 → 145 in 240 frames; on the benchmark set so
/// degraded 5–10 m 0.934 → 0.994 (leaked there 3.45% → 0.21%), false heads 158 → 132. Where every
/// dark pixel is lost (hair and dark clothes wholly, most of a dusk scene) it is worse: recall
/// 0.397 → 0.382, leaked 42.1% → 48.2%.
extension DepthMap {
    public func fillingSurfaceHoles(fx: Float, fy: Float, maxSpan: Float = 1.5, shortSpan: Float = 0.1) -> DepthMap {
        let (w, h) = (width, height)
        var filled = metres
        guard metres.contains(DepthMap.noReading) else { return self }
        // Each hole pixel's value from its row run where that run closes (0 where it does not).
        var across = [Float](repeating: 0, count: w * h)
        metres.withUnsafeBufferPointer { src in
            filled.withUnsafeMutableBufferPointer { out in
                // The closing hole runs of one line of pixels (a row or a column: start, stride,
                // length, focal length); `visit` gets each pixel's index, its interpolated value and
                // whether the run is short.
                func closingRuns(start: Int, step: Int, count: Int, focal: Float, visit: (Int, Float, Bool) -> Void) {
                    var i = 0
                    while i < count {
                        guard src[start + i * step] == DepthMap.noReading else { i += 1; continue }
                        var j = i
                        while j < count, src[start + j * step] == DepthMap.noReading { j += 1 }
                        // Holes i..<j, bounded by i − 1 and j.
                        if i > 0, j < count {
                            let a = src[start + (i - 1) * step], b = src[start + j * step]
                            let span = Float(j - i) * max(a, b) / focal
                            if DepthMap.isMeasured(a), DepthMap.isMeasured(b), abs(a - b) < DepthPersonDetector.step(min(a, b)), span <= maxSpan {
                                for k in i..<j {
                                    visit(start + k * step, a + (b - a) * Float(k - i + 1) / Float(j - i + 1), span <= shortSpan)
                                }
                            }
                        }
                        i = j
                    }
                }
                for y in 0..<h {
                    closingRuns(start: y * w, step: 1, count: w, focal: fx) { o, value, short in
                        across[o] = value
                        if short { out[o] = value }
                    }
                }
                for x in 0..<w {
                    closingRuns(start: x, step: w, count: h, focal: fy) { o, value, short in
                        if across[o] > 0 { out[o] = (value + across[o]) / 2 } else if short { out[o] = value }
                    }
                }
            }
        }
        return DepthMap(width: w, height: h, metres: filled)
    }
}
