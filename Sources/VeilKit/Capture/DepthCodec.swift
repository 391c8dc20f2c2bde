import Foundation

/// Turns depth images into metres and back, for every `DepthEncoding`.
public struct DepthCodec: Sendable, Equatable {
    /// The encoding.
    public let encoding: DepthEncoding
    /// Metres per unit for `mm16` (0.001 for millimetres).
    public let scale: Float

    public init(encoding: DepthEncoding, scale: Float = 0.001) {
        self.encoding = encoding
        self.scale = scale
    }

    /// CARLA depth at or beyond this is the far plane (sky): beyond range.
    static let carlaSkyThreshold: Float = DepthEncoding.carlaFarPlane * 0.999

    /// Decodes a depth image; `path` names the file in errors.
    ///
    /// - Throws: `VeilError.unexpectedContent` when the image's bit depth or channels do not fit the encoding.
    public func decode(_ image: DecodedPNG, path: String) throws -> DepthMap {
        switch (encoding, image) {
        case (.carlaRaw, .eight(let raster)) where raster.channels >= 3:
            return decodeCarlaRaw(raster)
        case (.carlaGray, .eight(let raster)), (.carlaLog, .eight(let raster)):
            return decodeCarla8(raster)
        case (.mm16, .sixteen(let raster)) where raster.channels == 1:
            return decodeMM16(raster)
        default:
            throw VeilError.unexpectedContent(
                path: path,
                reason: "a \(image.bitDepth)-bit, \(image.channels)-channel PNG is not \(encoding.rawValue) depth"
                    + " (\(DepthCodec.expectedShape(encoding)))")
        }
    }

    /// What each encoding's files look like, for error messages.
    static func expectedShape(_ encoding: DepthEncoding) -> String {
        switch encoding {
        case .carlaRaw: "expected 8-bit RGB or RGBA"
        case .carlaGray, .carlaLog: "expected 8-bit grey or RGB"
        case .mm16: "expected 16-bit grey"
        }
    }

    private func decodeCarlaRaw(_ raster: Raster<UInt8>) -> DepthMap {
        let count = raster.pixelCount, channels = raster.channels
        let factor = DepthEncoding.carlaFarPlane / 16_777_215
        let sky = Self.carlaSkyThreshold
        let metres = [Float](unsafeUninitializedCapacity: count) { out, initialized in
            raster.samples.withUnsafeBufferPointer { src in
                // A constant stride for RGB and RGBA lets the compiler vectorise the loop.
                func convert(stride: Int) {
                    for i in 0..<count {
                        let s = i * stride
                        let v = UInt32(src[s]) | UInt32(src[s + 1]) << 8 | UInt32(src[s + 2]) << 16
                        let m = Float(v) * factor
                        out[i] = m >= sky ? DepthMap.beyondRange : m
                    }
                }
                switch channels {
                case 3: convert(stride: 3)
                case 4: convert(stride: 4)
                default: convert(stride: channels)
                }
            }
            initialized = count
        }
        return DepthMap(width: raster.width, height: raster.height, metres: metres)
    }

    private func decodeCarla8(_ raster: Raster<UInt8>) -> DepthMap {
        var table = [Float](repeating: 0, count: 256)
        for level in 0..<256 {
            let m = Self.carla8Metres(level: level, encoding: encoding)
            table[level] = m >= Self.carlaSkyThreshold ? DepthMap.beyondRange : m
        }
        let count = raster.pixelCount, channels = raster.channels
        let metres = [Float](unsafeUninitializedCapacity: count) { out, initialized in
            raster.samples.withUnsafeBufferPointer { src in
                table.withUnsafeBufferPointer { lut in
                    for i in 0..<count { out[i] = lut[Int(src[i * channels])] }
                }
            }
            initialized = count
        }
        return DepthMap(width: raster.width, height: raster.height, metres: metres)
    }

