/// A packed, row-major image with interleaved channels.
///
/// `Raster<UInt8>` holds colour (3 channels, RGB), 8-bit depth encodings and segmentation images;
/// `Raster<UInt16>` holds 16-bit depth. Samples are in host byte order.
public struct Raster<Sample: FixedWidthInteger & UnsignedInteger & Sendable>: Sendable, Equatable {
    /// Width in pixels.
    public let width: Int
    /// Height in pixels.
    public let height: Int
    /// Interleaved samples per pixel (1 grey, 2 grey+alpha, 3 RGB, 4 RGBA).
    public let channels: Int
    /// `width · height · channels` samples, row after row.
    public var samples: [Sample]

    /// Wraps existing samples; the count must match the shape.
    public init(width: Int, height: Int, channels: Int, samples: [Sample]) {
        precondition(width >= 0 && height >= 0 && channels > 0, "a raster has a non-negative size and at least one channel")
        precondition(samples.count == width * height * channels, "sample count does not match \(width)×\(height)×\(channels)")
        self.width = width
        self.height = height
        self.channels = channels
        self.samples = samples
    }

    /// A raster filled with one value.
    public init(width: Int, height: Int, channels: Int, repeating value: Sample = 0) {
        self.init(width: width, height: height, channels: channels,
                  samples: [Sample](repeating: value, count: width * height * channels))
    }

    /// Samples in one row.
    public var rowSamples: Int { width * channels }

    /// Pixels in the image.
    public var pixelCount: Int { width * height }

    /// The sample of channel `c` at (x, y).
    @inlinable public subscript(x: Int, y: Int, c: Int) -> Sample {
        get { samples[(y * width + x) * channels + c] }
        set { samples[(y * width + x) * channels + c] = newValue }
    }

    /// The pixels of `box` (which lies inside the image), row by row.
    public func cropped(to box: PixelBox) -> Raster {
        precondition(box.x0 >= 0 && box.y0 >= 0 && box.x1 < width && box.y1 < height && box.x0 <= box.x1 && box.y0 <= box.y1,
                     "a box inside the image")
        var out = Raster(width: box.width, height: box.height, channels: channels)
        copyRows(box.height, of: box.width * channels, from: samples, at: (box.y0 * width + box.x0) * channels, stride: width * channels,
                 into: &out.samples, at: 0, stride: box.width * channels)
        return out
    }
}

/// Copies `rows` rows of `count` values each from `source`, starting at `from` with rows
/// `fromStride` values apart, into `target`, starting at `to` with rows `toStride` apart (a
/// rectangle of one image into another; each row one block copy).
func copyRows<T>(_ rows: Int, of count: Int, from source: [T], at from: Int, stride fromStride: Int,
                 into target: inout [T], at to: Int, stride toStride: Int) {
    source.withUnsafeBufferPointer { src in
        target.withUnsafeMutableBufferPointer { dst in
            for y in 0..<rows {
                let (f, t) = (from + y * fromStride, to + y * toStride)
                _ = UnsafeMutableBufferPointer(rebasing: dst[t..<(t + count)]).update(fromContentsOf: UnsafeBufferPointer(rebasing: src[f..<(f + count)]))
            }
        }
    }
}

extension Raster where Sample == UInt8 {
    /// This image as packed RGB: grey is replicated and alpha dropped.
    public func rgb() -> Raster<UInt8> {
        if channels == 3 { return self }
        var out = [UInt8](repeating: 0, count: pixelCount * 3)
        let channels = self.channels
        samples.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                for i in 0..<pixelCount {
                    let s = i * channels
                    if channels >= 3 {
                        dst[i * 3] = src[s]; dst[i * 3 + 1] = src[s + 1]; dst[i * 3 + 2] = src[s + 2]
                    } else {
                        dst[i * 3] = src[s]; dst[i * 3 + 1] = src[s]; dst[i * 3 + 2] = src[s]
                    }
                }
            }
        }
        return Raster(width: width, height: height, channels: 3, samples: out)
    }
}
