import ArgumentParser
import Foundation
import VeilKit

extension VeilCommand {
    /// Joins the metrics.json files of a sharded run.
    struct MergeMetrics: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "merge-metrics",
            abstract: "Join the metrics.json of every shard of a run into one."
        )

        @Argument(help: "metrics.json files, or output folders that hold one.")
        var inputs: [String]

        @Option(name: .shortAndLong, help: "Write the merged metrics here (default: stdout).")
        var output: String?

        func run() throws {
            var shards: [RunMetrics] = []
            for input in inputs {
                var url = URL(fileURLWithPath: input)
                if Recording.isDirectory(url) { url.appendPathComponent("metrics.json") }
                do {
                    shards.append(try JSONDecoder().decode(RunMetrics.self, from: Data(try FileIO.read(url, limit: 64 << 20))))
                } catch let error as VeilError {
                    throw error
                } catch {
                    throw VeilError.undecodable(path: url.path, reason: "not a Veil metrics.json (\(error))")
                }
            }
            guard let merged = RunMetrics.merge(shards) else { throw ValidationError("give at least one metrics.json") }
            let text = try JSONOutput.string(merged) + "\n"
            if let output {
                try FileIO.writeAtomically(Array(text.utf8), to: URL(fileURLWithPath: output))
            } else {
                print(text, terminator: "")
            }
        }
    }
}
