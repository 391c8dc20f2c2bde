import CTurboJPEG

/// JPEG decoding and encoding through TurboJPEG.
public enum JPEGCodec {
    /// Decodes JPEG bytes to packed 8-bit RGB; `path` names the file in errors.
    ///
    /// Warnings that libjpeg would let pass (a truncated scan, corrupt entropy data) are errors
    /// here: a frame with grey fill where data was missing is not a faithful frame.
    public static func decodeRGB(_ bytes: [UInt8], path: String) throws -> Raster<UInt8> {
        guard !bytes.isEmpty else { throw VeilError.undecodable(path: path, reason: "file is empty") }
        guard bytes.count >= 4, bytes[0] == 0xFF, bytes[1] == 0xD8 else {
            throw VeilError.undecodable(path: path, reason: "not a JPEG file (bad signature)")
        }
        guard let handle = tjInitDecompress() else {
            throw VeilError.imageOperation(reason: "TurboJPEG could not start")
        }
        defer { tjDestroy(handle) }
        return try bytes.withUnsafeBufferPointer { data in
            var width: Int32 = 0, height: Int32 = 0, subsampling: Int32 = 0, colorspace: Int32 = 0
            guard tjDecompressHeader3(handle, data.baseAddress, UInt(data.count), &width, &height,
                                      &subsampling, &colorspace) == 0 else {
                throw VeilError.undecodable(path: path, reason: String(cString: tjGetErrorStr2(handle)))
            }
            guard width > 0, height > 0, Int(width) <= ImageLimits.maximumSide, Int(height) <= ImageLimits.maximumSide,
                  Int(width) * Int(height) <= ImageLimits.maximumPixels else {
                throw VeilError.undecodable(path: path, reason: "\(width)×\(height) is outside the supported image size")
            }
            let count = Int(width) * Int(height) * 3
            var status: Int32 = 0
            let samples = [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
                status = tjDecompress2(handle, data.baseAddress, UInt(data.count), buffer.baseAddress, width, width * 3,
                                       height, Int32(TJPF_RGB.rawValue), TJFLAG_STOPONWARNING)
                initialized = count
            }
            guard status == 0 else {
                throw VeilError.undecodable(path: path, reason: String(cString: tjGetErrorStr2(handle)))
            }
            return Raster(width: Int(width), height: Int(height), channels: 3, samples: samples)
        }
    }

    /// Encodes packed 8-bit RGB (or grey) as a baseline JPEG with 4:2:0 chroma subsampling.
    public static func encode(_ raster: Raster<UInt8>, quality: Int = 90) throws -> [UInt8] {
        guard raster.channels == 3 || raster.channels == 1, raster.width > 0, raster.height > 0 else {
            throw VeilError.imageOperation(reason: "JPEG needs a non-empty RGB or grey image, not \(raster.channels) channels")
        }
        guard let handle = tjInitCompress() else { throw VeilError.imageOperation(reason: "TurboJPEG could not start") }
        defer { tjDestroy(handle) }
        var output: UnsafeMutablePointer<UInt8>? = nil
        var size: UInt = 0
        let format = raster.channels == 3 ? TJPF_RGB : TJPF_GRAY
        let subsampling = raster.channels == 3 ? TJSAMP_420 : TJSAMP_GRAY
        let status = raster.samples.withUnsafeBufferPointer { pixels in
            tjCompress2(handle, pixels.baseAddress, Int32(raster.width), Int32(raster.width * raster.channels),
                        Int32(raster.height), Int32(format.rawValue), &output, &size, Int32(subsampling.rawValue),
                        Int32(max(1, min(100, quality))), TJFLAG_FASTDCT)
        }
        defer { if let output { tjFree(output) } }
        guard status == 0, let output else {
            throw VeilError.imageOperation(reason: "JPEG encoding failed: \(String(cString: tjGetErrorStr2(handle)))")
        }
        return Array(UnsafeBufferPointer(start: output, count: Int(size)))
    }
}
