import Foundation

/// An axis range with "nice" tick positions (1, 2 or 5 times a power of ten), as plotting libraries pick them.
///
/// ```swift
/// let axis = PlotAxis(minimum: 0.13, maximum: 0.97, targetTickCount: 5)
/// axis.ticks       // [0.2, 0.4, 0.6, 0.8]
/// axis.label(0.4)  // "0.4"
/// ```
struct PlotAxis {
    /// The lower end of the drawn range.
    let lower: Double
    /// The upper end of the drawn range.
    let upper: Double
    /// The distance between ticks.
    let step: Double
    /// Tick positions inside the range.
    let ticks: [Double]

    /// An axis covering `minimum...maximum` with about `targetTickCount` ticks. The range is widened to
    /// the enclosing ticks when `snapToTicks`, and opened around a single value when it is empty.
    init(minimum: Double, maximum: Double, targetTickCount: Int, snapToTicks: Bool = true, integerSteps: Bool = false) {
        var low = minimum, high = maximum
        if !low.isFinite || !high.isFinite || low > high {
            low = 0
            high = 1
        }
        if low == high {
            let margin = low == 0 ? 1 : abs(low) * 0.1
            low -= margin
            high += margin
        }
        var step = PlotAxis.niceStep((high - low) / Double(max(1, targetTickCount - 1)))
        if integerSteps { step = max(1, step.rounded()) }
        if snapToTicks {
            low = (low / step).rounded(.down) * step
            high = (high / step).rounded(.up) * step
        }
        lower = low
        upper = high
        self.step = step
        var ticks: [Double] = []
        var index = (low / step - 1e-9).rounded(.up)  // 0.6000000000000001 / 0.05 still starts at tick 12
        while index * step <= high + step * 1e-9 && ticks.count < 100 {
            // Snap values like 0.30000000000000004 to the decimal the label shows.
            ticks.append(index * step == 0 ? 0 : index * step)
            index += 1
        }
        self.ticks = ticks
    }

    /// The smallest of 1, 2, 5 or 10 times a power of ten that is at least `rough`.
    static func niceStep(_ rough: Double) -> Double {
        guard rough > 0, rough.isFinite else { return 1 }
        let magnitude = pow(10, (log10(rough)).rounded(.down))
        for multiple in [1.0, 2, 5, 10] where multiple * magnitude >= rough * (1 - 1e-9) {
            return multiple * magnitude
        }
        return 10 * magnitude
    }

    /// The tick label for `value`: as many decimals as the step needs, or scientific notation for
    /// very large or very small numbers.
    func label(_ value: Double) -> String {
        PlotAxis.format(value, step: step)
    }

    /// Formats `value` with the precision a tick spacing of `step` calls for.
    static func format(_ value: Double, step: Double) -> String {
        let magnitude = max(abs(value), step)
        if magnitude >= 1e6 || step < 1e-4 {
            if value == 0 { return "0" }
            let exponent = Int(log10(abs(value)).rounded(.down))
            let mantissa = value / pow(10, Double(exponent))
            let stepDigits = max(0, exponent - Int(log10(step).rounded(.down)))
            return String(format: "%.\(min(stepDigits, 6))fe%d", mantissa, exponent)
        }
        let decimals = max(0, -Int(log10(step).rounded(.down)))
        return String(format: "%.\(min(decimals, 10))f", value)
    }

    /// The pixel coordinate of `value` when the axis runs from pixel `start` (at `lower`) to `end` (at `upper`).
    func pixel(_ value: Double, from start: Int, to end: Int) -> Double {
        Double(start) + (value - lower) / (upper - lower) * Double(end - start)
    }
}
