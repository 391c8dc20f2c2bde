import Foundation

/// The image file formats Veil reads and writes.
public enum ImageFormat: String, Sendable, CaseIterable {
    case png
    case jpeg

    /// The format a file's signature shows, or nil.
    public static func sniff(_ bytes: [UInt8]) -> ImageFormat? {
        if bytes.count >= 8, bytes[0] == 0x89, bytes[1] == 0x50, bytes[2] == 0x4E, bytes[3] == 0x47 { return .png }
        if bytes.count >= 3, bytes[0] == 0xFF, bytes[1] == 0xD8, bytes[2] == 0xFF { return .jpeg }
        return nil
    }

    /// The format a file name's extension suggests, or nil.
    public static func fromExtension(_ name: String) -> ImageFormat? {
        switch (name as NSString).pathExtension.lowercased() {
        case "png": .png
        case "jpg", "jpeg": .jpeg
        default: nil
        }
    }

    /// The usual file extension.
    public var fileExtension: String { self == .png ? "png" : "jpg" }
}

/// Reads colour images whatever their format.
public enum ImageFile {
    /// Reads and decodes a colour image (PNG or JPEG, told by its signature) as packed 8-bit RGB.
    public static func readRGB(_ url: URL) throws -> Raster<UInt8> {
        let bytes = try FileIO.read(url)
        return try decodeRGB(bytes, path: url.path)
    }

    /// Decodes colour image bytes (PNG or JPEG, told by the signature) as packed 8-bit RGB.
    public static func decodeRGB(_ bytes: [UInt8], path: String) throws -> Raster<UInt8> {
        switch ImageFormat.sniff(bytes) {
        case .png: return try PNGCodec.decodeRGB(bytes, path: path)
        case .jpeg: return try JPEGCodec.decodeRGB(bytes, path: path)
        case nil:
            throw VeilError.undecodable(path: path, reason: bytes.isEmpty ? "file is empty" : "neither a PNG nor a JPEG file")
        }
    }
}
