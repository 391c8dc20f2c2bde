import Foundation

/// Finds the heads to anonymize in a frame with the chosen detector.
public struct HeadFinder: Sendable {
    public let kind: DetectorKind
    public let depthDetector: DepthPersonDetector
    /// The colour face detector (CenterFace when a model is named, else the cascades); nil until needed.
    public let faceDetector: FaceDetector?
    /// The HOG score a depth head needs with `--detector hog`.
    public var hogThreshold: Float = -0.5
    /// Pixels the depth image may lie off the colour image (`registration_error_px`): head masks
    /// grow by as much.
    public let registrationError: Int
    /// How fast, metres a second, a head is taken to move between a colour and a depth capture that
    /// are apart in time (TUM RGB-D pairs them up to 20 ms apart): a brisk walk seen from a moving
    /// camera. Head masks grow by the distance, 4 cm at 20 ms. On the 12 close-by recordings made
    /// with depth 10 ms after colour (`veil synth --depth-delay 10`; people walk 1.0–1.6 m/s, the
    /// camera 0–4 m/s): head recall 0.841 without, 0.965 at 1 m/s, 0.983 at 1.5, 0.990 at 2; leaked
    /// 1.09% → 0.34%; over-masking 133% → 215%. At 19 ms: 0.591 → 0.973, 3.56% → 0.30%, 139% → 291%.
    public static let headSpeed: Float = 2
    /// What to do where a real camera's depth ends (`BeyondRangeCover`).
    public let beyondRange: BeyondRangePolicy
    /// The depth camera's range, metres, when the recording gives it (`depth_range_m`); else each
    /// frame's readings tell it.
    public let depthRange: Float?
    public var beyondRangeCover = BeyondRangeCover()

    /// What `findAll` returns: the heads, the mask to anonymize, how many of its pixels are the cover
    /// past the depth camera's range, and the side of the squares that cover is anonymized in
    /// (`BeyondRangeCover.tile`; 0 without a cover).
    public struct Found: Sendable {
        public var heads: [HeadRegion]
        public var mask: [UInt8]
        public var beyondRangePixels = 0
        public var beyondRangeTile = 0
    }

    /// - Parameters:
    ///   - faceModel: a CenterFace ONNX file for the face detector (else OpenCV's cascades).
    ///   - registrationError: pixels the depth image may lie off the colour image (`CameraConfig.registrationPixels`).
    ///   - beyondRange: what to do where a real camera's depth ends.
    ///   - depthRange: the depth camera's range in metres, if known.
    public init(kind: DetectorKind = .auto, faceModel: String? = nil, hasDepth: Bool = true, registrationError: Int = 0,
                beyondRange: BeyondRangePolicy = .cover, depthRange: Float? = nil,
                depthDetector: DepthPersonDetector = DepthPersonDetector()) throws {
        self.kind = kind
        self.registrationError = registrationError
        self.beyondRange = beyondRange
        self.depthRange = depthRange
        self.depthDetector = depthDetector
        if kind == .face || kind == .depthAndFace || (kind == .auto && !hasDepth) {
            faceDetector = try FaceDetector(model: faceModel.map { .centerFace(path: $0, threshold: 0.2) }
                                                ?? .cascades(FaceDetector.defaultCascades))
        } else {
            faceDetector = nil
        }
    }

    /// The finder for `recording`: whether it has depth, and its camera's registration error and
    /// depth range.
    public init(for recording: Recording, kind: DetectorKind = .auto, faceModel: String? = nil,
                beyondRange: BeyondRangePolicy = .cover) throws {
        try self.init(kind: kind, faceModel: faceModel, hasDepth: recording.hasDepth, registrationError: recording.camera.registrationPixels,
                      beyondRange: beyondRange, depthRange: recording.camera.depthRange)
    }

    /// The heads in `frame`, and the mask to anonymize.
    ///
    /// - Throws: `VeilError` when the frame cannot be searched (the detector needs depth the frame lacks).
    public func find(in frame: Frame, intrinsics: Intrinsics) throws -> (heads: [HeadRegion], mask: [UInt8]) {
        let found = try findAll(in: frame, intrinsics: intrinsics)
        return (found.heads, found.mask)
    }

