import Foundation

/// The folder layouts Veil recognises without flags.
public enum RecordingLayout: String, Sendable, Codable {
    /// `rgb/`, `depth/`, optional `semantic/` and `instance/`, each with `NNNNNN.png` as CARLA's `save_to_disk` writes.
    case carla
    /// Every stream side by side in one folder, told apart by a word in the name: `rgb-N.png` (or
    /// `pointcloud-N.png`) and `depth-N.png` as CARLA's examples write them, or
    /// `frame-NNNNNN.color.jpg` and `frame-NNNNNN.depth.png` as 7-Scenes and BundleFusion do.
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

    /// Flat-layout words for each stream: one of the words of a file's name (split at `.`, `_`
    /// and `-`, without the extension) names its stream.
    static let flatColorWords: Set<String> = ["rgb", "pointcloud", "color", "colour"]
    static let flatDepthWords: Set<String> = ["depth"]
    static let flatSemanticWords: Set<String> = ["semantic", "semseg", "seg"]
    static let flatInstanceWords: Set<String> = ["instance"]

    /// The lowercased words of a file name without its extension.
    static func words(ofFileNamed name: String) -> Set<String> {
        Set((name as NSString).deletingPathExtension.lowercased().split { ".-_".contains($0) }.map(String.init))
    }
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

/// The timestamp in a file's name, in seconds: names like `1305031102.175304.png` (TUM RGB-D).
public func timestamp(ofFileNamed name: String) -> Double? {
    let stem = (name as NSString).deletingPathExtension
    let parts = stem.split(separator: ".", omittingEmptySubsequences: false)
    guard parts.count == 2, parts.allSatisfy({ !$0.isEmpty && $0.count <= 12 && $0.allSatisfy { $0.isASCII && $0.isNumber } }) else { return nil }
    return Double(stem)
}
