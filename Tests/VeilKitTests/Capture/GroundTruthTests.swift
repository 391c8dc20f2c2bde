import Foundation
import Testing
@testable import VeilKit

@Suite struct GroundTruthTests {
    @Test func oldTableCountsTagFour() throws {
        let raster = TestImages.semanticRaw(width: 10, height: 10, tag: 4, count: 17)
        #expect(GroundTruthReader.sniffSemantic(raster) == .semanticRaw)
        #expect(GroundTruthReader.inferTable(maximumTag: GroundTruthReader.maximumTag(raster)) == .v0913)
        #expect(GroundTruthReader.personMask(raster, kind: .semanticRaw, table: .v0913).pixelCount == 17)
        #expect(GroundTruthReader.personMask(raster, kind: .semanticRaw, table: .v0914).pixelCount == 0)
    }

    @Test func aTagAboveTwentyTwoSwitchesToTheNewTable() throws {
        // Road lines (24) exist only in the 0.9.14+ table; there pedestrians are 12 and riders 13.
        var raster = TestImages.semanticRaw(width: 10, height: 10, tag: 12, background: 24, count: 9)
        raster.samples[50 * 4] = 13
        let table = GroundTruthReader.inferTable(maximumTag: GroundTruthReader.maximumTag(raster))
        #expect(table == .v0914)
        #expect(GroundTruthReader.personMask(raster, kind: .semanticRaw, table: table).pixelCount == 10)
    }

    @Test func versionStringsPickTables() throws {
        #expect(CarlaTagTable(version: "0.9.13") == .v0913)
        #expect(CarlaTagTable(version: "0.9.6") == .v0913)
        #expect(CarlaTagTable(version: "0.9.14") == .v0914)
        #expect(CarlaTagTable(version: "0.9.15") == .v0914)
        #expect(CarlaTagTable(version: "0.10.0") == .v0914)
        #expect(CarlaTagTable(version: "latest") == nil)
    }

    @Test func paletteCountsPedestriansAndRiders() throws {
        var raster = Raster<UInt8>(width: 4, height: 1, channels: 3)
        raster.samples = [220, 20, 60, 255, 0, 0, 128, 64, 128, 220, 20, 61]
        #expect(GroundTruthReader.sniffSemantic(raster) == .cityscapesPalette)
        #expect(GroundTruthReader.personMask(raster, kind: .cityscapesPalette, table: .v0913).pixelCount == 2)
    }

    @Test func instanceIDsComeFromGreenAndBlue() throws {
        var raster = Raster<UInt8>(width: 3, height: 1, channels: 4)
        raster.samples = [12, 7, 1, 255, 12, 9, 0, 255, 14, 5, 0, 255]
        let mask = GroundTruthReader.personMask(raster, kind: .instance, table: .v0914)
        #expect(mask.mask == [1, 1, 0])
        #expect(mask.instanceIDs == [7 + 256, 9, 0])
    }

    @Test func realTownSampleHasAbout424PedestrianPixels() throws {
        guard let root = SharedSamples.root else { return }
        let summary = try RecordingSummary(recording: try Recording(at: root.appendingPathComponent("town-0.9.6")))
        #expect(summary.frames == 1 && summary.width == 1024 && summary.height == 768)
        #expect(summary.depthEncoding == .carlaRaw)
        #expect(abs((summary.depthM?.median ?? 0) - 11.8) < 0.1)
        #expect(summary.groundTruth?.kind == .cityscapesPalette)
        #expect(abs((summary.groundTruth?.pedestrianPixels ?? 0) - 424) <= 10)
    }
}
