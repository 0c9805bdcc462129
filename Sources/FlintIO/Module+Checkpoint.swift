import Flint
import FlintNN
import Foundation

/// What a non-strict load skipped (a strict load that would skip anything throws instead).
///
/// ```swift
/// let report = try model.load(from: url, strict: false)
/// print(report.missingKeys, report.unexpectedKeys)
/// ```
public struct StateLoadReport: Equatable, Sendable, CustomStringConvertible {
    /// One tensor whose shape or dtype does not fit the model.
    public struct Mismatch: Equatable, Sendable {
        /// The state key.
        public let key: String
        /// The model's shape and dtype.
        public let expected: String
        /// The file's shape and dtype.
        public let found: String

        /// A mismatch of `key` between the model's `expected` and the state's `found` (dtype and shape).
        ///
        /// ```swift
        /// StateLoadReport.Mismatch(key: "fc.weight", expected: "float32 [2, 4]", found: "float32 [2, 5]")
        /// ```
        public init(key: String, expected: String, found: String) {
            self.key = key
            self.expected = expected
            self.found = found
        }
    }

    /// Keys that were loaded.
    public var loadedKeys: [String] = []
    /// Model keys the state does not have (left unchanged).
    public var missingKeys: [String] = []
    /// State keys the model does not have (ignored).
    public var unexpectedKeys: [String] = []
    /// Keys present in both whose shapes (or non-float dtypes) differ (left unchanged).
    public var mismatches: [Mismatch] = []

    /// Whether everything matched.
    ///
    /// ```swift
    /// precondition(report.isComplete)
    /// ```
    public var isComplete: Bool { missingKeys.isEmpty && unexpectedKeys.isEmpty && mismatches.isEmpty }

    /// Every problem, one per line (empty when complete).
    public var description: String {
        var lines: [String] = []
        if !missingKeys.isEmpty { lines.append("missing keys: \(missingKeys.joined(separator: ", "))") }
        if !unexpectedKeys.isEmpty { lines.append("unexpected keys: \(unexpectedKeys.joined(separator: ", "))") }
        for mismatch in mismatches {
            lines.append("'\(mismatch.key)': the model has \(mismatch.expected), the state has \(mismatch.found)")
        }
        return lines.joined(separator: "\n")
    }
}

/// A state that does not fit a model under strict loading, listing every missing key, unexpected key
/// and mismatch at once. The model is left unchanged.
///
/// ```swift
/// catch let error as StateLoadError { print(error.report.missingKeys) }
/// ```
public struct StateLoadError: Error, CustomStringConvertible {
    /// What did not fit.
    public let report: StateLoadReport
    /// The file, when loading from one.
    public let path: String?

    /// Every problem, and what to do.
    public var description: String {
        let source = path.map { "\($0) does not fit the model" } ?? "the state does not fit the model"
        return "\(source); nothing was loaded:\n\(report)\n(load with strict: false to load only the keys that fit)"
    }
}

extension Module {
    /// Every parameter and buffer by its state key (PyTorch's `state_dict()`), detached: later
    /// training does not change the returned tensors.
    ///
    /// ```swift
    /// model.stateDictionary().keys.sorted()  // ["0.bias", "0.weight", "2.bias", "2.weight"]
    /// ```
    public func stateDictionary() -> [String: Tensor] {
        var state: [String: Tensor] = [:]
        for (name, parameter) in namedParameters() { state[name] = parameter.value.detach() }
        for (name, buffer) in namedBuffers() { state[name] = buffer.value.detach() }
        return state
    }

    /// Saves the parameters and buffers as a safetensors file PyTorch's
    /// `safetensors.torch.load_file` + `load_state_dict` reads, atomically.
    ///
    /// ```swift
    /// try model.save(to: URL(fileURLWithPath: "model.safetensors"), metadata: ["epoch": "10"])
    /// ```
    public func save(to url: URL, metadata: [String: String] = [:]) throws {
        try SafeTensors.write(stateDictionary(), metadata: metadata, to: url)
    }

    /// Loads parameters and buffers from a safetensors file (one saved by ``save(to:metadata:)`` or by
    /// PyTorch). Float tensors are converted between float32 and float64 (and F16/BF16 files, read as
    /// float32) to the model's dtype; any other dtype difference is a mismatch.
    ///
    /// Strict loading throws one ``StateLoadError`` listing every missing key, unexpected key and
    /// mismatch; non-strict loading loads what fits and reports the rest. Either way the model is
    /// checked completely before anything is assigned, so a throw leaves it unchanged.
    ///
    /// ```swift
    /// try model.load(from: URL(fileURLWithPath: "model.safetensors"))
    /// let report = try backbone.load(from: url, strict: false)
    /// ```
    @discardableResult
    public func load(from url: URL, strict: Bool = true) throws -> StateLoadReport {
        let (tensors, _) = try SafeTensors.read(from: url)
        do {
            return try loadStateDictionary(tensors, strict: strict)
        } catch let error as StateLoadError {
            throw StateLoadError(report: error.report, path: url.path)
        }
    }

    /// Loads parameters and buffers from tensors keyed as ``stateDictionary()`` keys them, with the
    /// rules of ``load(from:strict:)``.
    ///
    /// ```swift
    /// try student.loadStateDictionary(teacher.stateDictionary())
    /// ```
    @discardableResult
    public func loadStateDictionary(_ state: [String: Tensor], strict: Bool = true) throws -> StateLoadReport {
        let plan = planStateLoad(state)
        if strict && !plan.report.isComplete { throw StateLoadError(report: plan.report, path: nil) }
        plan.apply()
        return plan.report
    }

    /// Matches `state` against this model without changing anything.
    func planStateLoad(_ state: [String: Tensor]) -> StateLoadPlan {
        var plan = StateLoadPlan()
        var modelKeys = Set<String>()
        func check(_ key: String, _ current: Tensor) -> Tensor? {
            modelKeys.insert(key)
            guard let incoming = state[key] else {
                plan.report.missingKeys.append(key)
                return nil
            }
            let convertible = incoming.dtype == current.dtype || (incoming.dtype.isFloatingPoint && current.dtype.isFloatingPoint)
            guard incoming.shape == current.shape, convertible else {
                plan.report.mismatches.append(.init(key: key, expected: "\(current.dtype) \(current.shape)", found: "\(incoming.dtype) \(incoming.shape)"))
                return nil
            }
            plan.report.loadedKeys.append(key)
            return incoming.dtype == current.dtype ? incoming.detach() : incoming.detach().to(current.dtype)
        }
        for (key, parameter) in namedParameters() {
            if let value = check(key, parameter.value) { plan.parameters.append((parameter, value)) }
        }
        for (key, buffer) in namedBuffers() {
            if let value = check(key, buffer.value) { plan.buffers.append((buffer, value)) }
        }
        plan.report.unexpectedKeys = state.keys.filter { !modelKeys.contains($0) }.sorted()
        return plan
    }
}

/// Checked assignments, applied only once every key has been checked.
struct StateLoadPlan {
    var report = StateLoadReport()
    var parameters: [(Parameter, Tensor)] = []
    var buffers: [(Buffer, Tensor)] = []

    /// Writes the values (in place for parameters, so optimizers keep pointing at them).
    func apply() {
        withoutGradients {
            for (parameter, value) in parameters { parameter.value.copy(from: value) }
            for (buffer, value) in buffers { buffer.value = value }
        }
    }
}
