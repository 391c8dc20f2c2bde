import Foundation

/// One decoded frame: colour, and depth where the recording has it.
public struct Frame: Sendable {
    /// The frame number from the file names.
    public let number: Int
    /// The files it came from.
    public let files: FrameFiles
    /// Packed 8-bit RGB.
    public var rgb: Raster<UInt8>
    /// Depth in metres, same size as `rgb`.
    public var depth: DepthMap?
    /// The depth image as stored, to write anonymized depth back in the same encoding.
    public var depthImage: DecodedPNG?
    /// The depth file's bytes, to write back as they are when nothing in the frame is anonymized.
    public var depthFile: [UInt8]?
    /// The colour file's bytes, for the same, when asked for and an 8-bit RGB PNG (as Veil writes colour).
    public var colorFile: [UInt8]?
}

/// Reads a recording's frames, with the depth encoding and intrinsics settled once for all of them.
public struct FrameReader: Sendable {
    /// The recording.
    public let recording: Recording
    /// How depth is decoded, or nil for a colour-only recording.
    public let depthCodec: DepthCodec?

    /// Settles the depth encoding: the configured one, else the one the first depth file shows.
    ///
    /// - Throws: when the depth is ambiguous (8-bit grey) and no encoding was given, or undecodable.
    public init(recording: Recording) throws {
        self.recording = recording
        guard recording.hasDepth else {
            depthCodec = nil
            return
        }
        let scale = recording.camera.depthScale ?? 0.001
        if let configured = recording.camera.depth {
            depthCodec = DepthCodec(encoding: configured, scale: scale)
            return
        }
        guard let first = recording.frames.lazy.compactMap(\.depth).first else {
            throw VeilError.notARecording(path: recording.root.path, reason: "no colour frame has a depth file")
        }
        let image = try PNGCodec.decode(try FileIO.read(first), path: first.path)
        switch DepthEncodingDetector.detect(image) {
        case .detected(let encoding):
            depthCodec = DepthCodec(encoding: encoding, scale: scale)
        case .ambiguous(let reason):
            throw VeilError.unexpectedContent(
                path: first.path, reason: "\(reason): pass --depth-encoding or set \"depth\" in camera.json")
        case .unsupported(let reason):
            throw VeilError.unexpectedContent(path: first.path, reason: reason)
        }
    }

    /// Reads and decodes one frame.
    ///
    /// - Throws: `VeilError` naming the file: unreadable, undecodable, a missing depth file in a
    ///   recording with depth, or depth of another size than the colour image.
    ///
    /// - Parameter keepingColorFile: keep the colour file's bytes in `colorFile` when it is an 8-bit
    ///   RGB PNG (otherwise they are let go as soon as decoded).
    public func read(_ files: FrameFiles, keepingColorFile: Bool = false) throws -> Frame {
        // The file's bytes go as soon as decoded unless kept, before the depth file is read.
        let (rgb, colorFile) = try { () throws -> (Raster<UInt8>, [UInt8]?) in
            let bytes = try FileIO.read(files.color)
            return (try ImageFile.decodeRGB(bytes, path: files.color.path), keepingColorFile && PNGCodec.isEightBitRGB(bytes) ? bytes : nil)
        }()
        var frame = Frame(number: files.number, files: files, rgb: rgb, depth: nil, depthImage: nil, depthFile: nil, colorFile: colorFile)
        guard let depthCodec else { return frame }
        guard let depthURL = files.depth else {
            throw VeilError.unreadable(
                path: recording.root.appendingPathComponent("depth").path,
                reason: "no depth file for frame \(files.number) (colour \(recording.relativePath(files.color)))")
        }
        let bytes = try FileIO.read(depthURL)
        let image = try PNGCodec.decode(bytes, path: depthURL.path)
        guard image.width == rgb.width, image.height == rgb.height else {
            throw VeilError.unexpectedContent(
                path: depthURL.path,
                reason: "depth is \(image.width)×\(image.height) but the colour frame is \(rgb.width)×\(rgb.height)")
        }
        frame.depth = try depthCodec.decode(image, path: depthURL.path)
        frame.depthImage = image
        frame.depthFile = bytes
        return frame
    }
}
