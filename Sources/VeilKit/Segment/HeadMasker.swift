/// Turns head regions into a per-pixel mask: the pixels to anonymize.
///
/// With depth, a head window's pixels join the mask when they lie within a depth band around the
/// head (background and the ground are left alone) or have no depth reading at all (real sensors
/// lose hair and dark skin; a hole in a head window is treated as head). Without depth, the mask is
/// the ellipse inscribed in the window. Where the world's vertical leans in the image (a camera
/// looking up or down, at the sides of its view), each row of the window takes in itself moved by
/// the head's lean as well; where the world's horizontal runs aslant (a rolled camera), the window
/// also takes in the pixels whose own head row, along the head's tilt, lies in it. On the rows
/// above the chin it then follows the head's own surface sideways, up to 8 cm past the window (a
/// head seen side-on is longer than the window is wide). Either way the mask is then dilated by a
/// metric margin (1.2 cm, at least one pixel) so no head edge pixel is left; where only the
/// one-pixel floor is left, it stays off the far background and off anything nearer. Where the
/// depth image may lie off the colour image (`Misregistration`: a real camera's calibration, or a
/// person moving between the two captures), the margin grows by as much, into everything.
///
/// Every non-zero pixel is anonymized. The value tells what the pixel is expected to be: `head`
/// for the head itself, `neck` for the band below the chin (neck, hanging hair, and often the
/// collar of a shirt), which the ensemble anonymizes with the head's colours instead of its own.
public enum HeadMasker {
    /// Mask value of a head pixel.
    public static let head: UInt8 = 1
    /// Mask value of a pixel of the band below the chin.
    public static let neck: UInt8 = 2
    /// Mask value of a pixel without depth where the head of someone beyond a real camera's range
    /// could be (`BeyondRangeCover`): anonymized as a head is, in squares of three far heads.
    public static let beyondRange: UInt8 = 3

    /// The depth band around a head's depth, metres.
    @inline(__always) static func band(_ z: Float) -> Float { 0.3 + 0.02 * z }

    /// How far behind a head, metres, the one-pixel floor of the margin still reaches.
    static let floorReachBehind: Float = 3

    /// How far, metres, the mask follows the head's own surface sideways past its window in the rows
    /// above the chin: a head seen side-on is longer than the window is wide (nose, the back of the
    /// head, a bun), and a window centred off its head leaves the far side out.
    static let sideReach: Float = 0.08

    /// How far a head's outline in the colour image may lie from where the depth image puts it.
    public struct Misregistration: Sendable, Equatable {
        /// Pixels at any distance: the calibration between the two images.
        public var pixels: Int
        /// Metres at the head's distance: the head's move between the two captures.
        public var metres: Float

        public init(pixels: Int = 0, metres: Float = 0) {
            self.pixels = max(0, pixels)
            self.metres = max(0, metres)
        }

        /// Colour and depth from one pose at one instant (CARLA).
        public static let none = Misregistration()
    }

    /// The mask of all `heads` in a `width`×`height` frame: non-zero = anonymize (`head` or `neck`).
    public static func mask(heads: [HeadRegion], depth: DepthMap?, intrinsics: Intrinsics, width: Int, height: Int,
                            misregistration: Misregistration = .none) -> [UInt8] {
        var mask = [UInt8](repeating: 0, count: width * height)
        for head in heads {
            add(head, to: &mask, depth: depth, intrinsics: intrinsics, width: width, height: height, misregistration: misregistration)
        }
        return mask
    }

