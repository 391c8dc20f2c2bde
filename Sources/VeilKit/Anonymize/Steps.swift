import Foundation

/// A float RGB patch the anonymization steps work on (a head's bounding box plus margin).
public struct Patch: Sendable {
    public let width: Int
    public let height: Int
    /// RGB values 0…255, row-major, interleaved.
    public var values: [Float]

    public init(width: Int, height: Int, values: [Float]) {
        self.width = width
        self.height = height
        self.values = values
    }

    /// The `width`×`height` pixels from (`x`, `y`), which lie inside the patch.
    func cropped(x: Int, y: Int, width: Int, height: Int) -> Patch {
        var out = Patch(width: width, height: height, values: [Float](repeating: 0, count: width * height * 3))
        copyRows(height, of: width * 3, from: values, at: (y * self.width + x) * 3, stride: self.width * 3, into: &out.values, at: 0, stride: width * 3)
        return out
    }

    /// Writes `patch` over the pixels from (`x`, `y`), where it lies inside this one.
    mutating func paste(_ patch: Patch, x: Int, y: Int) {
        copyRows(patch.height, of: patch.width * 3, from: patch.values, at: 0, stride: patch.width * 3,
                 into: &values, at: (y * width + x) * 3, stride: width * 3)
    }
}

/// Step 1: Gaussian noise at two scales: per pixel (Irwin–Hall approximation), a first obfuscation
/// of every value, and across the head, a smooth random field of brightness that takes the place of
/// the head's own light/dark layout (hair against skin, brows, a beard). Smoothing and resampling
/// would otherwise keep that layout, and a matcher on coarse crops recognises it: averaged over a
/// person's anonymized crops it still showed their hairline and face.
public struct GaussianNoiseStep: Sendable {
    /// Standard deviation of the per-pixel noise, in 8-bit levels.
    public var sigma: Float = 28
    /// Standard deviation of the head-scale brightness noise, in 8-bit levels (0: none).
    public var coarseSigma: Float = 30
    /// Cells of the head-scale noise across the patch: Gaussian values on a (cells + 1)² grid,
    /// interpolated bilinearly and added to all three channels alike.
    public var coarseCells: Int = 2
    /// Share of the head's own brightness layout removed (0: none; 1: all, so that only the noise
    /// field makes one part of the head lighter than another). Colour stays: every channel moves
    /// alike, and the patch's mean grey is kept.
    public var layoutRemoved: Float = 1
    /// Cells across the head over which that layout is measured: the resampling's blocks, the
    /// detail of brightness that would survive it.
    public var layoutBlocks: Float = 7

    public init(sigma: Float = 28, coarseSigma: Float = 30, coarseCells: Int = 2, layoutRemoved: Float = 1, layoutBlocks: Float = 7) {
        self.sigma = sigma
        self.coarseSigma = coarseSigma
        self.coarseCells = max(1, coarseCells)
        self.layoutRemoved = layoutRemoved
        self.layoutBlocks = max(1, layoutBlocks)
    }

    /// Adds the noise to `patch`; `headSize` (pixels; default the patch's larger side) sets the
    /// cells of the layout removed.
    public func apply(_ patch: inout Patch, headSize: Float? = nil, random: inout AnonymizationRandom) {
        let layout = layoutRemoved > 0 ? BrightnessLayout(patch, cellSize: (headSize ?? Float(max(patch.width, patch.height))) / layoutBlocks) : nil
        patch.values.withUnsafeMutableBufferPointer { v in
            random.forEachNoise(v.count, sigma: sigma) { i, value in v[i] += value }
        }
        guard coarseSigma > 0 || layout != nil else { return }
        let cells = coarseCells, side = cells + 1
        let grid = coarseSigma > 0 ? (0..<(side * side)).map { _ in coarseSigma * random.gaussian() } : [Float](repeating: 0, count: side * side)
        let (w, h) = (patch.width, patch.height)
        let removed = layoutRemoved
        patch.values.withUnsafeMutableBufferPointer { v in
            for y in 0..<h {
                for x in 0..<w {
                    var shift = GridCell(x: x, y: y, width: w, height: h, cells: cells).interpolate(grid)
                    if let layout { shift -= removed * layout.deviation(x: x, y: y) }
                    let o = (y * w + x) * 3
                    v[o] += shift; v[o + 1] += shift; v[o + 2] += shift
                }
            }
        }
    }
}

/// A patch's coarse brightness layout: the mean grey of each cell of a grid, interpolated
/// bilinearly between cell centres, less the patch's mean grey.
struct BrightnessLayout {
    let columns: Int, rows: Int
    /// Mean grey of each cell less the patch's, row-major.
    let cells: [Float]
    /// For each pixel column (row): the cell column (row) left of (above) it and the weight of the next.
    let xs: [(Int, Float)], ys: [(Int, Float)]

