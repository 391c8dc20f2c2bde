import Foundation
import Testing
@testable import VeilKit

@Suite struct AtomicFileTests {
    static func names(_ folder: TemporaryFolder) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: folder.url.path).sorted()
    }

    @Test func closedFileAppearsOnlyWhenCommitted() throws {
        let folder = try TemporaryFolder()
        let url = folder.url.appendingPathComponent("frame.png")
        let file = try FileIO.AtomicFile(url)
        try file.append([1, 2, 3])
        try file.close()
        // Written and closed, but not in place: only the hidden temporary file exists.
        let staged = try Self.names(folder)
        #expect(staged.count == 1 && staged[0].hasPrefix(".frame.png.") && staged[0].hasSuffix(".tmp"), "\(staged)")
        try file.commit()
        #expect(try Self.names(folder) == ["frame.png"])
        #expect(try FileIO.read(url) == [1, 2, 3])
    }

    @Test func closedFileNeverCommittedLeavesNothing() throws {
        let folder = try TemporaryFolder()
        let url = try folder.write([9, 9], to: "frame.png")
        do {
            let file = try FileIO.AtomicFile(url)
            try file.append([1, 2, 3])
            try file.close()
        }
        // The temporary file went with the object; the file in place is untouched.
        #expect(try Self.names(folder) == ["frame.png"])
        #expect(try FileIO.read(url) == [9, 9])
    }

    @Test func commitReplacesAnExistingFileWhole() throws {
        let folder = try TemporaryFolder()
        let url = try folder.write([9, 9, 9, 9], to: "frame.png")
        let file = try FileIO.AtomicFile(url)
        try file.append([1])
        try file.commit()
        #expect(try FileIO.read(url) == [1])
        #expect(try Self.names(folder) == ["frame.png"])
    }

    @Test func temporaryNamesGiveTheFileTheyStandFor() throws {
        #expect(FileIO.AtomicFile.target(ofTemporaryName: ".000009.png.123.456.tmp") == "000009.png")
        #expect(FileIO.AtomicFile.target(ofTemporaryName: ".frames.csv.77.4294967295.tmp") == "frames.csv")
        for name in ["000009.png", ".000009.png", ".000009.png.tmp", ".000009.png.x.456.tmp", ".123.456.tmp", "000009.png.123.456.tmp"] {
            #expect(FileIO.AtomicFile.target(ofTemporaryName: name) == nil, "\(name)")
        }
        // What AtomicFile itself names a temporary file.
        let folder = try TemporaryFolder()
        let file = try FileIO.AtomicFile(folder.url.appendingPathComponent("depth.png"))
        let temporary = try Self.names(folder)[0]
        #expect(FileIO.AtomicFile.target(ofTemporaryName: temporary) == "depth.png")
        file.discard()
    }

    @Test func fileInAMissingFolderIsAClearError() throws {
        let folder = try TemporaryFolder()
        let url = folder.url.appendingPathComponent("gone/frame.png")
        #expect {
            _ = try FileIO.AtomicFile(url)
        } throws: { error in
            "\(error)".contains(url.path) && "\(error)".contains("No such file")
        }
    }
}
