import Flint
import Foundation

/// How each bundled file format becomes a ``LabeledData``; every count and label is checked.
enum DatasetLoaders {
    /// scikit-learn's iris, wine and breast-cancer files: a first line `n_samples,n_features,class names…`,
    /// then the features and the class index last.
    static func scikitLearnTable(name: String, file: URL, featureNames: [String]) throws -> LabeledData {
        let firstLine = try TextReader.splitLines(String(decoding: Gzip.readBytes(file, maximumSize: 1 << 26).prefix(4096), as: UTF8.self)).first ?? ""
        let header = firstLine.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        guard header.count >= 3, let samples = Int(header[0]), let features = Int(header[1]), features == featureNames.count else {
            throw DataFileError(.invalidHeader, "line 1: expected 'n_samples,\(featureNames.count),class names…', found '\(firstLine.prefix(80))'",
                                path: file.path)
        }
        let classNames = Array(header[2...])
        let table = try CSVReader.read(file, options: CSVOptions(hasHeader: false, skipLines: 1, maximumSize: 1 << 26))
        guard table.rowCount == samples, table.columns.count == features + 1 else {
            throw DataFileError(.invalidHeader, "line 1 announces \(samples) samples of \(features) features but the file holds "
                                + "\(table.rowCount) rows of \(table.columns.count) columns", path: file.path)
        }
        let labels = try classLabels(table, classCount: classNames.count, firstLine: 2, file: file)
        return LabeledData(name: name, features: table.numericTensor(columns: Array(table.columnNames.dropLast())), targets: labels,
                           featureNames: featureNames, classNames: classNames)
    }

    /// Square grey images one per line, pixels then the digit label last, no header (digits, MNIST 5k).
    static func imageTable(name: String, file: URL, side: Int, pixelMaximum: Double) throws -> LabeledData {
        let table = try CSVReader.read(file, options: CSVOptions(hasHeader: false, maximumSize: 1 << 28))
        guard table.columns.count == side * side + 1 else {
            throw DataFileError(.invalidHeader, "rows hold \(table.columns.count) columns, not the \(side * side) pixels and a label expected",
                                path: file.path)
        }
        let labels = try classLabels(table, classCount: 10, firstLine: 1, file: file)
        let features = table.numericTensor(columns: Array(table.columnNames.dropLast()))
        return LabeledData(name: name, features: features, targets: labels,
                           featureNames: (0..<side).flatMap { row in (0..<side).map { "pixel_\(row)_\($0)" } },
                           classNames: (0..<10).map(String.init), imageShape: [1, side, side], pixelMaximum: pixelMaximum)
    }

    /// scikit-learn's diabetes: ten space-separated raw features, the target in a second file.
    static func diabetes(features file: URL, targets targetFile: URL) throws -> LabeledData {
        let table = try CSVReader.read(file, options: CSVOptions(hasHeader: false, delimiter: .whitespace, maximumSize: 1 << 26))
        let targetTable = try CSVReader.read(targetFile, options: CSVOptions(hasHeader: false, delimiter: .whitespace, maximumSize: 1 << 26))
        guard table.columns.count == 10, targetTable.columns.count == 1, table.rowCount == targetTable.rowCount else {
            throw DataFileError(.invalidHeader, "expected 10 feature columns and one target per row; found \(table.columns.count) columns "
                                + "of \(table.rowCount) rows and \(targetTable.rowCount) targets", path: file.path)
        }
        return LabeledData(name: "diabetes", features: table.numericTensor(), targets: targetTable.numericTensor().reshaped([targetTable.rowCount]),
                           featureNames: DatasetInfo.all["diabetes"]!.featureNames, classNames: nil)
    }

    /// One Fashion-MNIST split from its IDX image and label files.
    static func fashionMNIST(name: String, images imageFile: URL, labels labelFile: URL) throws -> LabeledData {
        let images = try IDXFile.read(imageFile, maximumSize: 1 << 28)
        let labels = try IDXFile.read(labelFile, maximumSize: 1 << 24)
        guard images.dtype == .uint8, images.rank == 3, images.shape[1] == 28, images.shape[2] == 28 else {
            throw DataFileError(.invalidHeader, "expected uint8 images [n, 28, 28], found \(images.dtype) \(images.shape)", path: imageFile.path)
        }
        guard labels.dtype == .uint8, labels.shape == [images.shape[0]] else {
            throw DataFileError(.invalidHeader, "expected \(images.shape[0]) uint8 labels, found \(labels.dtype) \(labels.shape)", path: labelFile.path)
        }
        let count = images.shape[0]
        var features = Tensor.zeros([count, 784], dtype: .float64)
        images.withUnsafeBufferPointer(as: UInt8.self) { pixels in
            features.withUnsafeMutableBufferPointer(as: Double.self) { out in
                for index in out.indices { out[index] = Double(pixels[index]) }
            }
        }
        let labelValues = labels.scalars(as: UInt8.self)
        if let bad = labelValues.firstIndex(where: { $0 >= 10 }) {
            throw DataFileError(.invalidHeader, "label \(labelValues[bad]) of record \(bad + 1) is not a class 0 to 9", path: labelFile.path)
        }
        return LabeledData(name: name, features: features, targets: Tensor(labelValues.map { Int64($0) }, shape: [count]),
                           featureNames: DatasetInfo.all["fashion-mnist"]!.featureNames, classNames: DatasetInfo.fashionClassNames,
                           imageShape: [1, 28, 28], pixelMaximum: 255)
    }

    /// The last column as class indices, each a whole number in 0..<classCount.
    private static func classLabels(_ table: CSVTable, classCount: Int, firstLine: Int, file: URL) throws -> Tensor {
        guard case .numeric(let values)? = table.columns.last else { return Tensor([Int64](), shape: [0]) }
        var labels = [Int64](repeating: 0, count: values.count)
        for (row, value) in values.enumerated() {
            guard value.rounded() == value, value >= 0, value < Double(classCount) else {
                throw DataFileError(.invalidHeader, "line \(row + firstLine), column \(table.columns.count): label \(value) is not a class "
                                    + "0 to \(classCount - 1)", path: file.path)
            }
            labels[row] = Int64(value)
        }
        return Tensor(labels, shape: [values.count])
    }
}
