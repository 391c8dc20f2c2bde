import Foundation

/// How a surface is coloured where a ray hits it.
enum Material: Sendable {
    /// One albedo.
    case flat(Vec3)
    /// A person's face, painted from the identity on the head sphere.
    case face(identity: Int, centre: Vec3, radii: Vec3, yaw: Yaw)
}

/// One shape of one object, as the renderer draws it.
struct Primitive: Sendable {
    var shape: Shape
    /// Index of the owning object in the frame's object list.
    var owner: Int
    var material: Material
    /// Part of a person's head (skull, face, nose, hair): what anonymization must cover.
    var isHead: Bool = false
}

/// Where the camera is: it rides a vehicle along the street (world x right, y up, z forward).
struct CameraPose: Sendable {
    var x: Float
    var height: Float
    var z: Float
    /// Cosine and sine of how far the camera looks down (pitch) and how far it is turned about its
    /// optical axis, clockwise as seen from behind it (roll; the horizon then runs down to the left
    /// in the image). Worked out once: the renderer turns every pixel's ray with them. The scene is
    /// built and intersected in the level camera's coordinates; `toLevel` turns the tilted
    /// camera's rays into them.
    let pitch: (cos: Float, sin: Float)
    let roll: (cos: Float, sin: Float)

    /// A camera at (`x`, `height`, `z`), looking `pitch` radians down and turned `roll` radians.
    init(x: Float, height: Float, z: Float, pitch: Float = 0, roll: Float = 0) {
        self.x = x; self.height = height; self.z = z
        self.pitch = (cosf(pitch), sinf(pitch))
        self.roll = (cosf(roll), sinf(roll))
    }

    /// A direction in the tilted camera's coordinates → the level camera's: unroll, then unpitch.
    @inline(__always) func toLevel(_ d: Vec3) -> Vec3 {
        let (cr, sr) = roll
        let u = Vec3(d.x * cr - d.y * sr, d.x * sr + d.y * cr, d.z)
        let (c, s) = pitch
        return Vec3(u.x, u.y * c + u.z * s, u.z * c - u.y * s)
    }

    /// A point in the level camera's coordinates → the tilted camera's.
    @inline(__always) func fromLevel(_ p: Vec3) -> Vec3 {
        let (c, s) = pitch
        let u = Vec3(p.x, p.y * c - p.z * s, p.y * s + p.z * c)
        let (cr, sr) = roll
        return Vec3(u.x * cr + u.y * sr, u.y * cr - u.x * sr, u.z)
    }

    /// World point → camera coordinates (x right, y down, z forward).
    @inline(__always) func toCamera(_ x: Float, _ y: Float, _ z: Float) -> Vec3 {
        Vec3(x - self.x, height - y, z - self.z)
    }
}

/// A synthetic person: identity, where they start, how they move.
struct SynthPerson: Sendable {
    /// Instance id (also the identity number written to ground truth).
    var id: Int
    var identity: Identity
    var identityIndex: Int
    var startX: Float
    var startZ: Float
    /// Facing and walking direction: 0 walks away from the camera along +z, π toward it.
    var yaw: Float
    /// Walking speed in m/s; 0 stands.
    var speed: Float
    var phase: Float
    /// A slight head turn relative to the body, radians.
    var headTurn: Float
    /// Seated (on a seat 0.43–0.5 m high, thighs level, shins down, forearms forward as on a desk)
    /// rather than standing or walking; a seated person does not walk.
    var seated = false

    func position(at time: Float) -> (x: Float, z: Float) {
        (startX + sinf(yaw) * speed * time, startZ + cosf(yaw) * speed * time)
    }

