import Foundation

/// Ground truth for scoring one frame: which pixels are heads, and who is where.
public struct FrameGroundTruth: Sendable {
    /// Per pixel, the id of the person whose head covers it (0 none); nil where only people are known
    /// (CARLA's own segmentation has no heads), so only person recall and false heads are scored.
    public var heads: Raster<UInt16>?
    /// The people in the frame.
    public var people: [PersonTruth]

    public init(heads: Raster<UInt16>?, people: [PersonTruth]) {
        self.heads = heads
        self.people = people
    }

    /// The ground truth of a frame: `veil synth`'s `gt/` where it exists, else the people in CARLA's
    /// instance or semantic image (`depth` gives their distances), else nil.
    public static func load(recording: Recording, files: FrameFiles, depth: DepthMap? = nil) throws -> FrameGroundTruth? {
        if let synthetic = try load(recording: recording, frame: files.number) { return synthetic }
        guard let url = files.instance ?? files.semantic else { return nil }
        let raster = try GroundTruthReader.readImage(url)
        let kind: GroundTruthKind = files.instance != nil ? .instance : GroundTruthReader.sniffSemantic(raster)
        let table = recording.camera.carlaVersion.flatMap(CarlaTagTable.init(version:))
            ?? (kind == .cityscapesPalette ? .v0913 : GroundTruthReader.inferTable(maximumTag: GroundTruthReader.maximumTag(raster)))
        let persons = GroundTruthReader.personMask(raster, kind: kind, table: table)
        return FrameGroundTruth(heads: nil, people: people(in: persons, depth: depth))
    }

    /// One person per instance id, or per 8-connected blob of person pixels without ids.
    static func people(in persons: PersonMask, depth: DepthMap?) -> [PersonTruth] {
        let (w, h) = (persons.width, persons.height)
        var label = [Int](repeating: 0, count: w * h)
        var next = 0
        var stack: [Int] = []
        for start in 0..<(w * h) where persons.mask[start] != 0 && label[start] == 0 {
            next += 1
            label[start] = next
            stack.append(start)
            let id = persons.instanceIDs?[start]
            while let i = stack.popLast() {
                let x = i % w, y = i / w
                for dy in -1...1 {
                    for dx in -1...1 {
                        let nx = x + dx, ny = y + dy
                        guard nx >= 0, ny >= 0, nx < w, ny < h else { continue }
                        let j = ny * w + nx
                        guard persons.mask[j] != 0, label[j] == 0, persons.instanceIDs?[j] == id else { continue }
                        label[j] = next
                        stack.append(j)
                    }
                }
            }
        }
        var boxes = [(x0: Int, y0: Int, x1: Int, y1: Int, n: Int)](repeating: (Int.max, Int.max, -1, -1, 0), count: next + 1)
        var depths = [[Float]](repeating: [], count: next + 1)
        for i in 0..<(w * h) where label[i] > 0 {
            let k = label[i], x = i % w, y = i / w
            boxes[k] = (min(boxes[k].x0, x), min(boxes[k].y0, y), max(boxes[k].x1, x), max(boxes[k].y1, y), boxes[k].n + 1)
            if let depth, DepthMap.isMeasured(depth.metres[i]) { depths[k].append(depth.metres[i]) }
        }
        return (1..<max(1, next + 1)).compactMap { k -> PersonTruth? in
            guard k <= next else { return nil }
            let b = boxes[k]
            var d = depths[k]
            d.sort()
            return PersonTruth(id: k, identity: k, box: [b.x0, b.y0, b.x1, b.y1], headBox: nil, headPixels: 0,
                               headPixelsUnoccluded: 0, pixels: b.n, distance: d.isEmpty ? 0 : Double(d[d.count / 2]),
                               visibleFraction: 1, heightM: 0, faceAngle: 0, walking: false)
        }
    }

