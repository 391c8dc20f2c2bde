// swift-tools-version:6.0
// libFuzzer target over Veil's decoders. Built by Scripts/fuzz: coverage instrumentation and
// AddressSanitizer, linked with libFuzzer's driver without its main().
import Foundation
import PackageDescription

// A path dependency is named after its folder, which is wherever the repository was cloned.
let veil = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().lastPathComponent

let package = Package(
    name: "VeilFuzz",
    dependencies: [.package(path: "..")],
    targets: [
        .executableTarget(
            name: "VeilFuzz",
            dependencies: [.product(name: "VeilKit", package: veil)],
            // Fuzz.swift defines VeilFuzz_main, which hands over to libFuzzer's LLVMFuzzerRunDriver.
            swiftSettings: [.unsafeFlags(["-parse-as-library"])]
        ),
    ]
)
