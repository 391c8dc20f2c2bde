/// Holes in real sensors' depth, closed for detection.
///
/// A stereo or time-of-flight camera loses dark and shiny surfaces (hair, dark clothes, windows,
/// car paint), random pixels and the shadowed side of occluding edges. Left as holes, they split a
/// facade into window-sized fragments whose tops look like heads, and cut a dark-shirted torso out
/// of its person. Here a run of holes along a row or a column is filled when both its ends lie on
/// the same surface (within the detector's depth step) and it spans at most `maxSpan` metres, by
/// interpolating between the ends; a run whose ends differ (an object's edge, the hair on top of a
/// head against the sky) stays a hole. The head mask still reads the raw depth, where a hole in a
/// head window counts as head.
extension DepthMap {
    public func fillingSurfaceHoles(fx: Float, fy: Float, maxSpan: Float = 1.5) -> DepthMap {
        let (w, h) = (width, height)
        var filled = metres
        guard metres.contains(DepthMap.noReading) else { return self }
        metres.withUnsafeBufferPointer { src in
            filled.withUnsafeMutableBufferPointer { out in
                // One line of pixels (a row or a column): start, stride, length, focal length.
                func fill(start: Int, step: Int, count: Int, focal: Float) {
                    var i = 0
                    while i < count {
                        guard src[start + i * step] == DepthMap.noReading else { i += 1; continue }
                        var j = i
                        while j < count, src[start + j * step] == DepthMap.noReading { j += 1 }
                        // Holes i..<j, bounded by i − 1 and j.
                        if i > 0, j < count {
                            let a = src[start + (i - 1) * step], b = src[start + j * step]
                            if DepthMap.isMeasured(a), DepthMap.isMeasured(b), abs(a - b) < DepthPersonDetector.step(min(a, b)),
                               Float(j - i) * max(a, b) / focal <= maxSpan {
                                for k in i..<j where out[start + k * step] == DepthMap.noReading {
                                    let t = Float(k - i + 1) / Float(j - i + 1)
                                    out[start + k * step] = a + (b - a) * t
                                }
                            }
                        }
                        i = j
                    }
                }
                for y in 0..<h { fill(start: y * w, step: 1, count: w, focal: fx) }
                for x in 0..<w { fill(start: x, step: w, count: h, focal: fy) }
            }
        }
        return DepthMap(width: w, height: h, metres: filled)
    }
}