    /// The body's shapes at `time`, seen from `camera`.
    func primitives(at time: Float, camera: CameraPose, owner: Int) -> [Primitive] {
        let id = identity
        let s = id.height / 1.75, b = id.build
        let (px, pz) = position(at: time)
        let walking = speed > 0 && !seated
        let travelled = walking ? speed * time : 0
        let phi = phase + 2 * Float.pi * travelled / (1.45 * s)
        // Joint angles in the body's sagittal plane (radians, positive swings forward).
        let swing: Float = walking ? 0.42 : 0
        var thigh = [swing * sinf(phi), -swing * sinf(phi)]
        var knee = walking ? [0.12 + 0.5 * max(0, -cosf(phi)), 0.12 + 0.5 * max(0, cosf(phi))] : [0.03, 0.03]
        var arm = walking ? [-0.35 * sinf(phi), 0.35 * sinf(phi)] : [0.06, 0.06]
        var elbow: [Float] = walking ? [0.3, 0.3] : [0.15, 0.15]
        if seated { (thigh, knee, arm, elbow) = ([.pi / 2, .pi / 2], [.pi / 2, .pi / 2], [0.25, 0.25], [1.1, 1.1]) }

        func direction(_ angle: Float, outward: Float = 0) -> Vec3 { Vec3(outward, -cosf(angle), sinf(angle)) }
        let hipY = 0.93 * s
        var ankles: [Vec3] = [], knees: [Vec3] = []
        for side in 0..<2 {
            let hip = Vec3((side == 0 ? -1 : 1) * 0.09 * s * b, hipY, 0)
            let k = hip + direction(thigh[side]) * 0.43 * s
            knees.append(k)
            ankles.append(k + direction(thigh[side] - knee[side]) * 0.42 * s)
        }
        // Lower the body so the standing foot touches the ground: walkers bob as people do.
        let drop = min(ankles[0].y, ankles[1].y) - 0.075 * s
        let body = Yaw(yaw), head = Yaw(yaw + headTurn)
        let toCam = { (p: Vec3) -> Vec3 in
            let local = Vec3(p.x, -(p.y - drop), p.z)
            return body.apply(local) + camera.toCamera(px, 0, pz)
        }
        let headToCam = { (p: Vec3) -> Vec3 in
            let local = Vec3(p.x, -(p.y - drop), p.z)
            return head.apply(local) + camera.toCamera(px, 0, pz)
        }
        var parts: [Primitive] = []
        func capsule(_ a: Vec3, _ c: Vec3, _ r: Float, _ colour: Vec3) {
            parts.append(Primitive(shape: .capsule(a: toCam(a), b: toCam(c), radius: r), owner: owner, material: .flat(colour)))
        }
        func ellipsoid(_ c: Vec3, _ r: Vec3, _ colour: Vec3) {
            parts.append(Primitive(shape: .ellipsoid(centre: toCam(c), radii: r, yaw: body), owner: owner, material: .flat(colour)))
        }
        // Legs and feet.
        for side in 0..<2 {
            let hip = Vec3((side == 0 ? -1 : 1) * 0.09 * s * b, hipY, 0)
            capsule(hip, knees[side], 0.075 * s * b, id.trousers)
            capsule(knees[side], ankles[side], 0.055 * s, id.trousers)
            capsule(ankles[side] + Vec3(0, -0.03 * s, -0.03 * s), ankles[side] + Vec3(0, -0.04 * s, 0.14 * s), 0.04 * s, id.shoes)
        }
        // Pelvis, torso, neck.
        ellipsoid(Vec3(0, 0.97 * s, 0), Vec3(0.17 * s * b, 0.11 * s, 0.11 * s * b), id.trousers)
        ellipsoid(Vec3(0, 1.22 * s, 0), Vec3(0.18 * s * b, 0.27 * s, 0.115 * s * b), id.shirt)
        capsule(Vec3(0, 1.42 * s, 0), Vec3(0, 1.56 * s, 0.005 * s), 0.052 * s, id.skin * 0.92)
        // Arms and hands.
        for side in 0..<2 {
            let sign: Float = side == 0 ? -1 : 1
            let shoulder = Vec3(sign * 0.19 * s * b, 1.42 * s, 0)
            let elbowPoint = shoulder + direction(arm[side], outward: sign * 0.1) * 0.29 * s
            let wrist = elbowPoint + direction(arm[side] + elbow[side], outward: sign * 0.05) * 0.26 * s
            capsule(shoulder, elbowPoint, 0.048 * s * b, id.shirt)
            capsule(elbowPoint, wrist, 0.038 * s, id.longSleeves ? id.shirt : id.skin)
            capsule(wrist, wrist + direction(arm[side] + elbow[side]) * 0.06 * s, 0.042 * s, id.skin)
        }
        // Head: skull with the painted face, nose, and hair volume by style.
        let hs = id.headScale
        let radii = Vec3(0.078 * id.headWidth, 0.112, 0.095 * id.headLength) * hs
        let headCentreLocal = Vec3(0, id.height - radii.y, 0.01 * hs)
        let headCentre = headToCam(headCentreLocal)
        parts.append(Primitive(shape: .ellipsoid(centre: headCentre, radii: radii, yaw: head), owner: owner,
                               material: .face(identity: identityIndex, centre: headCentre, radii: radii, yaw: head), isHead: true))
        let noseElevation = (id.eyeHeight + id.mouthHeight) / 2 + 0.02
        let noseLocal = headCentreLocal + Vec3(0, radii.y * sinf(noseElevation), radii.z * cosf(noseElevation) * 0.97)
        parts.append(Primitive(shape: .ellipsoid(centre: headToCam(noseLocal), radii: Vec3(id.noseWidth, id.noseLength, id.noseLength * 0.85) * hs, yaw: head),
                               owner: owner, material: .flat(id.skin * 0.96), isHead: true))
        switch id.hairStyle {
        case 1:
            parts.append(Primitive(shape: .capsule(a: headToCam(headCentreLocal + Vec3(0, 0.02 * hs, -0.045 * hs)),
                                                   b: headToCam(headCentreLocal + Vec3(0, -0.15 * hs, -0.06 * hs)), radius: 0.072 * hs),
                                   owner: owner, material: .flat(id.hair), isHead: true))
        case 3:
            parts.append(Primitive(shape: .ellipsoid(centre: headToCam(headCentreLocal + Vec3(0, radii.y * 0.62, -0.012 * hs)),
                                                     radii: Vec3(radii.x * 0.95, 0.06 * hs, radii.z * 0.92), yaw: head),
                                   owner: owner, material: .flat(id.hair), isHead: true))
        default: break
        }
        return parts
    }
}

