/// What a compute device provides to Flint's tensors: memory, and the matrix product everything
/// heavy is built on.
///
/// The CPU backend is the first implementation. A GPU backend is a new target that conforms a type to
/// this protocol and adds a ``Device`` case, the way NIOPosix implements NIOCore's event loop; the
/// elementwise and reduction kernels move behind it as that backend grows.
///
/// ```swift
/// let backend = Device.cpu.backend
/// print(backend.name)  // "CPU (OpenBLAS Zen)"
/// ```
public protocol ComputeBackend: Sendable {
    /// The device this backend computes on.
    var device: Device { get }
    /// A short description of the backend and the library it uses.
    var name: String { get }
    /// Memory for `byteCount` bytes on the device, aligned for vector loads.
    func allocate(byteCount: Int) -> UnsafeMutableRawPointer
    /// Returns memory obtained from ``allocate(byteCount:)`` with the same `byteCount`.
    func deallocate(_ pointer: UnsafeMutableRawPointer, byteCount: Int)
    /// `C = alpha * op(A) * op(B) + beta * C` on row-major device memory.
    func gemm<T: FloatElement>(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: T,
        a: UnsafePointer<T>, lda: Int, b: UnsafePointer<T>, ldb: Int,
        beta: T, c: UnsafeMutablePointer<T>, ldc: Int
    )
}

extension Device {
    /// The backend that computes on this device.
    ///
    /// ```swift
    /// Device.cpu.backend.name
    /// ```
    public var backend: any ComputeBackend {
        switch self {
        case .cpu: return CPUBackend.shared
        }
    }
}

/// The CPU: 64-byte aligned host memory, OpenBLAS GEMM (or Flint's built-in one).
///
/// ```swift
/// let cpu = CPUBackend.shared
/// ```
public struct CPUBackend: ComputeBackend {
    /// The one CPU backend.
    ///
    /// ```swift
    /// CPUBackend.shared.device  // .cpu
    /// ```
    public static let shared = CPUBackend()

    /// Always ``Device/cpu``.
    public var device: Device { .cpu }

    /// "CPU (OpenBLAS <kernels>)" or "CPU (built-in GEMM)".
    public var name: String {
        BLASLibrary.shared.map { "CPU (OpenBLAS \($0.coreName))" } ?? "CPU (built-in GEMM)"
    }

    /// 64-byte aligned memory (one cache line, one AVX-512 register); a large block freed earlier
    /// is reused when one of the same size is cached (see ``Flint/cachedMemoryLimit``).
    ///
    /// ```swift
    /// let block = CPUBackend.shared.allocate(byteCount: 1 << 20)
    /// CPUBackend.shared.deallocate(block, byteCount: 1 << 20)
    /// ```
    public func allocate(byteCount: Int) -> UnsafeMutableRawPointer {
        HostMemoryCache.shared.allocate(byteCount: byteCount)
    }

    /// Takes back memory from ``allocate(byteCount:)``: a large block is kept for reuse (up to
    /// ``Flint/cachedMemoryLimit``), anything else is freed.
    ///
    /// ```swift
    /// let block = CPUBackend.shared.allocate(byteCount: 256)
    /// CPUBackend.shared.deallocate(block, byteCount: 256)
    /// ```
    public func deallocate(_ pointer: UnsafeMutableRawPointer, byteCount: Int) {
        HostMemoryCache.shared.release(pointer, byteCount: byteCount)
    }

    /// Runs the product through OpenBLAS, or the built-in GEMM when OpenBLAS is missing.
    public func gemm<T: FloatElement>(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: T,
        a: UnsafePointer<T>, lda: Int, b: UnsafePointer<T>, ldb: Int,
        beta: T, c: UnsafeMutablePointer<T>, ldc: Int
    ) {
        GEMM.multiply(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: alpha,
                      a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
    }
}