    /// The metres an 8-bit CARLA level stands for.
    static func carla8Metres(level: Int, encoding: DepthEncoding) -> Float {
        let fraction = Float(level) / 255
        switch encoding {
        case .carlaLog: return DepthEncoding.carlaFarPlane * Foundation.exp((fraction - 1) * DepthEncoding.carlaLogScale)
        default: return DepthEncoding.carlaFarPlane * fraction
        }
    }

    private func decodeMM16(_ raster: Raster<UInt16>) -> DepthMap {
        let count = raster.pixelCount, scale = self.scale
        let metres = [Float](unsafeUninitializedCapacity: count) { out, initialized in
            raster.samples.withUnsafeBufferPointer { src in
                for i in 0..<count {
                    let v = src[i]
                    out[i] = v == 0 ? DepthMap.noReading : (v == UInt16.max ? DepthMap.beyondRange : Float(v) * scale)
                }
            }
            initialized = count
        }
        return DepthMap(width: raster.width, height: raster.height, metres: metres)
    }

    /// Encodes metres in this encoding, as the recording's own files would hold them.
    ///
    /// CARLA encodings become 8-bit RGB (grey levels replicated, as `save_to_disk` writes them);
    /// `mm16` becomes 16-bit grey. Holes and beyond-range pixels get each encoding's marker
    /// (CARLA has no hole marker and stores both at the far plane).
    public func encode(_ depth: DepthMap) -> DecodedPNG {
        let count = depth.width * depth.height
        switch encoding {
        case .carlaRaw:
            let factor = Float(16_777_215) / DepthEncoding.carlaFarPlane
            let samples = [UInt8](unsafeUninitializedCapacity: count * 3) { out, initialized in
                depth.metres.withUnsafeBufferPointer { src in
                    for i in 0..<count {
                        let m = src[i]
                        let v: UInt32 = DepthMap.isMeasured(m) ? UInt32(min(16_777_215, max(0, (m * factor).rounded()))) : 16_777_215
                        out[i * 3] = UInt8(v & 0xFF); out[i * 3 + 1] = UInt8((v >> 8) & 0xFF); out[i * 3 + 2] = UInt8(v >> 16)
                    }
                }
                initialized = count * 3
            }
            return .eight(Raster(width: depth.width, height: depth.height, channels: 3, samples: samples))
        case .carlaGray, .carlaLog:
            let samples = [UInt8](unsafeUninitializedCapacity: count * 3) { out, initialized in
                depth.metres.withUnsafeBufferPointer { src in
                    for i in 0..<count {
                        let level = Self.carla8Level(metres: src[i], encoding: encoding)
                        out[i * 3] = level; out[i * 3 + 1] = level; out[i * 3 + 2] = level
                    }
                }
                initialized = count * 3
            }
            return .eight(Raster(width: depth.width, height: depth.height, channels: 3, samples: samples))
        case .mm16:
            let scale = self.scale
            let samples = [UInt16](unsafeUninitializedCapacity: count) { out, initialized in
                depth.metres.withUnsafeBufferPointer { src in
                    for i in 0..<count {
                        let m = src[i]
                        if m == DepthMap.noReading || m.isNaN { out[i] = 0 }
                        else if !m.isFinite { out[i] = UInt16.max }
                        else { out[i] = UInt16(min(Float(UInt16.max - 1), max(1, (m / scale).rounded()))) }
                    }
                }
                initialized = count
            }
            return .sixteen(Raster(width: depth.width, height: depth.height, channels: 1, samples: samples))
        }
    }

    /// The 8-bit level CARLA's grey or logarithmic converter gives a depth.
    static func carla8Level(metres: Float, encoding: DepthEncoding) -> UInt8 {
        guard DepthMap.isMeasured(metres) else { return 255 }
        let normalized = min(1, metres / DepthEncoding.carlaFarPlane)
        let value: Float
        if encoding == .carlaLog {
            value = min(1, max(0.005, 1 + Foundation.log(normalized) / DepthEncoding.carlaLogScale))
        } else {
            value = normalized
        }
        return UInt8((value * 255).rounded())
    }
}
