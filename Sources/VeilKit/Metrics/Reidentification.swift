import Foundation

/// Top-1 re-identification of probe descriptors against a gallery holding one descriptor per identity.
///
/// Two things keep the rate's chance level at 1 / identities for any matcher that learns nothing from
/// the face:
/// - **Ties are shared.** A probe equally near several gallery entries (a featureless crop is equally
///   far from all of them) earns 1 / the number tied when its identity is among them, as a matcher
///   choosing at random among the tied would on average. Taking the first would hand every such probe
///   to whichever identity happens to come first.
/// - **Identities weigh equally.** `balanced` is the mean over identities of their probes' hit rate.
///   A recording's identities have unequal numbers of probes (people leave the frame or turn away), so
///   over probes, a matcher that answers the frequent identities more often scores above
///   1 / identities with no face information at all: on the 12-identity crowd recording, the solid
///   fill's probes all went to two gallery entries whose identities have 30 probes each and scored
///   0.122 against a chance of 0.083. `perProbe` is kept beside it for comparison.
public struct Reidentification: Sendable, Equatable {
    /// Mean over identities with probes of the share of their probes matched to them.
    public var balanced: Double
    /// Share of all probes matched to their identity.
    public var perProbe: Double

    /// Scores `probes` (identity, descriptor) against `gallery`, whose entry `i` is `identities[i]`.
    public init(probes: [(identity: Int, descriptor: HeadDescriptor)], gallery: [HeadDescriptor], identities: [Int]) {
        precondition(gallery.count == identities.count, "one gallery descriptor per identity")
        var credit: [Int: (hits: Double, probes: Int)] = [:]
        var total = 0.0
        for probe in probes {
            let distances = gallery.map { probe.descriptor.distance(to: $0) }
            var hit = 0.0
            if let nearest = distances.min() {
                // Distances within float rounding of the nearest count as tied.
                let tolerance = max(1e-6, nearest * 1e-5)
                let tied = distances.indices.filter { distances[$0] - nearest <= tolerance }
                if tied.contains(where: { identities[$0] == probe.identity }) { hit = 1 / Double(tied.count) }
            }
            credit[probe.identity, default: (0, 0)].hits += hit
            credit[probe.identity, default: (0, 0)].probes += 1
            total += hit
        }
        perProbe = probes.isEmpty ? 0 : total / Double(probes.count)
        // Summed in identity order: a dictionary's order changes from run to run, and with it a float sum's last bits.
        balanced = credit.isEmpty ? 0 : credit.keys.sorted().map { credit[$0]!.hits / Double(credit[$0]!.probes) }.reduce(0, +) / Double(credit.count)
    }

    /// The effective number of probes behind a balanced rate (Kish: (Σw)² / Σw², each probe weighing
    /// 1 / its identity's probe count): the probe count when identities have equal numbers, less otherwise.
    public static func effectiveSize(_ probeIdentities: [Int]) -> Double {
        var counts: [Int: Int] = [:]
        for id in probeIdentities { counts[id, default: 0] += 1 }
        guard !counts.isEmpty else { return 0 }
        let k = Double(counts.count)
        return k * k / counts.keys.sorted().map { 1 / Double(counts[$0]!) }.reduce(0, +)
    }
}
