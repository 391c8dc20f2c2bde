import Foundation

/// A small appearance descriptor of a head crop, for nearest-neighbour re-identification.
///
/// The crop is the square around a head box, resized to `side`×`side` with OpenCV's area
/// interpolation, turned to grey, then centred and scaled to unit length so that brightness and
/// contrast do not matter. It is deliberately simple: an attacker's baseline, used both to show that synthetic
/// identities are recognisable and that anonymized heads are not.
public struct HeadDescriptor: Sendable, Equatable {
    public static let side = 16
    public var values: [Float]

    /// The descriptor of the head in `box` ([x0, y0, x1, y1], inclusive) of `image`, or nil for an empty box.
    ///
    /// - Parameter keep: when given, only pixels it accepts (frame coordinates) count; the rest of
    ///   the crop is filled with their mean, so background and clothes around a head cannot give
    ///   it away.
    public init?(image: Raster<UInt8>, box: [Int], keep: ((Int, Int) -> Bool)? = nil) {
        guard box.count == 4 else { return nil }
        let w = box[2] - box[0] + 1, h = box[3] - box[1] + 1
        guard w >= 2, h >= 2 else { return nil }
        let side = max(w, h)
        let cx = (box[0] + box[2] + 1) / 2, cy = (box[1] + box[3] + 1) / 2
        var crop = Raster<UInt8>(width: side, height: side, channels: 3)
        var kept = [Bool](repeating: true, count: side * side)
        var sum = [Int](repeating: 0, count: 3), count = 0
        for y in 0..<side {
            let sy = min(image.height - 1, max(0, cy - side / 2 + y))
            for x in 0..<side {
                let sx = min(image.width - 1, max(0, cx - side / 2 + x))
                for c in 0..<3 { crop[x, y, c] = image[sx, sy, c] }
                if let keep, !keep(sx, sy) { kept[y * side + x] = false; continue }
                for c in 0..<3 { sum[c] += Int(image[sx, sy, c]) }
                count += 1
            }
        }
        guard count > 0 else { return nil }
        if keep != nil {
            for i in 0..<(side * side) where !kept[i] { for c in 0..<3 { crop.samples[i * 3 + c] = UInt8(sum[c] / count) } }
        }
        guard let small = try? ImageOps.resize(crop, width: Self.side, height: Self.side, interpolation: side >= Self.side ? .area : .linear) else {
            return nil
        }
        // Grey levels, centred and scaled to unit length: the head's structure (hairline, eyes,
        // brows, mouth), not its colours, which anonymization deliberately keeps.
        var v = (0..<(Self.side * Self.side)).map { i -> Float in
            let r = Float(small.samples[i * 3]), g = Float(small.samples[i * 3 + 1]), b = Float(small.samples[i * 3 + 2])
            return 0.299 * r + 0.587 * g + 0.114 * b
        }
        let mean = v.reduce(0, +) / Float(v.count)
        for i in v.indices { v[i] -= mean }
        // A crop without contrast (a flat fill) has no structure to match: all zeros, equally far
        // from every unit-length gallery entry, instead of the float rounding of its mean (a few
        // thousandths of a level) blown up to unit length. One pixel a single level off the rest
        // already has a length near 1.
        let norm = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
        values = norm > 0.05 ? v.map { $0 / norm } : [Float](repeating: 0, count: v.count)
    }

    /// Squared Euclidean distance between two descriptors.
    public func distance(to other: HeadDescriptor) -> Float {
        var sum: Float = 0
        for i in values.indices { let d = values[i] - other.values[i]; sum += d * d }
        return sum
    }

    /// The index of the gallery entry nearest to `self`.
    public func nearest(in gallery: [HeadDescriptor]) -> Int? {
        gallery.indices.min { distance(to: gallery[$0]) < distance(to: gallery[$1]) }
    }
}