    /// The layout of `patch` in square cells of about `cellSize` pixels.
    init(_ patch: Patch, cellSize: Float) {
        let (w, h) = (patch.width, patch.height)
        let size = max(1, cellSize)
        let columns = max(1, min(w, Int((Float(w) / size).rounded())))
        let rows = max(1, min(h, Int((Float(h) / size).rounded())))
        (self.columns, self.rows) = (columns, rows)
        var sums = [Float](repeating: 0, count: columns * rows), counts = [Float](repeating: 0, count: columns * rows)
        patch.values.withUnsafeBufferPointer { v in
            for y in 0..<h {
                let row = y * rows / h * columns
                for x in 0..<w {
                    let o = (y * w + x) * 3
                    sums[row + x * columns / w] += 0.299 * v[o] + 0.587 * v[o + 1] + 0.114 * v[o + 2]
                    counts[row + x * columns / w] += 1
                }
            }
        }
        let mean = sums.reduce(0, +) / Float(w * h)
        var deviations = sums
        for i in deviations.indices { deviations[i] = sums[i] / max(1, counts[i]) - mean }
        cells = deviations
        // Positions in cell-centre coordinates, clamped to the outer centres.
        func weights(_ length: Int, _ count: Int) -> [(Int, Float)] {
            (0..<length).map { i in
                guard count > 1 else { return (0, 0) }
                let g = min(max((Float(i) + 0.5) * Float(count) / Float(length) - 0.5, 0), Float(count - 1))
                let cell = min(Int(g), count - 2)
                return (cell, g - Float(cell))
            }
        }
        xs = weights(w, columns)
        ys = weights(h, rows)
    }

    /// The layout at pixel (x, y): how much lighter than the patch's mean its surroundings are.
    @inline(__always) func deviation(x: Int, y: Int) -> Float {
        let (cx, ax) = xs[x], (cy, ay) = ys[y]
        let nextX = columns > 1 ? 1 : 0, nextY = rows > 1 ? columns : 0
        let i = cy * columns + cx
        let top = cells[i] * (1 - ax) + cells[i + nextX] * ax
        let bottom = cells[i + nextY] * (1 - ax) + cells[i + nextY + nextX] * ax
        return top * (1 - ay) + bottom * ay
    }
}

/// Where a pixel of a `width`×`height` patch falls on a coarse grid of `cells`×`cells` cells whose
/// (cells + 1)² corners span the patch: the cell's first corner and the bilinear weights of its
/// four corners. The noise's brightness field and the warp's displacement field both use it.
struct GridCell {
    /// Index of the cell's top-left corner in a row-major (cells + 1)² array.
    let corner: Int
    let side: Int
    let w00: Float, w10: Float, w01: Float, w11: Float

    @inline(__always) init(x: Int, y: Int, width: Int, height: Int, cells: Int) {
        let gy = Float(y) / Float(max(1, height - 1)) * Float(cells)
        let iy = min(Int(gy), cells - 1), ay = gy - Float(iy)
        let gx = Float(x) / Float(max(1, width - 1)) * Float(cells)
        let ix = min(Int(gx), cells - 1), ax = gx - Float(ix)
        side = cells + 1
        corner = iy * side + ix
        w00 = (1 - ax) * (1 - ay); w10 = ax * (1 - ay); w01 = (1 - ax) * ay; w11 = ax * ay
    }

    /// The bilinear interpolation of the corner values in `grid`.
    @inline(__always) func interpolate(_ grid: [Float]) -> Float {
        grid[corner] * w00 + grid[corner + 1] * w10 + grid[corner + side] * w01 + grid[corner + side + 1] * w11
    }
}

/// Step 2: a random smooth warp: displacements drawn on a coarse grid, interpolated, and applied
/// by bilinear resampling, so facial features move by up to `amplitude` of the head's size.
public struct RandomWarpStep: Sendable {
    /// Displacement standard deviation of the smooth field, as a fraction of the head's size.
    public var amplitude: Float = 0.3
    /// Control points across the patch.
    public var grid: Int = 3
    /// Standard deviation of the random affine matrix's rotation (radians), log-scale, shear and
    /// translation (fraction of the head's size).
    public var affine: (rotation: Float, scale: Float, shear: Float, shift: Float) = (0, 0, 0, 0)

    public init(amplitude: Float = 0.3, grid: Int = 3, affine: (rotation: Float, scale: Float, shear: Float, shift: Float) = (0, 0, 0, 0)) {
        self.amplitude = amplitude
        self.grid = grid
        self.affine = affine
    }

