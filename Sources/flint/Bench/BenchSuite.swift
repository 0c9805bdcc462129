import Flint
import Foundation

/// A workload measured on Flint's side: a name, a unit, and a function that measures for about
/// the given number of seconds and returns the figure in that unit.
///
/// A workload bound by the machine rather than by Flint can also measure `machineFloor`: the least
/// this machine can do, in the same unit (for `mlp-infer-b1`, the time to read the model's weights
/// once; see ``MemoryFloor``), reported beside Flint's figure so the gap to it reads as overhead.
struct BenchWorkload: Sendable {
    let name: String
    let unit: String
    let higherIsBetter: Bool
    let measure: @Sendable (Double) -> Double
    let machineFloor: (@Sendable (Double) -> Double)?

    init(name: String, unit: String, higherIsBetter: Bool, machineFloor: (@Sendable (Double) -> Double)? = nil,
         measure: @escaping @Sendable (Double) -> Double) {
        self.name = name
        self.unit = unit
        self.higherIsBetter = higherIsBetter
        self.machineFloor = machineFloor
        self.measure = measure
    }
}

/// The bench suites by name.
enum BenchSuite {
    static let all: [String: [BenchWorkload]] = [
        "core": CoreWorkloads.all,
        "nn": NNWorkloads.all,
        "data": DataWorkloads.all,
    ]
}

/// Calls `body` repeatedly in batches for about `seconds`, after a warm-up, and returns the
/// fastest batch's seconds per call (the least disturbed by other work on a shared machine).
func bestSecondsPerCall(seconds: Double, warmup: Int = 3, _ body: () -> Void) -> Double {
    for _ in 0..<warmup { body() }
    // Size a batch to about a tenth of the budget.
    var batch = 1
    while true {
        let start = DispatchTime.now().uptimeNanoseconds
        for _ in 0..<batch { body() }
        let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        if elapsed > seconds / 10 || batch > 1 << 24 { break }
        batch *= 2
    }
    var best = Double.infinity
    let deadline = DispatchTime.now().uptimeNanoseconds + UInt64(seconds * 1e9)
    repeat {
        let start = DispatchTime.now().uptimeNanoseconds
        for _ in 0..<batch { body() }
        best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 / Double(batch))
    } while DispatchTime.now().uptimeNanoseconds < deadline
    return best
}
