import Foundation

/// The appearance of one synthetic person: a face with distinct features, hair, skin, clothes and build.
///
/// It never changes across frames, so recognition can be measured: crops of one identity should
/// match each other far better than anyone else's.
public struct Identity: Sendable, Equatable {
    /// Linear RGB albedos in 0…1.
    public var skin: Vec3
    public var hair: Vec3
    public var iris: Vec3
    public var lips: Vec3
    public var shirt: Vec3
    public var trousers: Vec3
    public var shoes: Vec3
    /// 0 short, 1 long (to the shoulders), 2 receding/bald, 3 tall volume on top.
    public var hairStyle: Int
    /// Front hairline elevation (radians on the head sphere).
    public var hairline: Float
    /// Half the angle between the eyes, radians of azimuth.
    public var eyeSpacing: Float
    /// Eye elevation, radians.
    public var eyeHeight: Float
    /// Eye radius, radians.
    public var eyeSize: Float
    /// Brow gap above the eye, thickness and tilt, radians.
    public var browGap: Float
    public var browThickness: Float
    public var browTilt: Float
    /// Nose half length and half width, metres (for a head of average size).
    public var noseLength: Float
    public var noseWidth: Float
    /// Mouth elevation, half width (azimuth) and half height (elevation), radians.
    public var mouthHeight: Float
    public var mouthWidth: Float
    public var mouthOpen: Float
    /// Whether the person has a beard, and glasses.
    public var beard: Bool
    public var glasses: Bool
    /// Head width and length factors around an average head.
    public var headWidth: Float
    public var headLength: Float
    /// Body height in metres and width factor.
    public var height: Float
    public var build: Float
    /// Long sleeves cover the forearms.
    public var longSleeves: Bool

    /// Skin tones from light to dark (linear-ish RGB albedo).
    static let skinTones: [Vec3] = [
        Vec3(0.96, 0.80, 0.69), Vec3(0.92, 0.74, 0.60), Vec3(0.85, 0.64, 0.50), Vec3(0.76, 0.55, 0.40),
        Vec3(0.62, 0.43, 0.30), Vec3(0.50, 0.33, 0.22), Vec3(0.38, 0.25, 0.17), Vec3(0.28, 0.18, 0.12),
    ]
    static let hairColours: [Vec3] = [
        Vec3(0.08, 0.06, 0.05), Vec3(0.20, 0.13, 0.08), Vec3(0.38, 0.25, 0.14), Vec3(0.70, 0.55, 0.30),
        Vec3(0.55, 0.22, 0.10), Vec3(0.62, 0.62, 0.60), Vec3(0.90, 0.88, 0.80), Vec3(0.12, 0.10, 0.12),
    ]
    static let irisColours: [Vec3] = [Vec3(0.25, 0.15, 0.07), Vec3(0.20, 0.35, 0.55), Vec3(0.30, 0.40, 0.20), Vec3(0.10, 0.07, 0.05)]

    /// How the head is scaled against an adult of 1.75 m: with the body for adults; a child's head
    /// is large for their height (at 1.15 m about 0.19 m from crown to chin, against 0.22 m).
    var headScale: Float { height >= 1.5 ? height / 1.75 : powf(height / 1.75, 0.4) }

    /// A random identity.
    static func random(using g: inout SplitMix64) -> Identity {
        func pick<T>(_ items: [T]) -> T { items[Int(g.next() % UInt64(items.count))] }
        func colour() -> Vec3 { Vec3(g.float(0.05...0.95), g.float(0.05...0.95), g.float(0.05...0.95)) }
        let skin = pick(skinTones) * g.float(0.93...1.05)
        let style = Int(g.next() % 4)
        return Identity(
            skin: skin, hair: pick(hairColours), iris: pick(irisColours),
            lips: Vec3(skin.x * 0.85, skin.y * 0.55, skin.z * 0.55),
            shirt: colour(), trousers: colour() * 0.7, shoes: Vec3(repeating: g.float(0.05...0.5)),
            hairStyle: style, hairline: style == 2 ? g.float(0.95...1.2) : g.float(0.42...0.7),
            eyeSpacing: g.float(0.26...0.40), eyeHeight: g.float(0.02...0.16), eyeSize: g.float(0.065...0.10),
            browGap: g.float(0.09...0.16), browThickness: g.float(0.03...0.07), browTilt: g.float(-0.25...0.25),
            noseLength: g.float(0.016...0.026), noseWidth: g.float(0.010...0.017),
            mouthHeight: g.float(-0.42 ... -0.28), mouthWidth: g.float(0.20...0.34), mouthOpen: g.float(0.03...0.07),
            beard: g.unit() < 0.25, glasses: g.unit() < 0.2,
            headWidth: g.float(0.9...1.1), headLength: g.float(0.93...1.08),
            height: g.float(1.5...1.95), build: g.float(0.85...1.2), longSleeves: g.unit() < 0.5)
    }

