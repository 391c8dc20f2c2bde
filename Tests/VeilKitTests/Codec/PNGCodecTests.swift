import Foundation
import Testing
@testable import VeilKit

@Suite struct PNGCodecTests {
    @Test(arguments: [1, 2, 3, 4])
    func eightBitRoundTripIsExact(channels: Int) throws {
        var raster = Raster<UInt8>(width: 37, height: 23, channels: channels)
        for i in raster.samples.indices { raster.samples[i] = UInt8((i * 31 + 7) & 0xFF) }
        let decoded = try PNGCodec.decode(try PNGCodec.encode(raster), path: "mem.png")
        #expect(decoded == .eight(raster))
    }

    @Test func sixteenBitGreyRoundTripIsExact() throws {
        var raster = Raster<UInt16>(width: 41, height: 19, channels: 1)
        for i in raster.samples.indices { raster.samples[i] = UInt16((i * 4099 + 13) & 0xFFFF) }
        raster.samples[0] = 0
        raster.samples[1] = .max
        let decoded = try PNGCodec.decode(try PNGCodec.encode(raster), path: "mem.png")
        #expect(decoded == .sixteen(raster))
    }

    @Test func everyEncodeSettingDecodesToTheSamePixels() throws {
        let raster = TestImages.rgb(width: 64, height: 48)
        for settings in [PNGCodec.EncodeSettings.fast, .libpngDefault, .init(level: 0, filters: 0x08, strategy: 0),
                         .init(level: 3, filters: 0x20, strategy: 3)] {
            #expect(try PNGCodec.decodeRGB(try PNGCodec.encode(raster, settings: settings), path: "m.png") == raster)
        }
    }

    @Test func rgbaDecodesToRGBWithoutAlpha() throws {
        var rgba = Raster<UInt8>(width: 3, height: 1, channels: 4)
        rgba.samples = [10, 20, 30, 255, 40, 50, 60, 0, 70, 80, 90, 128]
        let rgb = try PNGCodec.decodeRGB(try PNGCodec.encode(rgba), path: "m.png")
        #expect(rgb.samples == [10, 20, 30, 40, 50, 60, 70, 80, 90])
    }

    @Test func greyDecodesToReplicatedRGB() throws {
        let grey = Raster<UInt8>(width: 2, height: 1, channels: 1, samples: [5, 200])
        #expect(try PNGCodec.decodeRGB(try PNGCodec.encode(grey), path: "m.png").samples == [5, 5, 5, 200, 200, 200])
    }

    /// Every layout the direct reader and writer take, every filter (one at a time and libpng's
    /// adaptive mix), odd widths, several IDAT chunks: files libpng reads back exactly, and the same
    /// pixels from the direct reader as from libpng's own row reader, with and without the
    /// transforms Veil asks for.
    @Test(arguments: [1, 2, 3, 4])
    func directReaderGivesLibpngsPixels(channels: Int) throws {
        var generator = SplitMix64(seed: UInt64(channels))
        let filters: [Int32] = [0x08, 0x10, 0x20, 0x40, 0x80, 0xF8]
        for (width, height) in [(1, 1), (3, 5), (37, 23), (301, 97)] {
            var eight = Raster<UInt8>(width: width, height: height, channels: channels)
            var sixteen = Raster<UInt16>(width: width, height: height, channels: channels)
            for i in eight.samples.indices {
                // Smooth ramps with noise, so that every filter is chosen by the adaptive mix.
                let ramp = (i / channels) % width + i / (width * channels)
                eight.samples[i] = UInt8(truncatingIfNeeded: ramp * 3 + Int.random(in: 0...6, using: &generator))
                sixteen.samples[i] = UInt16(truncatingIfNeeded: ramp * 771 + Int.random(in: 0...600, using: &generator))
            }
            for filter in filters {
                let settings = PNGCodec.EncodeSettings(level: 6, filters: filter, strategy: 0)
                let files = [try PNGCodec.encode(eight, settings: settings), try PNGCodec.encode(sixteen, settings: settings)]
                // Written by the shim's own writer (one filter) or libpng's (the mix); read by libpng.
                #expect(try PNGCodec.decode(files[0], path: "e.png", transform: .libpngRows) == .eight(eight))
                #expect(try PNGCodec.decode(files[1], path: "s.png", transform: .libpngRows) == .sixteen(sixteen))
                for bytes in files {
                    for transform in [PNGCodec.Transform(), .toRGB8, .stripAlpha, .grayToRGB, .scale16To8] {
                        #expect(PNGCodec.decodesDirectly(bytes, transform: transform))
                        let direct = try PNGCodec.decode(bytes, path: "d.png", transform: transform)
                        let rows = try PNGCodec.decode(bytes, path: "d.png", transform: transform.union(.libpngRows))
                        #expect(direct == rows, "\(channels) channels, \(width)×\(height), filters \(filter), transform \(transform.rawValue)")
                    }
                }
            }
        }
        // Large enough for libpng to write several IDAT chunks.
        var big = TestImages.rgb(width: 640, height: 200, seed: 3)
        for i in big.samples.indices { big.samples[i] &+= UInt8.random(in: 0...15, using: &generator) }
        let bytes = try PNGCodec.encode(big, settings: .libpngDefault)
        #expect(Self.count(Array("IDAT".utf8), in: bytes) > 1)
        #expect(try PNGCodec.decodeRGB(bytes, path: "big.png") == big)
    }

