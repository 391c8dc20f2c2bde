import Testing
@testable import VeilKit

@Suite struct ImageOpsTests {
    @Test func resizeProducesTheRequestedSize() throws {
        let image = TestImages.rgb(width: 40, height: 30)
        let small = try ImageOps.resize(image, width: 10, height: 5, interpolation: .area)
        #expect(small.width == 10 && small.height == 5 && small.channels == 3)
        #expect(ImageOps.openCVVersion.hasPrefix("4."))
    }

    @Test func blurOutsideTheImageReachesSwiftAsAnError() throws {
        var image = TestImages.rgb(width: 20, height: 20)
        #expect(throws: VeilError.self) { try ImageOps.gaussianBlur(&image, x: 15, y: 15, width: 10, height: 10, sigma: 2) }
        #expect(image == TestImages.rgb(width: 20, height: 20))
    }

    @Test func blurChangesOnlyTheRectangle() throws {
        var image = TestImages.rgb(width: 20, height: 20)
        try ImageOps.gaussianBlur(&image, x: 5, y: 5, width: 6, height: 6, sigma: 2)
        let original = TestImages.rgb(width: 20, height: 20)
        for y in 0..<20 {
            for x in 0..<20 where !(5..<11).contains(x) || !(5..<11).contains(y) {
                #expect(image[x, y, 0] == original[x, y, 0])
            }
        }
        #expect(image != original)
    }
}
