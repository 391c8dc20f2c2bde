// One libFuzzer target over every decoder a recording's bytes reach: PNG (raw and as RGB, and the
// shim's direct reader against libpng's row reader), JPEG,
// depth decoding in each encoding, and ground-truth sniffing. A crash, a sanitizer report or a hang
// is a finding; a thrown VeilError is the expected answer to bad input.
import VeilKit

/// Decodes one input every way Veil would.
func fuzzOne(_ data: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let bytes = data.map { [UInt8](UnsafeBufferPointer(start: $0, count: count)) } ?? []
    if let png = try? PNGCodec.decode(bytes, path: "fuzz.png") {
        for encoding in DepthEncoding.allCases {
            _ = try? DepthCodec(encoding: encoding).decode(png, path: "fuzz.png")
        }
        _ = DepthEncodingDetector.detect(png)
        if case .eight(let raster) = png, raster.channels >= 3 {
            _ = GroundTruthReader.sniffSemantic(raster)
            _ = GroundTruthReader.personMask(raster, kind: .instance, table: .v0914)
        }
    }
    _ = try? PNGCodec.decodeRGB(bytes, path: "fuzz.png")
    // Differential: where the shim's direct reader and libpng's row reader both accept a file, they
    // must give the same pixels.
    for transform in [PNGCodec.Transform(), .toRGB8] {
        if let direct = try? PNGCodec.decode(bytes, path: "fuzz.png", transform: transform),
           let rows = try? PNGCodec.decode(bytes, path: "fuzz.png", transform: transform.union(.libpngRows)) {
            precondition(direct == rows, "the direct PNG reader and libpng's disagree")
        }
    }
    _ = try? JPEGCodec.decodeRGB(bytes, path: "fuzz.jpg")
    return 0
}

@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
) -> CInt

// SwiftPM links an executable's entry point as `<module>_main`; hand control to libFuzzer's driver.
@_cdecl("VeilFuzz_main")
func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var count = argc
    var arguments = argv
    return LLVMFuzzerRunDriver(&count, &arguments) { fuzzOne($0, $1) }
}
