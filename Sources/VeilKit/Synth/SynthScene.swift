import Foundation

/// A street scene seen from a camera on a moving vehicle, with people and hard negatives in it.
///
/// Everything is drawn from the seed: the same options give the same scene, frame for frame.
public struct SynthScene: Sendable {
    public let options: SynthOptions
    public let intrinsics: Intrinsics
    /// Frame numbers, with the gaps a real recording has (dropped server ticks).
    public let frameNumbers: [Int]
    let roadHalfWidth: Float
    let sidewalkWidth: Float
    /// How far from the street's middle people walk: the sidewalks' outer edge, 0.4 m short of the
    /// facades (a body is 0.3–0.5 m across).
    let walkableHalfWidth: Float
    let speed: Float
    /// Everyone in the scene, as at the first frame (tests move one to a known place).
    var people: [SynthPerson]
    let props: [Prop]
    let textureSeed: UInt32
    /// Objects wrap around the camera between these distances, so long recordings stay populated.
    static let nearWrap: Float = 1.6
    static let farWrap: Float = 46
    /// Where people wrap round from the near end: as props do, or nearer where they start nearer.
    var peopleNearWrap: Float { min(Self.nearWrap, options.minDistance - 0.4) }

    /// The simulator tick: CARLA's synchronous mode at 20 Hz.
    public static let frameInterval: Float = 0.05

