import Flint
import FlintNN

// The per-parameter state every optimizer keeps (moments, accumulators, step counts), the checkpoint
// form of that state, and raw-buffer access for the fused update loops.

/// The floating-point element types optimizers update in place (float32 and float64 parameters).
typealias OptimizerScalar = BinaryFloatingPoint & TensorScalar

/// One state tensor in its own box, so that several of a parameter's state tensors can be written
/// at once (each box is a separate object, so the accesses never overlap).
final class StateBox {
    var tensor: Tensor
    init(_ tensor: Tensor) { self.tensor = tensor }
}

/// An optimizer's per-parameter state, keyed as PyTorch names it: `"<parameter key>.<state name>"`
/// for tensors (`exp_avg`, `square_avg`, …) and `"<parameter key>.step"` for the step count, which is
/// saved as a float32 scalar like PyTorch's.
struct ParameterStateStore {
    /// The optimizer's name, for error messages.
    let optimizerName: String
    /// The tensor state names the optimizer keeps for every parameter it has updated.
    let tensorNames: [String]
    /// Whether the optimizer counts steps per parameter (PyTorch's `step` state).
    let countsSteps: Bool
    private var boxes: [String: StateBox] = [:]
    private var steps: [String: Double] = [:]

    init(optimizerName: String, tensorNames: [String], countsSteps: Bool, groups: [ParameterGroup]) {
        self.optimizerName = optimizerName
        self.tensorNames = tensorNames
        self.countsSteps = countsSteps
        var seen = Set<String>()
        for group in groups {
            for (name, _) in group.parameters {
                precondition(seen.insert(name).inserted,
                              "\(optimizerName): the parameter key '\(name)' appears more than once; each parameter belongs to one group")
            }
        }
    }

    /// The state tensors of `name`, in the order of ``tensorNames``, created by `initial` on first use.
    mutating func tensors(for name: String, initial: (String) -> Tensor) -> [StateBox] {
        tensorNames.map { stateName in
            let key = "\(name).\(stateName)"
            if let box = boxes[key] { return box }
            let box = StateBox(initial(stateName))
            boxes[key] = box
            return box
        }
    }

    /// Adds one to the step count of `name` and returns the new count (1 on the first step).
    mutating func advanceStep(for name: String) -> Double {
        let step = (steps[name] ?? 0) + 1
        steps[name] = step
        return step
    }

    /// The state as named tensors, the form checkpoints save.
    func stateDictionary() -> [String: Tensor] {
        var state = boxes.mapValues(\.tensor)
        for (name, step) in steps { state["\(name).step"] = Tensor(Float(step)) }
        return state
    }