    /// The synthetic ground truth beside a frame (`gt/NNNNNN.json` and `gt/NNNNNN-heads.png`), or nil when absent.
    public static func load(recording: Recording, frame number: Int) throws -> FrameGroundTruth? {
        let json = recording.root.appendingPathComponent(String(format: "gt/%06d.json", number))
        let png = recording.root.appendingPathComponent(String(format: "gt/%06d-heads.png", number))
        guard FileManager.default.fileExists(atPath: json.path), FileManager.default.fileExists(atPath: png.path) else { return nil }
        let truth: SynthWriter.FrameTruth
        do {
            truth = try JSONDecoder().decode(SynthWriter.FrameTruth.self, from: Data(try FileIO.read(json, limit: 16 << 20)))
        } catch let error as VeilError {
            throw error
        } catch {
            throw VeilError.undecodable(path: json.path, reason: "not a ground-truth file (\(error))")
        }
        guard case .sixteen(let heads) = try PNGCodec.decode(try FileIO.read(png), path: png.path), heads.channels == 1 else {
            throw VeilError.unexpectedContent(path: png.path, reason: "expected a 16-bit grey head-id image")
        }
        return FrameGroundTruth(heads: heads, people: truth.people)
    }
}

/// Scores of head masks against ground truth, summed over frames.
public struct HeadScore: Sendable, Equatable, Codable {
    enum CodingKeys: String, CodingKey { case frames, total, byBand, overMaskedPixels, falseHeads, falseHeadPixels, beyondRangePixels }

    /// Distance bands the table is split by, metres.
    public static let bands: [ClosedRange<Double>] = [0...5, 5...10, 10...20, 20...40, 40...1000]
    /// The band a distance falls in (the last for anything beyond it).
    static func bandIndex(_ distance: Double) -> Int { bands.firstIndex { $0.contains(distance) } ?? bands.count - 1 }
    /// Heads shorter than this many pixels are outside the recall bar (reported separately).
    public static let minimumHeadHeight = 8

    /// Counts for one distance band (or all).
    public struct Counts: Sendable, Equatable, Codable {
        /// Heads at least `minimumHeadHeight` px tall, and how many of them ≥ 99% masked.
        public var heads = 0
        public var covered = 0
        /// Every visible head, whatever its size.
        public var allHeads = 0
        public var allCovered = 0
        public var headPixels = 0
        public var leakedPixels = 0
        public var people = 0
        public var peopleFound = 0
        /// Masked pixels that are no head's, from the masks of predicted heads at this distance.
        public var overMaskedPixels = 0

        enum CodingKeys: String, CodingKey {
            case heads, covered, people
            case allHeads = "all_heads"
            case allCovered = "all_covered"
            case headPixels = "head_pixels"
            case leakedPixels = "leaked_pixels"
            case peopleFound = "people_found"
            case overMaskedPixels = "over_masked_pixels"
        }

        public init() {}

        public init(from decoder: Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            heads = try c.decode(Int.self, forKey: .heads)
            covered = try c.decode(Int.self, forKey: .covered)
            allHeads = try c.decode(Int.self, forKey: .allHeads)
            allCovered = try c.decode(Int.self, forKey: .allCovered)
            headPixels = try c.decode(Int.self, forKey: .headPixels)
            leakedPixels = try c.decode(Int.self, forKey: .leakedPixels)
            people = try c.decode(Int.self, forKey: .people)
            peopleFound = try c.decode(Int.self, forKey: .peopleFound)
            // Absent from metrics written before it was counted.
            overMaskedPixels = try c.decodeIfPresent(Int.self, forKey: .overMaskedPixels) ?? 0
        }

        mutating func add(_ o: Counts) {
            heads += o.heads; covered += o.covered; allHeads += o.allHeads; allCovered += o.allCovered
            headPixels += o.headPixels; leakedPixels += o.leakedPixels; people += o.people; peopleFound += o.peopleFound
            overMaskedPixels += o.overMaskedPixels
        }

        public var headRecall: Double? { heads > 0 ? Double(covered) / Double(heads) : nil }
        public var leakedFraction: Double? { headPixels > 0 ? Double(leakedPixels) / Double(headPixels) : nil }
        /// Over-masked pixels of this band's predicted heads as a fraction of this band's true head pixels.
        public var overMasked: Double? { headPixels > 0 ? Double(overMaskedPixels) / Double(headPixels) : nil }
    }

    public var frames = 0
    public var total = Counts()
    public var byBand: [Counts] = Array(repeating: Counts(), count: HeadScore.bands.count)
    /// Masked pixels that are no head's.
    public var overMaskedPixels = 0
    /// Predicted heads that touch no true head.
    public var falseHeads = 0
    /// The over-masked pixels that come from false heads' masks.
    public var falseHeadPixels = 0
    /// The over-masked pixels that come from the cover where a real camera's depth ends
    /// (`BeyondRangeCover`).
    public var beyondRangePixels = 0
    /// Heads not fully covered: "frame id distance box coverage", for `--verbose` reports.
    public var misses: [String] = []

