/// Where a tensor's elements live. CPU is the first backend; a GPU backend adds a case and
/// implements ``ComputeBackend``.
///
/// ```swift
/// let x = Tensor.zeros([2, 2])
/// print(x.device)  // cpu
/// ```
public enum Device: String, Sendable, CustomStringConvertible {
    case cpu
    /// The device's name, as PyTorch spells it.
    ///
    /// ```swift
    /// Device.cpu.description  // "cpu"
    /// ```
    public var description: String { rawValue }
}

/// A block of memory holding a tensor's elements, shared by every view of it.
///
/// The buffer is 64-byte aligned (one cache line, one AVX-512 register) and given back to its
/// backend when the last tensor that refers to it goes away (which keeps large blocks for reuse).
final class TensorStorage: @unchecked Sendable {
    let base: UnsafeMutableRawPointer
    let byteCount: Int
    let device: Device

    init(byteCount: Int, device: Device = .cpu) {
        self.byteCount = byteCount
        self.device = device
        self.base = device.backend.allocate(byteCount: byteCount)
    }

    /// A zero-filled block.
    convenience init(zeroedByteCount byteCount: Int) {
        self.init(byteCount: byteCount)
        base.initializeMemory(as: UInt8.self, repeating: 0, count: byteCount)
    }

    deinit { device.backend.deallocate(base, byteCount: byteCount) }
}
