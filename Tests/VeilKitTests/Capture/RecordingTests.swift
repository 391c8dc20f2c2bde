import Foundation
import Testing
@testable import VeilKit

@Suite struct RecordingTests {
    @Test func frameNumbersAreTheLastRunOfDigits() throws {
        #expect(frameNumber(ofFileNamed: "000123.png") == 123)
        #expect(frameNumber(ofFileNamed: "cam2_frame0045.jpg") == 45)
        #expect(frameNumber(ofFileNamed: "rgb-7.png") == 7)
        #expect(frameNumber(ofFileNamed: "frame.png") == nil)
    }

    @Test func carlaLayoutPairsByNumberAcrossGapsAndReportsStrays() throws {
        let folder = try TemporaryFolder()
        let rgb = try TestImages.rgbPNG(width: 8, height: 6)
        let depth = try TestImages.depthPNG(width: 8, height: 6, encoding: .carlaRaw)
        for n in [100, 101, 105, 110] { try folder.write(rgb, to: String(format: "rgb/%06d.png", n)) }
        for n in [100, 101, 105, 111] { try folder.write(depth, to: String(format: "depth/%06d.png", n)) }
        let recording = try Recording(at: folder.url)
        #expect(recording.layout == .carla)
        #expect(recording.frames.map(\.number) == [100, 101, 105, 110])
        #expect(recording.frames.map { $0.depth?.lastPathComponent } == ["000100.png", "000101.png", "000105.png", nil])
        #expect(recording.gaps == [102...104, 106...109])
        #expect(Set(recording.unpaired.map(\.path)) == ["rgb/000110.png", "depth/000111.png"])
    }

    @Test func flatLayoutIsRecognised() throws {
        let folder = try TemporaryFolder()
        let rgb = try TestImages.rgbPNG(width: 8, height: 6)
        let depth = try TestImages.depthPNG(width: 8, height: 6, encoding: .mm16)
        try folder.write(rgb, to: "pointcloud-3.png")
        try folder.write(rgb, to: "rgb-9.png")
        try folder.write(depth, to: "depth-3.png")
        try folder.write(depth, to: "depth-9.png")
        let recording = try Recording(at: folder.url)
        #expect(recording.layout == .flat)
        #expect(recording.frames.map(\.number) == [3, 9])
        #expect(recording.unpaired.isEmpty)
        #expect(try FrameReader(recording: recording).depthCodec?.encoding == .mm16)
    }

    @Test func oneFolderWithStreamsNamedAfterTheFrameIsRecognised() throws {
        // 7-Scenes and BundleFusion write frame-NNNNNN.color.jpg, frame-NNNNNN.depth.png and a pose.
        let folder = try TemporaryFolder()
        let jpeg = try JPEGCodec.encode(TestImages.rgb(width: 8, height: 6))
        let depth = try TestImages.depthPNG(width: 8, height: 6, encoding: .mm16)
        for n in 0..<3 {
            try folder.write(jpeg, to: String(format: "frame-%06d.color.jpg", n))
            try folder.write(depth, to: String(format: "frame-%06d.depth.png", n))
            try folder.write(Array("1 0 0 0".utf8), to: String(format: "frame-%06d.pose.txt", n))
        }
        try folder.write(depth, to: "frame-000007_rgb_depth.png")
        let recording = try Recording(at: folder.url)
        #expect(recording.layout == .flat)
        #expect(recording.frames.map(\.number) == [0, 1, 2])
        #expect(recording.frames.map { $0.depth?.lastPathComponent } == ["frame-000000.depth.png", "frame-000001.depth.png", "frame-000002.depth.png"])
        #expect(recording.unpaired.map(\.path) == ["frame-000007_rgb_depth.png"])
        let frame = try FrameReader(recording: recording).read(recording.frames[2])
        #expect(frame.rgb.width == 8 && frame.depth?.width == 8)
    }

