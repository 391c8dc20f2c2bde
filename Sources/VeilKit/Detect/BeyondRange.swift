import COpenCVShims
import Foundation

/// What to do where a real depth camera gives no reading in the rows where a person standing past
/// its range would have their head: such a person has no depth, so the depth search cannot find
/// them, and their face would be written in the clear.
public enum BeyondRangePolicy: String, Sendable, CaseIterable, Codable {
    /// Anonymize every stretch without depth (large enough to hold a head) in those rows.
    case cover
    /// Leave it: only heads the depth search finds are anonymized.
    case leave

    /// What the command-line option says.
    public static let optionHelp = "Where a real depth camera gives no reading in the rows where the head of someone standing past its range would be: cover (anonymize it; the default) or leave."
}

/// The part of a frame, seen by a real depth camera, where the head of a person standing beyond
/// the camera's range could be: pixels without a reading (a hole or beyond range) in the band of
/// rows that a head 0.65–2.3 m above the ground, `range` metres away or farther, projects to (and
/// readings in the last fifth of the range beside such pixels, where the depth search is unreliable).
///
/// The band comes from the frame's ground plane: along a pixel's ray the height above the ground
/// is `offset + Z·rise` at depth Z, so a head height H is reached beyond the range where
/// `rise` lies between `(H − offset)/range` and 0 (at the horizon, `rise` = 0, the ray keeps the
/// camera's height however far it goes). Stretches without a reading there that are too small to
/// hold a head (a stereo camera's scattered holes) are left alone; the rest is covered, grown by a
/// margin. Without a ground plane, every large enough stretch without a reading is covered.
public struct BeyondRangeCover: Sendable {
    /// Heights above the ground a head reaches: the lowest head bottom (a child's head top 0.95 m,
    /// less a head) to the tallest head top the depth search takes.
    public var lowestHead: Float = 0.65
    public var highestHead: Float = 2.3
    /// The least pixels and rows a stretch without a reading spans to be covered: more than the
    /// scattered pixels a camera loses at random, as little as the holes dark hair leaves in a head
    /// at the range's edge (`WallAtTheRangesEdgeTests`; 16 px over 4 rows missed them).
    public var minimumPixels = 6
    public var minimumRows = 2
    /// Pixels the cover grows by into readings around it (a far head's outline gets readings of
    /// the background mixed in, or stray near ones).
    public var margin = 2
    /// Readings this far into the range or farther count as none: there a stereo camera's noise
    /// (2 mm + 1.5 mm·Z²: 10–15 cm at 8–10 m) breaks a head's outline up, and the depth search
    /// missed heads 8.0–9.3 m away, each 12–91% covered by the stretches without a reading around
    /// it. The benchmark set as a stereo camera's: recall 0.984 → 1.000, leaked 0.20% → 0.01%, the
    /// cover 7.8% larger (0.9: 0.992, 0.13%). Only within the band: without a ground plane, not.
    public var nearRangeFraction: Float = 0.8
    /// The percentile of a frame's readings taken as its camera's range when none is given: lower
    /// than the farthest reading, so that a few stray far readings do not narrow the band.
    public var rangePercentile: Float = 0.99

    /// A head's largest size, metres: the cover's tiles span three heads just past the range.
    public var largestHead: Float = 0.25

    public init() {}

    /// The side, pixels, of the squares the cover is anonymized in
    /// (`HeadAnonymizer.blobs(mask:width:height:coverTile:)`): three heads as large as one just past
    /// `range` (16–96 px). Each square takes the ensemble's noise and warp as a head of its size and
    /// is resampled to `strength` blocks (`HeadAnonymizer.anonymizeCover`), so a face in it ends as
    /// two or three blocks. (Anonymized square by square at full size, squares of two heads had taken
    /// 35 ms a frame on a 1280×720 street as a stereo camera gives it, of three 19.5 ms.)
    public func tile(range: Float, fy: Float) -> Int {
        min(96, max(16, Int((3 * largestHead * fy / range).rounded(.up))))
    }

    /// The camera's range for `depth`: `given`, else the `rangePercentile` of the readings on a
    /// sparse grid (nil without readings).
    public func range(of depth: DepthMap, given: Float?) -> Float? {
        if let given { return given }
        var samples: [Float] = []
        samples.reserveCapacity(depth.metres.count / 16 + 1)
        depth.metres.withUnsafeBufferPointer { z in
            var y = 0
            while y < depth.height {
                var i = y * depth.width
                let end = i + depth.width
                while i < end {
                    if DepthMap.isMeasured(z[i]) { samples.append(z[i]) }
                    i += 4
                }
                y += 4
            }
        }
        guard !samples.isEmpty else { return nil }
        let k = min(samples.count - 1, Int(Float(samples.count - 1) * rangePercentile))
        return Selection.kthSmallest(k, in: &samples)
    }