    @Test func sixteenBitScaledToEightBitsLikeLibpngForEveryValue() throws {
        var raster = Raster<UInt16>(width: 256, height: 256, channels: 1)
        for i in raster.samples.indices { raster.samples[i] = UInt16(i) }
        let bytes = try PNGCodec.encode(raster)
        let direct = try PNGCodec.decode(bytes, path: "s.png", transform: .scale16To8)
        let rows = try PNGCodec.decode(bytes, path: "s.png", transform: [.scale16To8, .libpngRows])
        #expect(direct == rows)
        guard case .eight(let scaled) = direct else { Issue.record("not 8-bit"); return }
        #expect(scaled.samples[0] == 0 && scaled.samples[65535] == 255 && scaled.samples[0x8080] == 0x80)
    }

    @Test func unknownRowFilterIsAnErrorNamingTheFile() throws {
        // Stored (level 0), filter None: each row's filter byte lies in the file as it is. Make the
        // second row's filter 7 and mend the chunk's CRC, so that only the filter is wrong.
        let raster = TestImages.rgb(width: 8, height: 4)
        var bytes = try PNGCodec.encode(raster, settings: .init(level: 0, filters: 0x08, strategy: 0))
        let idat = try #require(Self.find(Array("IDAT".utf8), in: bytes))
        // zlib header (2), stored block header (5), then rows of 1 + 24 bytes.
        let secondRow = idat + 4 + 2 + 5 + 25
        #expect(bytes[secondRow] == 0)
        bytes[secondRow] = 7
        CRC32.mend(chunkNamedAt: idat, in: &bytes)
        #expect(PNGCodec.decodesDirectly(bytes))
        #expect(throws: VeilError.undecodable(path: "f.png", reason: "bad adaptive filter value")) {
            try PNGCodec.decode(bytes, path: "f.png")
        }
        // libpng's reader refuses it too.
        #expect(throws: VeilError.self) { try PNGCodec.decode(bytes, path: "f.png", transform: .libpngRows) }
    }

    /// Palette and interlaced files are left to libpng's row reader, and still decode.
    @Test func paletteAndInterlacedFilesGoThroughLibpng() throws {
        // 2×2 palette image: red, green / blue, white.
        let palette: [UInt8] = [255, 0, 0, 0, 255, 0, 0, 0, 255, 255, 255, 255]
        let indexed = Self.handMadePNG(width: 2, height: 2, colorType: 3, interlace: 0, chunks: [("PLTE", palette)],
                                       filteredRows: [0, 0, 1, 0, 2, 3])
        #expect(!PNGCodec.decodesDirectly(indexed, transform: .toRGB8))
        #expect(try PNGCodec.decodeRGB(indexed, path: "p.png").samples == [255, 0, 0, 0, 255, 0, 0, 0, 255, 255, 255, 255])
        // 1×1 RGB, Adam7: only the first pass holds a pixel.
        let interlaced = Self.handMadePNG(width: 1, height: 1, colorType: 2, interlace: 1, chunks: [], filteredRows: [0, 10, 20, 30])
        #expect(!PNGCodec.decodesDirectly(interlaced, transform: .toRGB8))
        #expect(try PNGCodec.decodeRGB(interlaced, path: "i.png").samples == [10, 20, 30])
    }

    /// A PNG chunk: length, name, data and CRC.
    static func chunk(_ name: String, _ data: [UInt8]) -> [UInt8] {
        let body = Array(name.utf8) + data
        return CRC32.bigEndian(UInt32(data.count)) + body + CRC32.bigEndian(CRC32.checksum(body))
    }

    /// `png` with `chunks` inserted before its first IDAT chunk and `trailing` before its IEND chunk.
    static func inserting(_ chunks: [[UInt8]], trailing: [[UInt8]] = [], into png: [UInt8]) throws -> [UInt8] {
        let idat = try #require(find(Array("IDAT".utf8), in: png)) - 4
        let iend = png.count - 12
        return Array(png[..<idat]) + chunks.flatMap { $0 } + Array(png[idat..<iend]) + trailing.flatMap { $0 } + Array(png[iend...])
    }

    /// An 8-bit PNG built by hand: `filteredRows` (filter bytes included) in one stored deflate block.
    static func handMadePNG(width: UInt32, height: UInt32, colorType: UInt8, interlace: UInt8,
                            chunks: [(String, [UInt8])], filteredRows: [UInt8]) -> [UInt8] {
        let bigEndian = CRC32.bigEndian
        var a: UInt32 = 1, b: UInt32 = 0
        for byte in filteredRows { a = (a + UInt32(byte)) % 65521; b = (b + a) % 65521 }
        let n = UInt16(filteredRows.count)
        let zlib: [UInt8] = [0x78, 0x01, 0x01, UInt8(n & 0xFF), UInt8(n >> 8), UInt8(~n & 0xFF), UInt8(~n >> 8)]
            + filteredRows + bigEndian(b << 16 | a)
        var png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        png += Self.chunk("IHDR", bigEndian(width) + bigEndian(height) + [8, colorType, 0, 0, interlace])
        for (name, data) in chunks { png += Self.chunk(name, data) }
        return png + Self.chunk("IDAT", zlib) + Self.chunk("IEND", [])
    }

    @Test func copyWithoutMetadataDropsEveryOtherChunkAndKeepsThePixels() throws {
        var raster = Raster<UInt16>(width: 29, height: 17, channels: 1)
        for i in raster.samples.indices { raster.samples[i] = UInt16((i * 2053 + 11) & 0xFFFF) }
        let plain = try PNGCodec.encode(raster)
        let annotated = try Self.inserting([Self.chunk("tEXt", Array("Author\u{0}someone".utf8)), Self.chunk("tIME", [7, 234, 11, 27, 12, 0, 0]),
                                            Self.chunk("eXIf", [0x4D, 0x4D, 0, 42]), Self.chunk("gAMA", [0, 0, 0xB1, 0x8F])],
                                           trailing: [Self.chunk("zTXt", Array("Comment".utf8) + [0, 0, 0x78, 0x01, 0x03, 0, 0, 0, 0, 1])],
                                           into: plain)
        #expect(try PNGCodec.decode(annotated, path: "a.png") == .sixteen(raster))
        let copied = try PNGCodec.withoutMetadata(annotated, path: "a.png")
        #expect(copied == plain)
    }

    @Test func copyWithoutMetadataKeepsPaletteAndTransparency() throws {
        let png = Self.handMadePNG(width: 2, height: 1, colorType: 3, interlace: 0,
                                   chunks: [("PLTE", [255, 0, 0, 0, 0, 255]), ("tRNS", [255, 0])], filteredRows: [0, 0, 1])
        let withText = try Self.inserting([Self.chunk("tEXt", Array("k\u{0}v".utf8))], into: png)
        #expect(try PNGCodec.withoutMetadata(withText, path: "p.png") == png)
    }

    @Test func copyOfAFileCutAfterItsImageDataGetsItsEndBack() throws {
        let plain = try PNGCodec.encode(TestImages.rgb(width: 12, height: 9))
        for cut in [12, 5, 1] {
            #expect(try PNGCodec.withoutMetadata(Array(plain.dropLast(cut)), path: "c.png") == plain)
        }
    }

    @Test func eightBitRGBIsToldFromItsHeader() throws {
        #expect(PNGCodec.isEightBitRGB(try PNGCodec.encode(TestImages.rgb(width: 4, height: 3))))
        for channels in [1, 2, 4] {
            #expect(!PNGCodec.isEightBitRGB(try PNGCodec.encode(Raster<UInt8>(width: 4, height: 3, channels: channels))))
        }
        #expect(!PNGCodec.isEightBitRGB(try PNGCodec.encode(Raster<UInt16>(width: 4, height: 3, channels: 3))))
        #expect(!PNGCodec.isEightBitRGB(try JPEGCodec.encode(TestImages.rgb(width: 4, height: 3), quality: 90)))
    }

    @Test func copyWithoutMetadataOfSomethingElseIsAnError() throws {
        let jpeg = try JPEGCodec.encode(TestImages.rgb(width: 8, height: 8), quality: 90)
        for bytes in [jpeg, [], Array(try PNGCodec.encode(TestImages.rgb(width: 8, height: 8)).prefix(12))] {
            #expect(throws: VeilError.undecodable(path: "x/d.png", reason: "not a PNG file")) {
                try PNGCodec.withoutMetadata(bytes, path: "x/d.png")
            }
        }
    }

    @Test func emptyInputIsAnErrorNamingTheFile() throws {
        #expect(throws: VeilError.undecodable(path: "a/empty.png", reason: "file is empty")) {
            try PNGCodec.decode([], path: "a/empty.png")
        }
    }

    @Test func truncatedInputIsAnErrorAtEveryCut() throws {
        let bytes = try TestImages.rgbPNG(width: 40, height: 30)
        // Cut everywhere before the image data ends (the last 12 bytes are the IEND chunk).
        for cut in stride(from: 1, to: bytes.count - 12, by: 7) {
            do {
                _ = try PNGCodec.decode(Array(bytes[..<cut]), path: "cut.png")
                Issue.record("a PNG cut at \(cut) of \(bytes.count) bytes decoded")
            } catch let error as VeilError {
                #expect(error.description.contains("cut.png"))
            }
        }
    }

    @Test func corruptImageDataIsAnError() throws {
        var bytes = try TestImages.rgbPNG(width: 40, height: 30)
        // Flip bytes inside the first IDAT chunk's data: the CRC no longer matches.
        let idat = try #require(Self.find(Array("IDAT".utf8), in: bytes))
        for i in (idat + 10)..<(idat + 20) { bytes[i] ^= 0x5A }
        #expect(throws: VeilError.undecodable(path: "corrupt.png", reason: "IDAT: CRC error")) {
            try PNGCodec.decode(bytes, path: "corrupt.png")
        }
        // With the CRC mended it is zlib that finds the data corrupt (or short), never a crash.
        CRC32.mend(chunkNamedAt: idat, in: &bytes)
        #expect(PNGCodec.decodesDirectly(bytes))
        #expect(throws: VeilError.self) { try PNGCodec.decode(bytes, path: "corrupt.png") }
    }

    @Test func wrongSignatureIsAnError() throws {
        #expect(throws: VeilError.undecodable(path: "x.png", reason: "not a PNG file (bad signature)")) {
            try PNGCodec.decode(Array("GIF89a, not a png at all".utf8), path: "x.png")
        }
    }

    @Test func absurdDimensionsAreRejectedBeforeDecoding() throws {
        var bytes = try TestImages.rgbPNG(width: 4, height: 4)
        // Rewrite IHDR to 1,000,000 × 1,000,000 with a correct CRC: only the size limit can stop it.
        let ihdr = try #require(Self.find(Array("IHDR".utf8), in: bytes))
        let big: UInt32 = 1_000_000
        bytes.replaceSubrange((ihdr + 4)..<(ihdr + 12), with: CRC32.bigEndian(big) + CRC32.bigEndian(big))
        CRC32.mend(chunkNamedAt: ihdr, in: &bytes)
        do {
            _ = try PNGCodec.decode(bytes, path: "huge.png")
            Issue.record("a 1,000,000² PNG decoded")
        } catch let error as VeilError {
            #expect(error.description.contains("huge.png"))
        }
    }

    @Test func randomMutationsNeverCrash() throws {
        let original = try TestImages.rgbPNG(width: 24, height: 16)
        var generator = SplitMix64(seed: 42)
        var decodedCount = 0
        for _ in 0..<2_000 {
            var bytes = original
            for _ in 0..<Int.random(in: 1...8, using: &generator) {
                bytes[Int.random(in: 0..<bytes.count, using: &generator)] = UInt8.random(in: 0...255, using: &generator)
            }
            if (try? PNGCodec.decode(bytes, path: "m.png")) != nil { decodedCount += 1 }
        }
        // Most mutations break a CRC and must be refused; the point is that none crashes.
        #expect(decodedCount < 2_000)
    }

    static func count(_ needle: [UInt8], in haystack: [UInt8]) -> Int {
        guard haystack.count >= needle.count else { return 0 }
        return (0...(haystack.count - needle.count)).filter { Array(haystack[$0..<($0 + needle.count)]) == needle }.count
    }

    static func find(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        for i in 0...(haystack.count - needle.count) where Array(haystack[i..<(i + needle.count)]) == needle { return i }
        return nil
    }
}

/// The PNG chunk CRC, to forge headers in tests.
enum CRC32 {
    /// Rewrites the CRC of the chunk whose name starts at `name` to match its (changed) name and data.
    static func mend(chunkNamedAt name: Int, in bytes: inout [UInt8]) {
        let length = bytes[(name - 4)..<name].reduce(0) { $0 << 8 | Int($1) }
        bytes.replaceSubrange((name + 4 + length)..<(name + 8 + length), with: bigEndian(checksum(bytes[name..<(name + 4 + length)])))
    }

    /// `v` as PNG stores it: four bytes, most significant first.
    static func bigEndian(_ v: UInt32) -> [UInt8] { [24, 16, 8, 0].map { UInt8((v >> $0) & 0xFF) } }

    static func checksum<C: Collection>(_ bytes: C) -> UInt32 where C.Element == UInt8 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = (crc >> 1) ^ (0xEDB8_8320 & (0 &- (crc & 1))) }
        }
        return ~crc
    }
}
