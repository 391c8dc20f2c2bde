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
        guard metres.contains(DepthMap.noReading) else { return self }
        var filled = metres
        // The row runs that close but are not short: their pixels hold the row's value negated until
        // their column run closes too (then the mean of both), and go back to holes if it does not.
        var pending: [(start: Int, end: Int)] = []
        metres.withUnsafeBufferPointer { src in
            filled.withUnsafeMutableBufferPointer { out in
                // Whether the run of holes i..<j along one line of pixels (start, stride, focal
                // length), bounded by i − 1 and j, closes; if so `fill` gets each pixel's index and
                // interpolated value, after the run's shortness.
                func close(start: Int, step: Int, i: Int, j: Int, focal: Float, fill: (_ short: Bool, _ index: Int, _ value: Float) -> Void) -> Bool {
                    let a = src[start + (i - 1) * step], b = src[start + j * step]
                    let span = Float(j - i) * max(a, b) / focal
                    guard DepthMap.isMeasured(a), DepthMap.isMeasured(b), abs(a - b) < DepthPersonDetector.step(min(a, b)),
                          span <= maxSpan else { return false }
                    let short = span <= shortSpan
                    for k in i..<j { fill(short, start + k * step, a + (b - a) * Float(k - i + 1) / Float(j - i + 1)) }
                    return true
                }
                let raw = UnsafeRawBufferPointer(src)
                let hole = SIMD8<Float>(repeating: DepthMap.noReading)
                /// The first pixel at or after `i` in the row starting at `row` that is a hole (or,
                /// with `hole` false, is not one); `w` when there is none. Eight pixels at a time.
                func next(hole wanted: Bool, row: Int, from i: Int) -> Int {
                    var i = i
                    if wanted {
                        while i + 8 <= w, !any(raw.loadUnaligned(fromByteOffset: (row + i) * 4, as: SIMD8<Float>.self) .== hole) { i += 8 }
                    } else {
                        while i + 8 <= w, all(raw.loadUnaligned(fromByteOffset: (row + i) * 4, as: SIMD8<Float>.self) .== hole) { i += 8 }
                    }
                    while i < w, (src[row + i] == DepthMap.noReading) != wanted { i += 1 }
                    return i
                }
                for y in 0..<h {
                    let row = y * w
                    var i = next(hole: true, row: row, from: 0)
                    while i < w {
                        let j = next(hole: false, row: row, from: i + 1)
                        if i > 0, j < w {
                            var short = true
                            if close(start: row, step: 1, i: i, j: j, focal: fx, fill: { isShort, o, value in
                                short = isShort
                                out[o] = isShort ? value : -value
                            }), !short {
                                pending.append((row + i, row + j))
                            }
                        }
                        i = j < w ? next(hole: true, row: row, from: j) : w
                    }
                }
                // Columns, read row by row (a column at a time strides the whole image): each
                // column's open run of holes starts at `runStart` (−1: none open).
                var runStart = [Int32](repeating: -1, count: w)
                runStart.withUnsafeMutableBufferPointer { runStart in
                    let none = SIMD8<Int32>(repeating: -1)
                    let starts = UnsafeMutableRawPointer(runStart.baseAddress!)
                    for y in 0..<h {
                        let row = y * w
                        var x = 0
                        while x < w {
                            // Skip eight columns where nothing changes: no hole and no run open, or
                            // all holes in runs already open.
                            if x + 8 <= w {
                                let holes = raw.loadUnaligned(fromByteOffset: (row + x) * 4, as: SIMD8<Float>.self) .== hole
                                let open = starts.loadUnaligned(fromByteOffset: x * 4, as: SIMD8<Int32>.self) .!= none
                                if !any(holes .| open) || all(holes .& open) {
                                    x += 8
                                    continue
                                }
                            }
                            if src[row + x] == DepthMap.noReading {
                                if runStart[x] < 0 { runStart[x] = Int32(y) }
                            } else if runStart[x] >= 0 {
                                let i = Int(runStart[x])
                                runStart[x] = -1
                                if i > 0 {
                                    // Where the row's run closed too, the mean of the two; else only a short run fills.
                                    _ = close(start: x, step: w, i: i, j: y, focal: fy) { short, o, value in
                                        if out[o] != DepthMap.noReading { out[o] = (value + abs(out[o])) / 2 } else if short { out[o] = value }
                                    }
                                }
                            }
                            x += 1
                        }
                    }
                }
                for (start, end) in pending { for o in start..<end where out[o] < 0 { out[o] = DepthMap.noReading } }
            }
        }
        return DepthMap(width: w, height: h, metres: filled)
    }
}
