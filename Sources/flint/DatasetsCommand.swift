import ArgumentParser
import FlintData
import Foundation

/// `flint datasets`: every dataset Flint knows, its size, and whether it is on this machine.
struct DatasetsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "datasets",
        abstract: "List the bundled and installable datasets with their size and whether each is present.",
        discussion: """
            The datasets inside the package (iris, wine, breast-cancer, digits, diabetes, mnist-5k) are always \
            present; fashion-mnist comes from the Debian package dataset-fashion-mnist, which `make datasets` \
            installs (or set FLINT_FASHION_MNIST_DIR to a folder holding its four IDX files).

            Examples:
              flint datasets
              flint datasets --json
            """
    )

    @Flag(name: .long, help: "Print one JSON object per dataset instead of a table.")
    var json = false

    func run() throws {
        let entries = BundledDatasets.entries
        if json {
            for entry in entries { print(DatasetsCommand.jsonLine(entry)) }
            return
        }
        let nameWidth = entries.map(\.name.count).max() ?? 4
        print("name".padding(toLength: nameWidth, withPad: " ", startingAt: 0) + "  " + "samples".leftAligned(7, right: true)
              + "  " + "features".leftAligned(8, right: true) + "  " + "classes".leftAligned(7, right: true)
              + "  " + "task".leftAligned(14) + "  " + "size".leftAligned(8, right: true) + "  present")
        for entry in entries {
            let classes = entry.classes.map(String.init) ?? "-"
            let line = entry.name.padding(toLength: nameWidth, withPad: " ", startingAt: 0)
                + "  " + String(entry.samples).leftAligned(7, right: true)
                + "  " + String(entry.features).leftAligned(8, right: true)
                + "  " + classes.leftAligned(7, right: true)
                + "  " + entry.task.description.leftAligned(14)
                + "  " + DatasetsCommand.size(entry.sizeInBytes).leftAligned(8, right: true)
                + "  " + (entry.isPresent ? "yes" : "no: \(entry.installHint ?? "missing")")
            print(line)
        }
    }

    /// `1.1 MB`, `780 B`.
    static func size(_ bytes: Int) -> String {
        if bytes < 1000 { return "\(bytes) B" }
        if bytes < 1_000_000 { return String(format: "%.1f kB", Double(bytes) / 1000) }
        return String(format: "%.1f MB", Double(bytes) / 1_000_000)
    }

    /// The entry as the JSON object `flint datasets --json` prints.
    static func jsonLine(_ entry: DatasetEntry) -> String {
        let object: [String: Any] = [
            "name": entry.name,
            "summary": entry.summary,
            "samples": entry.samples,
            "features": entry.features,
            "classes": entry.classes ?? NSNull(),
            "task": entry.task.description,
            "imageShape": entry.imageShape ?? NSNull(),
            "splits": entry.hasPredefinedSplits ? ["train", "test"] : NSNull(),
            "sizeBytes": entry.sizeInBytes,
            "present": entry.isPresent,
            "files": entry.files.map(\.path),
            "source": entry.source,
            "licence": entry.licence,
            "install": entry.installHint ?? NSNull(),
        ]
        let data = try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
        return String(decoding: data, as: UTF8.self)
    }
}

private extension String {
    /// The string padded with spaces to `width` (on the left when `right`).
    func leftAligned(_ width: Int, right: Bool = false) -> String {
        let padding = String(repeating: " ", count: max(0, width - count))
        return right ? padding + self : self + padding
    }
}
