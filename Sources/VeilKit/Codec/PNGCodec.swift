import CPNGShims

/// A decoded PNG: 8-bit or 16-bit samples, as stored (palette expanded to RGB).
public enum DecodedPNG: Sendable, Equatable {
    /// 8-bit samples.
    case eight(Raster<UInt8>)
    /// 16-bit samples in host byte order.
    case sixteen(Raster<UInt16>)

    /// Width in pixels.
    public var width: Int { switch self { case .eight(let r): r.width; case .sixteen(let r): r.width } }
    /// Height in pixels.
    public var height: Int { switch self { case .eight(let r): r.height; case .sixteen(let r): r.height } }
    /// Channels per pixel.
    public var channels: Int { switch self { case .eight(let r): r.channels; case .sixteen(let r): r.channels } }
    /// 8 or 16.
    public var bitDepth: Int { switch self { case .eight: 8; case .sixteen: 16 } }
}

/// PNG decoding and encoding through libpng (via the CPNGShims C target, which contains libpng's longjmp).
public enum PNGCodec {
    /// How the encoder trades size for speed.
    public struct EncodeSettings: Sendable, Equatable {
        /// zlib level 0–9.
        public var level: Int32
        /// A set of `CPNGShims_filter*` bits.
        public var filters: Int32
        /// zlib strategy: 0 default, 1 filtered, 2 Huffman only, 3 RLE.
        public var strategy: Int32

        public init(level: Int32, filters: Int32, strategy: Int32) {
            self.level = level
            self.filters = filters
            self.strategy = strategy
        }

        /// The setting Veil writes with: zlib level 1, the Sub filter, run-length strategy.
        ///
        /// Chosen with `Scripts/bench-codecs` on a 1280×720 RGBA frame: about 32 ms to encode against
        /// 320 ms for libpng's default (level 6, adaptive filters), for a file about 15% larger; the
        /// Sub filter turns CARLA's constant alpha and smooth surfaces into runs that RLE matches cheaply.
        public static let fast = EncodeSettings(level: 1, filters: Int32(CPNGShims_filterSub), strategy: 3)
        /// The setting Veil writes depth with: zlib level 1, the Up filter, default strategy.
        ///
        /// Depth maps are smooth surfaces that a vertical predictor turns into small residuals
        /// (`VeilBench png-settings`): on the real CARLA town depth (1024×768) 17.5 ms and 462 KiB,
        /// against 17.8 ms and 433 KiB with Paeth and 747 KiB with `fast`; on synthetic 640×480 depth
        /// 2.9 ms and 31 KiB against Paeth's 4.0 ms and 32 KiB. Files decode faster too (6.3 against
        /// 8.8 ms for the town depth), since unfiltering Up is cheaper than Paeth.
        public static let depth = EncodeSettings(level: 1, filters: Int32(CPNGShims_filterUp), strategy: 0)
        /// The smallest files: zlib level 9 with adaptive filtering (slow; for fixtures and archives).
        public static let smallest = EncodeSettings(
            level: 9,
            filters: Int32(CPNGShims_filterNone | CPNGShims_filterSub | CPNGShims_filterUp | CPNGShims_filterAvg | CPNGShims_filterPaeth),
            strategy: 0)
        /// libpng's own default: level 6 and adaptive filtering, for comparison.
        public static let libpngDefault = EncodeSettings(
            level: 6,
            filters: Int32(CPNGShims_filterNone | CPNGShims_filterSub | CPNGShims_filterUp | CPNGShims_filterAvg | CPNGShims_filterPaeth),
            strategy: 0)
    }

    /// What to do with the stored samples while decoding.
    public struct Transform: OptionSet, Sendable {
        public let rawValue: Int32
        public init(rawValue: Int32) { self.rawValue = rawValue }
        /// Drop alpha.
        public static let stripAlpha = Transform(rawValue: Int32(CPNGShims_stripAlpha))
        /// Replicate grey into RGB.
        public static let grayToRGB = Transform(rawValue: Int32(CPNGShims_grayToRGB))
        /// Scale 16-bit samples to 8 bits.
        public static let scale16To8 = Transform(rawValue: Int32(CPNGShims_scale16To8))
        /// Read the image data through libpng's row reader instead of the direct one (same pixels;
        /// for the tests and benchmarks that compare them).
        public static let libpngRows = Transform(rawValue: Int32(CPNGShims_libpngRows))
        /// Everything needed to get packed 8-bit RGB.
        public static let toRGB8: Transform = [.stripAlpha, .grayToRGB, .scale16To8]
    }

