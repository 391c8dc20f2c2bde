import Foundation
import Testing
@testable import VeilKit

/// A frame nothing is anonymized in is written back as it came, less its metadata.
@Suite struct UnchangedFrameCopyTests {
    /// A synthetic recording without people whose depth files, and colour files when `rgbColour`
    /// (as 8-bit RGB instead of `veil synth`'s RGBA), carry a text chunk; returns it and those files.
    static func annotatedRecording(in folder: TemporaryFolder, rgbColour: Bool) throws -> (Recording, [String: [UInt8]]) {
        var synth = SynthOptions()
        synth.frames = 4; synth.people = 0; synth.width = 320; synth.height = 240; synth.seed = 5
        let input = folder.url.appendingPathComponent("in")
        try SynthWriter(scene: SynthScene(options: synth), output: input).write()
        let recording = try Recording(at: input)
        let text = PNGCodecTests.chunk("tEXt", Array("Serial\u{0}4711".utf8))
        var annotated: [String: [UInt8]] = [:]
        for files in recording.frames {
            var urls = [try #require(files.depth)]
            if rgbColour {
                try Data(try PNGCodec.encode(try ImageFile.readRGB(files.color))).write(to: files.color)
                urls.append(files.color)
            }
            for url in urls {
                let bytes = try PNGCodecTests.inserting([text], into: try FileIO.read(url))
                try Data(bytes).write(to: url)
                annotated[recording.relativePath(url)] = bytes
            }
        }
        return (recording, annotated)
    }

    /// The files of head-free frames: what was written, and what came in.
    static func run(_ recording: Recording, out: URL, annotated: [String: [UInt8]]) throws -> [(written: [UInt8], original: [UInt8])] {
        let results = try AnonymizePipeline(recording: recording, options: PipelineOptions(output: out)).run()
        let empty = Set(results.filter { $0.status == .done && $0.heads == 0 }.map(\.number))
        try #require(!empty.isEmpty, "no frame without heads to check")
        return try recording.frames.filter { empty.contains($0.number) }.flatMap { files in
            try annotated.keys.filter { [files.color, files.depth].compactMap { $0 }.map(recording.relativePath).contains($0) }.map { relative in
                (try FileIO.read(out.appendingPathComponent(relative)), annotated[relative]!)
            }
        }
    }

    @Test func depthAndRGBColourOfAFrameWithNothingToAnonymizeAreCopiedWithoutTheirMetadata() throws {
        let folder = try TemporaryFolder()
        let (recording, annotated) = try Self.annotatedRecording(in: folder, rgbColour: true)
        let copies = try Self.run(recording, out: folder.url.appendingPathComponent("out"), annotated: annotated)
        #expect(copies.count % 2 == 0 && !copies.isEmpty)
        for (written, original) in copies {
            #expect(written == (try PNGCodec.withoutMetadata(original, path: "")))
            #expect(PNGCodecTests.find(Array("tEXt".utf8), in: written) == nil)
            #expect(try PNGCodec.decode(written, path: "w.png") == PNGCodec.decode(original, path: "o.png"))
        }
    }

    @Test func rgbaColourIsEncodedAgainAsRGBLikeEveryOtherFrame() throws {
        let folder = try TemporaryFolder()
        let (recording, annotated) = try Self.annotatedRecording(in: folder, rgbColour: false)
        let out = folder.url.appendingPathComponent("out")
        _ = try Self.run(recording, out: out, annotated: annotated)
        for files in recording.frames {
            let written = try FileIO.read(out.appendingPathComponent(recording.relativePath(files.color)))
            #expect(PNGCodec.isEightBitRGB(written), "\(files.color.lastPathComponent) is not 8-bit RGB")
        }
    }
}