    /// The face's albedo at a point on the unit head sphere (x right, y up, z forward of the face).
    func faceAlbedo(x: Float, y: Float, z: Float) -> Vec3 {
        let azimuth = atan2f(x, z)
        let elevation = asinf(max(-1, min(1, y)))
        let absAz = abs(azimuth)
        // Hair: above a hairline that falls from the forehead toward the back of the head.
        let back: Float = hairStyle == 1 ? -1.0 : (hairStyle == 2 ? 0.2 : -0.35)
        let fall = powf(min(1, absAz / Float.pi), 1.4)
        let line = hairline + (back - hairline) * fall
        if elevation > line + (hairStyle == 3 ? -0.05 : 0) {
            let strand = 0.9 + 0.1 * sinf(azimuth * 40 + elevation * 8)
            return hair * strand
        }
        var albedo = skin
        // Ears: a darker patch at the sides.
        if absAz > 1.35, absAz < 1.75, elevation > eyeHeight - 0.25, elevation < eyeHeight + 0.1 { albedo *= 0.85 }
        guard absAz < 1.3 else { return albedo }
        // Eyes, each with sclera, iris and pupil.
        for side: Float in [-1, 1] {
            let ex = (azimuth - side * eyeSpacing) / (eyeSize * 1.45), ey = (elevation - eyeHeight) / eyeSize
            let r2 = ex * ex + ey * ey
            if r2 < 1 {
                let ir = (azimuth - side * eyeSpacing) * (azimuth - side * eyeSpacing) + (elevation - eyeHeight) * (elevation - eyeHeight)
                if ir < (eyeSize * 0.3) * (eyeSize * 0.3) { return Vec3(0.02, 0.02, 0.02) }
                if ir < (eyeSize * 0.72) * (eyeSize * 0.72) { return iris }
                return Vec3(0.88, 0.87, 0.84)
            }
            if glasses, r2 < 2.1, r2 > 1.6 { return Vec3(0.05, 0.05, 0.06) }
            // Brow: a band above the eye, tilted.
            let bx = azimuth - side * eyeSpacing
            if abs(bx) < eyeSize * 1.7 {
                let by = elevation - (eyeHeight + browGap + side * bx * browTilt)
                if by > 0, by < browThickness { return hair * 0.8 + skin * 0.1 }
            }
        }
        if glasses, abs(azimuth) < eyeSpacing - eyeSize * 1.3, abs(elevation - eyeHeight) < 0.015 { return Vec3(0.05, 0.05, 0.06) }
        // Mouth: lips with a dark line between them.
        let mx = azimuth / mouthWidth, my = (elevation - mouthHeight) / (mouthOpen + 0.03)
        if mx * mx + my * my < 1 {
            return abs(elevation - mouthHeight) < mouthOpen * 0.35 ? Vec3(0.18, 0.06, 0.06) : lips
        }
        // Beard over the chin and jaw.
        if beard, elevation < mouthHeight + 0.08, absAz < 1.1 { return hair * 0.85 + skin * 0.1 }
        // Cheeks: slightly warmer.
        let cx = (absAz - 0.55) / 0.25, cy = (elevation - (eyeHeight - 0.25)) / 0.15
        if cx * cx + cy * cy < 1 { albedo *= Vec3(1.03, 0.95, 0.95) }
        return albedo
    }
}
