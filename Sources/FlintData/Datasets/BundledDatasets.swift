import Flint
import Foundation

/// What the catalogue knows about one dataset: its size, where it comes from, its licence, and
/// whether it is on this machine.
///
/// ```swift
/// for entry in BundledDatasets.entries { print(entry.name, entry.samples, entry.isPresent) }
/// ```
public struct DatasetEntry: Sendable {
    /// The name ``BundledDatasets/load(name:)`` takes.
    public let name: String
    /// A one-line description.
    public let summary: String
    /// The number of samples (both splits together for Fashion-MNIST).
    public let samples: Int
    /// The number of features per sample.
    public let features: Int
    /// The number of classes; nil for regression.
    public let classes: Int?
    /// Classification or regression.
    public let task: DatasetTask
    /// `[channels, height, width]` for image datasets.
    public let imageShape: [Int]?
    /// Whether it comes with a training and a test split (``BundledDatasets/loadSplits(name:)``).
    public let hasPredefinedSplits: Bool
    /// The files it is read from.
    public let files: [URL]
    /// Bytes on disk (the files as stored, compressed); the expected size when absent.
    public let sizeInBytes: Int
    /// Whether every file is present.
    public let isPresent: Bool
    /// Where the data comes from.
    public let source: String
    /// Its licence.
    public let licence: String
    /// What to run to get it when absent (nil for the datasets inside the package).
    public let installHint: String?
}

/// The datasets Flint ships (inside the package, read from its resources) or finds on the machine
/// (Fashion-MNIST from the Debian package `dataset-fashion-mnist`, which `make datasets` installs):
/// `iris`, `wine`, `breast-cancer`, `digits`, `diabetes`, `mnist-5k`, `fashion-mnist`.
/// Nothing is downloaded at run time.
///
/// Features are float64 as stored (no scaling: digits pixels are 0–16, MNIST's 0–255; diabetes is
/// scikit-learn's `load_diabetes(scaled=False)`); classification targets are int64.
///
/// ```swift
/// let iris = try BundledDatasets.load(name: "iris")            // 150 x 4, 3 classes
/// let fashion = try BundledDatasets.loadSplits(name: "fashion-mnist")  // 60,000 + 10,000
/// print(BundledDatasets.names)  // ["iris", "wine", …]
/// ```
public enum BundledDatasets {
    /// Every dataset name, in catalogue order.
    ///
    /// ```swift
    /// BundledDatasets.names.contains("mnist-5k")  // true
    /// ```
    public static let names = ["iris", "wine", "breast-cancer", "digits", "diabetes", "mnist-5k", "fashion-mnist"]

    /// Where Fashion-MNIST is read from: `$FLINT_FASHION_MNIST_DIR` when set, else
    /// `/usr/share/datasets/fashion-mnist` (the Debian package's folder).
    ///
    /// ```swift
    /// BundledDatasets.fashionMNISTDirectory.path  // "/usr/share/datasets/fashion-mnist"
    /// ```
    public static var fashionMNISTDirectory: URL {
        if let custom = ProcessInfo.processInfo.environment["FLINT_FASHION_MNIST_DIR"], !custom.isEmpty {
            return URL(fileURLWithPath: custom)
        }
        return URL(fileURLWithPath: "/usr/share/datasets/fashion-mnist")
    }

    /// The folder holding the bundled files (the package's `Resources`).
    ///
    /// ```swift
    /// BundledDatasets.resourceDirectory.appendingPathComponent("iris.csv.gz")
    /// ```
    public static var resourceDirectory: URL {
        Bundle.module.url(forResource: "Resources", withExtension: nil)
            ?? Bundle.module.bundleURL.appendingPathComponent("Resources")
    }

    /// The catalogue: every dataset with its size on disk and whether it is present.
    ///
    /// ```swift
    /// BundledDatasets.entries.filter { !$0.isPresent }.map(\.name)  // ["fashion-mnist"] before `make datasets`
    /// ```
    public static var entries: [DatasetEntry] { names.map { entry(named: $0)! } }

