import COpenCVShims

/// Image operations done by OpenCV through the COpenCVShims C API; failures become thrown errors.
public enum ImageOps {
    /// OpenCV's interpolation flags.
    public enum Interpolation: Int32, Sendable {
        case nearest = 0
        case linear = 1
        case cubic = 2
        case area = 3
    }

    /// The OpenCV version linked in.
    public static var openCVVersion: String {
        var buffer = [CChar](repeating: 0, count: 64)
        COpenCVShims_version(&buffer, buffer.count)
        return String(cBuffer: buffer)
    }

    /// `raster` resized to `width`×`height`.
    public static func resize(_ raster: Raster<UInt8>, width: Int, height: Int,
                              interpolation: Interpolation = .linear) throws -> Raster<UInt8> {
        var output = Raster<UInt8>(width: width, height: height, channels: raster.channels)
        var source = raster
        try source.samples.withUnsafeMutableBufferPointer { src in
            try output.samples.withUnsafeMutableBufferPointer { dst in
                guard let s = src.baseAddress, let d = dst.baseAddress else {
                    throw VeilError.imageOperation(reason: "cannot resize an empty image")
                }
                let a = COpenCVShims_Image8(pixels: s, width: Int32(raster.width), height: Int32(raster.height),
                                            channels: Int32(raster.channels), stride: raster.rowSamples)
                let b = COpenCVShims_Image8(pixels: d, width: Int32(width), height: Int32(height),
                                            channels: Int32(raster.channels), stride: width * raster.channels)
                try check { COpenCVShims_resize(a, b, interpolation.rawValue, $0, $1) }
            }
        }
        return output
    }

    /// Blurs the rectangle (x, y, w, h) of `raster` in place with a Gaussian of standard deviation `sigma`.
    public static func gaussianBlur(_ raster: inout Raster<UInt8>, x: Int, y: Int, width: Int, height: Int,
                                    sigma: Double) throws {
        let (w, h, c) = (raster.width, raster.height, raster.channels)
        try raster.samples.withUnsafeMutableBufferPointer { buffer in
            guard let base = buffer.baseAddress else { throw VeilError.imageOperation(reason: "cannot blur an empty image") }
            let image = COpenCVShims_Image8(pixels: base, width: Int32(w), height: Int32(h), channels: Int32(c), stride: w * c)
            try check { COpenCVShims_gaussianBlurRect(image, Int32(x), Int32(y), Int32(width), Int32(height), sigma, $0, $1) }
        }
    }

    /// The 3×3 median of a depth map (OpenCV), values as they are (holes are 0 and count as such).
    public static func median3(_ depth: DepthMap) throws -> DepthMap {
        var out = [Float](repeating: 0, count: depth.metres.count)
        try depth.metres.withUnsafeBufferPointer { src in
            try out.withUnsafeMutableBufferPointer { dst in
                try check { COpenCVShims_medianBlur3f(src.baseAddress!, dst.baseAddress!, Int32(depth.width), Int32(depth.height), $0, $1) }
            }
        }
        return DepthMap(width: depth.width, height: depth.height, metres: out)
    }

    /// The HOG people detector's score on a window of `image` (positive: a person).
    public static func hogPersonScore(_ image: Raster<UInt8>, window: PixelBox) throws -> Float {
        var score: Float = 0
        var copy = image
        try copy.samples.withUnsafeMutableBufferPointer { pixels in
            let view = COpenCVShims_Image8(pixels: pixels.baseAddress!, width: Int32(image.width), height: Int32(image.height),
                                           channels: 3, stride: image.width * 3)
            try check { COpenCVShims_hogPersonScore(view, Int32(window.x0), Int32(window.y0), Int32(window.width), Int32(window.height), &score, $0, $1) }
        }
        return score
    }

    /// Runs a shim call with an error buffer and turns its failure into `VeilError.imageOperation`.
    static func check(_ call: (UnsafeMutablePointer<CChar>, Int) -> Int32) throws {
        var message = [CChar](repeating: 0, count: 512)
        let status = message.withUnsafeMutableBufferPointer { call($0.baseAddress!, $0.count) }
        guard status == 0 else { throw VeilError.imageOperation(reason: String(cBuffer: message)) }
    }
}
