import Foundation

/// The ground under the camera as a plane in camera coordinates: n·P + d = height above ground.
///
/// Fitted per frame by RANSAC over the lower half of the depth map, with the normal held within
/// 35° of the camera's up direction: a vehicle or XR camera is roughly upright, and facades (which
/// fit a plane just as well) are vertical. A fixed seed keeps it deterministic, so one frame always
/// gives the same masks however frames are chunked.
public struct GroundPlane: Sendable, Equatable {
    /// Unit normal pointing up (camera y points down, so mostly negative y).
    public var normal: SIMD3<Float>
    public var offset: Float

    /// Height above the ground of camera-space point `p`, metres.
    @inline(__always) public func height(_ p: SIMD3<Float>) -> Float { (normal * p).sum() + offset }

    /// How fast height grows with depth along a ray: its slope `x` across (x/z) and `y` down (y/z)
    /// add `riseAcross(x) + riseDown(y)`, and the point at depth `m` on it lies `height(along:at:)`
    /// above the ground. For a grid of rays, the two parts are worked out once a column and once a
    /// row rather than a whole dot product a pixel.
    @inline(__always) func riseAcross(x: Float) -> Float { normal.x * x }
    @inline(__always) func riseDown(y: Float) -> Float { normal.y * y + normal.z }
    @inline(__always) func height(along rise: Float, at m: Float) -> Float { m * rise + offset }

    /// Whether `p` lies on the plane: within 4 cm + 0.4% of its depth (a depth camera's error).
    @inline(__always) func fits(_ p: SIMD3<Float>) -> Bool { abs(height(p)) < 0.04 + 0.004 * p.z }

    /// Fits the ground to `depth`, or nil when too little of the frame is ground-like.
    public static func fit(depth: DepthMap, intrinsics k: Intrinsics) -> GroundPlane? {
        let (w, h) = (depth.width, depth.height)
        let fx = Float(k.fx), fy = Float(k.fy), cx = Float(k.cx), cy = Float(k.cy)
        // Sample the lower 55% of the frame on a sparse grid.
        var points: [SIMD3<Float>] = []
        let stepX = max(1, w / 64), stepY = max(1, h / 48)
        depth.metres.withUnsafeBufferPointer { z in
            var y = h * 45 / 100
            while y < h {
                var x = stepX / 2
                while x < w {
                    let m = z[y * w + x]
                    if m > 0, m < 80 { points.append(SIMD3((Float(x) - cx) * m / fx, (Float(y) - cy) * m / fy, m)) }
                    x += stepX
                }
                y += stepY
            }
        }
        guard points.count >= 30 else { return nil }
        var generator = SplitMix64(seed: 0x5EED)
        let minimum = max(20, points.count / 8)
        // What a ground found among the samples left over, or below another plane, needs at least.
        let enough = max(20, points.count / 12)
        guard var plane = ransac(points, generator: &generator, minimumScore: minimum) else { return nil }
        // A surface that reaches under a metre across and ahead is too small to be the ground: a
        // person's back or chest half a metre away fills the lower frame with more samples than the
        // road beside them, within 4 cm of a plane tilted 30° from level. A ground that does reach
        // among the other samples is taken instead (a desk gives way to the floor, as below). On six
        // recordings of people 0.4–5 m from a head-worn camera (`veil synth --min-distance 0.7–1`),
        // three frames had lost every head so: head recall 0.957 → 0.991, leaked 7.94% → 0.28%;
        // every other set's detections unchanged.
        if !plane.spans(points) {
            let rest = points.filter { !plane.fits($0) }
            if rest.count >= enough, let ground = ransac(rest, generator: &generator, minimumScore: enough, spanning: true) {
                plane = ground
            }
        }
        plane = refine(plane, points: points)
        // A level surface that ends within a few metres with another one well below it is a table
        // or a desk (indoors, from an XR headset or a handheld camera), not the ground: measured from
        // it, a seated person's head would be half a metre "tall". The lower surface is the floor
        // when enough of the frame shows it. A ground that runs on into the distance stays, unless
        // it lies under half a metre below the camera: the shoulders of people close by and things
        // as high farther off (a stereo camera's frame of people 0.7–3.8 m from a head-worn camera,
        // whose road beyond 5 m was too noisy to fit, lost every head so; six such recordings:
        // recall 0.966 → 0.997, leaked 7.13% → 0.24%; every other set unchanged).
        let farthest = points.lazy.filter { plane.fits($0) }.map(\.z).max() ?? 0
        if farthest < 4 || plane.offset < 0.5 {
            let below = points.filter { plane.height($0) < -0.4 }
            if below.count >= enough, let floor = ransac(below, generator: &generator, minimumScore: enough) {
                plane = refine(floor, points: below)
            }
        }
        return plane
    }