    @Test func timestampNamedFramesPairWithTheNearestDepthAsTUMRecordsThem() throws {
        // TUM RGB-D: colour and depth are named by their capture times, which never match exactly.
        let folder = try TemporaryFolder()
        let rgb = try TestImages.rgbPNG(width: 8, height: 6)
        let depth = try TestImages.depthPNG(width: 8, height: 6, encoding: .mm16)
        for name in ["1305031102.175304", "1305031102.211214", "1305031102.243211", "1305031102.500000", "1305031102.5"] {
            try folder.write(rgb, to: "rgb/\(name).png")
        }
        for name in ["1305031102.160407", "1305031102.226738", "1305031102.262886", "1305031102.394882"] {
            try folder.write(depth, to: "depth/\(name).png")
        }
        let recording = try Recording(at: folder.url)
        #expect(recording.pairedByTimestamp && recording.gaps.isEmpty && !recording.isTUM)
        #expect(recording.frames.map(\.number) == [1305031102175304, 1305031102211214, 1305031102243211, 1305031102500000])
        // 175304 ↔ 160407 (14.9 ms), 211214 ↔ 226738 (15.5 ms); 243211 is nearer to 226738 (16.5 ms)
        // than to 262886 (19.7 ms), but closest pairs go first and each file pairs once.
        #expect(recording.frames.map { $0.depth?.lastPathComponent } ==
                ["1305031102.160407.png", "1305031102.226738.png", "1305031102.262886.png", nil])
        #expect(Set(recording.unpaired.map(\.path)) == ["rgb/1305031102.500000.png", "rgb/1305031102.5.png", "depth/1305031102.394882.png"])
        #expect(try FrameReader(recording: recording).read(recording.frames[2]).depth != nil)
        #expect(try RecordingSummary(recording: recording).pairing == "timestamp")
        // 14.9 ms, 15.5 ms and 19.7 ms between the two captures; none without depth.
        let gaps = recording.frames.map(\.captureGap)
        for (gap, expected) in zip(gaps, [0.014897, 0.015524, 0.019675]) { #expect(abs((gap ?? 0) - expected) < 1e-5) }
        #expect(gaps[3] == nil)
    }

    @Test func tumSequencesGetTUMsDepthScaleAndIntrinsicsUnlessTold() throws {
        let folder = try TemporaryFolder()
        try folder.write(try TestImages.rgbPNG(width: 8, height: 6), to: "rgb/1305031102.175304.png")
        try folder.write(try TestImages.depthPNG(width: 8, height: 6, encoding: .mm16), to: "depth/1305031102.160407.png")
        try folder.write(Array("# depth maps\n# file: 'rgbd_dataset_freiburg1_xyz.bag'\n".utf8), to: "depth.txt")
        let recording = try Recording(at: folder.url)
        #expect(recording.isTUM && recording.camera.depthScale == 0.0002)
        #expect(recording.camera.intrinsics(width: 640, height: 480) == Intrinsics(fx: 525, fy: 525, cx: 319.5, cy: 239.5))
        let told = try Recording(at: folder.url, overrides: CameraConfig(fov: 60, depthScale: 0.001))
        #expect(told.camera.depthScale == 0.001 && told.camera.intrinsics(width: 640, height: 480).fx != 525)
    }

    @Test func genericLayoutPairsDifferentNames() throws {
        let folder = try TemporaryFolder()
        let jpeg = try JPEGCodec.encode(TestImages.rgb(width: 8, height: 6))
        let depth = try TestImages.depthPNG(width: 8, height: 6, encoding: .mm16)
        try folder.write(jpeg, to: "color/color_0001.jpg")
        try folder.write(jpeg, to: "color/color_0002.jpg")
        try folder.write(depth, to: "depth/depth_0001.png")
        try folder.write(depth, to: "depth/depth_0002.png")
        let recording = try Recording(at: folder.url)
        #expect(recording.layout == .generic)
        let frame = try FrameReader(recording: recording).read(recording.frames[1])
        #expect(frame.number == 2 && frame.depth?.width == 8)
    }

    @Test func duplicateFrameNumbersAreReported() throws {
        let folder = try TemporaryFolder()
        let rgb = try TestImages.rgbPNG(width: 4, height: 4)
        try folder.write(rgb, to: "rgb/000001.png")
        try folder.write(rgb, to: "rgb/000001.jpg")
        let recording = try Recording(at: folder.url)
        #expect(recording.frames.count == 1)
        #expect(recording.unpaired.map(\.path) == ["rgb/000001.png"])
    }

    @Test func folderWithoutFramesIsNotARecording() throws {
        let folder = try TemporaryFolder()
        try folder.write([1, 2, 3], to: "notes.txt")
        #expect(throws: VeilError.self) { try Recording(at: folder.url) }
        #expect(throws: VeilError.self) { try Recording(at: folder.url.appendingPathComponent("missing")) }
    }

