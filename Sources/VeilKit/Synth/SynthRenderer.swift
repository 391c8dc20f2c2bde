import Foundation

/// One rendered frame with everything a simulator knows about it.
public struct RenderedFrame: Sendable {
    public var number: Int
    public let width: Int
    public let height: Int
    /// Packed RGB.
    public var rgb: [UInt8]
    /// Planar depth in metres (+∞ for sky).
    public var depth: [Float]
    /// `SemanticClass` raw values.
    public var semantic: [UInt8]
    /// Instance ids (people 1…N, props from 1000, background 0).
    public var instance: [UInt16]
    /// The person id whose head covers the pixel, or 0.
    public var heads: [UInt16]
    /// Ground truth per visible person.
    public var people: [PersonTruth]
}

/// What the ground truth says of one person in one frame (`gt/NNNNNN.json`).
public struct PersonTruth: Sendable, Codable, Equatable {
    /// Instance id in the instance image; also the identity number.
    public var id: Int
    public var identity: Int
    /// Visible person pixels' box, [x0, y0, x1, y1] inclusive.
    public var box: [Int]
    /// Visible head pixels' box, or nil when the head is hidden.
    public var headBox: [Int]?
    public var headPixels: Int
    /// Head pixels the person would show with nothing in front of them (within the frame).
    public var headPixelsUnoccluded: Int
    public var pixels: Int
    /// Planar distance of the person's feet from the camera, metres.
    public var distance: Double
    /// Visible pixels ÷ pixels the person would show with nothing in front (within the frame).
    public var visibleFraction: Double
    /// Height in metres.
    public var heightM: Double
    /// Angle between the face's direction and the direction to the camera, degrees (0 = looking at the camera).
    public var faceAngle: Double
    public var walking: Bool

    enum CodingKeys: String, CodingKey {
        case id, identity, box, pixels, distance, walking
        case headBox = "head_box"
        case headPixels = "head_pixels"
        case headPixelsUnoccluded = "head_pixels_unoccluded"
        case visibleFraction = "visible_fraction"
        case heightM = "height_m"
        case faceAngle = "face_angle_deg"
    }

    // Written by hand so a hidden head is an explicit `"head_box": null`, as scripts expect.
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(identity, forKey: .identity)
        try c.encode(box, forKey: .box)
        try c.encode(headBox, forKey: .headBox)
        try c.encode(headPixels, forKey: .headPixels)
        try c.encode(headPixelsUnoccluded, forKey: .headPixelsUnoccluded)
        try c.encode(pixels, forKey: .pixels)
        try c.encode(distance, forKey: .distance)
        try c.encode(visibleFraction, forKey: .visibleFraction)
        try c.encode(heightM, forKey: .heightM)
        try c.encode(faceAngle, forKey: .faceAngle)
        try c.encode(walking, forKey: .walking)
    }
}

/// Draws a `SynthScene`'s frames by casting a ray through every pixel.
public struct SynthRenderer: Sendable {
    public let scene: SynthScene

    public init(scene: SynthScene) { self.scene = scene }