    public func apply(_ patch: inout Patch, headSize: Float, random: inout AnonymizationRandom) {
        let n = grid + 1
        let scale = amplitude * headSize
        var dx = [Float](repeating: 0, count: n * n), dy = [Float](repeating: 0, count: n * n)
        for i in 0..<(n * n) { dx[i] = scale * random.gaussian(); dy[i] = scale * random.gaussian() }
        // A random matrix about the patch centre: rotation, anisotropic scale, shear, shift.
        let angle = affine.rotation * random.gaussian()
        let sx = expf(affine.scale * random.gaussian()), sy = expf(affine.scale * random.gaussian())
        let shear = affine.shear * random.gaussian()
        let tx = affine.shift * headSize * random.gaussian(), ty = affine.shift * headSize * random.gaussian()
        let (c, s) = (cosf(angle), sinf(angle))
        // Source = M · (p − centre) + centre + t, with M = R · [[sx, shear], [0, sy]].
        let m00 = c * sx, m01 = c * shear - s * sy, m10 = s * sx, m11 = s * shear + c * sy
        let source = patch.values
        let (w, h) = (patch.width, patch.height)
        let cx = Float(w - 1) / 2, cy = Float(h - 1) / 2
        source.withUnsafeBufferPointer { src in
            patch.values.withUnsafeMutableBufferPointer { out in
                for y in 0..<h {
                    for x in 0..<w {
                        let cell = GridCell(x: x, y: y, width: w, height: h, cells: grid)
                        let fieldX = cell.interpolate(dx), fieldY = cell.interpolate(dy)
                        let px = Float(x) - cx, py = Float(y) - cy
                        // Bilinear sample of the source at the warped point, clamped to the patch.
                        let sx = min(max(m00 * px + m01 * py + cx + tx + fieldX, 0), Float(w - 1))
                        let sy = min(max(m10 * px + m11 * py + cy + ty + fieldY, 0), Float(h - 1))
                        let x0 = Int(sx), y0 = Int(sy), x1 = min(x0 + 1, w - 1), y1 = min(y0 + 1, h - 1)
                        let bx = sx - Float(x0), by = sy - Float(y0)
                        let a = (y0 * w + x0) * 3, b = (y0 * w + x1) * 3, c = (y1 * w + x0) * 3, d = (y1 * w + x1) * 3
                        let o = (y * w + x) * 3
                        for ch in 0..<3 {
                            out[o + ch] = (src[a + ch] * (1 - bx) + src[b + ch] * bx) * (1 - by) + (src[c + ch] * (1 - bx) + src[d + ch] * bx) * by
                        }
                    }
                }
            }
        }
    }
}

/// Step 3: Gaussian smoothing, removing fine detail (done by OpenCV).
public struct SmoothingStep: Sendable {
    /// Standard deviation as a fraction of the head's size.
    public var sigma: Float = 0.06

    public init(sigma: Float = 0.06) { self.sigma = sigma }

    public func apply(_ patch: inout Patch, headSize: Float) throws {
        var raster = patch.raster()
        try apply(&raster, headSize: headSize)
        patch = Patch(raster)
    }

    /// The same on 8-bit pixels, in place.
    public func apply(_ raster: inout Raster<UInt8>, headSize: Float) throws {
        try ImageOps.gaussianBlur(&raster, x: 0, y: 0, width: raster.width, height: raster.height,
                                  sigma: Double(max(0.5, sigma * headSize)))
    }
}

/// Step 4: resampling down to at most `blocks` across the head and back up smoothly: whatever the
/// head's size in pixels, no more than `blocks`² values of detail survive (guaranteed loss).
public struct ResamplingStep: Sendable {
    /// Blocks across the head (`--strength`).
    public var blocks: Int = 7

    public init(blocks: Int = 7) { self.blocks = blocks }

    public func apply(_ patch: inout Patch, headSize: Float, interpolationUp: ImageOps.Interpolation = .linear) throws {
        var raster = patch.raster()
        try apply(&raster, headSize: headSize, interpolationUp: interpolationUp)
        patch = Patch(raster)
    }

    /// The same on 8-bit pixels.
    ///
    /// - Parameter size: the size to come back up to (default: the raster's own), so a patch worked
    ///   on at a reduced scale returns at full size; `headSize` is in the raster's pixels.
    public func apply(_ raster: inout Raster<UInt8>, headSize: Float, interpolationUp: ImageOps.Interpolation = .linear,
                      size: (width: Int, height: Int)? = nil) throws {
        let perBlock = max(1, headSize / Float(blocks))
        let w = max(1, Int((Float(raster.width) / perBlock).rounded())), h = max(1, Int((Float(raster.height) / perBlock).rounded()))
        let small = try ImageOps.resize(raster, width: w, height: h, interpolation: .area)
        raster = try ImageOps.resize(small, width: size?.width ?? raster.width, height: size?.height ?? raster.height, interpolation: interpolationUp)
    }
}

extension Patch {
    /// The patch rounded and clamped to 8 bits.
    public func raster() -> Raster<UInt8> {
        Raster(width: width, height: height, channels: 3, samples: values.map { UInt8(max(0, min(255, $0.rounded()))) })
    }

    /// A patch of an 8-bit raster's values.
    public init(_ raster: Raster<UInt8>) {
        self.init(width: raster.width, height: raster.height, values: raster.samples.map(Float.init))
    }
}
