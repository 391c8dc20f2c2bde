// swift-tools-version:6.0
// libFuzzer targets for Veil's decoders. Built by Scripts/fuzz with -sanitize=fuzzer,address.
import PackageDescription

let package = Package(
    name: "VeilFuzz",
    dependencies: [.package(path: "..")],
    targets: [
        .executableTarget(
            name: "VeilFuzz",
            dependencies: [.product(name: "VeilKit", package: "main")],
            // libFuzzer brings main(); the Swift file only defines LLVMFuzzerTestOneInput.
            swiftSettings: [.unsafeFlags(["-parse-as-library"])]
        ),
    ]
)