    /// Renders the frame with number `number`, `timeOffset` seconds after its time.
    public func render(frame number: Int, timeOffset: Float = 0) -> RenderedFrame {
        let o = scene.options
        let (w, h) = (o.width, o.height)
        let k = scene.intrinsics
        let frameTime = scene.time(ofFrame: number)
        let time = frameTime + timeOffset
        let camera = scene.camera(at: time)
        // Where things wrap round the street is settled at the frame's own time: a person about to
        // wrap does not vanish between its colour and a later depth image.
        let wrapCamera = scene.camera(at: frameTime)
        let light = o.lighting.parameters
        var frame = RenderedFrame(number: number, width: w, height: h,
                                  rgb: [UInt8](repeating: 0, count: w * h * 3), depth: [Float](repeating: .infinity, count: w * h),
                                  semantic: [UInt8](repeating: 0, count: w * h), instance: [UInt16](repeating: 0, count: w * h),
                                  heads: [UInt16](repeating: 0, count: w * h), people: [])
        var colour = [Vec3](repeating: .zero, count: w * h)
        drawBackground(&frame, colour: &colour, camera: camera, light: light)

        // Objects: props, then people, each owner an index into `owners`.
        var primitives: [Primitive] = []
        var owners: [(semantic: SemanticClass, instance: UInt16, person: Int?)] = []
        for (i, prop) in scene.props.enumerated() {
            var placed = prop
            placed.z = SynthScene.wrap(prop.z, cameraZ: wrapCamera.z)
            primitives += placed.primitives(camera: camera, owner: owners.count)
            owners.append((prop.semanticClass, UInt16(1000 + i), nil))
        }
        var placedPeople: [SynthPerson] = []
        for (i, person) in scene.people.enumerated() {
            let placed = scene.personPlacement(person, at: frameTime, camera: wrapCamera)
            placedPeople.append(placed)
            primitives += placed.primitives(at: time, camera: camera, owner: owners.count)
            owners.append((.pedestrian, UInt16(person.id), i))
        }
        for primitive in primitives {
            guard let rect = screenRect(primitive.shape, k, w, h, camera) else { continue }
            let owner = owners[primitive.owner]
            for y in rect.y0...rect.y1 {
                for x in rect.x0...rect.x1 {
                    let (d, along) = ray(x, y, k, camera)
                    guard let hit = primitive.shape.intersect(d) else { continue }
                    let z = hit.t * along  // planar depth: distance along the ray times its z in the camera's frame
                    let i = y * w + x
                    guard z < frame.depth[i] else { continue }
                    frame.depth[i] = z
                    frame.semantic[i] = owner.semantic.rawValue
                    frame.instance[i] = owner.instance
                    frame.heads[i] = primitive.isHead ? owner.instance : 0
                    let albedo = self.albedo(primitive.material, at: hit.t * d)
                    colour[i] = shade(albedo, normal: hit.normal, light: light)
                }
            }
        }
        frame.people = truth(frame, placedPeople, camera: camera, time: time)
        // Sensor: mild noise, then 8 bits.
        let seed = UInt32(truncatingIfNeeded: o.seed &* 0x9E37_79B9 &+ UInt64(number))
        let amplitude = o.noise * 1.732  // uniform noise of this half-width has the requested σ
        frame.rgb.withUnsafeMutableBufferPointer { out in
            for i in 0..<(w * h) {
                for c in 0..<3 {
                    let n = (hashNoise(Int32(i), Int32(c), seed) * 2 - 1) * amplitude
                    out[i * 3 + c] = UInt8(max(0, min(255, (colour[i][c] * 255 + n).rounded())))
                }
            }
        }
        return frame
    }