    /// The heads in `frame`, the mask to anonymize, and what the mask covers beyond the depth
    /// camera's range.
    ///
    /// - Throws: `VeilError` when the frame cannot be searched (the detector needs depth the frame lacks).
    public func findAll(in frame: Frame, intrinsics: Intrinsics) throws -> Found {
        let (w, h) = (frame.rgb.width, frame.rgb.height)
        var heads: [HeadRegion] = []
        // Where the depth ends (a real camera's: it has holes) or the recording gives a range, and
        // the ground the band of far heads is measured from.
        var farField: (depth: DepthMap, ground: GroundPlane?)? = nil
        switch kind {
        case .face,
             .auto where frame.depth == nil:
            heads = try faceHeads(in: frame)
        case .depth, .auto, .hog, .depthAndFace:
            guard let depth = frame.depth else {
                throw VeilError.unexpectedContent(path: frame.files.color.path,
                                                  reason: "the \(kind.rawValue) detector needs depth, and this frame has none")
            }
            // A depth map without readings cannot show anyone: fail rather than call the frame empty.
            let (measured, holes) = Self.countReadings(depth.metres)
            guard measured * 100 >= depth.metres.count else {
                throw VeilError.unexpectedContent(path: frame.files.depth?.path ?? frame.files.color.path,
                                                  reason: "fewer than 1% of the depth pixels hold a reading: people cannot be searched for")
            }
            let ground = GroundPlane.fit(depth: depth, intrinsics: intrinsics)
            // A real sensor's depth (it has holes; CARLA's never does) is closed and denoised for
            // the search: holes within a surface filled, then a 3×3 median. The mask reads the raw
            // depth. On synthetic recordings degraded like a stereo camera (`VeilBench rgbd-camera`):
            // false heads 7576 → 140 in 192 frames, head recall 0–5 m 0.41 → 1.00, 5–10 m 0.63 → 0.89.
            // Its occluding edges must also step past its noise.
            var search = depth
            var detector = depthDetector
            if holes > 0 {
                search = try ImageOps.median3(depth.fillingSurfaceHoles(fx: Float(intrinsics.fx), fy: Float(intrinsics.fy)))
                detector.parameters = detector.parameters.forSensorDepth
            }
            heads = detector.detect(depth: search, intrinsics: intrinsics, ground: ground)
            if beyondRange == .cover, holes > 0 || depthRange != nil { farField = (depth, ground) }
            if kind == .hog {
                // Confirm each depth head with HOG on a 1 × 2 m window (64 × 128 at the detector's
                // proportions) from just above the head, at the scale its depth gives.
                heads = try heads.filter { head in
                    guard let z = head.depth else { return true }
                    let metre = Float(intrinsics.fy) / z
                    let cx = (head.box.x0 + head.box.x1) / 2
                    let top = head.box.y0 - Int(0.15 * metre)
                    let window = PixelBox(x0: cx - Int(0.5 * metre), y0: top, x1: cx + Int(0.5 * metre), y1: top + Int(2.0 * metre))
                    return try ImageOps.hogPersonScore(frame.rgb, window: window) > hogThreshold
                }
            }
        }
        if kind == .depthAndFace {
            // Faces the depth search did not already cover (beyond the camera's range, in a hole).
            for face in try faceHeads(in: frame) where !heads.contains(where: { $0.box.iou(face.box) > 0.1 }) {
                heads.append(face)
            }
        }
        let misregistration = misregistration(of: frame)
        var found = Found(heads: heads, mask: HeadMasker.mask(heads: heads, depth: frame.depth, intrinsics: intrinsics, width: w, height: h,
                                                              misregistration: misregistration))
        if let (depth, ground) = farField, let range = beyondRangeCover.range(of: depth, given: depthRange),
           range < depthDetector.parameters.maxRange {
            found.beyondRangePixels = try beyondRangeCover.mark(&found.mask, depth: depth, intrinsics: intrinsics, ground: ground, range: range,
                                                                extraMargin: misregistration.pixels
                                                                    + Int((misregistration.metres * Float(intrinsics.fx) / range).rounded(.up)))
            if found.beyondRangePixels > 0 {
                found.beyondRangeTile = beyondRangeCover.tile(range: range, fy: Float(intrinsics.fy))
            }
        }
        return found
    }

    /// How far `frame`'s colour may lie off its depth: the registration error, and a head's move in
    /// the time between the two captures.
    func misregistration(of frame: Frame) -> HeadMasker.Misregistration {
        guard frame.depth != nil else { return .none }
        return HeadMasker.Misregistration(pixels: registrationError, metres: frame.files.captureGap.map { Self.headSpeed * Float($0) } ?? 0)
    }

    /// How many depth pixels hold a reading (above zero and finite) and how many are holes, in one
    /// pass eight pixels at a time (a plain loop with two tests a pixel was 1.6% of a 1280×720 run).
    static func countReadings(_ metres: [Float]) -> (measured: Int, holes: Int) {
        metres.withUnsafeBufferPointer { z in
            var measured = SIMD8<Int32>(), holes = SIMD8<Int32>()
            let one = SIMD8<Int32>(repeating: 1), zero = SIMD8<Int32>()
            let raw = UnsafeRawBufferPointer(z)
            let blocks = z.count / 8
            for b in 0..<blocks {
                let v = raw.loadUnaligned(fromByteOffset: b * 32, as: SIMD8<Float>.self)
                measured &+= zero.replacing(with: one, where: (v .> 0) .& (v .< .infinity))
                holes &+= zero.replacing(with: one, where: v .== SIMD8(repeating: DepthMap.noReading))
            }
            var (m, h) = (Int(measured.wrappedSum()), Int(holes.wrappedSum()))
            for value in z[(blocks * 8)...] {
                if DepthMap.isMeasured(value) { m += 1 } else if value == DepthMap.noReading { h += 1 }
            }
            return (m, h)
        }
    }

    /// The head windows of the faces the colour face detector finds in `frame`.
    func faceHeads(in frame: Frame) throws -> [HeadRegion] {
        guard let faceDetector else {
            throw VeilError.invalidConfiguration(path: nil, reason: "this recording has no depth in \(frame.files.color.path): use --detector face")
        }
        let (w, h) = (frame.rgb.width, frame.rgb.height)
        let depthAt = frame.depth
        var heads: [HeadRegion] = []
        for face in try faceDetector.faces(in: frame.rgb) {
            let window = FaceDetector.headWindow(face: face.box, width: w, height: h)
            var z: Float? = nil
            if let depthAt {
                var values: [Float] = []
                for y in face.box.y0...face.box.y1 { for x in face.box.x0...face.box.x1 {
                    let m = depthAt[x, y]
                    if DepthMap.isMeasured(m) { values.append(m) }
                } }
                values.sort()
                if !values.isEmpty { z = values[values.count / 4] }  // the face, not what is behind it
            }
            heads.append(HeadRegion(box: window, depth: z, person: window, source: "face"))
        }
        return heads
    }
}
