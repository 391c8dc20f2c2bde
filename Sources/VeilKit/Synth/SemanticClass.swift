/// The scene classes the synthesiser draws, with CARLA's tag for each in both tag tables.
public enum SemanticClass: UInt8, Sendable, CaseIterable {
    case unlabeled, building, pole, roadLine, road, sidewalk, vegetation, car, trafficSign, sky, pedestrian, staticObject, ground

    /// The raw tag CARLA writes for this class.
    public func tag(_ table: CarlaTagTable) -> UInt8 {
        switch table {
        case .v0913:
            switch self {
            case .unlabeled: 0
            case .building: 1
            case .pedestrian: 4
            case .pole: 5
            case .roadLine: 6
            case .road: 7
            case .sidewalk: 8
            case .vegetation: 9
            case .car: 10
            case .trafficSign: 12
            case .sky: 13
            case .ground: 14
            case .staticObject: 19
            }
        case .v0914:
            switch self {
            case .unlabeled: 0
            case .road: 1
            case .sidewalk: 2
            case .building: 3
            case .pole: 6
            case .trafficSign: 8
            case .vegetation: 9
            case .sky: 11
            case .pedestrian: 12
            case .car: 14
            case .staticObject: 20
            case .roadLine: 24
            case .ground: 25
            }
        }
    }
}