    public init(options: SynthOptions) {
        self.options = options
        intrinsics = Intrinsics(fov: options.fov, width: options.width, height: options.height)
        var g = SplitMix64(seed: options.seed &* 0x2545_F491_4F6C_DD1D &+ 17)
        roadHalfWidth = g.float(3.5...5.0)
        sidewalkWidth = g.float(3.0...4.5)
        walkableHalfWidth = roadHalfWidth + sidewalkWidth - 0.4
        speed = options.speed ?? g.float(0...4)
        textureSeed = UInt32(truncatingIfNeeded: g.next())
        var number = 1000 + Int(g.next() % 90_000)
        var numbers: [Int] = []
        for _ in 0..<options.frames {
            numbers.append(number)
            number += g.unit() < 0.1 ? Int(2 + g.next() % 3) : 1
        }
        frameNumbers = numbers

        let halfFOV = Float(tan(options.fov * .pi / 360))
        let walkable = walkableHalfWidth
        // Parked cars along both kerbs.
        var props: [Prop] = []
        for i in 0..<options.cars {
            let side: Float = i % 2 == 0 ? 1 : -1
            let colour = Vec3(g.float(0.1...0.9), g.float(0.1...0.9), g.float(0.1...0.9))
            props.append(Prop(kind: .car, x: side * (roadHalfWidth - 1.1), z: g.float(5...42), yaw: g.unit() < 0.5 ? 0 : .pi,
                              size: Vec3(1.85, 1.45, 4.4), colour: colour, seeThroughGlass: options.seeThroughGlass))
        }
        // Hard negatives on the sidewalks, near the kerb where people walk too.
        let negativeKinds: [PropKind] = [.pole, .signpost, .bin, .hydrant, .tree, .personBox]
        for i in 0..<options.negatives {
            let kind = negativeKinds[i % negativeKinds.count]
            let side: Float = g.unit() < 0.5 ? 1 : -1
            let z = g.float(3...38)
            let x = side * min(walkable, max(roadHalfWidth + 0.4, g.float(0.3...1.3) + roadHalfWidth))
            let size: Vec3
            var colour = Vec3(g.float(0.2...0.7), g.float(0.2...0.7), g.float(0.2...0.7))
            switch kind {
            case .pole: size = Vec3(g.float(0.1...0.25), g.float(3.5...7), 0)
            case .signpost: size = Vec3(g.float(0.5...0.8), g.float(2.2...3.0), 0)
            case .bin: size = Vec3(g.float(0.5...0.7), g.float(0.9...1.15), g.float(0.5...0.7))
            case .hydrant: size = Vec3(g.float(0.25...0.35), g.float(0.6...0.85), 0); colour = Vec3(0.75, 0.12, 0.1)
            case .tree: size = Vec3(g.float(0.2...0.45), g.float(2.5...4), 0); colour = Vec3(0.2, g.float(0.35...0.5), 0.15)
            case .personBox: size = Vec3(g.float(0.45...0.6), g.float(1.6...1.9), g.float(0.3...0.5))
            case .car, .bush: size = Vec3(1.85, 1.45, 4.4)  // cars and bushes are placed apart, never as negatives
            }
            props.append(Prop(kind: kind, x: x, z: z, yaw: g.float(-0.4...0.4), size: size, colour: colour))
        }
        // Bushes come from a generator of their own, so that the rest of a seed's recording stays
        // as it was without them.
        var b = SplitMix64(seed: options.seed &* 0x9E37_79B9_7F4A_7C15 &+ 29)
        for _ in 0..<options.bushes {
            let side: Float = b.unit() < 0.5 ? 1 : -1
            let size = Vec3(b.float(0.8...1.4), b.float(1.1...1.8), b.float(0.6...1.0))
            props.append(Prop(kind: .bush, x: side * b.float((roadHalfWidth + 0.6)...(roadHalfWidth + sidewalkWidth - 0.6)), z: b.float(3...40),
                              yaw: b.float(-0.4...0.4), size: size, colour: Vec3(0.18, b.float(0.35...0.5), 0.12), seed: b.next()))
        }
        self.props = props

        // People: on the sidewalks, crossing the road, entering at the frame edges, in pairs.
        var people: [SynthPerson] = []
        for i in 0..<options.people {
            var identity = Identity.random(using: &g)
            // A child walks beside the adult before them, at their pace: 0.4–0.6 m to one side,
            // up to 0.2 m ahead or behind.
            if options.children > 0, let parent = people.last, parent.identity.height >= 1.5, g.unit() < options.children {
                identity.height = g.float(1.0...1.4)
                let side: Float = g.unit() < 0.5 ? 1 : -1
                var aside = side * g.float(0.4...0.6)
                let along = g.float(-0.2...0.2)
                let p = parent.position(at: 0)
                let (s, c) = (sinf(parent.yaw), cosf(parent.yaw))
                // On the adult's other side where this one would be off the sidewalk (an adult at its edge).
                if abs(p.x + aside * c + along * s) > walkable { aside = -aside }
                people.append(SynthPerson(id: i + 1, identity: identity, identityIndex: i,
                                          startX: max(-walkable, min(walkable, p.x + aside * c + along * s)),
                                          startZ: p.z - aside * s + along * c, yaw: parent.yaw,
                                          speed: parent.speed, phase: g.float(0...(2 * .pi)), headTurn: g.float(-0.3...0.3)))
                continue
            }
            var x: Float = 0, z: Float = 0, yaw: Float = 0
            var walking = g.unit() < 0.6
            let category = g.unit()
            for _ in 0..<30 {
                z = options.minDistance + (options.maxDistance - options.minDistance) * powf(g.unit(), 1.25)
                let visibleHalf = z * halfFOV
                if category < 0.15 {
                    // At a frame edge, walking in or out; where the edge of the view lies inside the
                    // buildings (farther than about 7 m), at the sidewalk's outer edge.
                    let side: Float = g.unit() < 0.5 ? 1 : -1
                    x = side * min(visibleHalf + g.float(-0.6...0.4), walkable)
                    yaw = side * (g.unit() < 0.6 ? -Float.pi / 2 : Float.pi / 2)
                    walking = true
                } else if category < 0.3 {
                    x = g.float(-1...1) * min(visibleHalf, walkable)
                    yaw = g.unit() < 0.5 ? Float.pi / 2 : -Float.pi / 2
                    walking = true
                } else if category < 0.4, let previous = people.last {
                    // Beside and behind the previous person: overlapping at a different depth.
                    let p = previous.position(at: 0)
                    x = max(-walkable, min(walkable, p.x + g.float(-0.5...0.5)))
                    z = p.z + g.float(0.8...2.5)
                    yaw = g.unit() < 0.5 ? Float.pi + g.float(-0.5...0.5) : g.float(-Float.pi...Float.pi)
                } else {
                    x = g.float(-1...1) * min(visibleHalf * 0.95, walkable)
                    yaw = g.unit() < options.facingCamera ? Float.pi + g.float(-0.45...0.45) : g.float(-Float.pi...Float.pi)
                }
                let clear = people.allSatisfy { other in
                    let p = other.position(at: 0)
                    return (p.x - x) * (p.x - x) + (p.z - z) * (p.z - z) > 0.5 * 0.5
                } && props.allSatisfy { prop in
                    let r: Float = prop.kind == .car ? 2.6 : 0.7
                    return (prop.x - x) * (prop.x - x) + (prop.z - z) * (prop.z - z) > r * r
                }
                if clear { break }
            }
            people.append(SynthPerson(id: i + 1, identity: identity, identityIndex: i, startX: x, startZ: z, yaw: yaw,
                                      speed: walking ? g.float(1.0...1.6) : 0, phase: g.float(0...(2 * .pi)),
                                      headTurn: g.float(-0.3...0.3)))
        }
        self.people = people
    }

