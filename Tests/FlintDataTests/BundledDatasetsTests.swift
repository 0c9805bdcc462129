import Flint
import FlintData
import Foundation
import Testing

@Suite struct BundledDatasetsTests {
    @Test func iris() throws {
        let data = try BundledDatasets.load(name: "iris")
        #expect(data.features.shape == [150, 4] && data.features.dtype == .float64)
        #expect(data.targets.dtype == .int64 && data.task == .classification)
        #expect(data.classNames == ["setosa", "versicolor", "virginica"])
        #expect(data.classCounts() == [50, 50, 50])
        #expect(data.featureNames.first == "sepal length (cm)")
        #expect(data.features.rows(as: Double.self)[0] == [5.1, 3.5, 1.4, 0.2])
    }

    @Test func wineAndBreastCancer() throws {
        let wine = try BundledDatasets.load(name: "wine")
        #expect(wine.features.shape == [178, 13] && wine.classCounts() == [59, 71, 48] && wine.featureNames.count == 13)
        let cancer = try BundledDatasets.load(name: "breast-cancer")
        #expect(cancer.features.shape == [569, 30] && cancer.classNames == ["malignant", "benign"])
        #expect(cancer.classCounts() == [212, 357])
        #expect(cancer.featureNames[10] == "radius error" && cancer.featureNames[29] == "worst fractal dimension")
    }

    @Test func digits() throws {
        let data = try BundledDatasets.load(name: "digits")
        #expect(data.features.shape == [1797, 64] && data.imageShape == [1, 8, 8] && data.pixelMaximum == 16)
        #expect(data.classCounts() == [178, 182, 177, 183, 181, 182, 181, 179, 174, 180])
        let pixels = data.features.scalars(as: Double.self)
        #expect(pixels.min() == 0 && pixels.max() == 16)
    }

    @Test func diabetes() throws {
        let data = try BundledDatasets.load(name: "diabetes")
        #expect(data.features.shape == [442, 10] && data.task == .regression && data.classNames == nil)
        #expect(data.targets.dtype == .float64 && data.targets.shape == [442])
        #expect(Array(data.targets.scalars(as: Double.self).prefix(3)) == [151, 75, 141])
        #expect(data.features.rows(as: Double.self)[0] == [59, 2, 32.1, 101, 157, 93.2, 38, 4, 4.8598, 87])
    }

    @Test func mnist5k() throws {
        let data = try BundledDatasets.load(name: "mnist-5k")
        #expect(data.features.shape == [5000, 784] && data.imageShape == [1, 28, 28] && data.pixelMaximum == 255)
        #expect(data.classCounts() == Array(repeating: 500, count: 10))
        let pixels = data.features.scalars(as: Double.self)
        #expect(pixels.min() == 0 && pixels.max() == 255)
    }

    @Test func catalogueListsEveryDatasetWithSizes() throws {
        let entries = BundledDatasets.entries
        #expect(entries.map(\.name) == ["iris", "wine", "breast-cancer", "digits", "diabetes", "mnist-5k", "fashion-mnist"])
        for entry in entries where entry.name != "fashion-mnist" {
            #expect(entry.isPresent && entry.installHint == nil, "\(entry.name)")
            let onDisk = try entry.files.map { try FileManager.default.attributesOfItem(atPath: $0.path)[.size] as! Int }.reduce(0, +)
            #expect(entry.sizeInBytes == onDisk, "\(entry.name)")
        }
        let fashion = try #require(BundledDatasets.entry(named: "fashion-mnist"))
        #expect(fashion.samples == 70000 && fashion.hasPredefinedSplits && fashion.installHint!.contains("make datasets"))
        #expect(BundledDatasets.entry(named: "iris")?.licence.contains("BSD-3-Clause") == true)
    }

    @Test func unknownAndAbsentDatasetsSayWhatToDo() throws {
        expectDataError(.unavailable, ["unknown dataset 'cifar'", "iris, wine, breast-cancer, digits, diabetes, mnist-5k, fashion-mnist"]) {
            _ = try BundledDatasets.load(name: "cifar")
        }
        expectDataError(.unavailable, ["no predefined train/test split"]) { _ = try BundledDatasets.loadSplits(name: "iris") }
        expectDataError(.unavailable, ["not installed", "make datasets", "/nonexistent/train-images-idx3-ubyte.gz"]) {
            _ = try BundledDatasets.loadFashionMNIST(directory: URL(fileURLWithPath: "/nonexistent"))
        }
    }

    @Test func fashionMNISTLoadsFromIDXFiles() throws {
        // A miniature copy in the real layout: 3 training and 2 test images.
        let directory = try DataFixtures.temporaryDirectory()
        let train = Tensor((0..<(3 * 784)).map { UInt8($0 % 256) }, shape: [3, 28, 28])
        try IDXFile.write(train, to: directory.appendingPathComponent("train-images-idx3-ubyte.gz"), compressed: true)
        try IDXFile.write(Tensor([9, 0, 3] as [UInt8]), to: directory.appendingPathComponent("train-labels-idx1-ubyte.gz"), compressed: true)
        try IDXFile.write(Tensor.zeros([2, 28, 28], dtype: .uint8), to: directory.appendingPathComponent("t10k-images-idx3-ubyte.gz"), compressed: true)
        try IDXFile.write(Tensor([1, 10] as [UInt8]), to: directory.appendingPathComponent("t10k-labels-idx1-ubyte.gz"), compressed: true)
        expectDataError(.invalidHeader, ["label 10 of record 2"]) { _ = try BundledDatasets.loadFashionMNIST(directory: directory) }
        try IDXFile.write(Tensor([1, 7] as [UInt8]), to: directory.appendingPathComponent("t10k-labels-idx1-ubyte.gz"), compressed: true)
        let splits = try BundledDatasets.loadFashionMNIST(directory: directory)
        #expect(splits.train.features.shape == [3, 784] && splits.test.features.shape == [2, 784])
        #expect(splits.train.targets.scalars(as: Int64.self) == [9, 0, 3] && splits.train.classNames?[9] == "Ankle boot")
        #expect(splits.train.features.scalars(as: Double.self)[785] == 17 && splits.train.imageShape == [1, 28, 28])
    }

    /// The real Fashion-MNIST, when installed (`make datasets`) or pointed to by FLINT_FASHION_MNIST_DIR.
    @Test(.enabled(if: BundledDatasets.entry(named: "fashion-mnist")?.isPresent == true))
    func fashionMNISTWhenInstalled() throws {
        let splits = try BundledDatasets.loadSplits(name: "fashion-mnist")
        #expect(splits.train.features.shape == [60000, 784] && splits.test.features.shape == [10000, 784])
        #expect(splits.train.classCounts() == Array(repeating: 6000, count: 10))
        #expect(splits.test.classCounts() == Array(repeating: 1000, count: 10))
    }
}
