import CFlintSupport
import Foundation
#if canImport(Glibc)
import Glibc
#endif

typealias GEMMFloat = @convention(c) (Int32, Int32, Int32, Int32, Int32, Int32, Float,
                                      UnsafePointer<Float>?, Int32, UnsafePointer<Float>?, Int32,
                                      Float, UnsafeMutablePointer<Float>?, Int32) -> Void
typealias GEMVFloat = @convention(c) (Int32, Int32, Int32, Int32, Float, UnsafePointer<Float>?, Int32,
                                      UnsafePointer<Float>?, Int32, Float, UnsafeMutablePointer<Float>?, Int32) -> Void
typealias GEMVDouble = @convention(c) (Int32, Int32, Int32, Int32, Double, UnsafePointer<Double>?, Int32,
                                       UnsafePointer<Double>?, Int32, Double, UnsafeMutablePointer<Double>?, Int32) -> Void
typealias GEMMDouble = @convention(c) (Int32, Int32, Int32, Int32, Int32, Int32, Double,
                                       UnsafePointer<Double>?, Int32, UnsafePointer<Double>?, Int32,
                                       Double, UnsafeMutablePointer<Double>?, Int32) -> Void

/// OpenBLAS, loaded at run time so that Flint can choose its CPU kernels first and still run
/// (on its built-in GEMM) where OpenBLAS is not installed.
///
/// Debian's OpenBLAS 0.3.21 does not recognise some newer processors and falls back to slow
/// SSE3 kernels; it reads `OPENBLAS_CORETYPE` when it is loaded, so Flint sets that from CPUID
/// (unless the user already has) before `dlopen`.
final class BLASLibrary: @unchecked Sendable {
    let handle: UnsafeMutableRawPointer
    let path: String
    let sgemm: GEMMFloat
    let dgemm: GEMMDouble
    let sgemv: GEMVFloat
    let dgemv: GEMVDouble
    /// The core type Flint asked for, or nil when the user's `OPENBLAS_CORETYPE` was kept.
    let requestedCoreType: String?

    private init?(path: String, requestedCoreType: String?) {
        guard let handle = dlopen(path, RTLD_NOW | RTLD_GLOBAL) else { return nil }
        guard let sgemm = dlsym(handle, "cblas_sgemm"), let dgemm = dlsym(handle, "cblas_dgemm"),
              let sgemv = dlsym(handle, "cblas_sgemv"), let dgemv = dlsym(handle, "cblas_dgemv") else {
            dlclose(handle)
            return nil
        }
        self.handle = handle
        self.path = path
        self.sgemm = unsafeBitCast(sgemm, to: GEMMFloat.self)
        self.dgemm = unsafeBitCast(dgemm, to: GEMMDouble.self)
        self.sgemv = unsafeBitCast(sgemv, to: GEMVFloat.self)
        self.dgemv = unsafeBitCast(dgemv, to: GEMVDouble.self)
        self.requestedCoreType = requestedCoreType
    }

    /// Looks up a C symbol in the loaded library (LAPACK routines, OpenBLAS extras).
    func symbol<Function>(_ name: String, as type: Function.Type) -> Function? {
        guard let pointer = dlsym(handle, name) else { return nil }
        return unsafeBitCast(pointer, to: Function.self)
    }

    /// The kernel family OpenBLAS runs ("Haswell", "SkylakeX", "Zen", …).
    var coreName: String {
        guard let function = symbol("openblas_get_corename", as: (@convention(c) () -> UnsafePointer<CChar>?).self),
              let text = function() else { return "unknown" }
        return String(cString: text)
    }

    /// OpenBLAS's build description, including its version.
    var configuration: String {
        guard let function = symbol("openblas_get_config", as: (@convention(c) () -> UnsafePointer<CChar>?).self),
              let text = function() else { return "unknown" }
        return String(cString: text)
    }

    /// The number of threads OpenBLAS uses.
    var threadCount: Int {
        get {
            guard let function = symbol("openblas_get_num_threads", as: (@convention(c) () -> Int32).self) else { return 1 }
            return Int(function())
        }
        set {
            guard let function = symbol("openblas_set_num_threads", as: (@convention(c) (Int32) -> Void).self) else { return }
            function(Int32(newValue))
        }
    }

    /// The library Flint uses, loaded on first use; nil when none could be loaded.
    static let shared: BLASLibrary? = load()

    private static func load() -> BLASLibrary? {
        let environment = ProcessInfo.processInfo.environment
        if environment["FLINT_BLAS"] == "builtin" { return nil }
        var requested: String? = nil
        // OpenBLAS's idle threads spin (sched_yield) for 2^28 cycles (about 0.1 s) after each product
        // by default, taking the cores from Flint's own kernels in between: the profile of transformer
        // training showed a quarter of the time there. 2^20 cycles (about 0.3 ms) measured best on
        // both gemm and gpt-train (2^4, sleeping at once, slowed large products by about 10%).
        if environment["OPENBLAS_THREAD_TIMEOUT"] == nil { setenv("OPENBLAS_THREAD_TIMEOUT", "20", 1) }
        if environment["OPENBLAS_CORETYPE"] == nil, let coreType = preferredCoreType() {
            setenv("OPENBLAS_CORETYPE", coreType, 1)
            requested = coreType
        }
        var candidates = ["libopenblas.so.0", "libopenblas.so", "/usr/lib/x86_64-linux-gnu/libopenblas.so.0",
                          "/usr/lib/aarch64-linux-gnu/libopenblas.so.0", "/opt/homebrew/opt/openblas/lib/libopenblas.dylib",
                          "/usr/local/opt/openblas/lib/libopenblas.dylib"]
        if let custom = environment["FLINT_BLAS_LIBRARY"] { candidates.insert(custom, at: 0) }
        for candidate in candidates {
            if let library = BLASLibrary(path: candidate, requestedCoreType: requested) {
                // Flint splits products over its own threads (GEMM.swift).
                library.threadCount = 1
                return library
            }
        }
        return nil
    }

    /// The OpenBLAS core type for this processor, from CPUID: AVX-512 machines get SkylakeX (or
    /// Cooperlake with BF16), AVX2 machines Haswell (Intel) or Zen (AMD).
    static func preferredCoreType() -> String? {
        let features = flint_cpu_features()
        if features.hasAVX512F != 0 { return features.hasAVX512BF16 != 0 ? "Cooperlake" : "SkylakeX" }
        if features.hasAVX2 != 0 && features.hasFMA != 0 { return features.isAMD != 0 ? "Zen" : "Haswell" }
        return nil
    }

    /// Prints, once per process, how to install OpenBLAS when it is missing.
    static let warnOnceIfMissing: Void = {
        if shared == nil && ProcessInfo.processInfo.environment["FLINT_BLAS"] != "builtin" {
            FileHandle.standardError.write(Data("""
                Flint: OpenBLAS was not found, so matrix products use Flint's built-in GEMM (several times slower).
                Install it with: sudo apt-get install libopenblas0-pthread   (or run `make setup` in the Flint checkout)

                """.utf8))
        }
    }()
}
