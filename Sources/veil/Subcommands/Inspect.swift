import ArgumentParser
import Foundation
import VeilKit

extension VeilCommand {
    /// Prints what a recording folder holds.
    struct Inspect: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Describe a recording: layout, frames, gaps, resolution, depth, intrinsics, ground truth."
        )

        @Argument(help: "The recording folder.")
        var recording: String

        @OptionGroup var options: RecordingOptions

        @Flag(help: "Print JSON (field names as in DESIGN.md).")
        var json = false

        @Option(help: "Decode at most this many evenly spread frames for the statistics (0: all).")
        var sample = 50

        func validate() throws {
            guard sample >= 0 else { throw ValidationError("'--sample' must be 0 or more") }
        }

        func run() throws {
            let summary = try RecordingSummary(recording: try options.open(recording), sampleLimit: sample)
            if json {
                print(try JSONOutput.string(summary))
            } else {
                print(summary.text)
            }
        }
    }
}
