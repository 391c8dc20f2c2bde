// Benchmarks that print figures (never asserted in tests). Run through Scripts/bench-codecs.
import Foundation
import VeilKit

/// Median milliseconds of `body` over `runs` runs after one warm-up.
func measure(runs: Int, _ body: () throws -> Void) rethrows -> Double {
    try body()
    var times: [Double] = []
    for _ in 0..<runs {
        let start = DispatchTime.now().uptimeNanoseconds
        try body()
        times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
    }
    return times.sorted()[times.count / 2]
}

/// A realistic 1280×720 colour frame: the real CARLA sample if it is beside the checkout, else texture.
func colourFrame(samples: URL?) throws -> Raster<UInt8> {
    if let samples {
        let source = try ImageFile.readRGB(samples.appendingPathComponent("town-0.9.6/rgb/142916.jpg"))
        return try ImageOps.resize(source, width: 1280, height: 720, interpolation: .linear)
    }
    var generator = SplitMix64(seed: 1)
    var raster = Raster<UInt8>(width: 1280, height: 720, channels: 3)
    for i in raster.samples.indices { raster.samples[i] = UInt8(truncatingIfNeeded: (i / 3 % 1280) / 5 + Int(generator.next() & 15)) }
    return raster
}

/// A realistic 1280×720 depth map: the real CARLA sample resized, else a synthetic ramp.
func depthFrame(samples: URL?) throws -> DepthMap {
    if let samples {
        let url = samples.appendingPathComponent("town-0.9.6/depth/142916.png")
        let png = try PNGCodec.decode(try FileIO.read(url), path: url.path)
        guard case .eight(let raster) = png else { throw VeilError.undecodable(path: url.path, reason: "expected 8-bit") }
        let resized = try ImageOps.resize(raster, width: 1280, height: 720, interpolation: .nearest)
        return try DepthCodec(encoding: .carlaRaw).decode(.eight(resized), path: url.path)
    }
    return DepthMap(width: 1280, height: 720, metres: (0..<(1280 * 720)).map { Float(2 + ($0 / 1280) % 40) })
}