    /// Replaces the state with `state`, after checking that every entry names one of `groups`'
    /// parameters and one of this optimizer's state names, that shapes match, and that every
    /// parameter with state has all of it. Tensors are converted to their parameter's dtype.
    mutating func load(_ state: [String: Tensor], groups: [ParameterGroup]) throws {
        var parameters: [String: Parameter] = [:]
        for group in groups { for (name, parameter) in group.parameters { parameters[name] = parameter } }
        let allowed = Set(tensorNames + (countsSteps ? ["step"] : []))
        var newBoxes: [String: StateBox] = [:]
        var newSteps: [String: Double] = [:]
        var namesByParameter: [String: Set<String>] = [:]
        for (key, tensor) in state {
            guard let dot = key.lastIndex(of: "."), allowed.contains(String(key[key.index(after: dot)...])) else {
                throw OptimizerStateError(description: "\(optimizerName) state: unexpected entry '\(key)'; this optimizer keeps "
                    + "\(allowed.sorted().joined(separator: ", ")) per parameter. Was the state saved by another optimizer or with other options?")
            }
            let name = String(key[..<dot]), stateName = String(key[key.index(after: dot)...])
            guard let parameter = parameters[name] else {
                throw OptimizerStateError(description: "\(optimizerName) state: '\(name)' is not one of this optimizer's parameters; "
                    + "build the optimizer over the same model (and parameter keys) the state was saved from")
            }
            if stateName == "step" {
                guard tensor.count == 1 else {
                    throw OptimizerStateError(description: "\(optimizerName) state: '\(key)' must hold one number, got shape \(tensor.shape)")
                }
                newSteps[name] = tensor.item(as: Double.self)
            } else {
                guard tensor.shape == parameter.shape else {
                    throw OptimizerStateError(description: "\(optimizerName) state: '\(key)' has shape \(tensor.shape) "
                        + "but the parameter has shape \(parameter.shape); was it saved from a different model?")
                }
                guard tensor.dtype.isFloatingPoint else {
                    throw OptimizerStateError(description: "\(optimizerName) state: '\(key)' is \(tensor.dtype); expected floating-point values")
                }
                let converted = tensor.dtype == parameter.value.dtype ? tensor.detach() : withoutGradients { tensor.to(parameter.value.dtype) }
                newBoxes[key] = StateBox(converted)
            }
            namesByParameter[name, default: []].insert(stateName)
        }
        for (name, names) in namesByParameter where names != allowed {
            throw OptimizerStateError(description: "\(optimizerName) state: '\(name)' has \(names.sorted().joined(separator: ", ")) "
                + "but this optimizer needs \(allowed.sorted().joined(separator: ", ")); the state is incomplete or was saved with other options")
        }
        boxes = newBoxes
        steps = newSteps
    }
}

/// Calls `body` with the parameter's values (writable), its gradient and the state tensors
/// (writable), all as raw pointers to `count` contiguous elements of `T`.
///
/// Every optimizer's update is elementwise, so a large parameter is split into contiguous parts
/// that run on Flint's threads at once: `body` is called once per part, with pointers to the part's
/// first element and its length (the gpt-train profile had 2% of its step in serial Adam updates).
///
/// Copy-on-write keeps this safe: a state tensor or parameter whose storage is shared (with a saved
/// state dictionary, say) gets its own copy before the first write.
func withRawBuffers<T: OptimizerScalar>(
    _ type: T.Type, parameter: Parameter, gradient: Tensor, state: [StateBox],
    _ body: (_ values: UnsafeMutablePointer<T>, _ gradient: UnsafePointer<T>, _ state: [UnsafeMutablePointer<T>], _ count: Int) -> Void
) {
    let count = parameter.count
    guard count > 0 else { return }
    gradient.withUnsafeBufferPointer(as: T.self) { gradientBuffer in
        parameter.value.withUnsafeMutableBufferPointer(as: T.self) { values in
            func nest(_ index: Int, _ pointers: [UnsafeMutablePointer<T>]) {
                if index == state.count {
                    let (valueBase, gradientBase) = (values.baseAddress!, gradientBuffer.baseAddress!)
                    parallelChunks(count, costPerItem: 8) { part in
                        let start = part.lowerBound
                        body(valueBase + start, gradientBase + start, pointers.map { $0 + start }, part.count)
                    }
                    return
                }
                state[index].tensor.withUnsafeMutableBufferPointer(as: T.self) { buffer in
                    nest(index + 1, pointers + [buffer.baseAddress!])
                }
            }
            nest(0, [])
        }
    }
}

/// The gradient of `parameter` when it should be updated (not frozen, has a gradient), after
/// checking it fits the parameter.
func usableGradient(of parameter: Parameter, name: String, optimizer: String) -> Tensor? {
    guard !parameter.isFrozen, let gradient = parameter.grad else { return nil }
    precondition(gradient.shape == parameter.shape,
                 "\(optimizer): the gradient of '\(name)' has shape \(gradient.shape) but the parameter has shape \(parameter.shape)")
    precondition(gradient.dtype == parameter.value.dtype,
                 "\(optimizer): the gradient of '\(name)' is \(gradient.dtype) but the parameter is \(parameter.value.dtype)")
    return gradient
}
