import Foundation
import Testing
@testable import VeilKit

@Suite struct JPEGCodecTests {
    @Test func roundTripStaysClose() throws {
        let raster = TestImages.rgb(width: 64, height: 48)
        let decoded = try JPEGCodec.decodeRGB(try JPEGCodec.encode(raster, quality: 95), path: "m.jpg")
        #expect(decoded.width == 64 && decoded.height == 48 && decoded.channels == 3)
        let meanError = zip(raster.samples, decoded.samples).reduce(0) { $0 + abs(Int($1.0) - Int($1.1)) } / raster.samples.count
        #expect(meanError < 10)
    }

    @Test func emptyTruncatedAndCorruptInputAreErrors() throws {
        let bytes = try JPEGCodec.encode(TestImages.rgb(width: 64, height: 48), quality: 90)
        #expect(throws: VeilError.undecodable(path: "e.jpg", reason: "file is empty")) { try JPEGCodec.decodeRGB([], path: "e.jpg") }
        for cut in [3, 20, bytes.count / 3, bytes.count / 2, bytes.count - 3] {
            do {
                _ = try JPEGCodec.decodeRGB(Array(bytes[..<cut]), path: "cut.jpg")
                Issue.record("a JPEG cut at \(cut) of \(bytes.count) bytes decoded")
            } catch let error as VeilError {
                #expect(error.description.contains("cut.jpg"))
            }
        }
        #expect(throws: VeilError.self) { try JPEGCodec.decodeRGB([0xFF, 0xD8, 0xFF, 0xE0] + [UInt8](repeating: 7, count: 100), path: "bad.jpg") }
    }

    @Test func randomMutationsNeverCrash() throws {
        let original = try JPEGCodec.encode(TestImages.rgb(width: 32, height: 24), quality: 80)
        var generator = SplitMix64(seed: 7)
        for _ in 0..<1_000 {
            var bytes = original
            for _ in 0..<Int.random(in: 1...6, using: &generator) {
                bytes[Int.random(in: 0..<bytes.count, using: &generator)] = UInt8.random(in: 0...255, using: &generator)
            }
            _ = try? JPEGCodec.decodeRGB(bytes, path: "m.jpg")
        }
    }

    @Test func imageFileTellsFormatsBySignature() throws {
        let raster = TestImages.rgb(width: 8, height: 8)
        #expect(try ImageFile.decodeRGB(try PNGCodec.encode(raster), path: "named.jpg") == raster)
        #expect(try ImageFile.decodeRGB(try JPEGCodec.encode(raster), path: "named.png").width == 8)
        #expect(throws: VeilError.undecodable(path: "t.png", reason: "neither a PNG nor a JPEG file")) {
            try ImageFile.decodeRGB(Array("hello".utf8), path: "t.png")
        }
    }
}
