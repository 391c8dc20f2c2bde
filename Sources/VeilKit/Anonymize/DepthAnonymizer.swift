import Foundation

/// Replaces the depth inside each head blob with a smooth head-shaped dome plus noise, so no
/// facial relief (nose, brows, lips) survives in the depth map, and writes it back in the
/// recording's own encoding. Pixels outside the mask keep their exact stored samples.
public struct DepthAnonymizer: Sendable {
    /// Dome height as a fraction of the blob's half-width in metres.
    public var bulge: Float = 0.5
    /// Noise standard deviation, metres.
    public var noise: Float = 0.01

    public init() {}

    /// Rewrites the masked pixels of `image`, the stored depth image that `depth` was decoded from.
    public func apply(to image: inout DecodedPNG, depth: DepthMap, codec: DepthCodec, mask: [UInt8],
                      blobs: [HeadAnonymizer.Blob]? = nil, intrinsics: Intrinsics, random: (Int) -> AnonymizationRandom) {
        let (w, h) = (depth.width, depth.height)
        // A square of the cover past a real camera's range holds no reading but at its margin, and no
        // head that depth found: its depth stays.
        for (index, blob) in (blobs ?? HeadAnonymizer.blobs(mask: mask, width: w, height: h)).enumerated() where !blob.isCoverTile {
            var rng = random(index)
            var values: [Float] = []
            values.reserveCapacity(blob.pixels.count)
            depth.metres.withUnsafeBufferPointer { m in
                for i in blob.pixels where DepthMap.isMeasured(m[i]) { values.append(m[i]) }
            }
            guard !values.isEmpty else { continue }
            let z = Selection.kthSmallest(values.count / 2, in: &values)
            let cx = Float(blob.box.x0 + blob.box.x1) / 2, cy = Float(blob.box.y0 + blob.box.y1) / 2
            let rx = max(1, Float(blob.box.width) / 2), ry = max(1, Float(blob.box.height) / 2)
            let dome = bulge * rx * z / Float(intrinsics.fx)
            // Only the head's own surface is reshaped: background inside the mask keeps its depth,
            // so the head's outline (what a person detector sees) does not change.
            let band = 0.25 + 0.01 * z
            // A blob's pixels come in scan order: each pixel's row is found by moving on from the last.
            var updates: [(index: Int, metres: Float)] = []
            updates.reserveCapacity(blob.pixels.count)
            var (y, rowStart) = (blob.box.y0, blob.box.y0 * w)
            depth.metres.withUnsafeBufferPointer { m in
                for i in blob.pixels {
                    while i >= rowStart + w { y += 1; rowStart += w }
                    let v = m[i]
                    guard DepthMap.isMeasured(v), abs(v - z) < band else { continue }
                    let dx = (Float(i - rowStart) - cx) / rx, dy = (Float(y) - cy) / ry
                    updates.append((i, z - dome * max(0, 1 - dx * dx - dy * dy).squareRoot()))
                }
            }
            rng.forEachNoise(updates.count, sigma: noise) { k, value in updates[k].metres += value }
            codec.encode(updates, into: &image)
        }
    }
}

extension DepthCodec {
    /// Writes pixels' metres into a stored depth image, in place, in this encoding.
    public func encode(_ updates: [(index: Int, metres: Float)], into image: inout DecodedPNG) {
        guard !updates.isEmpty else { return }
        switch encoding {
        case .carlaRaw:
            image.modifyEight { raster in
                let c = raster.channels
                for (index, metres) in updates {
                    let v = UInt32(min(16_777_215, max(0, (metres * Float(16_777_215) / DepthEncoding.carlaFarPlane).rounded())))
                    raster.samples[index * c] = UInt8(v & 0xFF)
                    raster.samples[index * c + 1] = UInt8((v >> 8) & 0xFF)
                    raster.samples[index * c + 2] = UInt8(v >> 16)
                }
            }
        case .carlaGray, .carlaLog:
            image.modifyEight { raster in
                for (index, metres) in updates {
                    let level = Self.carla8Level(metres: metres, encoding: encoding)
                    for c in 0..<min(3, raster.channels) { raster.samples[index * raster.channels + c] = level }
                }
            }
        case .mm16:
            image.modifySixteen { raster in
                for (index, metres) in updates {
                    raster.samples[index] = UInt16(min(Float(UInt16.max - 1), max(1, (metres / scale).rounded())))
                }
            }
        }
    }
}

extension DecodedPNG {
    /// An image of no pixels, held by a variable while its raster is out being changed.
    static let placeholder = DecodedPNG.sixteen(Raster(width: 0, height: 0, channels: 1, samples: []))

    /// Changes the 8-bit raster in place (nothing when the samples are 16-bit).
    ///
    /// The raster is taken out and the enum left holding a placeholder before `body` runs, so the
    /// raster's samples have one owner and change without a copy. Binding the payload in a `switch`
    /// and writing to it kept the enum's reference alive and copied the whole depth image for every
    /// head (perf on a 1280×720 run: 2% of the CPU in that memmove).
    mutating func modifyEight(_ body: (inout Raster<UInt8>) -> Void) {
        guard case .eight(var raster) = self else { return }
        self = Self.placeholder
        body(&raster)
        self = .eight(raster)
    }

    /// Changes the 16-bit raster in place (nothing when the samples are 8-bit); see `modifyEight`.
    mutating func modifySixteen(_ body: (inout Raster<UInt16>) -> Void) {
        guard case .sixteen(var raster) = self else { return }
        self = Self.placeholder
        body(&raster)
        self = .sixteen(raster)
    }
}
