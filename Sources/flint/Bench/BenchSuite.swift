import Flint
import Foundation

/// A workload measured on Flint's side: a name, a unit, and a function that measures for about
/// the given number of seconds and returns the figure in that unit.
struct BenchWorkload: Sendable {
    let name: String
    let unit: String
    let higherIsBetter: Bool
    let measure: @Sendable (Double) -> Double
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
