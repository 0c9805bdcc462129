import CFlintSupport
import Foundation

/// Library-wide settings: the random seed, threads, and what Flint runs on.
///
/// ```swift
/// Flint.seed(42)          // reproducible runs
/// Flint.threadCount = 1   // single-threaded kernels
/// print(Flint.info.blasCoreType ?? "built-in GEMM")
/// ```
public enum Flint {
    /// Flint's version.
    ///
    /// ```swift
    /// print(Flint.version)
    /// ```
    public static let version = "0.1.0"

    /// Reseeds the shared random generator so that a run gives the same tensors every time, on any
    /// thread count.
    ///
    /// ```swift
    /// Flint.seed(42)
    /// let a = Tensor.randn([3])
    /// Flint.seed(42)
    /// let b = Tensor.randn([3])   // equal to a
    /// ```
    public static func seed(_ value: UInt64) { RandomGenerator.shared.reseed(value) }

    /// The shared random generator's position: read it to save it (in a checkpoint), set it to
    /// replay the same random values from there.
    ///
    /// ```swift
    /// let saved = Flint.randomState
    /// let mask = Tensor.bernoulli([4], probability: 0.5)
    /// Flint.randomState = saved
    /// let again = Tensor.bernoulli([4], probability: 0.5)   // equal to mask
    /// ```
    public static var randomState: RandomState {
        get { RandomGenerator.shared.state }
        set { RandomGenerator.shared.state = newValue }
    }

    /// The number of threads Flint's kernels and matrix products use (default: the
    /// `FLINT_NUM_THREADS` environment variable, else every core). OpenBLAS itself always runs
    /// single-threaded: Flint splits large products over its own threads.
    ///
    /// ```swift
    /// Flint.threadCount = 2
    /// ```
    public static var threadCount: Int {
        get { ThreadSettings.threadCount }
        set {
            ThreadSettings.threadCount = newValue
        }
    }

    /// The most bytes of freed tensor memory Flint keeps to reuse (default: the
    /// `FLINT_CACHED_MEMORY_LIMIT` environment variable, else an eighth of physical memory, at most
    /// 1 GiB; 0 turns the cache off). Only blocks of 256 KiB or more are kept; a training step then
    /// reuses last step's buffers instead of asking the kernel for fresh pages each time. Lowering
    /// the limit frees the blocks unused for longest.
    ///
    /// ```swift
    /// Flint.cachedMemoryLimit = 256 << 20   // 256 MiB
    /// ```
    public static var cachedMemoryLimit: Int {
        get { HostMemoryCache.shared.limitBytes }
        set { HostMemoryCache.shared.limitBytes = newValue }
    }

    /// The bytes of freed tensor memory Flint holds for reuse right now.
    ///
    /// ```swift
    /// print(Flint.cachedMemoryBytes)
    /// ```
    public static var cachedMemoryBytes: Int { HostMemoryCache.shared.cachedBytes }

    /// Gives every cached block of freed tensor memory back to the system (as PyTorch's
    /// `torch.cuda.empty_cache()`); the cache fills again as tensors are freed.
    ///
    /// ```swift
    /// Flint.emptyCache()
    /// ```
    public static func emptyCache() { HostMemoryCache.shared.empty() }

    /// What this build of Flint runs on.
    ///
    /// ```swift
    /// print(Flint.info.simdInstructionSet)  // "AVX2"
    /// ```
    public static var info: RuntimeInfo {
        let library = BLASLibrary.shared
        return RuntimeInfo(
            version: version,
            blasLibrary: library?.path,
            blasConfiguration: library?.configuration,
            blasCoreType: library?.coreName,
            blasCoreTypeRequested: library?.requestedCoreType,
            blasThreads: library?.threadCount,
            threads: threadCount,
            simdBits: Int(flint_compiled_simd_bits()),
            simdInstructionSet: String(cString: flint_compiled_simd_name()),
            processorCount: ProcessInfo.processInfo.activeProcessorCount,
            cachedMemoryLimit: cachedMemoryLimit
        )
    }
}

/// A description of Flint's runtime: the BLAS library it loaded and the SIMD width it was built for.
///
/// ```swift
/// let info = Flint.info
/// print(info.blasLibrary ?? "none", info.threads)
/// ```
public struct RuntimeInfo: Sendable, Codable {
    /// Flint's version.
    public let version: String
    /// The path of the loaded BLAS library, or nil when Flint uses its built-in GEMM.
    public let blasLibrary: String?
    /// OpenBLAS's build description (includes its version).
    public let blasConfiguration: String?
    /// The kernel family OpenBLAS runs ("Zen", "Haswell", "SkylakeX", …).
    public let blasCoreType: String?
    /// The core type Flint chose from CPUID, or nil if the user's `OPENBLAS_CORETYPE` was kept.
    public let blasCoreTypeRequested: String?
    /// OpenBLAS's thread count.
    public let blasThreads: Int?
    /// Flint's own kernel thread count.
    public let threads: Int
    /// The widest SIMD register width this build was compiled for, in bits.
    public let simdBits: Int
    /// The instruction set this build was compiled for ("AVX-512", "AVX2", "SSE2", …).
    public let simdInstructionSet: String
    /// The number of processors available.
    public let processorCount: Int
    /// The most bytes of freed tensor memory kept for reuse (``Flint/cachedMemoryLimit``).
    public let cachedMemoryLimit: Int
}