    @Test func cameraJSONGivesIntrinsicsAndFlagsWin() throws {
        let folder = try TemporaryFolder()
        try folder.write(try TestImages.rgbPNG(width: 8, height: 6), to: "rgb/000001.png")
        try folder.write(Array(#"{"fov": 60, "carla_version": "0.9.15"}"#.utf8), to: "camera.json")
        let recording = try Recording(at: folder.url)
        let expected = 800 / (2 * tan(30 * Double.pi / 180))
        #expect(abs(recording.camera.intrinsics(width: 800, height: 600).fx - expected) < 1e-9)
        let overridden = try Recording(at: folder.url, overrides: CameraConfig(fx: 500, fy: 510))
        #expect(overridden.camera.intrinsics(width: 800, height: 600) == Intrinsics(fx: 500, fy: 510, cx: 400, cy: 300))
        #expect(abs(CameraConfig().intrinsics(width: 800, height: 600).fx - 400) < 1e-9)  // CARLA's default 90°
    }

    @Test func cameraJSONGivesTheRegistrationErrorAndTheFlagWins() throws {
        let folder = try TemporaryFolder()
        try folder.write(try TestImages.rgbPNG(width: 8, height: 6), to: "rgb/000001.png")
        #expect(try Recording(at: folder.url).camera.registrationPixels == 0)
        try folder.write(Array(#"{"fov": 69, "registration_error_px": 1.5}"#.utf8), to: "camera.json")
        #expect(try Recording(at: folder.url).camera.registrationPixels == 2)  // rounded up
        #expect(try Recording(at: folder.url, overrides: CameraConfig(registrationError: 0)).camera.registrationPixels == 0)
        try Self.expectRejected(["-1", "100"], of: "registration_error_px", in: folder)
    }

    /// Expects camera.json with each of `values` for `field` to be an error naming the file and the field.
    static func expectRejected(_ values: [String], of field: String, in folder: TemporaryFolder,
                               sourceLocation: SourceLocation = #_sourceLocation) throws {
        for bad in values {
            try folder.write(Array(#"{"\#(field)": \#(bad)}"#.utf8), to: "camera.json")
            do {
                _ = try Recording(at: folder.url)
                Issue.record("\(field) \(bad) was accepted", sourceLocation: sourceLocation)
            } catch let error as VeilError {
                #expect(error.description.contains("camera.json") && error.description.contains(field), sourceLocation: sourceLocation)
            }
        }
    }

    @Test func cameraJSONGivesTheDepthRangeAndTheFlagWins() throws {
        let folder = try TemporaryFolder()
        try folder.write(try TestImages.rgbPNG(width: 8, height: 6), to: "rgb/000001.png")
        #expect(try Recording(at: folder.url).camera.depthRange == nil)
        try folder.write(Array(#"{"fov": 69, "depth_range_m": 10}"#.utf8), to: "camera.json")
        #expect(try Recording(at: folder.url).camera.depthRange == 10)
        #expect(try Recording(at: folder.url, overrides: CameraConfig(depthRange: 6)).camera.depthRange == 6)
        try Self.expectRejected(["0", "-3"], of: "depth_range_m", in: folder)
    }

    @Test func malformedCameraJSONIsAnErrorNamingIt() throws {
        let folder = try TemporaryFolder()
        try folder.write(try TestImages.rgbPNG(width: 8, height: 6), to: "rgb/000001.png")
        try folder.write(Array(#"{"fov": "wide"}"#.utf8), to: "camera.json")
        do {
            _ = try Recording(at: folder.url)
            Issue.record("a bad camera.json was accepted")
        } catch let error as VeilError {
            #expect(error.description.contains("camera.json"))
        }
    }

    @Test func ambiguousGreyDepthAsksForTheEncoding() throws {
        let folder = try TemporaryFolder()
        try folder.write(try TestImages.rgbPNG(width: 8, height: 6), to: "rgb/000001.png")
        try folder.write(try TestImages.depthPNG(width: 8, height: 6, encoding: .carlaGray), to: "depth/000001.png")
        #expect(throws: VeilError.self) { try FrameReader(recording: try Recording(at: folder.url)) }
        let reader = try FrameReader(recording: try Recording(at: folder.url, overrides: CameraConfig(depth: .carlaGray)))
        let frame = try reader.read(reader.recording.frames[0])
        #expect(abs((frame.depth?[0, 5] ?? 0) - 20) <= 1000 / 255)
    }

    @Test func depthOfAnotherSizeIsAnErrorNamingTheDepthFile() throws {
        let folder = try TemporaryFolder()
        try folder.write(try TestImages.rgbPNG(width: 8, height: 6), to: "rgb/000001.png")
        try folder.write(try TestImages.depthPNG(width: 6, height: 6, encoding: .carlaRaw), to: "depth/000001.png")
        let reader = try FrameReader(recording: try Recording(at: folder.url))
        do {
            _ = try reader.read(reader.recording.frames[0])
            Issue.record("mismatched depth was accepted")
        } catch let error as VeilError {
            #expect(error.description.contains("depth/000001.png") && error.description.contains("6×6"))
        }
    }

    @Test func truncatedColourFileIsAnErrorNamingIt() throws {
        let folder = try TemporaryFolder()
        let rgb = try TestImages.rgbPNG(width: 8, height: 6)
        try folder.write(Array(rgb[..<(rgb.count / 2)]), to: "rgb/000001.png")
        try folder.write(try TestImages.depthPNG(width: 8, height: 6, encoding: .carlaRaw), to: "depth/000001.png")
        let reader = try FrameReader(recording: try Recording(at: folder.url))
        do {
            _ = try reader.read(reader.recording.frames[0])
            Issue.record("a truncated PNG decoded")
        } catch let error as VeilError {
            #expect(error.description.contains("rgb/000001.png"))
        }
    }
}