func samplesRoot() -> URL? {
    var url = URL(fileURLWithPath: #filePath)
    for _ in 0..<5 {
        url.deleteLastPathComponent()
        let candidate = url.deletingLastPathComponent().appendingPathComponent("shared/data/carla-samples")
        if FileManager.default.fileExists(atPath: candidate.path) { return candidate }
    }
    return nil
}

/// `text` indented and padded to a column.
func pad(_ text: String, to width: Int = 32) -> String {
    "  " + text + String(repeating: " ", count: max(1, width - text.count))
}

func benchCodecs(runs: Int) throws {
    let samples = samplesRoot()
    let rgb = try colourFrame(samples: samples)
    var rgba = Raster<UInt8>(width: rgb.width, height: rgb.height, channels: 4, repeating: 255)
    for i in 0..<rgb.pixelCount { for c in 0..<3 { rgba.samples[i * 4 + c] = rgb.samples[i * 3 + c] } }
    let depth = try depthFrame(samples: samples)
    guard case .sixteen(let depth16) = DepthCodec(encoding: .mm16, scale: 0.001).encode(depth),
          case .eight(let depthRaw) = DepthCodec(encoding: .carlaRaw).encode(depth) else { return }

    print("Veil codec benchmark: 1280×720, median of \(runs) runs, one core, content from \(samples == nil ? "synthetic texture" : "the CARLA town sample")")
    print("")
    print("PNG write settings (RGBA colour frame):")
    print("  setting                          encode ms   decode ms   size KiB")
    let settings: [(String, PNGCodec.EncodeSettings)] = [
        ("libpng default (level 6, all)", .libpngDefault),
        ("level 1, all filters", .init(level: 1, filters: 0xF8, strategy: 0)),
        ("level 1, Sub", .init(level: 1, filters: 0x10, strategy: 0)),
        ("level 1, Up", .init(level: 1, filters: 0x20, strategy: 0)),
        ("level 1, Paeth", .init(level: 1, filters: 0x80, strategy: 0)),
        ("level 1, None", .init(level: 1, filters: 0x08, strategy: 0)),
        ("level 2, Sub", .init(level: 2, filters: 0x10, strategy: 0)),
        ("level 3, Sub", .init(level: 3, filters: 0x10, strategy: 0)),
        ("level 1, Sub, RLE (Veil's choice)", .fast),
        ("level 1, Sub, Huffman only", .init(level: 1, filters: 0x10, strategy: 2)),
        ("level 1, Up, RLE", .init(level: 1, filters: 0x20, strategy: 3)),
        ("level 0 (stored)", .init(level: 0, filters: 0x08, strategy: 0)),
    ]
    for (name, setting) in settings {
        var bytes: [UInt8] = []
        let encode = try measure(runs: runs) { bytes = try PNGCodec.encode(rgba, settings: setting) }
        let decode = try measure(runs: runs) { _ = try PNGCodec.decode(bytes, path: "bench.png") }
        print(pad(name) + String(format: " %9.2f   %9.2f   %8.0f", encode, decode, Double(bytes.count) / 1024))
    }
    print("")
    print("Veil's codecs (PNG at Veil's setting):")
    print("  file                             encode ms   decode ms   size KiB")
    func row(_ name: String, encode: () throws -> [UInt8], decode: ([UInt8]) throws -> Void) throws {
        var bytes: [UInt8] = []
        let e = try measure(runs: runs) { bytes = try encode() }
        let d = try measure(runs: runs) { try decode(bytes) }
        print(pad(name) + String(format: " %9.2f   %9.2f   %8.0f", e, d, Double(bytes.count) / 1024))
    }
    try row("RGBA PNG → RGB", encode: { try PNGCodec.encode(rgba) }, decode: { _ = try PNGCodec.decodeRGB($0, path: "b.png") })
    try row("16-bit depth PNG (mm16)", encode: { try PNGCodec.encode(depth16) }, decode: {
        _ = try DepthCodec(encoding: .mm16).decode(try PNGCodec.decode($0, path: "b.png"), path: "b.png")
    })
    try row("24-bit depth PNG (carla-raw)", encode: { try PNGCodec.encode(depthRaw) }, decode: {
        _ = try DepthCodec(encoding: .carlaRaw).decode(try PNGCodec.decode($0, path: "b.png"), path: "b.png")
    })
    try row("JPEG quality 90", encode: { try JPEGCodec.encode(rgb, quality: 90) }, decode: { _ = try JPEGCodec.decodeRGB($0, path: "b.jpg") })
}

/// Small valid files of every kind the decoders meet, as a starting corpus for Scripts/fuzz.
func writeFuzzSeeds(to folder: URL) throws {
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    var generator = SplitMix64(seed: 3)
    var rgb = Raster<UInt8>(width: 23, height: 17, channels: 3)
    for i in rgb.samples.indices { rgb.samples[i] = UInt8(truncatingIfNeeded: generator.next()) }
    var seeds: [(String, [UInt8])] = []
    for channels in 1...4 {
        let raster = Raster<UInt8>(width: 23, height: 17, channels: channels,
                                   samples: (0..<(23 * 17 * channels)).map { UInt8(truncatingIfNeeded: $0 * 7) })
        seeds.append(("png8-\(channels)", try PNGCodec.encode(raster)))
    }
    seeds.append(("png16", try PNGCodec.encode(Raster<UInt16>(width: 9, height: 7, channels: 1,
                                                              samples: (0..<63).map { UInt16($0 * 1000) }))))
    // Every row filter alone and libpng's adaptive mix, 8- and 16-bit with alpha: the direct reader's paths.
    let rgba16 = Raster<UInt16>(width: 11, height: 6, channels: 4, samples: (0..<264).map { UInt16(truncatingIfNeeded: $0 * 2477) })
    for (name, filters) in [("none", Int32(0x08)), ("up", 0x20), ("avg", 0x40), ("paeth", 0x80), ("adaptive", 0xF8)] {
        let settings = PNGCodec.EncodeSettings(level: 6, filters: filters, strategy: 0)
        seeds.append(("png8-rgb-\(name)", try PNGCodec.encode(rgb, settings: settings)))
        seeds.append(("png16-rgba-\(name)", try PNGCodec.encode(rgba16, settings: settings)))
    }
    let depth = DepthMap(width: 16, height: 8, metres: (0..<128).map { Float($0) * 0.3 })
    for encoding in DepthEncoding.allCases {
        seeds.append(("depth-\(encoding.rawValue)", try PNGCodec.encode(DepthCodec(encoding: encoding).encode(depth))))
    }
    seeds.append(("jpeg", try JPEGCodec.encode(rgb, quality: 75)))
    seeds.append(("jpeg-grey", try JPEGCodec.encode(Raster(width: 8, height: 8, channels: 1, repeating: 99))))
    for (name, bytes) in seeds { try Data(bytes).write(to: folder.appendingPathComponent("seed-\(name)")) }
}

func benchAnonymize(runs: Int) throws {
    Allocator.keepFrameBuffers()  // as in `veil`: frame copies reuse heap pages
    let frame = try colourFrame(samples: samplesRoot())
    // An elliptical head 100 px across (a person about 5 m away at CARLA's 1280×720), and one
    // 300 px across (0.5–1 m from an XR headset's camera).
    for size in [100, 300] {
        var mask = [UInt8](repeating: 0, count: frame.pixelCount)
        let r = Float(size) / 2
        for y in (360 - size / 2)..<(360 + size / 2) { for x in (640 - size / 2)..<(640 + size / 2) {
            let dx = (Float(x) - 640) / r, dy = (Float(y) - 360) / r
            if dx * dx + dy * dy <= 1 { mask[y * frame.width + x] = 1 }
        } }
        print("Veil anonymization benchmark: one \(size)×\(size) px head in a 1280×720 frame, median of \(runs) runs, one core")
        for method in AnonymizationMethod.allCases {
            let anonymizer = HeadAnonymizer(method: method)
            let ms = try measure(runs: runs) {
                var image = frame
                try anonymizer.apply(to: &image, mask: mask) { _ in .secure() }
            }
            print(pad(method.rawValue, to: 12) + String(format: "%7.3f ms", ms))
        }
    }
    // The ensemble's steps one by one, on the head's patch.
    var patch = Patch(width: 130, height: 130, values: (0..<(130 * 130 * 3)).map { Float($0 % 251) })
    var random = AnonymizationRandom.secure()
    let noise = measure(runs: runs) { var p = patch; GaussianNoiseStep().apply(&p, random: &random) }
    var seeded = AnonymizationRandom.seeded(1, frame: 1, head: 1)
    let noiseSeeded = measure(runs: runs) { var p = patch; GaussianNoiseStep().apply(&p, random: &seeded) }
    print(String(format: "  noise with a seeded generator: %.3f ms", noiseSeeded))
    let warp = measure(runs: runs) { var p = patch; RandomWarpStep().apply(&p, headSize: 100, random: &random) }
    let smooth = try measure(runs: runs) { var p = patch; try SmoothingStep().apply(&p, headSize: 100) }
    let resample = try measure(runs: runs) { var p = patch; try ResamplingStep().apply(&p, headSize: 100) }
    patch.values[0] = 0
    print(String(format: "  steps on a 130×130 patch: noise %.3f, warp %.3f, smoothing %.3f, resampling %.3f ms", noise, warp, smooth, resample))
}

/// Writes `source` as a generic RGB-D recording degraded like a real sensor (see `rgbd-camera`).
func rgbdCamera(from source: URL, to out: URL, maxRange: Float) throws {
    let recording = try Recording(at: source)
    let reader = try FrameReader(recording: recording)
    let fm = FileManager.default
    for sub in ["rgb", "depth", "gt"] { try fm.createDirectory(at: out.appendingPathComponent(sub), withIntermediateDirectories: true) }
    var camera = recording.camera
    camera.depth = .mm16
    camera.depthScale = 0.001
    camera.carlaVersion = nil
    try FileIO.writeAtomically(try SynthWriter.json(camera), to: out.appendingPathComponent("camera.json"))
    var random = SplitMix64(seed: 0xD435)
    // Each effect can be scaled from the environment (RS_DROP, RS_DARK, RS_EDGE, RS_NOISE) to see what it costs.
    // RS_SHIFT=DX,DY puts the depth DX pixels right of and DY below the colour (a registration error).
    // RS_QUANT=FB rounds depth to 1/8 px of disparity for a focal length × baseline of FB px·m.
    let env = ProcessInfo.processInfo.environment
    var model = RGBDCameraModel(range: maxRange)
    model.drop = env["RS_DROP"].flatMap(Float.init) ?? model.drop
    model.dark = env["RS_DARK"].flatMap(Float.init) ?? model.dark
    model.edge = env["RS_EDGE"].flatMap(Float.init) ?? model.edge
    model.noise = env["RS_NOISE"].flatMap(Float.init) ?? model.noise
    model.quantum = env["RS_QUANT"].flatMap(Float.init)
    let shift = (env["RS_SHIFT"] ?? "0,0").split(separator: ",").compactMap { Int($0) }
    guard shift.count == 2 else { FileHandle.standardError.write(Data("RS_SHIFT takes DX,DY in pixels\n".utf8)); exit(64) }
    model.shift = (shift[0], shift[1])
    for files in recording.frames {
        let frame = try reader.read(files)
        guard let depth = frame.depth else { continue }
        let (w, h) = (depth.width, depth.height)
        let metres = model.degrade(depth.metres, colour: frame.rgb.samples, width: w, height: h, random: &random)
        let name = String(format: "%06d", files.number)
        try FileIO.writeAtomically(try JPEGCodec.encode(frame.rgb, quality: 90), to: out.appendingPathComponent("rgb/\(name).jpg"))
        let png = DepthCodec(encoding: .mm16).encode(DepthMap(width: w, height: h, metres: metres))
        try FileIO.writeAtomically(try PNGCodec.encode(png, settings: .depth), to: out.appendingPathComponent("depth/\(name).png"))
        for suffix in [".json", "-heads.png"] {
            let gt = source.appendingPathComponent("gt/\(name)\(suffix)")
            if fm.fileExists(atPath: gt.path) { try FileIO.writeAtomically(try FileIO.read(gt), to: out.appendingPathComponent("gt/\(name)\(suffix)")) }
        }
    }
}

let arguments = CommandLine.arguments.dropFirst()
let runs = arguments.dropFirst().first.flatMap(Int.init) ?? 15
switch arguments.first ?? "codecs" {
case "codecs": try benchCodecs(runs: runs)
case "contact-sheet":
    // contact-sheet RECORDING OUT.png [frames]: tiles frames, head ground truth outlined in green.
    let a = Array(arguments.dropFirst())
    guard a.count >= 2 else { FileHandle.standardError.write(Data("usage: VeilBench contact-sheet DIR OUT [frames]\n".utf8)); exit(64) }
    let sheet = try ContactSheet.make(recording: try Recording(at: URL(fileURLWithPath: a[0])),
                                      maxFrames: a.count > 2 ? Int(a[2]) ?? 12 : 12, columns: 3, tileWidth: 426)
    try FileIO.writeAtomically(try PNGCodec.encode(sheet), to: URL(fileURLWithPath: a[1]))
case "depth-dump":
    // depth-dump RECORDING FRAME x0 y0 x1 y1: decoded metres of a small window, to debug detection.
    let a = Array(arguments.dropFirst())
    let recording = try Recording(at: URL(fileURLWithPath: a[0]))
    let reader = try FrameReader(recording: recording)
    let frame = try reader.read(recording.frames.first { $0.number == Int(a[1])! }!)
    let (x0, y0, x1, y1) = (Int(a[2])!, Int(a[3])!, Int(a[4])!, Int(a[5])!)
    for y in y0...y1 {
        print(String(format: "%4d ", y) + (x0...x1).map { String(format: "%6.2f", frame.depth![$0, y]) }.joined(separator: " "))
    }
case "rgbd-camera":
    // rgbd-camera RECORDING OUT [max-range-m]: the recording as a real RGB-D camera would give it —
    // JPEG colour, mm16 depth with a maximum range, noise growing with distance², holes at random,
    // on dark surfaces (hair) and at occluding edges — with the ground truth copied for scoring.
    let a = Array(arguments.dropFirst())
    guard a.count >= 2 else { FileHandle.standardError.write(Data("usage: VeilBench rgbd-camera RECORDING OUT [max-range-m]\n".utf8)); exit(64) }
    try rgbdCamera(from: URL(fileURLWithPath: a[0]), to: URL(fileURLWithPath: a[1]), maxRange: a.count > 2 ? Float(a[2]) ?? 10 : 10)
case "depth-noise":
    // depth-noise RECORDING...: for the first 5 frames, the share of depth pixels with 0.5, 2 and
    // 10 mm of noise or more, and the PNG setting Veil writes the depth with.
    for path in arguments.dropFirst() {
        let recording = try Recording(at: URL(fileURLWithPath: path))
        let reader = try FrameReader(recording: recording)
        print(path)
        for files in recording.frames.prefix(5) {
            guard let depth = try reader.read(files).depth else { continue }
            let shares = [Float(0.0005), 0.002, 0.01].map { depth.noiseFraction(above: $0).map { String(format: "%5.2f", $0) } ?? "  –  " }
            let setting = PNGCodec.EncodeSettings.forDepth(depth) == .depth ? "depth (Up)" : "fast (Sub, RLE)"
            print("  frame \(files.number): ≥0.5 mm \(shares[0])  ≥2 mm \(shares[1])  ≥10 mm \(shares[2])  → \(setting)")
        }
    }
case "detect-depth":
    // detect-depth RECORDING: median milliseconds of the depth detector alone (no decoding, ground
    // fitted once) on each of the first 10 frames, summed: a steadier figure than a whole run.
    Allocator.keepFrameBuffers()  // as in `veil`
    let recording = try Recording(at: URL(fileURLWithPath: String(arguments.dropFirst().first ?? ".")))
    let reader = try FrameReader(recording: recording)
    var total = 0.0
    for files in recording.frames.prefix(10) {
        let frame = try reader.read(files)
        guard let depth = frame.depth else { continue }
        let k = recording.camera.intrinsics(width: depth.width, height: depth.height)
        let ground = GroundPlane.fit(depth: depth, intrinsics: k)
        total += measure(runs: 21) { _ = DepthPersonDetector().detect(depth: depth, intrinsics: k, ground: ground) }
    }
    print(String(format: "depth detector: %.2f ms for the first 10 frames (medians of 21 runs)", total))
case "find-heads":
    // find-heads RECORDING: median milliseconds of the whole head search as `veil anonymize` runs it
    // (HeadFinder.findAll: ground, hole filling, median, depth detector, masks, the cover past the
    // range), and of its parts, over the first 10 frames summed. No decoding. On one thread OpenCV's
    // pool may spin on the idle core: compare builds with it, and take whole runs' stage tables as
    // the figures.
    Allocator.keepFrameBuffers()  // as in `veil`
    let recording = try Recording(at: URL(fileURLWithPath: String(arguments.dropFirst().first ?? ".")))
    let reader = try FrameReader(recording: recording)
    let finder = try HeadFinder(for: recording)
    var totals = [String: Double](), order: [String] = []
    func add(_ name: String, _ ms: Double) {
        if totals[name] == nil { order.append(name) }
        totals[name, default: 0] += ms
    }
    for files in recording.frames.prefix(10) {
        let frame = try reader.read(files)
        let k = recording.camera.intrinsics(width: frame.rgb.width, height: frame.rgb.height)
        add("findAll (all of it)", try measure(runs: 21) { _ = try finder.findAll(in: frame, intrinsics: k) })
        guard let depth = frame.depth else { continue }
        var ground: GroundPlane?
        add("  ground fit", measure(runs: 21) { ground = GroundPlane.fit(depth: depth, intrinsics: k) })
        var search = depth
        let holes = depth.metres.contains(DepthMap.noReading)
        if holes {
            var filled = depth
            add("  hole filling", measure(runs: 21) { filled = depth.fillingSurfaceHoles(fx: Float(k.fx), fy: Float(k.fy)) })
            add("  median 3×3", try measure(runs: 21) { search = try ImageOps.median3(filled) })
        }
        var detector = DepthPersonDetector()
        if holes { detector.parameters = detector.parameters.forSensorDepth }
        var heads: [HeadRegion] = []
        add("  depth detector", measure(runs: 21) { heads = detector.detect(depth: search, intrinsics: k, ground: ground) })
        var mask: [UInt8] = []
        add("  head masks", measure(runs: 21) {
            mask = HeadMasker.mask(heads: heads, depth: depth, intrinsics: k, width: depth.width, height: depth.height)
        })
        let cover = BeyondRangeCover()
        if holes, let range = cover.range(of: depth, given: recording.camera.depthRange) {
            add("  range", measure(runs: 21) { _ = cover.range(of: depth, given: recording.camera.depthRange) })
            add("  cover", try measure(runs: 21) {
                var m = mask
                _ = try cover.mark(&m, depth: depth, intrinsics: k, ground: ground, range: range, extraMargin: 0)
            })
        }
    }
    for name in order { print(pad(name, to: 24) + String(format: "%9.2f ms for the first 10 frames", totals[name]!)) }
case "anonymize-frames":
    // anonymize-frames RECORDING: median milliseconds of the anonymize stage as `veil anonymize`
    // runs it (the mask's blobs, the colour ensemble, the depth anonymizer) over the first 10
    // frames summed, with the heads found once; and how many blobs, cover squares among them. (As
    // for find-heads: for comparing builds.)
    Allocator.keepFrameBuffers()  // as in `veil`
    let recording = try Recording(at: URL(fileURLWithPath: String(arguments.dropFirst().first ?? ".")))
    let reader = try FrameReader(recording: recording)
    let finder = try HeadFinder(for: recording)
    let anonymizer = HeadAnonymizer(), depthAnonymizer = DepthAnonymizer()
    var (blobMs, colourMs, depthMs, blobCount, tiles) = (0.0, 0.0, 0.0, 0, 0)
    for files in recording.frames.prefix(10) {
        let frame = try reader.read(files)
        let k = recording.camera.intrinsics(width: frame.rgb.width, height: frame.rgb.height)
        let found = try finder.findAll(in: frame, intrinsics: k)
        var blobs: [HeadAnonymizer.Blob] = []
        blobMs += measure(runs: 11) {
            blobs = HeadAnonymizer.blobs(mask: found.mask, width: frame.rgb.width, height: frame.rgb.height, coverTile: found.beyondRangeTile)
        }
        blobCount += blobs.count
        tiles += blobs.filter(\.isCoverTile).count
        colourMs += try measure(runs: 11) {
            var rgb = frame.rgb
            try anonymizer.apply(to: &rgb, mask: found.mask, blobs: blobs) { .seeded(1, frame: files.number, head: $0) }
        }
        if let image = frame.depthImage, let depth = frame.depth, let codec = reader.depthCodec {
            depthMs += measure(runs: 11) {
                var copy = image
                depthAnonymizer.apply(to: &copy, depth: depth, codec: codec, mask: found.mask, blobs: blobs, intrinsics: k) {
                    .seeded(2, frame: files.number, head: $0)
                }
            }
        }
    }
    print(String(format: "blobs %.2f ms, colour %.2f ms, depth %.2f ms for the first 10 frames; %d blobs, %d of them cover squares",
                 blobMs, colourMs, depthMs, blobCount, tiles))
case "png-settings":
    // png-settings FILE.png: encode time and size of one real file (8- or 16-bit) under each PNG write setting.
    let a = Array(arguments.dropFirst())
    let decoded = try PNGCodec.decode(try FileIO.read(URL(fileURLWithPath: a[0])), path: a[0])
    let settings: [(String, PNGCodec.EncodeSettings)] = [
        ("level 1, Sub, RLE (Veil)", .fast), ("level 1, Up, RLE", .init(level: 1, filters: 0x20, strategy: 3)),
        ("level 1, None, RLE", .init(level: 1, filters: 0x08, strategy: 3)), ("level 1, Sub, Huffman", .init(level: 1, filters: 0x10, strategy: 2)),
        ("level 1, None, Huffman", .init(level: 1, filters: 0x08, strategy: 2)), ("level 1, Paeth, default", .init(level: 1, filters: 0x80, strategy: 0)),
        ("level 1, Up, default (Veil depth)", .depth), ("level 1, Sub, default", .init(level: 1, filters: 0x10, strategy: 0)),
        ("level 1, Avg, default", .init(level: 1, filters: 0x40, strategy: 0)), ("level 1, Paeth, RLE", .init(level: 1, filters: 0x80, strategy: 3)),
        ("level 1, Up, filtered", .init(level: 1, filters: 0x20, strategy: 1)),
        ("level 2, all filters", .init(level: 2, filters: 0xF8, strategy: 0)),
        ("libpng default (level 6, all)", .libpngDefault),
        ("level 0", .init(level: 0, filters: 0x08, strategy: 0)),
    ]
    for (name, setting) in settings {
        var bytes: [UInt8] = []
        let ms = try measure(runs: 7) { bytes = try PNGCodec.encode(decoded, settings: setting) }
        let decodeMs = try measure(runs: 7) { _ = try PNGCodec.decode(bytes, path: "x.png") }
        print(pad(name, to: 28) + String(format: "%8.2f ms  %8.2f ms decode  %7.0f KiB", ms, decodeMs, Double(bytes.count) / 1024))
    }
case "decode":
    // decode FILE...: median milliseconds to decode each image file as Veil reads it (one core),
    // beside libpng's own row reader; says when the two give different pixels.
    print(pad("file", to: 60) + "    Veil ms  libpng rows ms   size KiB")
    for path in arguments.dropFirst() {
        guard let bytes = try? FileIO.read(URL(fileURLWithPath: path)), (try? PNGCodec.decode(bytes, path: path)) != nil else {
            print(pad(path, to: 60) + "  not a PNG that decodes")
            continue
        }
        var direct: DecodedPNG?, rows: DecodedPNG?
        let ms = try measure(runs: 15) { direct = try PNGCodec.decode(bytes, path: path) }
        let libpngMs = try measure(runs: 15) { rows = try PNGCodec.decode(bytes, path: path, transform: .libpngRows) }
        print(pad(path, to: 60) + String(format: "%11.2f %15.2f %10.0f", ms, libpngMs, Double(bytes.count) / 1024)
              + (direct == rows ? "" : "  PIXELS DIFFER"))
    }
case "anonymize":
    // anonymize [runs]: milliseconds of each method on one head 100 px and one 300 px across in a 1280×720 frame.
    try benchAnonymize(runs: runs)
case "gt-people":
    // gt-people RECORDING: the people the ground truth of each frame holds (boxes, pixels, distance).
    let recording = try Recording(at: URL(fileURLWithPath: String(arguments.dropFirst().first ?? ".")))
    let reader = try FrameReader(recording: recording)
    for files in recording.frames {
        let frame = try reader.read(files)
        for p in try FrameGroundTruth.load(recording: recording, files: files, depth: frame.depth)?.people ?? [] {
            print("frame \(files.number) person \(p.id) box \(p.box) pixels \(p.pixels) distance \(String(format: "%.1f", p.distance)) m")
        }
    }
case "ground":
    // ground RECORDING: the ground plane fitted to each frame (normal, camera height).
    let recording = try Recording(at: URL(fileURLWithPath: String(arguments.dropFirst().first ?? ".")))
    let reader = try FrameReader(recording: recording)
    for files in recording.frames.prefix(5) {
        let frame = try reader.read(files)
        let k = recording.camera.intrinsics(width: frame.rgb.width, height: frame.rgb.height)
        if let g = GroundPlane.fit(depth: frame.depth!, intrinsics: k) {
            print("frame \(files.number): normal \(g.normal), camera \(g.offset) m above the ground")
        } else { print("frame \(files.number): no ground") }
    }
case "crop":
    // crop IN x y w h scale OUT: a magnified region of a frame, to look at.
    let a = Array(arguments.dropFirst())
    guard a.count == 7, let x = Int(a[1]), let y = Int(a[2]), let w = Int(a[3]), let h = Int(a[4]), let k = Int(a[5]) else {
        FileHandle.standardError.write(Data("usage: VeilBench crop IN x y w h scale OUT\n".utf8)); exit(64)
    }
    let image = try ImageFile.readRGB(URL(fileURLWithPath: a[0]))
    var region = Raster<UInt8>(width: w, height: h, channels: 3)
    for yy in 0..<h { for xx in 0..<w { for c in 0..<3 {
        region[xx, yy, c] = image[min(image.width - 1, x + xx), min(image.height - 1, y + yy), c]
    } } }
    let big = try ImageOps.resize(region, width: w * k, height: h * k, interpolation: .nearest)
    try FileIO.writeAtomically(try PNGCodec.encode(big), to: URL(fileURLWithPath: a[6]))
case "fuzz-seeds": try writeFuzzSeeds(to: URL(fileURLWithPath: String(arguments.dropFirst().first ?? "Fuzz/corpus-run")))
default:
    FileHandle.standardError.write(Data("usage: VeilBench codecs [runs]\n".utf8))
    exit(64)
}
