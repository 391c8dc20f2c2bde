// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "Veil",
    products: [
        .executable(name: "veil", targets: ["veil"]),
        .library(name: "VeilKit", targets: ["VeilKit"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        // System libraries: module maps; libpng and TurboJPEG take their flags from pkg-config.
        .systemLibrary(name: "CPNG", pkgConfig: "libpng", providers: [.apt(["libpng-dev"])]),
        .systemLibrary(name: "CTurboJPEG", pkgConfig: "libturbojpeg", providers: [.apt(["libturbojpeg0-dev"])]),
        // Not through pkg-config: its opencv4 entry links all 55 OpenCV modules, which pull in Qt,
        // GStreamer, FFmpeg, VTK… (381 shared libraries, 0.35 s to start a process). COpenCVShims
        // links the four Veil uses; the headers are where Debian's libopencv-dev puts them.
        .systemLibrary(name: "COpenCV", providers: [.apt(["libopencv-dev"])]),
        // libpng's full API reports errors by longjmp, which Swift cannot survive: it stays in C.
        // It also reads and writes the common files' image data itself with zlib (libpng-dev depends on zlib1g-dev).
        .target(name: "CPNGShims", dependencies: ["CPNG"], linkerSettings: [.linkedLibrary("z")]),
        // OpenCV is C++ and throws cv::Exception: a plain C API that turns exceptions into statuses.
        .target(
            name: "COpenCVShims", dependencies: ["COpenCV"],
            cxxSettings: [.unsafeFlags(["-O2", "-I/usr/include/opencv4"])],
            linkerSettings: ["opencv_core", "opencv_imgproc", "opencv_objdetect", "opencv_dnn"].map { .linkedLibrary($0) }
        ),
        .target(
            name: "VeilKit",
            dependencies: ["CPNGShims", "CTurboJPEG", "COpenCVShims"],
            swiftSettings: [.unsafeFlags(["-Ounchecked"], .when(configuration: .release))]
        ),
        .executableTarget(
            name: "veil",
            dependencies: ["VeilKit", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        // Benchmarks that print figures; run by the Scripts/bench-* scripts.
        .executableTarget(name: "VeilBench", dependencies: ["VeilKit"]),
        .testTarget(name: "VeilKitTests", dependencies: ["VeilKit"]),
        .testTarget(name: "veilTests", dependencies: ["veil", "VeilKit"]),
    ]
)