    /// A scene with the given people and props (for tests that need a person at a known place).
    init(options: SynthOptions, people: [SynthPerson], props: [Prop], roadHalfWidth: Float = 4, sidewalkWidth: Float = 3.5) {
        self.options = options
        intrinsics = Intrinsics(fov: options.fov, width: options.width, height: options.height)
        self.roadHalfWidth = roadHalfWidth
        self.sidewalkWidth = sidewalkWidth
        walkableHalfWidth = roadHalfWidth + sidewalkWidth - 0.4
        speed = options.speed ?? 0
        textureSeed = UInt32(truncatingIfNeeded: options.seed)
        frameNumbers = Array(1...options.frames)
        self.people = people
        self.props = props
    }

    /// Seconds since the first frame.
    public func time(ofFrame number: Int) -> Float {
        Float(number - (frameNumbers.first ?? number)) * Self.frameInterval
    }

    /// The camera at `time`.
    func camera(at time: Float) -> CameraPose {
        CameraPose(x: 0, height: options.cameraHeight, z: speed * time, pitch: options.cameraPitch * .pi / 180,
                   roll: options.cameraRoll * .pi / 180)
    }

    /// `z` moved by whole periods into the band ahead of the camera.
    @inline(__always) static func wrap(_ z: Float, cameraZ: Float, near: Float = nearWrap) -> Float {
        let span = farWrap - near
        var relative = (z - cameraZ - near).truncatingRemainder(dividingBy: span)
        if relative < 0 { relative += span }
        return cameraZ + near + relative
    }

    /// Where each person stands at `time` (wrapped ahead of the camera).
    func personPlacement(_ person: SynthPerson, at time: Float, camera: CameraPose) -> SynthPerson {
        var placed = person
        let p = person.position(at: time)
        // Walking off one sidewalk's outer edge, into the facade, they come back at the other's. (No
        // one stands beyond that edge but where a test puts them: against a wall.)
        let limit = walkableHalfWidth
        var x = p.x
        if person.speed > 0, abs(x) > limit { x = (x + limit).truncatingRemainder(dividingBy: 2 * limit); if x < 0 { x += 2 * limit }; x -= limit }
        let z = Self.wrap(p.z, cameraZ: camera.z, near: peopleNearWrap)
        // Re-anchor so position(at: time) lands on the wrapped point.
        placed.startX = x - sinf(person.yaw) * person.speed * time
        placed.startZ = z - cosf(person.yaw) * person.speed * time
        return placed
    }
}
