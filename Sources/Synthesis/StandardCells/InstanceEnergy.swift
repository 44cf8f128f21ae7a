/// Energy of a netlist per cycle from a per-instance linear power model and a per-instance
/// activity, the model the standard-cell energy figures use: each instance's dynamic power at
/// output activity `a` (changes per cycle) is `d0 + (d1 - d0) * a`, with `d0` and `d1` its
/// internal + switching power at global activity 0 and 1 (OpenSTA's `report_power -instances`),
/// and its leakage is added over the whole period.
public struct InstancePower: Sendable, Equatable {
    /// W at global activity 0 and 1 (internal + switching), and leakage, W.
    public var dynamic0: Double
    public var dynamic1: Double
    public var leakage: Double
    public init(dynamic0: Double, dynamic1: Double, leakage: Double) {
        self.dynamic0 = dynamic0
        self.dynamic1 = dynamic1
        self.leakage = leakage
    }
    /// W of dynamic power at output activity `a` (changes per cycle): the one linear model both the
    /// zero-delay (PowerAnalysis) and the timed energies use.
    public func dynamic(activity a: Double) -> Double { dynamic0 + (dynamic1 - dynamic0) * a }
}

public enum InstanceEnergy {
    /// pJ per cycle of `period` ns: dynamic and leakage. Throws when an instance of the activity
    /// has no power, or one with power has no activity.
    public static func perCycle(power: [String: InstancePower], activity: [String: Double], period: Double) throws -> (dynamic: Double, leakage: Double) {
        guard Set(power.keys) == Set(activity.keys) else {
            let missing = Set(power.keys).symmetricDifference(activity.keys).sorted().prefix(3)
            throw SynthesisFlow.Failure(description: "the power report and the activity name different instances (\(missing.joined(separator: ", ")))")
        }
        var dynamic = 0.0, leakage = 0.0
        // in name order: the same sum, to the last bit, on every run
        for name in power.keys.sorted() {
            let p = power[name]!
            dynamic += p.dynamic(activity: activity[name] ?? 0)
            leakage += p.leakage
        }
        // W x ns = nJ; x 1000 = pJ
        return (dynamic * period * 1000, leakage * period * 1000)
    }
}