    /// The catalogue entry of `name`, or nil for an unknown name.
    ///
    /// ```swift
    /// BundledDatasets.entry(named: "digits")?.samples  // 1797
    /// ```
    public static func entry(named name: String) -> DatasetEntry? {
        guard let info = DatasetInfo.all[name] else { return nil }
        let directory = name == "fashion-mnist" ? fashionMNISTDirectory : resourceDirectory
        let files = info.fileNames.map { directory.appendingPathComponent($0) }
        let sizes = files.map { (try? FileManager.default.attributesOfItem(atPath: $0.path))?[.size] as? Int }
        let isPresent = sizes.allSatisfy { $0 != nil }
        return DatasetEntry(name: name, summary: info.summary, samples: info.samples, features: info.features, classes: info.classes,
                            task: info.classes == nil ? .regression : .classification, imageShape: info.imageShape,
                            hasPredefinedSplits: name == "fashion-mnist", files: files,
                            sizeInBytes: isPresent ? sizes.reduce(0) { $0 + $1! } : info.expectedSize, isPresent: isPresent,
                            source: info.source, licence: info.licence, installHint: info.installHint)
    }

    /// Loads the dataset `name` (Fashion-MNIST: its training split; see ``loadSplits(name:)``).
    /// An unknown name throws an error listing the valid ones; an absent dataset says how to get it.
    ///
    /// ```swift
    /// let wine = try BundledDatasets.load(name: "wine")
    /// ```
    public static func load(name: String) throws -> LabeledData {
        let entry = try availableEntry(name)
        switch name {
        case "iris", "wine", "breast-cancer":
            return try DatasetLoaders.scikitLearnTable(name: name, file: entry.files[0], featureNames: DatasetInfo.all[name]!.featureNames)
        case "digits":
            return try DatasetLoaders.imageTable(name: name, file: entry.files[0], side: 8, pixelMaximum: 16)
        case "mnist-5k":
            return try DatasetLoaders.imageTable(name: name, file: entry.files[0], side: 28, pixelMaximum: 255)
        case "diabetes":
            return try DatasetLoaders.diabetes(features: entry.files[0], targets: entry.files[1])
        default:
            return try loadSplits(name: name).train
        }
    }

    /// Loads both splits of a dataset published with a training and a test part (`fashion-mnist`).
    /// Other datasets throw: split them yourself.
    ///
    /// ```swift
    /// let (train, test) = try { let s = try BundledDatasets.loadSplits(name: "fashion-mnist"); return (s.train, s.test) }()
    /// ```
    public static func loadSplits(name: String) throws -> DatasetSplits {
        let entry = try availableEntry(name)
        guard entry.hasPredefinedSplits else {
            throw DataFileError(.unavailable, "dataset '\(name)' has no predefined train/test split; load it with load(name:) and split it")
        }
        return try loadFashionMNIST(directory: entry.files[0].deletingLastPathComponent())
    }

    /// Loads Fashion-MNIST's two splits from the four IDX files in `directory`
    /// (`train-images-idx3-ubyte.gz`, `train-labels-idx1-ubyte.gz`, `t10k-images-idx3-ubyte.gz`,
    /// `t10k-labels-idx1-ubyte.gz`, as Zalando publishes them and Debian installs them).
    ///
    /// ```swift
    /// let splits = try BundledDatasets.loadFashionMNIST(directory: URL(fileURLWithPath: "/usr/share/datasets/fashion-mnist"))
    /// ```
    public static func loadFashionMNIST(directory: URL) throws -> DatasetSplits {
        let files = DatasetInfo.all["fashion-mnist"]!.fileNames.map { directory.appendingPathComponent($0) }
        let missing = files.filter { !FileManager.default.fileExists(atPath: $0.path) }.map(\.path)
        guard missing.isEmpty else {
            throw DataFileError(.unavailable, "dataset 'fashion-mnist' is not installed (missing \(missing.joined(separator: ", "))); "
                                + DatasetInfo.all["fashion-mnist"]!.installHint!)
        }
        return DatasetSplits(train: try DatasetLoaders.fashionMNIST(name: "fashion-mnist/train", images: files[0], labels: files[1]),
                             test: try DatasetLoaders.fashionMNIST(name: "fashion-mnist/test", images: files[2], labels: files[3]))
    }

    /// The entry of `name` when known and present, else an error saying what to do.
    private static func availableEntry(_ name: String) throws -> DatasetEntry {
        guard let entry = entry(named: name) else {
            throw DataFileError(.unavailable, "unknown dataset '\(name)'; the datasets are: \(names.joined(separator: ", "))")
        }
        guard entry.isPresent else {
            let missing = entry.files.filter { !FileManager.default.fileExists(atPath: $0.path) }.map(\.path)
            throw DataFileError(.unavailable, "dataset '\(name)' is not installed (missing \(missing.joined(separator: ", "))); "
                                + (entry.installHint ?? "reinstall Flint: the package's resources are incomplete"))
        }
        return entry
    }
}
