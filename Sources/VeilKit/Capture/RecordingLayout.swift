import Foundation

/// The folder layouts Veil recognises without flags.
public enum RecordingLayout: String, Sendable, Codable {
    /// `rgb/`, `depth/`, optional `semantic/` and `instance/`, each with `NNNNNN.png` as CARLA's `save_to_disk` writes.
    case carla
    /// `rgb-N.png` (or `pointcloud-N.png`) and `depth-N.png` side by side in one folder.
    case flat
    /// `rgb/` or `color/` with `<anything><number>.jpg|png`, and `depth/<anything><number>.png`.
    case generic

    /// Folder names holding colour frames.
    static let colorFolders = ["rgb", "color", "colour"]
    /// Folder names holding depth frames.
    static let depthFolders = ["depth"]
    /// Folder names holding CARLA's semantic segmentation.
    static let semanticFolders = ["semantic", "semseg", "seg", "semantic-palette", "semantic_palette", "semantic_segmentation"]
    /// Folder names holding CARLA's instance segmentation.
    static let instanceFolders = ["instance", "instance_segmentation", "instance-segmentation"]

    /// Flat-layout prefixes for each stream.
    static let flatColorPrefixes = ["rgb", "pointcloud", "color"]
    static let flatDepthPrefixes = ["depth"]
    static let flatSemanticPrefixes = ["semantic", "semseg", "seg"]
    static let flatInstancePrefixes = ["instance"]
}

/// The frame number of a file: the last run of digits in its name without extension.
public func frameNumber(ofFileNamed name: String) -> Int? {
    let stem = (name as NSString).deletingPathExtension
    var digits = Substring()
    var index = stem.endIndex
    while index > stem.startIndex {
        let previous = stem.index(before: index)
        if stem[previous].isASCII, stem[previous].isNumber {
            var start = previous
            while start > stem.startIndex, stem[stem.index(before: start)].isASCII, stem[stem.index(before: start)].isNumber {
                start = stem.index(before: start)
            }
            digits = stem[start...previous]
            break
        }
        index = previous
    }
    // Longer runs than 18 digits do not fit an Int and are no frame number.
    guard !digits.isEmpty, digits.count <= 18 else { return nil }
    return Int(digits)
}
