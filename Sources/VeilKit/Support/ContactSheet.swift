import Foundation

/// Tiles frames into one picture, to look at what Veil reads or writes.
public enum ContactSheet {
    /// Up to `maxFrames` evenly spread frames of `recording`, `columns` across, each `tileWidth` wide.
    ///
    /// Where the recording has synthetic ground truth (`gt/NNNNNN-heads.png`) head pixels are outlined
    /// in green, so a reader can check heads against the image.
    public static func make(recording: Recording, maxFrames: Int, columns: Int, tileWidth: Int) throws -> Raster<UInt8> {
        let frames = RecordingSummary.evenlySpread(recording.frames, limit: maxFrames)
        return try make(images: frames.map { files in
            var image = try ImageFile.readRGB(files.color)
            let heads = recording.root.appendingPathComponent(String(format: "gt/%06d-heads.png", files.number))
            if FileManager.default.fileExists(atPath: heads.path),
               case .sixteen(let mask) = try PNGCodec.decode(try FileIO.read(heads), path: heads.path),
               mask.width == image.width, mask.height == image.height {
                outline(&image, mask: mask.samples.map { $0 != 0 })
            }
            return image
        }, columns: columns, tileWidth: tileWidth)
    }

    /// Tiles images of any size (scaled to `tileWidth`) into rows of `columns`.
    public static func make(images: [Raster<UInt8>], columns: Int, tileWidth: Int) throws -> Raster<UInt8> {
        guard let first = images.first else { throw VeilError.imageOperation(reason: "no frames for a contact sheet") }
        let tileHeight = max(1, tileWidth * first.height / max(1, first.width))
        let rows = (images.count + columns - 1) / columns
        let gap = 4
        var sheet = Raster<UInt8>(width: columns * (tileWidth + gap) + gap, height: rows * (tileHeight + gap) + gap,
                                  channels: 3, repeating: 24)
        for (index, image) in images.enumerated() {
            let tile = try ImageOps.resize(image.rgb(), width: tileWidth, height: tileHeight, interpolation: .area)
            let ox = gap + (index % columns) * (tileWidth + gap), oy = gap + (index / columns) * (tileHeight + gap)
            copyRows(tileHeight, of: tileWidth * 3, from: tile.samples, at: 0, stride: tileWidth * 3,
                     into: &sheet.samples, at: (oy * sheet.width + ox) * 3, stride: sheet.width * 3)
        }
        return sheet
    }

    /// Paints the border pixels of `mask` green.
    public static func outline(_ image: inout Raster<UInt8>, mask: [Bool]) {
        let (w, h) = (image.width, image.height)
        for y in 0..<h {
            for x in 0..<w where mask[y * w + x] {
                let edge = x == 0 || y == 0 || x == w - 1 || y == h - 1
                    || !mask[y * w + x - 1] || !mask[y * w + x + 1] || !mask[(y - 1) * w + x] || !mask[(y + 1) * w + x]
                if edge { image[x, y, 0] = 40; image[x, y, 1] = 255; image[x, y, 2] = 40 }
            }
        }
    }
}
