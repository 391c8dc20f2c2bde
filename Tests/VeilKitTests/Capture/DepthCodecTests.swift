import Foundation
import Testing
@testable import VeilKit

@Suite struct DepthCodecTests {
    static let distances: [Float] = [0.6, 1.0, 2.5, 3.5, 7.25, 11.8, 25, 40, 120, 600]

    @Test(arguments: DepthEncoding.allCases)
    func knownMetresSurviveEncodeThroughPNGAndDecode(encoding: DepthEncoding) throws {
        let codec = DepthCodec(encoding: encoding)
        let depth = DepthMap(width: Self.distances.count, height: 1, metres: Self.distances)
        let bytes = try PNGCodec.encode(codec.encode(depth))
        let decoded = try codec.decode(try PNGCodec.decode(bytes, path: "d.png"), path: "d.png")
        for (expected, actual) in zip(Self.distances, decoded.metres) {
            if encoding == .carlaLog, expected < 3.5 { continue }  // CARLA's log converter clamps below ~3.4 m
            if encoding == .mm16, expected > 65.534 { continue }  // beyond a 16-bit millimetre range
            let tolerance = encoding.resolution(at: expected) * 0.51 + 1e-4
            #expect(abs(actual - expected) <= tolerance, "\(encoding.rawValue): \(expected) m decoded as \(actual) m")
        }
    }

    @Test func carlaFarPlaneIsBeyondRange() throws {
        let sky = Raster<UInt8>(width: 1, height: 1, channels: 4, samples: [255, 255, 255, 255])
        let depth = try DepthCodec(encoding: .carlaRaw).decode(.eight(sky), path: "d.png")
        #expect(depth.metres == [DepthMap.beyondRange])
    }

    @Test func carlaRawMatchesTheDocumentedFormula() throws {
        // R + 256·G + 65536·B = 1 + 2·256 + 3·65536 = 197121 → 1000 · 197121 / 16777215 m.
        let pixel = Raster<UInt8>(width: 1, height: 1, channels: 3, samples: [1, 2, 3])
        let depth = try DepthCodec(encoding: .carlaRaw).decode(.eight(pixel), path: "d.png")
        #expect(abs(depth.metres[0] - 1000 * 197_121 / 16_777_215) < 1e-4)
    }

    @Test func mm16MarksHolesAndOutOfRange() throws {
        let raster = Raster<UInt16>(width: 3, height: 1, channels: 1, samples: [0, 1500, .max])
        let depth = try DepthCodec(encoding: .mm16).decode(.sixteen(raster), path: "d.png")
        #expect(depth.metres[0] == DepthMap.noReading)
        #expect(abs(depth.metres[1] - 1.5) < 1e-6)
        #expect(depth.metres[2] == DepthMap.beyondRange)
        let scaled = try DepthCodec(encoding: .mm16, scale: 0.0002).decode(.sixteen(raster), path: "d.png")
        #expect(abs(scaled.metres[1] - 0.3) < 1e-6)
    }

    @Test func wrongBitDepthIsAnErrorNamingTheFile() throws {
        let eight = Raster<UInt8>(width: 1, height: 1, channels: 1, samples: [3])
        #expect(throws: VeilError.self) { try DepthCodec(encoding: .mm16).decode(.eight(eight), path: "depth/1.png") }
        let sixteen = Raster<UInt16>(width: 1, height: 1, channels: 1, samples: [3])
        do {
            _ = try DepthCodec(encoding: .carlaRaw).decode(.sixteen(sixteen), path: "depth/2.png")
            Issue.record("16-bit depth decoded as carla-raw")
        } catch let error as VeilError {
            #expect(error.description.contains("depth/2.png"))
        }
    }

    @Test func detectorTellsUnambiguousEncodings() throws {
        let depth = TestImages.depth(width: 16, height: 16)
        for encoding in [DepthEncoding.carlaRaw, .mm16] {
            #expect(DepthEncodingDetector.detect(DepthCodec(encoding: encoding).encode(depth)) == .detected(encoding))
        }
        for encoding in [DepthEncoding.carlaGray, .carlaLog] {
            guard case .ambiguous = DepthEncodingDetector.detect(DepthCodec(encoding: encoding).encode(depth)) else {
                Issue.record("\(encoding) was not reported ambiguous")
                continue
            }
        }
        let rgb16 = Raster<UInt16>(width: 1, height: 1, channels: 3, samples: [1, 2, 3])
        guard case .unsupported = DepthEncodingDetector.detect(.sixteen(rgb16)) else {
            Issue.record("16-bit RGB depth was not refused")
            return
        }
    }
}

@Suite struct DepthNoiseTests {
    /// A street-like depth: a slanted wall (planar depth, as a renderer gives it) with a box in front,
    /// plus Gaussian noise of `sigma` metres and every 13th pixel a hole.
    static func scene(sigma: Float, width: Int = 320, height: Int = 240) -> DepthMap {
        var generator = SplitMix64(seed: 11)
        var metres = [Float](repeating: 0, count: width * height)
        for y in 0..<height {
            for x in 0..<width {
                let i = y * width + x
                if i % 13 == 0 { continue }
                var m = 8 + Float(x) * 0.01 + Float(y) * 0.004
                if (100..<180).contains(x), (60..<200).contains(y) { m = 4 }
                // Irwin–Hall: the sum of 12 uniforms minus 6 is close to a unit Gaussian.
                let g = (0..<12).reduce(Float(-6)) { s, _ in s + Float(generator.next() >> 40) / Float(1 << 24) }
                metres[i] = m + sigma * g
            }
        }
        return DepthMap(width: width, height: height, metres: metres)
    }

    @Test func renderedDepthIsWrittenWithTheUpFilterAndACamerasWithRunLengths() throws {
        #expect(try #require(Self.scene(sigma: 0).noiseFraction(above: 0.002)) < 0.05)
        #expect(try #require(Self.scene(sigma: 0.01).noiseFraction(above: 0.002)) > 0.8)
        #expect(PNGCodec.EncodeSettings.forDepth(Self.scene(sigma: 0)) == .depth)
        #expect(PNGCodec.EncodeSettings.forDepth(Self.scene(sigma: 0.0002)) == .depth)
        #expect(PNGCodec.EncodeSettings.forDepth(Self.scene(sigma: 0.01)) == .fast)
        #expect(PNGCodec.EncodeSettings.forDepth(nil) == .depth)
        // Too few readings to tell: the rendered-depth setting.
        #expect(PNGCodec.EncodeSettings.forDepth(DepthMap(width: 4, height: 4, metres: [Float](repeating: 0, count: 16))) == .depth)
    }

    @Test func eitherSettingWritesTheSameSamples() throws {
        let codec = DepthCodec(encoding: .mm16)
        let image = codec.encode(Self.scene(sigma: 0.01))
        for settings in [PNGCodec.EncodeSettings.depth, .fast] {
            #expect(try PNGCodec.decode(try PNGCodec.encode(image, settings: settings), path: "d.png") == image)
        }
    }
}
