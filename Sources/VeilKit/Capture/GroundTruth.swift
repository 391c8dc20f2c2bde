import Foundation

/// Which of CARLA's semantic tag tables a recording uses.
public enum CarlaTagTable: String, Sendable, CaseIterable, Codable {
    /// CARLA up to 0.9.13: 23 tags (0–22), pedestrian = 4.
    case v0913 = "0.9.13"
    /// CARLA 0.9.14 and later: 29 tags (0–28), pedestrian = 12, rider = 13.
    case v0914 = "0.9.14"

    /// The tags that are people (pedestrians, and riders where the table has them).
    public var personTags: [UInt8] { self == .v0913 ? [4] : [12, 13] }

    /// The highest tag of the old table; a larger tag can only come from the new one.
    public static let maximumOldTag: UInt8 = 22

    /// The table of a CARLA version string: 0.9.14 and later use the new one.
    public init?(version: String) {
        let parts = version.split(separator: ".").compactMap { Int($0) }
        guard parts.count >= 2 else { return nil }
        let (major, minor, patch) = (parts[0], parts[1], parts.count > 2 ? parts[2] : 0)
        if major > 0 || minor > 9 || (minor == 9 && patch >= 14) { self = .v0914 } else { self = .v0913 }
    }
}

/// What kind of ground truth a file holds. Ground truth only scores Veil: detection never reads it.
public enum GroundTruthKind: String, Sendable, Codable, CaseIterable {
    /// CARLA's raw semantic camera: the tag in R (G = B = 0).
    case semanticRaw = "semantic-raw"
    /// CARLA's semantic camera through `ColorConverter.CityScapesPalette`.
    case cityscapesPalette = "cityscapes-palette"
    /// CARLA's instance camera: tag in R, instance id in G + 256·B.
    case instance

    /// CityScapes colour of pedestrians.
    public static let palettePedestrian: (UInt8, UInt8, UInt8) = (220, 20, 60)
    /// CityScapes colour of riders.
    public static let paletteRider: (UInt8, UInt8, UInt8) = (255, 0, 0)
}

/// The people in one ground-truth image.
public struct PersonMask: Sendable, Equatable {
    public let width: Int
    public let height: Int
    /// 1 where a person is, 0 elsewhere.
    public var mask: [UInt8]
    /// Instance id per pixel (instance camera only; 0 elsewhere).
    public var instanceIDs: [UInt16]?

    /// The number of person pixels.
    public var pixelCount: Int { mask.reduce(0) { $0 + Int($1) } }
}

/// Reads CARLA ground-truth images.
public enum GroundTruthReader {
    /// Tells the kind of a semantic image from its pixels: raw tags have G = B = 0 and R ≤ 28.
    public static func sniffSemantic(_ raster: Raster<UInt8>) -> GroundTruthKind {
        guard raster.channels >= 3 else { return .semanticRaw }
        let channels = raster.channels
        return raster.samples.withUnsafeBufferPointer { s in
            var i = 0
            while i < s.count {
                if s[i] > 28 || s[i + 1] != 0 || s[i + 2] != 0 { return .cityscapesPalette }
                i += channels
            }
            return .semanticRaw
        }
    }

    /// The largest tag in a raw semantic or instance image (channel R).
    public static func maximumTag(_ raster: Raster<UInt8>) -> UInt8 {
        var result: UInt8 = 0
        let channels = raster.channels
        raster.samples.withUnsafeBufferPointer { s in
            var i = 0
            while i < s.count { result = max(result, s[i]); i += channels }
        }
        return result
    }

    /// The tag table the tags show: any tag above 22 means the new table; otherwise the old one.
    public static func inferTable(maximumTag: UInt8) -> CarlaTagTable {
        maximumTag > CarlaTagTable.maximumOldTag ? .v0914 : .v0913
    }

    /// The person pixels of a ground-truth image.
    public static func personMask(_ raster: Raster<UInt8>, kind: GroundTruthKind, table: CarlaTagTable) -> PersonMask {
        let count = raster.pixelCount, channels = raster.channels
        var ids: [UInt16]? = nil
        var mask = [UInt8](repeating: 0, count: count)
        let tags = table.personTags
        raster.samples.withUnsafeBufferPointer { s in
            mask.withUnsafeMutableBufferPointer { m in
                switch kind {
                case .semanticRaw:
                    for i in 0..<count where tags.contains(s[i * channels]) { m[i] = 1 }
                case .cityscapesPalette:
                    let (pr, pg, pb) = GroundTruthKind.palettePedestrian, (rr, rg, rb) = GroundTruthKind.paletteRider
                    for i in 0..<count {
                        let r = s[i * channels], g = s[i * channels + 1], b = s[i * channels + 2]
                        if (r == pr && g == pg && b == pb) || (r == rr && g == rg && b == rb) { m[i] = 1 }
                    }
                case .instance:
                    var idValues = [UInt16](repeating: 0, count: count)
                    for i in 0..<count where tags.contains(s[i * channels]) {
                        m[i] = 1
                        idValues[i] = UInt16(s[i * channels + 1]) | UInt16(s[i * channels + 2]) << 8
                    }
                    ids = idValues
                }
            }
        }
        return PersonMask(width: raster.width, height: raster.height, mask: mask, instanceIDs: ids)
    }

    /// Reads a ground-truth PNG as 8-bit RGB(A), rejecting other shapes with an error naming the file.
    public static func readImage(_ url: URL) throws -> Raster<UInt8> {
        let png = try PNGCodec.decode(try FileIO.read(url), path: url.path)
        guard case .eight(let raster) = png, raster.channels >= 3 else {
            throw VeilError.unexpectedContent(
                path: url.path, reason: "a \(png.bitDepth)-bit, \(png.channels)-channel PNG is not a CARLA segmentation image (expected 8-bit RGB or RGBA)")
        }
        return raster
    }
}
