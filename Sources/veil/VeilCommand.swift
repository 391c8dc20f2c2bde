import ArgumentParser
import VeilKit

/// The `veil` command: anonymizes faces in RGB-D recordings.
@main
struct VeilCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "veil",
        abstract: "Anonymize every human face in RGB-D recordings from CARLA and real cameras.",
        version: "0.1.0",
        subcommands: [Anonymize.self, Inspect.self, Synth.self, Detect.self, Eval.self, MergeMetrics.self]
    )

    static func main() {
        Allocator.keepFrameBuffers()
        main(nil)
    }
}