/// Hard negatives and street furniture: things a depth-based person finder could mistake for people.
enum PropKind: String, Sendable, CaseIterable {
    case pole, signpost, bin, hydrant, tree, personBox, car, bush
}

/// A static object in the world.
struct Prop: Sendable {
    var kind: PropKind
    var x: Float
    var z: Float
    var yaw: Float
    var size: Vec3
    var colour: Vec3
    /// A car whose windows CARLA's depth and segmentation cameras look through (they see the first
    /// opaque surface along a ray): its cabin is a roof on four pillars. Parked cars in `veil synth`
    /// recordings keep a solid cabin.
    var seeThroughGlass = false
    /// Where a bush's leaf clumps lie (a seed of their own, so that each frame shows the same bush).
    var seed: UInt64 = 0

    var semanticClass: SemanticClass {
        switch kind {
        case .pole: .pole
        case .signpost: .trafficSign
        case .bin, .hydrant, .personBox: .staticObject
        case .tree, .bush: .vegetation
        case .car: .car
        }
    }

    /// Leaf clumps in a bush.
    static let bushClumps = 150

    /// The prop's shapes seen from `camera`.
    func primitives(camera: CameraPose, owner: Int) -> [Primitive] {
        let base = camera.toCamera(x, 0, z)
        let turn = Yaw(yaw)
        func at(_ p: Vec3) -> Vec3 { base + turn.apply(Vec3(p.x, -p.y, p.z)) }
        func prim(_ shape: Shape, _ colour: Vec3) -> Primitive { Primitive(shape: shape, owner: owner, material: .flat(colour)) }
        switch kind {
        case .pole:
            return [prim(.capsule(a: at(Vec3(0, 0, 0)), b: at(Vec3(0, size.y, 0)), radius: size.x / 2), colour)]
        case .signpost:
            return [prim(.capsule(a: at(Vec3(0, 0, 0)), b: at(Vec3(0, size.y, 0)), radius: 0.04), Vec3(0.5, 0.5, 0.52)),
                    prim(.box(centre: at(Vec3(0, size.y - 0.3, 0.05)), half: Vec3(size.x / 2, 0.3, 0.02), yaw: turn), colour)]
        case .bin, .personBox:
            return [prim(.box(centre: at(Vec3(0, size.y / 2, 0)), half: size / 2, yaw: turn), colour)]
        case .hydrant:
            return [prim(.capsule(a: at(Vec3(0, size.x / 2, 0)), b: at(Vec3(0, size.y - size.x / 2, 0)), radius: size.x / 2), colour),
                    prim(.capsule(a: at(Vec3(-size.x * 0.8, size.y * 0.6, 0)), b: at(Vec3(size.x * 0.8, size.y * 0.6, 0)), radius: size.x / 4), colour * 0.8)]
        case .tree:
            return [prim(.capsule(a: at(Vec3(0, 0, 0)), b: at(Vec3(0, size.y, 0)), radius: size.x / 2), Vec3(0.30, 0.22, 0.15)),
                    prim(.ellipsoid(centre: at(Vec3(0, size.y + 1.2, 0)), radii: Vec3(1.8, 1.5, 1.8), yaw: turn), colour)]
        case .bush:
            // A planter 0.5 m high under foliage of leaf clumps 12–20 cm across, scattered through an
            // ellipsoid up to the bush's height: the gaps between them show what lies behind, as
            // CARLA's depth camera shows it between the leaves of its plants (their leaves are
            // masked cut-outs, not surfaces).
            var parts = [prim(.box(centre: at(Vec3(0, 0.25, 0)), half: Vec3(size.x / 2, 0.25, size.z / 2), yaw: turn), Vec3(0.45, 0.3, 0.2))]
            let centre = Vec3(0, (0.45 + size.y) / 2, 0), radii = Vec3(size.x / 2, (size.y - 0.45) / 2, size.z / 2)
            var g = SplitMix64(seed: seed)
            while parts.count < 1 + Self.bushClumps {
                let p = Vec3(g.float(-1...1), g.float(-1...1), g.float(-1...1))
                guard p.x * p.x + p.y * p.y + p.z * p.z <= 1 else { continue }
                let r = g.float(0.06...0.1)
                parts.append(prim(.ellipsoid(centre: at(centre + Vec3(p.x * radii.x, p.y * radii.y, p.z * radii.z)), radii: Vec3(r, r * 0.8, r), yaw: turn),
                                  colour * g.float(0.8...1.15)))
            }
            return parts
        case .car:
            let body = Vec3(size.x / 2, size.y * 0.3, size.z / 2)
            var parts = [prim(.box(centre: at(Vec3(0, 0.3 + body.y, 0)), half: body, yaw: turn), colour)]
            let cabin = Vec3(0, 0.3 + body.y * 2 + size.y * 0.2, -size.z * 0.05)
            let cabinHalf = Vec3(size.x * 0.44, size.y * 0.2, size.z * 0.28)
            let glass = Vec3(0.12, 0.15, 0.2)
            if seeThroughGlass {
                // A roof 6 cm thick on four pillars 8 cm across, the front and back ones slanting
                // 0.5 m out from the roof to the body, as a windscreen and a rear window do.
                parts.append(prim(.box(centre: at(cabin + Vec3(0, cabinHalf.y - 0.03, 0)), half: Vec3(cabinHalf.x, 0.03, cabinHalf.z),
                                       yaw: turn), glass))
                for (side, end) in [(-1, -1), (1, -1), (-1, 1), (1, 1)] as [(Float, Float)] {
                    let top = cabin + Vec3(side * cabinHalf.x, cabinHalf.y, end * cabinHalf.z)
                    let foot = cabin + Vec3(side * cabinHalf.x, -cabinHalf.y, end * (cabinHalf.z + 0.5))
                    parts.append(prim(.capsule(a: at(foot), b: at(top), radius: 0.04), glass))
                }
            } else {
                parts.append(prim(.box(centre: at(cabin), half: cabinHalf, yaw: turn), glass))
            }
            for (wx, wz) in [(-1, -1), (1, -1), (-1, 1), (1, 1)] as [(Float, Float)] {
                let c = Vec3(wx * size.x * 0.42, 0.32, wz * size.z * 0.33)
                parts.append(prim(.capsule(a: at(c - Vec3(0.1, 0, 0)), b: at(c + Vec3(0.1, 0, 0)), radius: 0.32), Vec3(0.05, 0.05, 0.05)))
            }
            return parts
        }
    }
}
