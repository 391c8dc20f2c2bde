/// An axis-aligned pixel rectangle, corners inclusive.
public struct PixelBox: Sendable, Equatable, Hashable, Codable {
    public var x0: Int
    public var y0: Int
    public var x1: Int
    public var y1: Int

    public init(x0: Int, y0: Int, x1: Int, y1: Int) {
        self.x0 = x0; self.y0 = y0; self.x1 = x1; self.y1 = y1
    }

    public var width: Int { x1 - x0 + 1 }
    public var height: Int { y1 - y0 + 1 }
    public var area: Int { max(0, width) * max(0, height) }

    /// This box grown by `margin` pixels on every side and clipped to a `width`×`height` frame.
    public func expanded(by margin: Int, width: Int, height: Int) -> PixelBox {
        PixelBox(x0: max(0, x0 - margin), y0: max(0, y0 - margin), x1: min(width - 1, x1 + margin), y1: min(height - 1, y1 + margin))
    }

    /// Intersection over union with another box.
    public func iou(_ other: PixelBox) -> Double {
        let ix = max(0, min(x1, other.x1) - max(x0, other.x0) + 1), iy = max(0, min(y1, other.y1) - max(y0, other.y0) + 1)
        let inter = ix * iy
        let union = area + other.area - inter
        return union > 0 ? Double(inter) / Double(union) : 0
    }

    public func contains(x: Int, y: Int) -> Bool { x >= x0 && x <= x1 && y >= y0 && y <= y1 }

    /// As `[x0, y0, x1, y1]`.
    public var array: [Int] { [x0, y0, x1, y1] }
}

/// A head to anonymize: where it is, and how it was found.
public struct HeadRegion: Sendable, Equatable {
    /// The window the head lies in (top of the head to ~0.3 m below, plus a margin).
    public var box: PixelBox
    /// The head's distance, metres (nil without depth).
    public var depth: Float?
    /// The person box it belongs to.
    public var person: PixelBox
    /// Which detector found it.
    public var source: String
    /// Rows from this one down hold only neck and hanging hair: the mask narrows there to
    /// `narrowHalfWidth` pixels either side of the window's centre (nil: the full window).
    public var narrowFromRow: Int?
    public var narrowHalfWidth: Int = 0
    /// Columns the window's rows move right for each row below `leanOrigin`: where the camera
    /// looks up or down (or is rolled), the world's vertical leans in the image away from its
    /// centre column, and neck and hanging hair lean with it (0: straight down).
    public var lean: Float = 0
    /// The row that stays put: the head's centre, whose column the top of its outline shows.
    public var leanOrigin: Int = 0
    /// Rows the head's own rows move down for each column right of its centre: where the camera is
    /// rolled, the world's horizontal runs aslant in the image, and the head's window (top, chin and
    /// bottom) with it (0: level). The mask may then reach a few rows above and below `box`.
    public var tilt: Float = 0

    public init(box: PixelBox, depth: Float?, person: PixelBox, source: String, narrowFromRow: Int? = nil, narrowHalfWidth: Int = 0,
                lean: Float = 0, leanOrigin: Int = 0, tilt: Float = 0) {
        self.box = box
        self.depth = depth
        self.person = person
        self.source = source
        self.narrowFromRow = narrowFromRow
        self.narrowHalfWidth = narrowHalfWidth
        self.lean = lean
        self.leanOrigin = leanOrigin
        self.tilt = tilt
    }

    /// How many columns row `y` of the window is moved by its lean.
    @inline(__always) public func shift(atRow y: Int) -> Int { lean == 0 ? 0 : Int((Float(y - leanOrigin) * lean).rounded()) }
}

/// Which detector finds people.
public enum DetectorKind: String, Sendable, CaseIterable, Codable {
    /// People from depth alone.
    case depth
    /// Depth candidates confirmed by OpenCV's HOG people detector.
    case hog
    /// Face cascades, or a `cv::dnn` face model; colour only.
    case face
    /// Depth, and besides it the face detector over the whole colour frame: for real cameras, whose
    /// depth ends a few metres out (people beyond it have no depth to be found in). Slow: the face
    /// detector's cost every frame.
    case depthAndFace = "depth+face"
    /// The best combination for the recording (see the README).
    case auto

    /// What the command-line option says of the detectors.
    public static let optionHelp = "Detector: auto, depth, hog, face or depth+face (depth, and faces by colour where depth ends: slow)."
}
