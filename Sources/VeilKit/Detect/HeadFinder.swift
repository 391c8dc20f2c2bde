import Foundation

/// Finds the heads to anonymize in a frame with the chosen detector.
public struct HeadFinder: Sendable {
    public let kind: DetectorKind
    public let depthDetector: DepthPersonDetector

    public init(kind: DetectorKind = .auto, depthDetector: DepthPersonDetector = DepthPersonDetector()) throws {
        self.kind = kind
        self.depthDetector = depthDetector
    }

    /// The heads in `frame`, and the mask to anonymize.
    ///
    /// - Throws: `VeilError` when the frame cannot be searched (the detector needs depth the frame lacks).
    public func find(in frame: Frame, intrinsics: Intrinsics) throws -> (heads: [HeadRegion], mask: [UInt8]) {
        let (w, h) = (frame.rgb.width, frame.rgb.height)
        var heads: [HeadRegion] = []
        switch kind {
        case .depth, .auto, .hog:
            guard let depth = frame.depth else {
                throw VeilError.unexpectedContent(path: frame.files.color.path,
                                                  reason: "the \(kind.rawValue) detector needs depth, and this frame has none")
            }
            let ground = GroundPlane.fit(depth: depth, intrinsics: intrinsics)
            heads = depthDetector.detect(depth: depth, intrinsics: intrinsics, ground: ground)
        case .face:
            throw VeilError.invalidConfiguration(path: nil, reason: "the face detector is not built yet")
        }
        let mask = HeadMasker.mask(heads: heads, depth: frame.depth, intrinsics: intrinsics, width: w, height: h)
        return (heads, mask)
    }
}
