#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// Shows training progress: on a terminal a live one-line bar redrawn with `\r` (epoch, step/steps,
/// ETA, samples per second, running loss), and one summary line per epoch with the logged values;
/// when the output is not a terminal (a log file, CI), only the per-epoch lines.
///
/// ```swift
/// let trainer = try Trainer(model: model, optimizer: optimizer, loss: lossFunction, callbacks: [ProgressBar()])
/// // Epoch 3/20 [==========>         ] 24/47  ETA 1s  5,120 samples/s  loss 0.4127
/// // Epoch 3/20  47/47  2.1s  5,034 samples/s  loss 0.4003  val_loss 0.3811  val_accuracy 0.9500  lr 0.001
/// ```
public final class ProgressBar: Callback {
    /// Whether the bar is redrawn in place after batches (true on a terminal by default).
    public let isLive: Bool
    private let write: (String) -> Void
    private let width: Int
    private var lastDrawn: UInt64 = 0
    private var lineLength = 0

    /// A progress display writing to standard output (live when standard output is a terminal).
    ///
    /// ```swift
    /// ProgressBar()                 // live on a terminal, plain lines in a log file
    /// ProgressBar(live: false)      // always one line per epoch
    /// ```
    public convenience init(live: Bool? = nil) {
        self.init(live: live ?? (isatty(STDOUT_FILENO) != 0)) { text in
            FileHandle.standardOutput.write(Data(text.utf8))
        }
    }

    /// A progress display handing its text to `write` (for logs or tests).
    ///
    /// ```swift
    /// var text = ""
    /// let bar = ProgressBar(live: false) { text += $0 }
    /// ```
    public init(live: Bool, width: Int = 24, write: @escaping (String) -> Void) {
        precondition(width > 0, "ProgressBar: width must be positive, got \(width)")
        isLive = live
        self.width = width
        self.write = write
    }

    /// Starts the epoch's timer.
    ///
    /// ```swift
    /// let trainer = try Trainer(model: model, optimizer: optimizer, loss: { Loss.crossEntropy($0, $1) },
    ///                           callbacks: [ProgressBar()])   // Trainer.fit calls the hooks
    /// try trainer.fit(training: trainLoader, validation: validationLoader, epochs: 5)
    /// ```
    public func epochBegan(_ trainer: Trainer, epoch: Int) throws {
        lastDrawn = 0
    }

    /// Redraws the live bar (at most ten times a second, and after the last batch).
    ///
    /// ```swift
    /// let trainer = try Trainer(model: model, optimizer: optimizer, loss: { Loss.crossEntropy($0, $1) },
    ///                           callbacks: [ProgressBar()])   // Trainer.fit calls the hooks
    /// try trainer.fit(training: trainLoader, validation: validationLoader, epochs: 5)
    /// ```
    public func batchEnded(_ trainer: Trainer, _ progress: BatchProgress) throws {
        guard isLive else { return }
        let now = DispatchTime.now().uptimeNanoseconds
        let isLast = progress.batchCount == progress.batch
        guard isLast || now - lastDrawn >= 100_000_000 else { return }
        lastDrawn = now
        var parts: [String] = []
        let title = "Epoch \(progress.epoch)/\(progress.epochs)"
        if let total = progress.batchCount, total > 0 {
            let filled = min(width, width * progress.batch / total)
            let bar = String(repeating: "=", count: filled) + (filled < width ? ">" : "")
                + String(repeating: " ", count: max(0, width - filled - 1))
            parts.append("\(title) [\(bar)] \(progress.batch)/\(total)")
            let remaining = progress.seconds / Double(progress.batch) * Double(total - progress.batch)
            parts.append("ETA \(Self.duration(remaining))")
        } else {
            parts.append("\(title)  \(progress.batch) batches")
        }
        parts.append("\(Self.grouped(Double(progress.samples) / max(progress.seconds, 1e-9))) samples/s")
        parts.append("loss \(Self.number(progress.epochLoss))")
        draw(parts.joined(separator: "  "), newline: false)
    }

    /// Writes the epoch's summary line.
    ///
    /// ```swift
    /// let trainer = try Trainer(model: model, optimizer: optimizer, loss: { Loss.crossEntropy($0, $1) },
    ///                           callbacks: [ProgressBar()])   // Trainer.fit calls the hooks
    /// try trainer.fit(training: trainLoader, validation: validationLoader, epochs: 5)
    /// ```
    public func epochEnded(_ trainer: Trainer, epoch: Int, logs: inout [String: Double]) throws {
        var parts = ["Epoch \(epoch)/\(totalEpochs)"]
        if let seconds = logs["seconds"] { parts.append(Self.duration(seconds)) }
        if let rate = logs["samples_per_second"] { parts.append("\(Self.grouped(rate)) samples/s") }
        for key in logs.keys.sorted(by: logKeyOrder) where !["seconds", "samples_per_second"].contains(key) {
            parts.append(key == "lr" ? "lr \(Self.rate(logs[key]!))" : "\(key) \(Self.number(logs[key]!))")
        }
        draw(parts.joined(separator: "  "), newline: true)
    }

    /// Ends a half-drawn bar's line and says why training stopped early.
    ///
    /// ```swift
    /// let trainer = try Trainer(model: model, optimizer: optimizer, loss: { Loss.crossEntropy($0, $1) },
    ///                           callbacks: [ProgressBar()])   // Trainer.fit calls the hooks
    /// try trainer.fit(training: trainLoader, validation: validationLoader, epochs: 5)
    /// ```
    public func fitEnded(_ trainer: Trainer, history: TrainingHistory, error: (any Error)?) {
        if lineLength > 0 { write("\n"); lineLength = 0 }
        if error == nil, let reason = history.stopReason { write("Stopped: \(reason)\n") }
    }

    /// Records the epoch count for the summary lines.
    ///
    /// ```swift
    /// let trainer = try Trainer(model: model, optimizer: optimizer, loss: { Loss.crossEntropy($0, $1) },
    ///                           callbacks: [ProgressBar()])   // Trainer.fit calls the hooks
    /// try trainer.fit(training: trainLoader, validation: validationLoader, epochs: 5)
    /// ```
    public func fitBegan(_ trainer: Trainer, epochs: Int) throws {
        totalEpochs = epochs
        lineLength = 0
    }

    private var totalEpochs = 0

    private func draw(_ text: String, newline: Bool) {
        if isLive {
            let padding = String(repeating: " ", count: max(0, lineLength - text.count))
            write("\r" + text + padding + (newline ? "\n" : ""))
            lineLength = newline ? 0 : text.count
        } else if newline {
            write(text + "\n")
        }
    }

    static func number(_ value: Double) -> String { String(format: "%.4f", value) }

    static func rate(_ value: Double) -> String { String(format: "%.3g", value) }

    static func duration(_ seconds: Double) -> String {
        guard seconds.isFinite else { return "?" }
        if seconds < 10 { return String(format: "%.2fs", seconds) }
        if seconds < 60 { return String(format: "%.1fs", seconds) }
        let whole = Int(seconds.rounded())
        return whole < 3600 ? "\(whole / 60)m\(String(format: "%02d", whole % 60))s" : "\(whole / 3600)h\(String(format: "%02d", whole / 60 % 60))m"
    }

    static func grouped(_ value: Double) -> String {
        guard value.isFinite else { return "?" }
        let digits = String(Int(value.rounded()))
        var result = ""
        for (index, character) in digits.reversed().enumerated() {
            if index > 0 && index % 3 == 0 { result.append(",") }
            result.append(character)
        }
        return String(result.reversed())
    }
}
