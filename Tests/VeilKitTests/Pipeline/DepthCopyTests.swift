import Foundation
import Testing
@testable import VeilKit

@Suite struct DepthCopyTests {
    @Test func depthOfAFrameWithNothingToAnonymizeIsCopiedWithoutItsMetadata() throws {
        var synth = SynthOptions()
        synth.frames = 4; synth.people = 0; synth.width = 320; synth.height = 240; synth.seed = 5
        let folder = try TemporaryFolder()
        let input = folder.url.appendingPathComponent("in"), out = folder.url.appendingPathComponent("out")
        try SynthWriter(scene: SynthScene(options: synth), output: input).write()
        let recording = try Recording(at: input)
        // Every depth file carries a text chunk, as a recorder might write its settings there.
        var annotated: [Int: [UInt8]] = [:]
        for files in recording.frames {
            let url = try #require(files.depth)
            let bytes = try PNGCodecTests.inserting([PNGCodecTests.chunk("tEXt", Array("Serial\u{0}4711".utf8))], into: try FileIO.read(url))
            try Data(bytes).write(to: url)
            annotated[files.number] = bytes
        }
        let results = try AnonymizePipeline(recording: recording, options: PipelineOptions(output: out)).run()
        let empty = results.filter { $0.status == .done && $0.heads == 0 }
        try #require(!empty.isEmpty, "no frame without heads to check")
        for result in empty {
            let files = try #require(recording.frames.first { $0.number == result.number })
            let original = try #require(annotated[result.number])
            let written = try FileIO.read(out.appendingPathComponent(recording.relativePath(try #require(files.depth))))
            #expect(written == (try PNGCodec.withoutMetadata(original, path: "")))
            #expect(!written.indices.contains { written[$0..<min(written.count, $0 + 4)].elementsEqual(Array("tEXt".utf8)) })
            #expect(try PNGCodec.decode(written, path: "w.png") == PNGCodec.decode(original, path: "o.png"))
        }
    }
}