    public init() {}

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        frames = try c.decode(Int.self, forKey: .frames)
        total = try c.decode(Counts.self, forKey: .total)
        byBand = try c.decode([Counts].self, forKey: .byBand)
        overMaskedPixels = try c.decode(Int.self, forKey: .overMaskedPixels)
        falseHeads = try c.decode(Int.self, forKey: .falseHeads)
        falseHeadPixels = try c.decodeIfPresent(Int.self, forKey: .falseHeadPixels) ?? 0
        beyondRangePixels = try c.decodeIfPresent(Int.self, forKey: .beyondRangePixels) ?? 0
    }

    public var overMasked: Double? { total.headPixels > 0 ? Double(overMaskedPixels) / Double(total.headPixels) : nil }
    public var personRecall: Double? { total.people > 0 ? Double(total.peopleFound) / Double(total.people) : nil }

    public mutating func add(_ other: HeadScore) {
        frames += other.frames
        total.add(other.total)
        for i in byBand.indices { byBand[i].add(other.byBand[i]) }
        overMaskedPixels += other.overMaskedPixels
        falseHeads += other.falseHeads
        falseHeadPixels += other.falseHeadPixels
        beyondRangePixels += other.beyondRangePixels
        misses += other.misses
    }

    /// Scores one frame's `mask` and `heads` against its ground truth.
    public static func score(mask: [UInt8], heads: [HeadRegion], truth: FrameGroundTruth, frame: Int = 0) -> HeadScore {
        var score = HeadScore()
        score.frames = 1
        var pixels: [Int: Int] = [:], covered: [Int: Int] = [:]
        if let heads = truth.heads {
            var over = 0, beyond = 0
            let ids = heads.samples
            for i in 0..<ids.count {
                let id = Int(ids[i])
                if id != 0 {
                    pixels[id, default: 0] += 1
                    if mask[i] != 0 { covered[id, default: 0] += 1 }
                } else if mask[i] != 0 {
                    over += 1
                    if mask[i] == HeadMasker.beyondRange { beyond += 1 }
                }
            }
            score.overMaskedPixels = over
            score.beyondRangePixels = beyond
            score.total.overMaskedPixels = over
        }
        for person in truth.people {
            var c = Counts()
            let band = bandIndex(person.distance)
            let total = pixels[person.id] ?? 0
            let hit = covered[person.id] ?? 0
            if total > 0 {
                let isCovered = Double(hit) >= 0.99 * Double(total)
                c.allHeads = 1
                c.allCovered = isCovered ? 1 : 0
                if let box = person.headBox, box[3] - box[1] + 1 >= minimumHeadHeight {
                    c.heads = 1
                    c.covered = isCovered ? 1 : 0
                }
                c.headPixels = total
                c.leakedPixels = total - hit
                if !isCovered {
                    score.misses.append(String(format: "frame %d person %d at %.1f m, head %@, %.1f%% covered", frame, person.id,
                                               person.distance, "\(person.headBox ?? [])", 100 * Double(hit) / Double(total)))
                }
            }
            // A person counts once visible enough to find: 40 px, a tenth of their body.
            if person.pixels >= 40, person.visibleFraction >= 0.1 {
                c.people = 1
                let box = PixelBox(x0: person.box[0], y0: person.box[1], x1: person.box[2], y1: person.box[3])
                let found = (total > 0 && Double(hit) >= 0.5 * Double(total)) || heads.contains { $0.person.iou(box) >= 0.4 }
                    || truth.heads == nil && heads.contains { Self.centre(of: $0.box, isIn: box) }
                c.peopleFound = found ? 1 : 0
            }
            score.total.add(c)
            score.byBand[band].add(c)
        }
        // A predicted head is false when its window holds no true head pixel (or, with people only,
        // when its centre lies in no person's box).
        var isFalse = [Bool](repeating: false, count: heads.count)
        for (k, head) in heads.enumerated() {
            var touches = false
            if let truthHeads = truth.heads {
                let ids = truthHeads.samples, w = truthHeads.width
                for y in head.box.y0...head.box.y1 where !touches {
                    for x in head.box.x0...head.box.x1 where ids[y * w + x] != 0 { touches = true; break }
                }
            } else {
                touches = truth.people.contains { p in
                    Self.centre(of: head.box, isIn: PixelBox(x0: p.box[0], y0: p.box[1], x1: p.box[2], y1: p.box[3]))
                }
            }
            if !touches {
                isFalse[k] = true
                score.falseHeads += 1
                score.misses.append("frame \(frame) false head at \(head.box.array), \(head.depth.map { String(format: "%.1f m", $0) } ?? "no depth")")
            }
        }
        // Each over-masked pixel is charged to the nearest predicted head whose window, grown by
        // more than the mask's margin, holds it: to that head's distance band, and to the false
        // heads when it is one.
        if let truthHeads = truth.heads, score.overMaskedPixels > 0 {
            let (w, h) = (truthHeads.width, truthHeads.height)
            let ids = truthHeads.samples
            var charged = [Bool](repeating: false, count: w * h)
            for k in heads.indices.sorted(by: { (heads[$0].depth ?? .infinity) < (heads[$1].depth ?? .infinity) }) {
                let head = heads[k]
                let grown = head.box.expanded(by: max(2, head.box.height / 16), width: w, height: h)
                var n = 0
                for y in grown.y0...grown.y1 {
                    for i in (y * w + grown.x0)...(y * w + grown.x1) where mask[i] != 0 && ids[i] == 0 && !charged[i] {
                        charged[i] = true
                        n += 1
                    }
                }
                if let z = head.depth { score.byBand[bandIndex(Double(z))].overMaskedPixels += n }
                if isFalse[k] { score.falseHeadPixels += n }
            }
        }
        return score
    }

    /// Whether the centre of `head` lies in `person` grown by a tenth of its size.
    static func centre(of head: PixelBox, isIn person: PixelBox) -> Bool {
        let mx = max(1, person.width / 10), my = max(1, person.height / 10)
        let cx = (head.x0 + head.x1) / 2, cy = (head.y0 + head.y1) / 2
        return cx >= person.x0 - mx && cx <= person.x1 + mx && cy >= person.y0 - my && cy <= person.y1 + my
    }

    /// The fields DESIGN.md names for `metrics.json`.
    public var summary: [String: Double?] {
        ["heads": total.allHeads > 0 ? Double(total.heads) : nil, "head_recall": total.headRecall, "leaked_head_pixels": total.leakedFraction,
         "over_masked": overMasked, "person_recall": personRecall, "false_heads": Double(falseHeads)]
    }

    /// A table by distance band.
    public var table: String {
        func pct(_ v: Double?) -> String { v.map { String(format: "%6.2f%%", $0 * 100) } ?? "      –" }
        func ratio(_ v: Double?) -> String { v.map { String(format: "%6.3f", $0) } ?? "     –" }
        // One row of counts; the total's over-masking is the score's own (metrics written before
        // the per-band counts have it only there).
        func row(_ name: String, _ c: Counts, overMasked: Double?) -> String {
            name.padding(toLength: 11, withPad: " ", startingAt: 0)
                + String(format: " %9d  ", c.heads) + ratio(c.headRecall)
                + String(format: "  %9d  ", c.allHeads) + ratio(c.allHeads > 0 ? Double(c.allCovered) / Double(c.allHeads) : nil)
                + "  " + pct(c.leakedFraction) + String(format: "  %6d  ", c.people) + ratio(c.people > 0 ? Double(c.peopleFound) / Double(c.people) : nil)
                + "  " + pct(overMasked)
        }
        var lines = ["band        heads≥8px  recall  all heads  recall   leaked   people  recall  over-masked"]
        for (i, band) in Self.bands.enumerated() {
            let name = band.upperBound >= 1000 ? String(format: "%.0f+ m", band.lowerBound) : String(format: "%.0f–%.0f m", band.lowerBound, band.upperBound)
            lines.append(row(name, byBand[i], overMasked: byBand[i].overMasked))
        }
        lines.append(row("all", total, overMasked: overMasked))
        let fromFalse = total.headPixels > 0 ? Double(falseHeadPixels) / Double(total.headPixels) : nil
        var from = "\(pct(fromFalse).trimmingCharacters(in: .whitespaces)) from false heads"
        if beyondRangePixels > 0, total.headPixels > 0 {
            from += ", \(pct(Double(beyondRangePixels) / Double(total.headPixels)).trimmingCharacters(in: .whitespaces)) from the cover past the depth's range"
        }
        lines.append("over-masked \(pct(overMasked)) of head area (\(from)); false heads \(falseHeads) in \(frames) frames")
        return lines.joined(separator: "\n")
    }
}
