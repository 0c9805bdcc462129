import FlintIO
import Foundation

/// Metrics per epoch, written as CSV (a header of every key, one row per epoch) and JSON (an array of
/// objects), like Keras' `CSVLogger` and PyTorch Lightning's `CSVLogger`.
///
/// Columns are `epoch` and then the metric names in the order they first appeared; an epoch without a
/// metric leaves its cell empty (CSV) or the key out (JSON). NaN and infinities are written `nan`, `inf`
/// and `-inf` (strings in JSON, which has no such numbers). Files are replaced atomically, so a crash
/// mid-write leaves the previous log intact.
///
/// ```swift
/// var log = MetricsLog()
/// log.append(epoch: 1, ["loss": 0.52, "accuracy": 0.84])
/// log.append(epoch: 2, ["loss": 0.31, "accuracy": 0.91])
/// try log.writeCSV(to: URL(fileURLWithPath: "runs/mnist/metrics.csv"))
/// try log.writeJSON(to: URL(fileURLWithPath: "runs/mnist/metrics.json"))
/// ```
public struct MetricsLog: Sendable, Equatable {
    /// One epoch's metrics.
    ///
    /// ```swift
    /// log.entries.last?.values["loss"]
    /// ```
    public struct Entry: Sendable, Equatable {
        /// The epoch number (usually 1-based).
        public var epoch: Int
        /// The metrics recorded for that epoch.
        public var values: [String: Double]
    }

    /// The epochs logged, in increasing epoch order.
    public private(set) var entries: [Entry] = []
    /// Every metric name, in the order each first appeared (the CSV columns after `epoch`).
    public internal(set) var keys: [String] = []

    /// An empty log.
    ///
    /// ```swift
    /// var log = MetricsLog()
    /// ```
    public init() {}

    /// Records one epoch's metrics; names new to the log become columns in the order given.
    ///
    /// `epoch` must be greater than the last one logged (use ``truncate(afterEpoch:)`` to rewind on resume).
    ///
    /// ```swift
    /// log.append(epoch: 3, [("loss", 0.2), ("val_loss", 0.25)])
    /// ```
    public mutating func append(epoch: Int, _ metrics: [(String, Double)]) {
        if let last = entries.last {
            precondition(epoch > last.epoch, "MetricsLog.append: epoch \(epoch) after epoch \(last.epoch); epochs must increase (truncate(afterEpoch:) rewinds)")
        }
        var values: [String: Double] = [:]
        for (key, value) in metrics {
            precondition(key != "epoch", "MetricsLog.append: 'epoch' is the log's own column and cannot be a metric name")
            if values.updateValue(value, forKey: key) == nil, !keys.contains(key) { keys.append(key) }
        }
        entries.append(Entry(epoch: epoch, values: values))
    }

    /// Records one epoch's metrics from a dictionary; names new to the log become columns in sorted order.
    ///
    /// ```swift
    /// log.append(epoch: 1, ["loss": 0.52, "accuracy": 0.84])
    /// ```
    public mutating func append(epoch: Int, _ metrics: [String: Double]) {
        append(epoch: epoch, metrics.sorted { $0.key < $1.key }.map { ($0.key, $0.value) })
    }

    /// Drops every epoch after `epoch` (when a run resumes from an earlier checkpoint).
    ///
    /// ```swift
    /// log.truncate(afterEpoch: checkpoint.epoch)
    /// ```
    public mutating func truncate(afterEpoch epoch: Int) {
        entries.removeAll { $0.epoch > epoch }
    }

    /// The values of metric `key`, one per logged epoch, NaN where an epoch lacks it (ready for ``LinePlot``).
    ///
    /// ```swift
    /// let plot = LinePlot(title: "Loss", series: [("train", log.series("loss")), ("validation", log.series("val_loss"))])
    /// ```
    public func series(_ key: String) -> [Double] {
        entries.map { $0.values[key] ?? .nan }
    }

    /// The log as CSV text: a header line `epoch,<keys…>` and one line per epoch, ending in a newline.
    ///
    /// ```swift
    /// print(log.csv())
    /// ```
    public func csv() -> String {
        var lines = [(["epoch"] + keys).map(Self.csvField).joined(separator: ",")]
        for entry in entries {
            let cells = [String(entry.epoch)] + keys.map { key in entry.values[key].map(Self.number) ?? "" }
            lines.append(cells.joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The log as a JSON array of objects, one per epoch, keys in column order, one epoch per line.
    ///
    /// ```swift
    /// let text = log.json()  // [{"epoch": 1, "loss": 0.52}, …]
    /// ```
    public func json() -> String {
        let objects = entries.map { entry -> String in
            let fields = ["\"epoch\": \(entry.epoch)"] + keys.compactMap { key in
                entry.values[key].map { value in
                    "\(JSONString.quoted(key)): \(value.isFinite ? Self.number(value) : "\"\(Self.number(value))\"")"
                }
            }
            return "  {" + fields.joined(separator: ", ") + "}"
        }
        return objects.isEmpty ? "[]\n" : "[\n" + objects.joined(separator: ",\n") + "\n]\n"
    }

    /// Writes ``csv()`` to `url` atomically.
    ///
    /// ```swift
    /// try log.writeCSV(to: runFolder.appendingPathComponent("metrics.csv"))
    /// ```
    public func writeCSV(to url: URL) throws {
        try AtomicFile.write(Data(csv().utf8), to: url)
    }

    /// Writes ``json()`` to `url` atomically.
    ///
    /// ```swift
    /// try log.writeJSON(to: runFolder.appendingPathComponent("metrics.json"))
    /// ```
    public func writeJSON(to url: URL) throws {
        try AtomicFile.write(Data(json().utf8), to: url)
    }

    /// A number the way the logs spell it: shortest round-trip decimal, or `nan`, `inf`, `-inf`.
    static func number(_ value: Double) -> String {
        if value.isNaN { return "nan" }
        if value.isInfinite { return value > 0 ? "inf" : "-inf" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) + ".0" }
        return "\(value)"
    }

    /// A CSV field, quoted when it holds a comma, quote or line break (quotes doubled, RFC 4180).
    static func csvField(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

}
