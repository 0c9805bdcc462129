import ArgumentParser
import Flint
import Foundation

/// `flint info`: what Flint runs on (BLAS library and kernels, threads, SIMD width, memory cache limit).
struct InfoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "info",
        abstract: "Show the BLAS library, its CPU kernels, the thread counts, the SIMD width Flint was built for and its memory cache limit.",
        discussion: "Example:\n  flint info --json"
    )

    @Flag(name: .long, help: "Print one JSON object instead of text.")
    var json = false

    func run() throws {
        let info = Flint.info
        if json {
            print(InfoCommand.jsonLine(info))
            return
        }
        print("Flint \(info.version)")
        if let library = info.blasLibrary {
            print("BLAS:      \(library)")
            print("           \(info.blasConfiguration ?? "")")
            let chosen = info.blasCoreTypeRequested == nil ? " (from OPENBLAS_CORETYPE)" : " (chosen by Flint from CPUID)"
            print("Kernels:   \(info.blasCoreType ?? "unknown")\(chosen)")
            print("BLAS threads: \(info.blasThreads ?? 1)")
        } else {
            print("BLAS:      none found; using Flint's built-in GEMM. Install OpenBLAS: sudo apt-get install libopenblas0-pthread")
        }
        print("Threads:   \(info.threads) of \(info.processorCount) processors")
        print("SIMD:      \(info.simdInstructionSet) (\(info.simdBits)-bit), as compiled")
        print("Cache:     \(InfoCommand.describeCacheLimit(info.cachedMemoryLimit)) (FLINT_CACHED_MEMORY_LIMIT)")
    }

    /// The memory cache's limit in words: "off", or how much freed tensor memory is kept.
    static func describeCacheLimit(_ bytes: Int) -> String {
        guard bytes > 0 else { return "off: freed tensor buffers go straight back to the system" }
        let amount = bytes % (1 << 20) == 0 ? "\(bytes >> 20) MiB" : "\(bytes) bytes"
        return "up to \(amount) of freed tensor buffers kept for reuse"
    }

    /// The info as the JSON object `flint info --json` prints.
    static func jsonLine(_ info: RuntimeInfo) -> String {
        let blas: [String: Any] = [
            "library": info.blasLibrary ?? NSNull(),
            "version": info.blasConfiguration ?? NSNull(),
            "coreType": info.blasCoreType ?? NSNull(),
            "coreTypeChosenByFlint": info.blasCoreTypeRequested ?? NSNull(),
            "threads": info.blasThreads ?? NSNull(),
        ]
        let object: [String: Any] = [
            "version": info.version,
            "blas": info.blasLibrary == nil ? NSNull() : blas,
            "threads": info.threads,
            "processors": info.processorCount,
            "simdBits": info.simdBits,
            "simd": info.simdInstructionSet,
            "cachedMemoryLimit": info.cachedMemoryLimit,
        ]
        let data = try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
        return String(decoding: data, as: UTF8.self)
    }
}