    /// Decodes PNG bytes; `path` names the file in errors.
    ///
    /// - Throws: `VeilError.undecodable` for empty, truncated, corrupt or oversized input.
    public static func decode(_ bytes: [UInt8], path: String, transform: Transform = []) throws -> DecodedPNG {
        var info = CPNGShims_Info()
        var message = [CChar](repeating: 0, count: 256)
        return try bytes.withUnsafeBufferPointer { data -> DecodedPNG in
            guard let base = data.baseAddress, !data.isEmpty else {
                throw VeilError.undecodable(path: path, reason: "file is empty")
            }
            guard let reader = CPNGShims_openReader(base, data.count, UInt32(ImageLimits.maximumSide),
                                                    UInt32(ImageLimits.maximumSide), transform.rawValue,
                                                    &info, &message, message.count) else {
                throw VeilError.undecodable(path: path, reason: String(cBuffer: message))
            }
            defer { CPNGShims_closeReader(reader) }
            let width = Int(info.width), height = Int(info.height), channels = Int(info.channels)
            guard width * height <= ImageLimits.maximumPixels else {
                throw VeilError.undecodable(path: path, reason: "\(width)×\(height) is more than \(ImageLimits.maximumPixels) pixels")
            }
            guard info.bitDepth == 8 || info.bitDepth == 16, (1...4).contains(channels),
                  info.rowBytes == width * channels * Int(info.bitDepth) / 8 else {
                throw VeilError.undecodable(path: path, reason: "unsupported PNG layout (\(info.bitDepth)-bit, \(channels) channels)")
            }
            let count = width * height * channels
            if info.bitDepth == 8 {
                var failed = false
                let samples = [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
                    failed = CPNGShims_readPixels(reader, buffer.baseAddress!, count, &message, message.count) != 0
                    initialized = count  // on failure the buffer is discarded below
                }
                if failed { throw VeilError.undecodable(path: path, reason: String(cBuffer: message)) }
                return .eight(Raster(width: width, height: height, channels: channels, samples: samples))
            } else {
                var failed = false
                let samples = [UInt16](unsafeUninitializedCapacity: count) { buffer, initialized in
                    let raw = UnsafeMutableRawPointer(buffer.baseAddress!).assumingMemoryBound(to: UInt8.self)
                    failed = CPNGShims_readPixels(reader, raw, count * 2, &message, message.count) != 0
                    initialized = count
                }
                if failed { throw VeilError.undecodable(path: path, reason: String(cBuffer: message)) }
                return .sixteen(Raster(width: width, height: height, channels: channels, samples: samples))
            }
        }
    }

    /// Whether the image data of `bytes` is read by the shim's direct reader (8/16-bit grey,
    /// grey+alpha, RGB or RGBA, not interlaced, no tRNS) rather than libpng's row reader.
    static func decodesDirectly(_ bytes: [UInt8], transform: Transform = []) -> Bool {
        var info = CPNGShims_Info()
        var message = [CChar](repeating: 0, count: 256)
        return bytes.withUnsafeBufferPointer { data in
            guard let base = data.baseAddress, let reader = CPNGShims_openReader(
                base, data.count, UInt32(ImageLimits.maximumSide), UInt32(ImageLimits.maximumSide),
                transform.rawValue, &info, &message, message.count) else { return false }
            defer { CPNGShims_closeReader(reader) }
            return CPNGShims_decodesDirectly(reader) != 0
        }
    }

    /// Decodes a PNG as packed 8-bit RGB (alpha dropped, grey replicated, 16-bit scaled).
    public static func decodeRGB(_ bytes: [UInt8], path: String) throws -> Raster<UInt8> {
        guard case .eight(let raster) = try decode(bytes, path: path, transform: .toRGB8) else {
            throw VeilError.undecodable(path: path, reason: "expected 8-bit samples")
        }
        return raster.channels == 3 ? raster : raster.rgb()
    }

