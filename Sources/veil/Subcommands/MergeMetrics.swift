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

        @Argument(help: "metrics.json files, or output folders: a folder gives its shards' metrics-shard-I-of-N.json files, or else its metrics.json.")
        var inputs: [String]

        @Option(name: .shortAndLong, help: "Write the merged metrics here (default: stdout).")
        var output: String?

        func run() throws {
            var shards: [RunMetrics] = []
            for url in inputs.flatMap({ Self.metricsFiles(URL(fileURLWithPath: $0)) }) {
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

        /// A file stands for itself; a folder for the metrics of the shards written into it, or
        /// else its `metrics.json` (a folder with both holds an earlier unsharded run too).
        static func metricsFiles(_ url: URL) -> [URL] {
            guard Recording.isDirectory(url) else { return [url] }
            let shards = ((try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? [])
                .filter { $0.hasPrefix(PipelineOptions.shardMetricsPrefix) && $0.hasSuffix(".json") }
                .sorted()
            return shards.isEmpty ? [url.appendingPathComponent("metrics.json")] : shards.map { url.appendingPathComponent($0) }
        }
    }
}
