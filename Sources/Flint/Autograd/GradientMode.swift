#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Whether operations on the current thread record themselves for backward.
///
/// Stored per thread (like PyTorch's grad mode) so that an inference thread and a training thread
/// do not interfere.
enum GradientMode {
    private static let key: pthread_key_t = {
        var key = pthread_key_t()
        pthread_key_create(&key, nil)
        return key
    }()

    /// How many `withoutGradients` scopes enclose the current thread's code.
    static var disabledDepth: Int {
        @inline(__always) get { Int(bitPattern: pthread_getspecific(key)) }
        set { pthread_setspecific(key, UnsafeRawPointer(bitPattern: newValue)) }
    }

    /// Whether recording is on for the current thread.
    @inline(__always) static var isEnabled: Bool { pthread_getspecific(key) == nil }
}

/// Runs `body` without recording operations for backward, the way PyTorch's `torch.no_grad()`
/// does: results do not require gradients, which saves memory and time during inference and
/// parameter updates.
///
/// ```swift
/// let w = Tensor.randn([3]).requiringGrad()
/// let updated = withoutGradients { w - 0.1 * w }
/// print(updated.requiresGrad)  // false
/// ```
public func withoutGradients<Result>(_ body: () throws -> Result) rethrows -> Result {
    GradientMode.disabledDepth += 1
    defer { GradientMode.disabledDepth -= 1 }
    return try body()
}

/// Whether operations on this thread are currently recorded for backward (false inside
/// ``withoutGradients(_:)``).
///
/// ```swift
/// withoutGradients { isGradientRecordingEnabled }  // false
/// ```
public var isGradientRecordingEnabled: Bool { GradientMode.isEnabled }
