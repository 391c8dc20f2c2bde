import Foundation
import Testing
@testable import VeilKit

@Suite struct HeadScoreTests {
    static func person(_ id: Int, distance: Double, head: [Int], pixels: Int) -> PersonTruth {
        PersonTruth(id: id, identity: id, box: [head[0], head[1], head[2], head[3] + 20], headBox: head, headPixels: pixels,
                    headPixelsUnoccluded: pixels, pixels: 200, distance: distance, visibleFraction: 1, heightM: 1.7,
                    faceAngle: 0, walking: false)
    }

    @Test func overMaskingIsChargedToTheBandAndKindOfTheHeadWhoseMaskItIs() throws {
        // 40×30: a true 4×4 head 3 m away masked with 8 pixels to spare, and a false head 25 m
        // away masking 6 pixels of nothing.
        let (w, h) = (40, 30)
        var ids = [UInt16](repeating: 0, count: w * h)
        var mask = [UInt8](repeating: 0, count: w * h)
        for y in 5..<9 { for x in 5..<9 { ids[y * w + x] = 1 } }
        for y in 5..<9 { for x in 5..<11 { mask[y * w + x] = 1 } }      // 8 beside the head
        for y in 20..<22 { for x in 30..<33 { mask[y * w + x] = 1 } }   // 6 far from any head
        let heads = [
            HeadRegion(box: PixelBox(x0: 5, y0: 5, x1: 10, y1: 8), depth: 3, person: PixelBox(x0: 5, y0: 5, x1: 10, y1: 28), source: "test"),
            HeadRegion(box: PixelBox(x0: 30, y0: 20, x1: 32, y1: 21), depth: 25, person: PixelBox(x0: 30, y0: 20, x1: 32, y1: 25), source: "test"),
        ]
        let truth = FrameGroundTruth(heads: Raster(width: w, height: h, channels: 1, samples: ids),
                                     people: [Self.person(1, distance: 3, head: [5, 5, 8, 8], pixels: 16)])
        let score = HeadScore.score(mask: mask, heads: heads, truth: truth)
        #expect(score.overMaskedPixels == 14 && score.falseHeads == 1 && score.falseHeadPixels == 6)
        #expect(score.byBand.map(\.overMaskedPixels) == [8, 0, 0, 6, 0])
        #expect(score.byBand[0].overMasked == 0.5 && score.byBand[3].overMasked == nil)
        #expect(score.overMasked == 14.0 / 16)
        // Summed over frames, and read back from metrics written before the split was counted.
        var sum = score
        sum.add(score)
        #expect(sum.byBand[0].overMaskedPixels == 16 && sum.falseHeadPixels == 12)
        var json = try #require(try JSONSerialization.jsonObject(with: JSONEncoder().encode(score)) as? [String: Any])
        json["falseHeadPixels"] = nil
        var total = try #require(json["total"] as? [String: Any])
        total["over_masked_pixels"] = nil
        json["total"] = total
        let old = try JSONDecoder().decode(HeadScore.self, from: JSONSerialization.data(withJSONObject: json))
        #expect(old.falseHeadPixels == 0 && old.total.overMaskedPixels == 0 && old.overMaskedPixels == 14)
    }
}