    /// The up-facing plane below the camera that the most `points` lie on, if at least
    /// `minimumScore` do.
    ///
    /// Random triples are drawn until one all on the best plane so far would have been drawn with
    /// 99% odds (at least 80 triples, at most 1000): a ground that only a quarter of the points lie
    /// on — people close by filling the lower frame, the road showing under and between them — is
    /// drawn in 80 triples only 70% of the time. With 80 always, 3 of 20 frames of people 2–5 m
    /// away had no ground, and without one the search measures heights from the camera, the road
    /// joins everything standing on it into one region, and its people are lost (on 12 such
    /// recordings: head recall 0.973 → 0.977, leaked head pixels 2.03% → 1.76%, false heads 230 →
    /// 197; every other recording unchanged). A fit takes 0.32–0.44 ms against 0.19–0.28 with 80,
    /// and at most about 1 ms (1000 triples, when nothing is ground).
    /// `spanning`: only planes whose samples reach a metre (`spans`).
    static func ransac(_ points: [SIMD3<Float>], generator: inout SplitMix64, minimumScore: Int, spanning: Bool = false) -> GroundPlane? {
        var best: GroundPlane? = nil
        var bestScore = 0
        let up = SIMD3<Float>(0, -1, 0)
        var triples = 1000
        var drawn = 0
        while drawn < triples {
            drawn += 1
            let a = points[Int(generator.next() % UInt64(points.count))]
            let b = points[Int(generator.next() % UInt64(points.count))]
            let c = points[Int(generator.next() % UInt64(points.count))]
            var n = cross(b - a, c - a)
            let length = (n * n).sum().squareRoot()
            guard length > 1e-6 else { continue }
            n /= length
            if (n * up).sum() < 0 { n = -n }
            guard (n * up).sum() > 0.82 else { continue }  // within ~35° of up
            let d = -(n * a).sum()
            guard d > 0.2 else { continue }  // the camera is above the plane
            let candidate = GroundPlane(normal: n, offset: d)
            let score = points.reduce(0) { $0 + (candidate.fits($1) ? 1 : 0) }
            if score > bestScore, !spanning || candidate.spans(points) {
                bestScore = score
                best = candidate
                let share = Double(score) / Double(points.count)
                let needed = log(0.01) / log(1 - share * share * share)
                triples = Int(needed.isFinite ? min(1000, max(80, needed.rounded(.up))) : 1000)
            }
        }
        return bestScore >= minimumScore ? best : nil
    }

    /// Whether the plane's samples among `points` reach `minimumExtent` across or ahead, from the
    /// tenth to the ninetieth percentile (a few stray samples far off on the plane do not make it
    /// reach).
    func spans(_ points: [SIMD3<Float>]) -> Bool {
        var across: [Float] = [], ahead: [Float] = []
        for p in points where fits(p) { across.append(p.x); ahead.append(p.z) }
        guard across.count >= 10 else { return false }
        func extent(_ values: inout [Float]) -> Float {
            Selection.kthSmallest(values.count * 9 / 10, in: &values) - Selection.kthSmallest(values.count / 10, in: &values)
        }
        return extent(&across) >= Self.minimumExtent || extent(&ahead) >= Self.minimumExtent
    }

    /// How far, metres, a ground's samples reach at the least, across or ahead.
    static let minimumExtent: Float = 1

    /// Least-squares refit of the plane to its inliers (three-point planes are noisy).
    static func refine(_ plane: GroundPlane, points: [SIMD3<Float>]) -> GroundPlane {
        var inliers: [SIMD3<Float>] = []
        for p in points where plane.fits(p) { inliers.append(p) }
        guard inliers.count >= 10 else { return plane }
        // Fit y = a·x + b·z + c (the ground is never vertical here), by normal equations.
        var sxx: Float = 0, sxz: Float = 0, szz: Float = 0, sx: Float = 0, sz: Float = 0
        var sxy: Float = 0, szy: Float = 0, sy: Float = 0
        let n = Float(inliers.count)
        for p in inliers {
            sxx += p.x * p.x; sxz += p.x * p.z; szz += p.z * p.z; sx += p.x; sz += p.z
            sxy += p.x * p.y; szy += p.z * p.y; sy += p.y
        }
        // Solve the 3×3 system by Cramer's rule.
        let m = [[sxx, sxz, sx], [sxz, szz, sz], [sx, sz, n]]
        let r = [sxy, szy, sy]
        func det(_ a: [[Float]]) -> Float {
            a[0][0] * (a[1][1] * a[2][2] - a[1][2] * a[2][1]) - a[0][1] * (a[1][0] * a[2][2] - a[1][2] * a[2][0])
                + a[0][2] * (a[1][0] * a[2][1] - a[1][1] * a[2][0])
        }
        let d0 = det(m)
        guard abs(d0) > 1e-9 else { return plane }
        var solution: [Float] = []
        for column in 0..<3 {
            var mc = m
            for row in 0..<3 { mc[row][column] = r[row] }
            solution.append(det(mc) / d0)
        }
        // y = a x + b z + c  →  a x − y + b z + c = 0; the upward normal has negative y.
        var normal = SIMD3<Float>(solution[0], -1, solution[1])
        var offset = solution[2]
        let length = (normal * normal).sum().squareRoot()
        normal /= length
        offset /= length
        if offset < 0 { normal = -normal; offset = -offset }
        return GroundPlane(normal: normal, offset: offset)
    }
}

@inline(__always) func cross(_ a: SIMD3<Float>, _ b: SIMD3<Float>) -> SIMD3<Float> {
    SIMD3(a.y * b.z - a.z * b.y, a.z * b.x - a.x * b.z, a.x * b.y - a.y * b.x)
}
