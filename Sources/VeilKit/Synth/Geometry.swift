import Foundation

/// A 3-vector in camera coordinates: x right, y down, z forward (metres).
public typealias Vec3 = SIMD3<Float>

@inline(__always) func dot(_ a: Vec3, _ b: Vec3) -> Float { (a * b).sum() }
@inline(__always) func length(_ a: Vec3) -> Float { dot(a, a).squareRoot() }
@inline(__always) func normalize(_ a: Vec3) -> Vec3 { a / max(length(a), 1e-12) }

/// A rotation about the vertical (y) axis by `yaw` radians; yaw 0 faces +z.
struct Yaw: Sendable {
    let cosine: Float
    let sine: Float

    init(_ angle: Float) {
        cosine = Foundation.cos(angle)
        sine = Foundation.sin(angle)
    }

    /// Local → camera.
    @inline(__always) func apply(_ v: Vec3) -> Vec3 {
        Vec3(cosine * v.x + sine * v.z, v.y, -sine * v.x + cosine * v.z)
    }

    /// Camera → local.
    @inline(__always) func invert(_ v: Vec3) -> Vec3 {
        Vec3(cosine * v.x - sine * v.z, v.y, sine * v.x + cosine * v.z)
    }
}

/// A closed shape a ray can hit, with where it is and how big.
enum Shape: Sendable {
    /// An ellipsoid with radii along its own axes, turned by `yaw`.
    case ellipsoid(centre: Vec3, radii: Vec3, yaw: Yaw)
    /// All points within `radius` of the segment a–b.
    case capsule(a: Vec3, b: Vec3, radius: Float)
    /// A box with half sizes along its own axes, turned by `yaw`.
    case box(centre: Vec3, half: Vec3, yaw: Yaw)

    /// A sphere around the whole shape, for screen bounds.
    var bounds: (centre: Vec3, radius: Float) {
        switch self {
        case .ellipsoid(let c, let r, _): (c, max(r.x, max(r.y, r.z)))
        case .capsule(let a, let b, let r): ((a + b) / 2, length(b - a) / 2 + r)
        case .box(let c, let h, _): (c, length(h))
        }
    }

    /// The nearest hit of the ray from the origin along unit direction `d`: distance along the ray and outward normal.
    @inline(__always) func intersect(_ d: Vec3) -> (t: Float, normal: Vec3)? {
        switch self {
        case .ellipsoid(let c, let r, let yaw):
            let o = yaw.invert(-c) / r
            let dl = yaw.invert(d) / r
            let a = dot(dl, dl), b = dot(o, dl), cc = dot(o, o) - 1
            let h = b * b - a * cc
            guard h >= 0 else { return nil }
            let t = (-b - h.squareRoot()) / a
            guard t > 0 else { return nil }
            let p = o + t * dl
            return (t, normalize(yaw.apply(p / r)))
        case .capsule(let pa, let pb, let radius):
            // Inigo Quilez's ray–capsule intersection, with the ray starting at the origin.
            let ba = pb - pa, oa = -pa
            let baba = dot(ba, ba), bard = dot(ba, d), baoa = dot(ba, oa), rdoa = dot(d, oa), oaoa = dot(oa, oa)
            let a = baba - bard * bard
            var b = baba * rdoa - baoa * bard
            var c = baba * oaoa - baoa * baoa - radius * radius * baba
            var h = b * b - a * c
            guard h >= 0 else { return nil }
            if a > 1e-9 {
                let t = (-b - h.squareRoot()) / a
                let y = baoa + t * bard
                if y > 0, y < baba {
                    guard t > 0 else { return nil }
                    let p = t * d
                    let axisPoint = pa + ba * (y / baba)
                    return (t, normalize(p - axisPoint))
                }
            }
            let centre = (baoa + (a > 1e-9 ? (-b - h.squareRoot()) / a : 0) * bard) <= 0 ? pa : pb
            let oc = -centre
            b = dot(d, oc)
            c = dot(oc, oc) - radius * radius
            h = b * b - c
            guard h > 0 else { return nil }
            let t = -b - h.squareRoot()
            guard t > 0 else { return nil }
            return (t, normalize(t * d - centre))
        case .box(let c, let half, let yaw):
            let o = yaw.invert(-c)
            let dl = yaw.invert(d)
            let inv = Vec3(1 / dl.x, 1 / dl.y, 1 / dl.z)
            let t1 = (-half - o) * inv, t2 = (half - o) * inv
            let tmin = pointwiseMin(t1, t2), tmax = pointwiseMax(t1, t2)
            let near = max(tmin.x, max(tmin.y, tmin.z)), far = min(tmax.x, min(tmax.y, tmax.z))
            guard near <= far, near > 0 else { return nil }
            var n = Vec3(0, 0, 0)
            if near == tmin.x { n.x = dl.x > 0 ? -1 : 1 } else if near == tmin.y { n.y = dl.y > 0 ? -1 : 1 } else { n.z = dl.z > 0 ? -1 : 1 }
            return (near, yaw.apply(n))
        }
    }
}

/// Cheap deterministic value noise from integer lattice coordinates.
@inline(__always) func hashNoise(_ x: Int32, _ y: Int32, _ seed: UInt32) -> Float {
    var h = UInt32(bitPattern: x) &* 0x27D4_EB2D ^ UInt32(bitPattern: y) &* 0x1656_67B1 ^ seed &* 0x9E37_79B9
    h = (h ^ (h >> 15)) &* 0x85EB_CA6B
    h = (h ^ (h >> 13)) &* 0xC2B2_AE35
    h ^= h >> 16
    return Float(h & 0xFFFF) / 65535
}
