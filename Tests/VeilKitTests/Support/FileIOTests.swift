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