    /// A PNG file with only the chunks its pixels need (IHDR, PLTE, tRNS, IDAT, IEND), copied as
    /// they are: nothing else the file holds (text, times, EXIF, colour profiles) is kept. How an image
    /// that Veil left unchanged is written, without decoding and encoding it again. The file must
    /// have decoded already: a file cut short after its image data gets its IEND chunk back.
    ///
    /// - Throws: `VeilError.undecodable` when `bytes` do not start with a PNG header chunk.
    public static func withoutMetadata(_ bytes: [UInt8], path: String) throws -> [UInt8] {
        guard startsWithHeader(bytes) else { throw VeilError.undecodable(path: path, reason: "not a PNG file") }
        let kept = Set(["IHDR", "PLTE", "tRNS", "IDAT", "IEND"].map { Array($0.utf8) }), end = Array("IEND".utf8)
        var out = Array(bytes[0..<8])
        out.reserveCapacity(bytes.count)
        var at = 8
        while at + 12 <= bytes.count {
            let length = bytes[at..<(at + 4)].reduce(0) { $0 << 8 | Int($1) }
            let next = at + 12 + length
            guard next <= bytes.count else { break }
            let name = Array(bytes[(at + 4)..<(at + 8)])
            if kept.contains(name) { out += bytes[at..<next] }
            if name == end { return out }
            at = next
        }
        // Cut short after the image data: the empty IEND chunk, with its CRC.
        return out + [0, 0, 0, 0, 0x49, 0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82]
    }

    /// Whether a PNG file (its header chunk) holds 8-bit RGB pixels: what Veil writes colour as.
    public static func isEightBitRGB(_ bytes: [UInt8]) -> Bool {
        startsWithHeader(bytes) && bytes.count > 25 && bytes[24] == 8 && bytes[25] == 2
    }

    /// Whether `bytes` open with the PNG signature and then the header chunk's name.
    private static func startsWithHeader(_ bytes: [UInt8]) -> Bool {
        bytes.count >= 16 && bytes[0..<8].elementsEqual([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
            && bytes[12..<16].elementsEqual(Array("IHDR".utf8))
    }

    /// Encodes 8-bit pixels (1–4 channels) as PNG bytes without metadata chunks.
    public static func encode(_ raster: Raster<UInt8>, settings: EncodeSettings = .fast) throws -> [UInt8] {
        try raster.samples.withUnsafeBytes { raw in
            try encode(raw, width: raster.width, height: raster.height, channels: raster.channels, bitDepth: 8, settings: settings)
        }
    }

    /// Encodes 16-bit pixels (1–4 channels) as PNG bytes without metadata chunks.
    public static func encode(_ raster: Raster<UInt16>, settings: EncodeSettings = .fast) throws -> [UInt8] {
        try raster.samples.withUnsafeBytes { raw in
            try encode(raw, width: raster.width, height: raster.height, channels: raster.channels, bitDepth: 16, settings: settings)
        }
    }

    /// Encodes a decoded PNG back to PNG bytes, whatever its bit depth.
    public static func encode(_ image: DecodedPNG, settings: EncodeSettings = .fast) throws -> [UInt8] {
        switch image {
        case .eight(let raster): try encode(raster, settings: settings)
        case .sixteen(let raster): try encode(raster, settings: settings)
        }
    }

    private static func encode(_ raw: UnsafeRawBufferPointer, width: Int, height: Int, channels: Int, bitDepth: Int,
                               settings: EncodeSettings) throws -> [UInt8] {
        guard width > 0, height > 0, let base = raw.baseAddress else {
            throw VeilError.imageOperation(reason: "cannot encode an empty \(width)×\(height) image as PNG")
        }
        var buffer = CPNGShims_Buffer()
        var message = [CChar](repeating: 0, count: 256)
        let status = CPNGShims_encode(base.assumingMemoryBound(to: UInt8.self), UInt32(width), UInt32(height),
                                      width * channels * bitDepth / 8, Int32(channels), Int32(bitDepth),
                                      settings.level, settings.filters, settings.strategy, &buffer, &message, message.count)
        guard status == 0, let bytes = buffer.bytes else {
            throw VeilError.imageOperation(reason: "PNG encoding failed: \(String(cBuffer: message))")
        }
        defer { CPNGShims_freeBuffer(&buffer) }
        return Array(UnsafeBufferPointer(start: bytes, count: buffer.count))
    }
}
