import Flint

/// Records, while a summary is being built, each module call's output shape.
enum SummaryRecorder {
    struct Entry {
        let module: Module
        let outputShape: [Int]
    }
    nonisolated(unsafe) private static var entries: [Entry]? = nil

    /// Whether a summary is being taken (every layer must then run through `callAsFunction`).
    static var isCapturing: Bool { entries != nil }

    static func record(_ module: Module, output: Tensor) {
        guard entries != nil else { return }
        entries!.append(Entry(module: module, outputShape: output.shape))
    }

    static func capture(_ body: () -> Void) -> [Entry] {
        entries = []
        defer { entries = nil }
        body()
        return entries ?? []
    }
}

extension Module {
    /// A table of every layer with its output shape and parameter count for an example input, like
    /// Keras' `summary()`, ending with the totals. The model runs once, without gradients.
    ///
    /// ```swift
    /// print(model.summary(input: Tensor.zeros([1, 784])))
    /// // Layer (type)          Output shape    Parameters
    /// // 0 Linear(784 => 128)  [1, 128]        100,480
    /// // ...
    /// ```
    public func summary(input: Tensor) -> String {
        let names = Dictionary(namedModules().map { (ObjectIdentifier($0.module), $0.name) }, uniquingKeysWith: { first, _ in first })
        let entries = SummaryRecorder.capture { _ = withoutGradients { self(input) } }
        var rows: [(String, String, String)] = [("Layer (type)", "Output shape", "Parameters")]
        for entry in entries where entry.module !== self || entries.count == 1 {
            let name = names[ObjectIdentifier(entry.module)] ?? "?"
            let own = entry.module.localParameters().reduce(0) { $0 + $1.parameter.count }
            let isContainer = !entry.module.namedChildren().isEmpty
            rows.append(("\(name.isEmpty ? "" : name + " ")\(entry.module.layerDescription)",
                         "[" + entry.outputShape.map(String.init).joined(separator: ", ") + "]",
                         isContainer && own == 0 ? "" : formatCount(own)))
        }
        let widths = (rows.map(\.0.count).max() ?? 0, rows.map(\.1.count).max() ?? 0)
        var lines = rows.map { row in
            row.0.padding(toLength: widths.0 + 2, withPad: " ", startingAt: 0)
                + row.1.padding(toLength: widths.1 + 2, withPad: " ", startingAt: 0) + row.2
        }
        lines.insert(String(repeating: "-", count: lines[0].count + 8), at: 1)
        lines.append(String(repeating: "-", count: lines[0].count + 8))
        lines.append("Total parameters: \(formatCount(parameterCount))")
        lines.append("Trainable parameters: \(formatCount(trainableParameterCount))")
        return lines.joined(separator: "\n")
    }
}