    /// Adds one head to `mask`.
    static func add(_ head: HeadRegion, to mask: inout [UInt8], depth: DepthMap?, intrinsics: Intrinsics, width: Int, height: Int,
                    misregistration: Misregistration = .none) {
        let z = head.depth ?? 0
        // The 1.2 cm margin in pixels, with depth; without, a sixteenth of the window's height. A
        // misregistration adds its metres (with depth) and its pixels.
        let metricMargin: Float? = z > 0 ? Float(intrinsics.fy) * 0.012 / z : nil
        let moved = z > 0 ? Int((Float(intrinsics.fy) * misregistration.metres / z).rounded(.up)) : 0
        let margin = max(1, metricMargin.map { Int($0.rounded()) } ?? head.box.height / 16) + moved + misregistration.pixels
        // Where the metric margin is under a pixel (beyond 7.7 m at CARLA's 1280×720, 4.8 m at
        // 800×600), the one-pixel floor grows only into the head's depth, holes, and up to
        // `floorReachBehind` behind (the sliver of a head hidden behind this one): not into nearer
        // things or the far background, where a ring of a whole pixel doubles a far head's mask. On
        // the seed-42 1280×720 street, beyond half a pixel at first: over-masking 137.5% → 110.6%.
        // Under a whole pixel (a margin of 0.5–1 px had been rounded up to a ring into everything):
        // benchmark set 115.6% → 110.8%, 640×480 street 128.4% → 108.8%, no head ≥ 8 px lost; the
        // 640×480 street leaks 0.68% → 0.69% (two heads of 3 px that a neighbour's ring grazed).
        // Misregistered, the head's outline in colour may lie anywhere within the margin: no floor.
        let floorOnly = misregistration == .none && (metricMargin.map { $0 < 1 } ?? false)
        let box = head.box
        let centre = (box.x0 + box.x1) / 2
        // Where the camera is rolled, the head's own rows run aslant (`tilt` rows a column): the
        // window's top, chin and bottom with them, reaching up to `reach` rows beyond its box. A
        // tilt too small to move any pixel of the work area onto another head row is no tilt: a
        // level camera's fitted ground still gives a few thousandths, and the per-pixel head row it
        // would cost every head nearly doubled the masking time for identical masks.
        let half = max(centre - box.x0, box.x1 - centre)
        let tiltedReach = Int((abs(head.tilt) * Float(half)).rounded(.up))
        let spread = half + margin + 2 * (Int((abs(head.lean) * Float(box.height + tiltedReach + margin)).rounded(.up)) + 1)
        let tilt = abs(head.tilt) * Float(spread) < 0.5 ? 0 : head.tilt
        let reach = tilt == 0 ? 0 : tiltedReach
        /// The head's own row that pixel (`x`, `y`) lies on, `shift` being its row's lean.
        @inline(__always) func ownRow(_ y: Int, _ x: Int, shift: Int) -> Int {
            tilt == 0 ? y : y - Self.nearest(tilt * Float(x - centre - shift))
        }
        // The window's rows move by its lean (columns a row); the work area takes in where they go.
        let (firstRow, lastRow) = (max(0, box.y0 - reach), min(height - 1, box.y1 + reach))
        let (firstShift, lastShift) = (head.shift(atRow: firstRow), head.shift(atRow: lastRow))
        // Columns the window may grow by on each side along the head's surface: with depth, and where
        // the chin is known (a face detector's window has none, and may reach the shoulders).
        let grow = z > 0 && depth != nil && head.narrowFromRow != nil ? Int((Self.sideReach * Float(intrinsics.fx) / z).rounded()) : 0
        let outer = PixelBox(x0: box.x0 + min(0, firstShift, lastShift), y0: firstRow,
                             x1: box.x1 + max(0, firstShift, lastShift), y1: lastRow)
            .expanded(by: margin + grow, width: width, height: height)
        let ow = outer.width, oh = outer.height
        var local = [UInt8](repeating: 0, count: ow * oh)
        let band = Self.band(z)
        /// The window's columns on head row `row` (narrowed from the chin down), before its lean.
        @inline(__always) func columns(_ row: Int) -> (Int, Int) {
            head.narrowFromRow.map { row >= $0 } ?? false
                ? (max(box.x0, centre - head.narrowHalfWidth), min(box.x1, centre + head.narrowHalfWidth)) : (box.x0, box.x1)
        }
        if let depth, z > 0 {
            depth.metres.withUnsafeBufferPointer { m in
                for y in firstRow...lastRow {
                    // The row as it lies straight down and as it leans, both: a leaning row never
                    // leaves out what the straight one held (at a side of the frame, a head's
                    // window is cut where it meets the side, and leaning would leave that behind).
                    // Where the head's rows run aslant, a pixel also belongs to the window when the
                    // head row it lies on does, leaning.
                    let shift = head.shift(atRow: y)
                    let inRows = (box.y0...box.y1).contains(y)
                    let straight = columns(y)
                    let (x0, x1) = (max(0, box.x0 + min(0, shift)), min(width - 1, box.x1 + max(0, shift)))
                    guard x0 <= x1 else { continue }
                    for x in x0...x1 {
                        var inside = inRows && x >= straight.0 + min(0, shift) && x <= straight.1 + max(0, shift)
                        if !inside, tilt != 0 {
                            let row = ownRow(y, x, shift: shift)
                            let (a, b) = columns(row)
                            inside = (box.y0...box.y1).contains(row) && x >= a + shift && x <= b + shift
                        }
                        guard inside else { continue }
                        let v = m[y * width + x]
                        if v == DepthMap.noReading || abs(v - z) < band { local[(y - outer.y0) * ow + (x - outer.x0)] = 1 }
                    }
                }
                // On the head's own rows above the chin, each row's outermost pixels go on sideways
                // up to `sideReach` while the surface does: within the band, pixel to pixel within a
                // depth step, no hole. Below the chin lie the shoulders. A head side-on (a nose, the
                // back of a head seen from 2.4 m up and 15° down) and one whose window sat off its
                // centre (a crown joined to something beside it 8 m away) had been left with a strip
                // bare: rigs 1.0 m up recall 0.977 → 0.981, leaked 0.35% → 0.22%; 2.4 m 0.979 → 0.986,
                // 0.37% → 0.24%; 2.4 m, 15° down 0.993 → 1.000, 0.27% → 0.13%; children 0.962 →
                // 0.965, 1.12% → 1.01%; bushes 0.933 → 0.960; the benchmark set leaked 0.16% → 0.13%;
                // over-masking 0.6–2.3 points more on the benchmark set, the rigs, close by and
                // handheld, 5.0 on the children's recordings. At 3 cm the recall gains were the same
                // and the leaks larger; at 12 cm, leaks a little smaller still.
                if grow > 0, let chin = head.narrowFromRow {
                    for y in firstRow...lastRow {
                        let r = (y - outer.y0) * ow
                        let shift = head.shift(atRow: y)
                        guard let first = (0..<ow).first(where: { local[r + $0] != 0 }),
                              let last = (0..<ow).last(where: { local[r + $0] != 0 }) else { continue }
                        for (start, step) in [(first, -1), (last, 1)] {
                            var previous = m[y * width + outer.x0 + start]
                            var x = start + step
                            while abs(x - start) <= grow, x >= 0, x < ow {
                                let row = ownRow(y, outer.x0 + x, shift: shift)
                                let v = m[y * width + outer.x0 + x]
                                guard row >= box.y0, row < chin, v != DepthMap.noReading, abs(v - z) < band,
                                      abs(v - previous) < DepthPersonDetector.step(previous) else { break }
                                local[r + x] = 1
                                previous = v
                                x += step
                            }
                        }
                    }
                }
            }
        } else {
            let cx = Float(box.x0 + box.x1) / 2, cy = Float(box.y0 + box.y1) / 2
            let rx = Float(box.width) / 2, ry = Float(box.height) / 2
            for y in box.y0...box.y1 {
                let shift = head.shift(atRow: y)
                let (x0, x1) = (max(0, box.x0 + min(0, shift)), min(width - 1, box.x1 + max(0, shift)))
                guard x0 <= x1 else { continue }
                let dy = (Float(y) - cy) / ry
                for x in x0...x1 {
                    let (straight, leaning) = ((Float(x) - cx) / rx, (Float(x - shift) - cx) / rx)
                    if min(straight * straight, leaning * leaning) + dy * dy <= 1 { local[(y - outer.y0) * ow + (x - outer.x0)] = 1 }
                }
            }
        }
        // Square dilation by `margin` (separable, see `dilate`).
        let dilated = Self.dilate(local, width: ow, height: oh, by: margin)
        // Rows from the chin down are the neck band; where heads overlap, head wins over neck.
        let chinRow = head.narrowFromRow ?? Int.max
        // Below the window the margin grows only into what is off the head's depth (background,
        // holes): the window's bottom edge cuts through the body (neck, shoulders, chest), which is no
        // edge of the head. On the seed-42 1280×720 street the margin grown into the body there was
        // 12 points of the over-masking. And only where it joins the mask above, row by row (from
        // the pixel above, then along the row): a real camera's lone holes in the shirt below a head
        // close by, a margin's depth (15 px at 0.5 m) below the window, had each been a blob of its
        // own, 60–130 of them a frame of people in conversation with a stereo camera's depth, each
        // anonymized as a head.
        let metres = z > 0 ? depth?.metres : nil
        // Two rows of which of the row's pixels the mask takes (this row's and the row above's).
        var keptRows = [UInt8](repeating: 0, count: 2 * ow)
        local.withUnsafeBufferPointer { local in
            dilated.withUnsafeBufferPointer { dilated in
                mask.withUnsafeMutableBufferPointer { mask in
                    (metres ?? []).withUnsafeBufferPointer { m in
                        keptRows.withUnsafeMutableBufferPointer { keptRows in
                            for y in 0..<oh {
                                let frameRow = outer.y0 + y
                                let belowWindow = frameRow > box.y1
                                // A row whose pixels' head rows all lie on one side of the chin is that
                                // side whole: a tilted head's rows lie at most `tilt` times the distance
                                // from its centre column off the frame's (a close head's mask is worked
                                // out without a rounding a pixel).
                                let shift = tilt == 0 ? 0 : head.shift(atRow: frameRow)
                                let offset = tilt == 0 ? 0 : Int((abs(tilt) * Float(max(abs(outer.x0 - centre - shift), abs(outer.x1 - centre - shift)))).rounded(.up)) + 1
                                let aboveChin: Bool? = chinRow == Int.max || frameRow + offset < chinRow ? true : frameRow - offset >= chinRow ? false : nil
                                // Which of the row's pixels the mask takes: the dilation, less what the
                                // margin may not grow into; below the window, only what joins the mask
                                // above (2: may join; 1: taken).
                                let kept = UnsafeMutableBufferPointer(rebasing: keptRows[(y % 2 * ow)...].prefix(ow))
                                let keptAbove = UnsafeMutableBufferPointer(rebasing: keptRows[((y + 1) % 2 * ow)...].prefix(ow))
                                let o = y * ow
                                for x in 0..<ow {
                                    kept[x] = dilated[o + x]
                                    guard dilated[o + x] != 0 else { continue }
                                    if metres != nil, local[o + x] == 0 {
                                        let v = m[frameRow * width + outer.x0 + x]
                                        guard v != DepthMap.noReading else {
                                            if belowWindow, keptAbove[x] != 1 { kept[x] = 2 }
                                            continue
                                        }
                                        if belowWindow && abs(v - z) < band || floorOnly && (v <= z - band || v > z + Self.floorReachBehind) {
                                            kept[x] = 0
                                        } else if belowWindow, keptAbove[x] != 1 {
                                            kept[x] = 2
                                        }
                                    }
                                }
                                if belowWindow {
                                    for x in 1..<max(1, ow) where kept[x] == 2 && kept[x - 1] == 1 { kept[x] = 1 }
                                    for x in stride(from: ow - 2, through: 0, by: -1) where kept[x] == 2 && kept[x + 1] == 1 { kept[x] = 1 }
                                }
                                for x in 0..<ow where kept[x] == 1 {
                                    let i = frameRow * width + outer.x0 + x
                                    let isHead = aboveChin ?? (ownRow(frameRow, outer.x0 + x, shift: shift) < chinRow)
                                    mask[i] = isHead || mask[i] == Self.head ? Self.head : Self.neck
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// `bits` (`width`×`height`, non-zero = set) dilated by a square of `radius` pixels each way.
    ///
    /// Along the rows, each run of set pixels is widened by `radius` on both sides (empty stretches
    /// skipped eight bytes at a time); down the columns, a count for each column of the set rows
    /// within `radius` slides down the rows, whole rows at a time, which the compiler vectorizes.
    /// A negative radius counts as none.
    static func dilate(_ bits: [UInt8], width: Int, height: Int, by radius: Int) -> [UInt8] {
        let radius = max(0, radius)
        var rows = [UInt8](repeating: 0, count: width * height)
        var out = [UInt8](repeating: 0, count: width * height)
        bits.withUnsafeBufferPointer { b in
            rows.withUnsafeMutableBufferPointer { r in
                for y in 0..<height {
                    let o = y * width
                    b.forEachRun(from: o, count: width) { first, end in
                        let (lo, hi) = (max(0, first - radius), min(width - 1, end - 1 + radius))
                        UnsafeMutableBufferPointer(rebasing: r[(o + lo)...(o + hi)]).update(repeating: 1)
                    }
                }
            }
        }
        rows.withUnsafeBufferPointer { r in
            out.withUnsafeMutableBufferPointer { d in
                // How many rows within `reach` above and below hold each column set: a window
                // sliding down the rows, a row added and a row dropped at each step.
                let reach = min(radius, height)
                var count = [UInt32](repeating: 0, count: width)
                count.withUnsafeMutableBufferPointer { count in
                    for y in 0..<reach {
                        for x in 0..<width { count[x] &+= UInt32(r[y * width + x]) }
                    }
                    for y in 0..<height {
                        if y + reach < height {
                            let o = (y + reach) * width
                            for x in 0..<width { count[x] &+= UInt32(r[o + x]) }
                        }
                        if y - reach - 1 >= 0 {
                            let o = (y - reach - 1) * width
                            for x in 0..<width { count[x] &-= UInt32(r[o + x]) }
                        }
                        let o = y * width
                        for x in 0..<width { d[o + x] = count[x] != 0 ? 1 : 0 }
                    }
                }
            }
        }
        return out
    }

    /// `v` rounded to the nearest whole number, halves away from zero (what `Int(v.rounded())`
    /// gives), without the C library call `rounded()` makes for every pixel of a tilted head's
    /// window: the truncation is exact and so is the fraction left over.
    @inline(__always) static func nearest(_ v: Float) -> Int {
        let t = Int(v)
        let fraction = v - Float(t)
        return fraction >= 0.5 ? t + 1 : fraction <= -0.5 ? t - 1 : t
    }
}