    /// Sky, buildings, road, kerbs and sidewalks: analytic per pixel.
    private func drawBackground(_ frame: inout RenderedFrame, colour: inout [Vec3], camera: CameraPose,
                                light: (toLight: Vec3, ambient: Float, direct: Float, colour: Vec3, skyTop: Vec3, skyHorizon: Vec3)) {
        let k = scene.intrinsics
        let (w, h) = (frame.width, frame.height)
        let building = scene.roadHalfWidth + scene.sidewalkWidth
        let seed = scene.textureSeed
        for y in 0..<h {
            for x in 0..<w {
                // The pixel's ray in the level camera's coordinates, scaled to a z of 1 there: `dx`,
                // `dy` and the depth `z` below are the level camera's; the tilted camera's planar
                // depth is `z / forward`.
                let ray = camera.toLevel(Vec3((Float(x) + 0.5 - Float(k.cx)) / Float(k.fx), (Float(y) + 0.5 - Float(k.cy)) / Float(k.fy), 1))
                let forward = max(ray.z, 1e-3)
                let dx = ray.x / forward, dy = ray.y / forward
                let i = y * w + x
                var z = Float.infinity
                var cls = SemanticClass.sky
                var albedo = Vec3.zero
                var normal = Vec3(0, -1, 0)
                // Facades on both sides at ±building; blocks of varying height with gaps between them.
                if dx != 0 {
                    let side: Float = dx > 0 ? 1 : -1
                    let zf = (side * building - camera.x) / dx
                    if zf > 0 {
                        let worldZ = camera.z + zf
                        let worldY = camera.height - dy * zf
                        let block = Int32(floorf(worldZ / 14))
                        let hb = hashNoise(block, side > 0 ? 1 : 2, seed)
                        let blockHeight = hb < 0.12 ? 0 : 5 + 24 * hashNoise(block, 7, seed)
                        if worldY >= 0, worldY < blockHeight {
                            z = zf
                            cls = .building
                            normal = Vec3(-side, 0, 0)
                            let base = Vec3(0.45 + 0.4 * hashNoise(block, 3, seed), 0.4 + 0.35 * hashNoise(block, 4, seed),
                                            0.35 + 0.35 * hashNoise(block, 5, seed))
                            let wx = (worldZ * 0.8).truncatingRemainder(dividingBy: 1), wy = (worldY / 3).truncatingRemainder(dividingBy: 1)
                            let window = worldY > 1 && wx > 0.25 && wx < 0.75 && wy > 0.3 && wy < 0.8
                            albedo = window ? Vec3(0.16, 0.2, 0.26) : base * (0.92 + 0.08 * hashNoise(Int32(worldZ * 20), Int32(worldY * 20), seed))
                        }
                    }
                }
                // Ground below the horizon.
                if dy > 0 {
                    let zg = camera.height / dy
                    if zg < z, zg < 990 {
                        let worldX = camera.x + dx * zg, worldZ = camera.z + zg
                        let ax = abs(worldX)
                        z = zg
                        normal = Vec3(0, -1, 0)
                        let grain = hashNoise(Int32(floorf(worldX * 12)), Int32(floorf(worldZ * 12)), seed)
                        if ax < scene.roadHalfWidth {
                            let dash = worldZ.truncatingRemainder(dividingBy: 7) < 3.5
                            if (ax < 0.08 && dash) || abs(ax - (scene.roadHalfWidth - 0.3)) < 0.07 {
                                cls = .roadLine
                                albedo = Vec3(0.85, 0.85, 0.8)
                            } else {
                                cls = .road
                                albedo = Vec3(0.27, 0.27, 0.28) * (0.9 + 0.2 * grain)
                            }
                        } else if ax < building {
                            cls = .sidewalk
                            if ax < scene.roadHalfWidth + 0.25 {
                                albedo = Vec3(0.7, 0.7, 0.68)
                            } else {
                                let joint = (ax * 1.6).truncatingRemainder(dividingBy: 1) < 0.04
                                    || (worldZ * 1.6).truncatingRemainder(dividingBy: 1) < 0.04
                                albedo = (joint ? Vec3(0.42, 0.41, 0.4) : Vec3(0.58, 0.56, 0.53)) * (0.93 + 0.14 * grain)
                            }
                        } else {
                            cls = .ground
                            albedo = Vec3(0.4, 0.36, 0.3) * (0.9 + 0.2 * grain)
                        }
                    }
                }
                frame.depth[i] = z / forward
                frame.semantic[i] = cls.rawValue
                if cls == .sky {
                    let up = max(0, min(1, -dy * 1.5))
                    colour[i] = light.skyHorizon + (light.skyTop - light.skyHorizon) * up
                } else {
                    colour[i] = shade(albedo, normal: normal, light: light)
                }
            }
        }
    }

    @inline(__always) private func shade(_ albedo: Vec3, normal: Vec3,
                                         light: (toLight: Vec3, ambient: Float, direct: Float, colour: Vec3, skyTop: Vec3, skyHorizon: Vec3)) -> Vec3 {
        // Ambient light comes more from above (a sky term) so shapes read in overcast light too.
        let sky = 0.75 + 0.25 * max(-1, min(1, -normal.y))
        let lambert = max(0, dot(normal, light.toLight))
        return albedo * (light.ambient * sky + light.direct * lambert) * light.colour
    }

    private func albedo(_ material: Material, at point: Vec3) -> Vec3 {
        switch material {
        case .flat(let colour):
            return colour
        case .face(let index, let centre, let radii, let yaw):
            let local = yaw.invert(point - centre) / radii
            let n = normalize(local)
            return scene.people[index].identity.faceAlbedo(x: n.x, y: -n.y, z: n.z)
        }
    }

    /// The unit ray through the centre of pixel (x, y).
    /// In the level camera's coordinates (where the scene is), with its z in the camera's own: the
    /// planar depth of a hit `t` along it is `t` times that.
    @inline(__always) private func ray(_ x: Int, _ y: Int, _ k: Intrinsics, _ camera: CameraPose) -> (Vec3, Float) {
        let dx = (Float(x) + 0.5 - Float(k.cx)) / Float(k.fx), dy = (Float(y) + 0.5 - Float(k.cy)) / Float(k.fy)
        let inv = 1 / (dx * dx + dy * dy + 1).squareRoot()
        return (camera.toLevel(Vec3(dx * inv, dy * inv, inv)), inv)
    }