    /// Marks `mask` (a frame's head mask) `HeadMasker.beyondRange` where a head beyond `range`
    /// could be unseen by the depth and the mask is not set already; returns how many pixels it marked.
    public func mark(_ mask: inout [UInt8], depth: DepthMap, intrinsics k: Intrinsics, ground: GroundPlane?, range: Float,
                     extraMargin: Int = 0) throws -> Int {
        let (w, h) = (depth.width, depth.height)
        precondition(mask.count == w * h, "a mask of the frame's size")
        let fx = Float(k.fx), fy = Float(k.fy), cx = Float(k.cx), cy = Float(k.cy)
        // The band of rises: heights `lowestHead`…`highestHead` at depths `range`…∞. Along row y the
        // rise is `a·x + b`, so the band is an interval of columns a row.
        var low: Float = -.infinity, high: Float = .infinity
        if let ground {
            low = min((lowestHead - ground.offset) / range, 0)
            high = max((highestHead - ground.offset) / range, 0)
        }
        let columns: [ClosedRange<Int>?] = (0..<h).map { y in
            guard let ground else { return 0...(w - 1) }
            let a = ground.riseAcross(x: 1 / fx)
            let b = ground.riseDown(y: (Float(y) - cy) / fy) - a * cx
            if abs(a) < 1e-9 { return b >= low && b <= high ? 0...(w - 1) : nil }
            // (Clamped before the conversion: a nearly level row's interval runs far off the frame.)
            let (u, v) = (min(max((low - b) / a, -1), Float(w)), min(max((high - b) / a, -1), Float(w)))
            guard !u.isNaN, !v.isNaN else { return 0...(w - 1) }
            let from = max(0, Int(min(u, v).rounded(.up))), to = min(w - 1, Int(max(u, v).rounded(.down)))
            return from <= to ? from...to : nil
        }
        guard let first = columns.firstIndex(where: { $0 != nil }), let last = columns.lastIndex(where: { $0 != nil }) else { return 0 }
        // Only the band's rows and the margin around them are worked on.
        let radius = margin + extraMargin
        let (top, bottom) = (max(0, first - radius), min(h - 1, last + radius))
        let rows = bottom - top + 1
        var candidates = [UInt8](repeating: 0, count: w * rows)
        // Without a ground the band is the whole frame: the last fifth of the range would be the
        // background behind everyone (a wall 3 m behind someone 1 m from a head-worn camera).
        let near = ground == nil ? Float.infinity : nearRangeFraction * range
        // Stretches without a reading (1), and readings in the last fifth of the range (2).
        // (Branch-free: a real camera's holes come and go pixel by pixel.)
        var (any, nearAny): (UInt8, UInt8) = (0, 0)
        depth.metres.withUnsafeBufferPointer { z in
            candidates.withUnsafeMutableBufferPointer { c in
                for y in first...last {
                    guard let span = columns[y] else { continue }
                    let (o, d) = (y * w, (y - top) * w)
                    for x in span {
                        let m = z[o + x]
                        let missing: UInt8 = m > 0 && m.isFinite ? 0 : 1
                        let isNear: UInt8 = m >= near ? 2 &- 2 &* missing : 0
                        c[d + x] = missing | isNear
                        any |= missing
                        nearAny |= isNear
                    }
                }
            }
        }
        guard any != 0 else { return 0 }
        // (The loops over the band's pixels below are written branch-free over raw buffers, which the
        // compiler vectorizes: `map` and conditional loops were three quarters of this function.)
        var far = candidates
        if nearAny != 0 { far.withUnsafeMutableBufferPointer { f in for i in 0..<f.count { f[i] &= 1 } } }  // 0, 1, 2 → 0, 1, 0
        var kept: Int32 = 0
        try far.withUnsafeMutableBufferPointer { c in
            let view = COpenCVShims_Image8(pixels: c.baseAddress!, width: Int32(w), height: Int32(rows), channels: 1, stride: w)
            try ImageOps.check { COpenCVShims_keepLargeComponents(view, Int32(minimumPixels), Int32(minimumRows), &kept, $0, $1) }
        }
        guard kept > 0 else { return 0 }
        if nearAny != 0 {
            // Readings in the last fifth of the range count only within a far head's size of a
            // stretch without one: a head there broken up by noise has some of it past the range.
            // Elsewhere the last fifth is only the far end of what the camera sees (a room's far
            // wall, when the frame's readings set the range).
            let reach = HeadMasker.dilate(far, width: w, height: rows, by: Int((largestHead * fy / range).rounded(.up)))
            far.withUnsafeMutableBufferPointer { f in
                candidates.withUnsafeBufferPointer { c in
                    reach.withUnsafeBufferPointer { r in
                        for i in 0..<f.count { f[i] |= (c[i] >> 1) & (r[i] != 0 ? 1 : 0) }
                    }
                }
            }
        }
        let grown = HeadMasker.dilate(far, width: w, height: rows, by: radius)
        var count = 0
        mask.withUnsafeMutableBufferPointer { m in
            grown.withUnsafeBufferPointer { g in
                let band = UnsafeMutableBufferPointer(rebasing: m[(top * w)..<(top * w + g.count)])
                for i in 0..<g.count {
                    let marks = g[i] != 0 && band[i] == 0
                    band[i] = marks ? HeadMasker.beyondRange : band[i]
                    count &+= marks ? 1 : 0
                }
            }
        }
        return count
    }
}
