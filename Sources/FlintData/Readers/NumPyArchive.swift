import Flint
import Foundation

extension NumPyFile {
    /// Reads every array of the `.npz` archive at `url` (what `np.savez` and `np.savez_compressed`
    /// write), keyed by name without the `.npy` suffix (`arr_0`, or the keyword names). The file and
    /// its inflated entries may hold at most `maximumSize` bytes.
    ///
    /// ```swift
    /// let arrays = try NumPyFile.readArchive(URL(fileURLWithPath: "mnist.npz"))
    /// let images = arrays["x_train"]!
    /// ```
    public static func readArchive(_ url: URL, maximumSize: Int = Gzip.defaultMaximumSize) throws -> [String: Tensor] {
        let data = try Gzip.readRawFile(url, maximumSize: maximumSize)
        return try attachingPath(url.path) { try parseArchive([UInt8](data), maximumSize: maximumSize) }
    }

    /// Reads the arrays of `.npz` bytes.
    ///
    /// ```swift
    /// let arrays = try NumPyFile.readArchive(data: Data(try NumPyFile.serializeArchive(["x": Tensor([1, 2])])))
    /// ```
    public static func readArchive(data: Data, maximumSize: Int = Gzip.defaultMaximumSize) throws -> [String: Tensor] {
        try parseArchive([UInt8](data), maximumSize: maximumSize)
    }

    /// Writes `arrays` as a `.npz` archive at `url`, atomically: one `name.npy` entry per array in
    /// sorted name order, deflated when `compressed` (as `np.savez_compressed`), else stored (`np.savez`).
    ///
    /// ```swift
    /// try NumPyFile.writeArchive(["x": features, "y": labels], to: URL(fileURLWithPath: "data.npz"), compressed: true)
    /// ```
    public static func writeArchive(_ arrays: [String: Tensor], to url: URL, compressed: Bool = false) throws {
        let bytes = try attachingPath(url.path) { try serializeArchive(arrays, compressed: compressed) }
        try AtomicWrite.write(bytes, to: url)
    }

    /// The `.npz` bytes of `arrays`.
    ///
    /// ```swift
    /// let bytes = try NumPyFile.serializeArchive(["weights": Tensor.zeros([2, 2])], compressed: true)
    /// ```
    public static func serializeArchive(_ arrays: [String: Tensor], compressed: Bool = false) throws -> [UInt8] {
        for name in arrays.keys where name.isEmpty || name.contains("/") || name.contains("\\") {
            throw DataFileError(.unwritableFile, "array name '\(name)' is empty or holds a path separator; use a plain name such as 'x_train'")
        }
        let entries = arrays.keys.sorted().map { ZipArchive.Entry(name: $0 + ".npy", bytes: serializeArray(arrays[$0]!)) }
        return try ZipArchive.serialize(entries, compressed: compressed)
    }

    static func parseArchive(_ bytes: [UInt8], maximumSize: Int) throws -> [String: Tensor] {
        var arrays: [String: Tensor] = [:]
        for entry in try ZipArchive.read(bytes, maximumSize: maximumSize) {
            guard entry.name.hasSuffix(".npy") else { continue }
            let name = String(entry.name.dropLast(4))
            let tensor: Tensor
            do {
                tensor = try parseArray(entry.bytes)
            } catch let error as DataFileError {
                throw DataFileError(error.kind, "entry '\(entry.name)': \(error.message)")
            }
            guard arrays.updateValue(tensor, forKey: name) == nil else {
                throw DataFileError(.invalidHeader, "the archive holds '\(entry.name)' twice")
            }
        }
        return arrays
    }
}