    /// The pixel rectangle a shape can cover, or nil when it is behind the camera or off screen.
    private func screenRect(_ shape: Shape, _ k: Intrinsics, _ w: Int, _ h: Int, _ camera: CameraPose) -> (x0: Int, y0: Int, x1: Int, y1: Int)? {
        let (level, r) = shape.bounds
        let c = camera.fromLevel(level)
        guard c.z + r > 0.05 else { return nil }
        let near = max(c.z - r, 0.05), far = c.z + r
        func project(_ value: Float, _ f: Double, _ centre: Double) -> (Float, Float) {
            let lo = value - r, hi = value + r
            let a = Float(centre) + Float(f) * lo / (lo < 0 ? near : far)
            let b = Float(centre) + Float(f) * hi / (hi > 0 ? near : far)
            return (a, b)
        }
        let (u0, u1) = project(c.x, k.fx, k.cx)
        let (v0, v1) = project(c.y, k.fy, k.cy)
        let x0 = max(0, Int(floorf(u0)) - 1), x1 = min(w - 1, Int(ceilf(u1)) + 1)
        let y0 = max(0, Int(floorf(v0)) - 1), y1 = min(h - 1, Int(ceilf(v1)) + 1)
        guard x0 <= x1, y0 <= y1 else { return nil }
        return (x0, y0, x1, y1)
    }

    /// Boxes, pixel counts and visibility of each person in the frame.
    private func truth(_ frame: RenderedFrame, _ people: [SynthPerson], camera: CameraPose, time: Float) -> [PersonTruth] {
        let k = scene.intrinsics
        let (w, h) = (frame.width, frame.height)
        var result: [PersonTruth] = []
        for person in people {
            let id = UInt16(person.id)
            // Unoccluded coverage: the person alone, within the frame.
            let parts = person.primitives(at: time, camera: camera, owner: 0)
            var rect: (x0: Int, y0: Int, x1: Int, y1: Int)? = nil
            for part in parts {
                guard let r = screenRect(part.shape, k, w, h, camera) else { continue }
                rect = rect.map { (min($0.x0, r.x0), min($0.y0, r.y0), max($0.x1, r.x1), max($0.y1, r.y1)) } ?? r
            }
            guard let area = rect else { continue }
            var alone = 0, aloneHead = 0
            var visible = 0, visibleHead = 0
            var box = (x0: Int.max, y0: Int.max, x1: -1, y1: -1)
            var headBox = (x0: Int.max, y0: Int.max, x1: -1, y1: -1)
            for y in area.y0...area.y1 {
                for x in area.x0...area.x1 {
                    let (d, _) = ray(x, y, k, camera)
                    var nearest = Float.infinity, nearestIsHead = false
                    for part in parts {
                        if let hit = part.shape.intersect(d), hit.t < nearest { nearest = hit.t; nearestIsHead = part.isHead }
                    }
                    if nearest.isFinite {
                        alone += 1
                        if nearestIsHead { aloneHead += 1 }
                    }
                    let i = y * w + x
                    if frame.instance[i] == id, frame.semantic[i] == SemanticClass.pedestrian.rawValue {
                        visible += 1
                        box = (min(box.x0, x), min(box.y0, y), max(box.x1, x), max(box.y1, y))
                        if frame.heads[i] == id {
                            visibleHead += 1
                            headBox = (min(headBox.x0, x), min(headBox.y0, y), max(headBox.x1, x), max(headBox.y1, y))
                        }
                    }
                }
            }
            guard visible > 0 else { continue }
            let p = person.position(at: time)
            let toCamera = atan2f(camera.x - p.x, camera.z - p.z)
            var angle = (person.yaw + person.headTurn - toCamera).truncatingRemainder(dividingBy: 2 * .pi)
            if angle > .pi { angle -= 2 * .pi } else if angle < -.pi { angle += 2 * .pi }
            result.append(PersonTruth(
                id: person.id, identity: person.identityIndex, box: [box.x0, box.y0, box.x1, box.y1],
                headBox: visibleHead > 0 ? [headBox.x0, headBox.y0, headBox.x1, headBox.y1] : nil,
                headPixels: visibleHead, headPixelsUnoccluded: aloneHead, pixels: visible,
                distance: Double(p.z - camera.z), visibleFraction: Double(visible) / Double(max(alone, 1)),
                heightM: Double(person.identity.height), faceAngle: Double(abs(angle) * 180 / .pi), walking: person.speed > 0))
        }
        return result
    }
}
