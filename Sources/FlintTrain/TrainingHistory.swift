import Foundation

/// What ``Trainer/fit(training:validation:epochs:resumeFrom:)`` recorded: one entry of logs per
/// epoch (`loss`, `val_loss`, `val_<metric>`, `lr`, `seconds`, `samples_per_second`, …), like Keras'
/// `History`.
///
/// ```swift
/// let history = try trainer.fit(training: trainLoader, validation: validationLoader, epochs: 20)
/// print(history.series("val_accuracy").max() ?? 0, history.stopReason ?? "ran every epoch")
/// ```
public struct TrainingHistory: Sendable, Equatable {
    /// One epoch's logs.
    ///
    /// ```swift
    /// history.epochs.last?.logs["loss"]
    /// ```
    public struct Epoch: Sendable, Equatable {
        /// The epoch number, 1-based.
        public var epoch: Int
        /// The values logged at the end of the epoch.
        public var logs: [String: Double]

        /// An epoch's entry.
        ///
        /// ```swift
        /// TrainingHistory.Epoch(epoch: 1, logs: ["loss": 0.7])
        /// ```
        public init(epoch: Int, logs: [String: Double]) {
            self.epoch = epoch
            self.logs = logs
        }
    }

    /// The epochs trained, in order (after a resume, the checkpoint's earlier epochs come first).
    public var epochs: [Epoch] = []
    /// Why training stopped before the requested epoch count (early stopping says why), or nil.
    public var stopReason: String?

    /// An empty history.
    ///
    /// ```swift
    /// var history = TrainingHistory()
    /// ```
    public init() {}

    /// The value of `key` in every epoch that logged it, in order.
    ///
    /// ```swift
    /// let losses = history.series("loss")
    /// ```
    public func series(_ key: String) -> [Double] { epochs.compactMap { $0.logs[key] } }

    /// The last epoch's logs (empty before the first epoch ends).
    ///
    /// ```swift
    /// history.lastLogs["val_accuracy"]
    /// ```
    public var lastLogs: [String: Double] { epochs.last?.logs ?? [:] }

    /// The history as a ``MetricsLog`` (to write CSV and JSON files).
    ///
    /// ```swift
    /// try history.metricsLog.writeCSV(to: runDirectory.appendingPathComponent("metrics.csv"))
    /// ```
    public var metricsLog: MetricsLog {
        var log = MetricsLog()
        for entry in epochs { log.append(epoch: entry.epoch, entry.logs.sorted { logKeyOrder($0.key, $1.key) }) }
        return log
    }

    // MARK: exact text form for checkpoints

    /// Lines `epoch key=value key=value …`, values in Swift's shortest round-tripping form (exact).
    func encoded() -> String {
        epochs.map { entry in
            ([String(entry.epoch)] + entry.logs.keys.sorted().map { "\($0)=\(entry.logs[$0]!)" }).joined(separator: " ")
        }.joined(separator: "\n")
    }

    static func decode(_ text: String) -> TrainingHistory? {
        var history = TrainingHistory()
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: " ")
            guard let first = fields.first, let epoch = Int(first) else { return nil }
            var logs: [String: Double] = [:]
            for field in fields.dropFirst() {
                guard let equals = field.firstIndex(of: "="), let value = Double(field[field.index(after: equals)...]) else { return nil }
                logs[String(field[..<equals])] = value
            }
            history.epochs.append(Epoch(epoch: epoch, logs: logs))
        }
        return history
    }
}

/// Orders log keys as people read them: loss first, then training metrics, validation values, lr, timing.
func logKeyOrder(_ left: String, _ right: String) -> Bool {
    func rank(_ key: String) -> Int {
        switch key {
        case "loss": return 0
        case "val_loss": return 2
        case "lr": return 4
        case "seconds": return 5
        case "samples_per_second": return 6
        default: return key.hasPrefix("val_") ? 3 : 1
        }
    }
    let (leftRank, rightRank) = (rank(left), rank(right))
    return leftRank != rightRank ? leftRank < rightRank : left < right
}
