import Flint
import FlintData
import Foundation
import Testing

/// Where the test fixtures are, and small helpers the reader tests share.
enum DataFixtures {
    /// The URL of `relative` inside Fixtures/.
    static func url(_ relative: String) -> URL {
        let root = Bundle.module.url(forResource: "Fixtures", withExtension: nil) ?? Bundle.module.bundleURL.appendingPathComponent("Fixtures")
        return root.appendingPathComponent(relative)
    }

    /// The bytes of a fixture.
    static func bytes(_ relative: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: url(relative)))
    }

    /// A manifest (expected.json) as name -> entry.
    static func manifest(_ relative: String) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(contentsOf: url(relative))) as! [String: Any]
    }

    /// A fresh empty temporary folder.
    static func temporaryDirectory() throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("flintdata-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory
    }

    /// `bytes` written to a new temporary file named `name`.
    static func temporaryFile(_ bytes: [UInt8], name: String = "file") throws -> URL {
        let url = try temporaryDirectory().appendingPathComponent(name)
        try Data(bytes).write(to: url)
        return url
    }

    /// Nil when `tensor` has the manifest entry's shape, dtype and values (exactly), else what differs.
    static func mismatch(_ tensor: Tensor, _ entry: Any) -> String? {
        let entry = entry as! [String: Any]
        let shape = entry["shape"] as! [Int]
        let dtype = entry["dtype"] as! String
        let values: [Double] = (entry["values"] as! [Any]).map { value in
            if let number = value as? NSNumber { return number.doubleValue }
            return ["inf": Double.infinity, "-inf": -Double.infinity][value as! String] ?? .nan
        }
        if tensor.shape != shape { return "shape \(tensor.shape), expected \(shape)" }
        if tensor.dtype.rawValue != dtype { return "dtype \(tensor.dtype), expected \(dtype)" }
        // Foundation's JSON parser on Linux may miss the nearest double by an ulp or two, so float64
        // values agree to 1e-15 relative and float32 values after rounding to Float.
        let actual = tensor.to(.float64).scalars(as: Double.self)
        for (index, (got, expected)) in zip(actual, values).enumerated() {
            let same = got == expected || (got.isNaN && expected.isNaN)
                || (dtype == "float32" ? Float(got) == Float(expected) : abs(got - expected) <= 1e-15 * abs(expected))
            if !same { return "element \(index): \(got), expected \(expected)" }
        }
        return nil
    }
}

/// Runs `body`, expects a ``DataFileError`` of `kind` whose description holds every piece of `fragments`.
func expectDataError(_ kind: DataFileError.Kind, _ fragments: [String] = [], sourceLocation: SourceLocation = #_sourceLocation,
                     _ body: () throws -> Void) {
    do {
        try body()
        Issue.record("expected a \(kind) error, but nothing was thrown", sourceLocation: sourceLocation)
    } catch let error as DataFileError {
        #expect(error.kind == kind, "got \(error.kind): \(error)", sourceLocation: sourceLocation)
        for fragment in fragments {
            #expect(error.description.contains(fragment), "'\(fragment)' is not in: \(error)", sourceLocation: sourceLocation)
        }
    } catch {
        Issue.record("expected a DataFileError, got \(error)", sourceLocation: sourceLocation)
    }
}
