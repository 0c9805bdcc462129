import CFlintSupport
import Foundation
import Synchronization

/// Large host buffers that Flint keeps after their tensors are freed, to hand out again.
///
/// A training step frees and reallocates the same large activations and gradients every step.
/// glibc's `malloc` gives blocks that large back to the kernel (`munmap`, or trimming the heap),
/// so every step took fresh pages: the profile of `gpt-train` showed 190,000 page faults in a
/// three-second run and 7.6% of its time in the kernel clearing and mapping pages. Keeping the
/// blocks, as PyTorch's CUDA caching allocator does on the GPU, removes that work.
///
/// Only requests of ``minimumBlockBytes`` or more are kept (smaller ones are cheap for `malloc`),
/// their sizes rounded up to a multiple of 4 KiB so that a block fits the next request of about
/// the same size, and at most ``limitBytes`` are held; past it the blocks unused for longest go
/// back to the system. A returned block holds whatever its last tensor left there: allocations that must start
/// from zeros clear it themselves. Safe to use from several threads.
///
/// ```swift
/// Flint.cachedMemoryLimit = 256 << 20   // keep at most 256 MiB of freed buffers
/// Flint.emptyCache()                    // give every cached buffer back to the system
/// ```
final class HostMemoryCache: Sendable {
    /// The cache every CPU tensor uses.
    static let shared = HostMemoryCache(limitBytes: defaultLimitBytes())

    /// Requests below this many bytes are not kept: their blocks are freed at once.
    static let minimumBlockBytes = 256 << 10

    /// The default limit: the `FLINT_CACHED_MEMORY_LIMIT` environment variable (bytes, 0 turns the
    /// cache off), else an eighth of the memory this process may use (physical memory, or the
    /// container's limit when that is lower), at most 1 GiB.
    static func defaultLimitBytes() -> Int {
        if let value = EnvironmentSettings.integer("FLINT_CACHED_MEMORY_LIMIT", minimum: 0, meaning: "a number of bytes") {
            return value
        }
        var available = ProcessInfo.processInfo.physicalMemory
        if let container = containerMemoryLimit() { available = min(available, container) }
        return Int(min(available / 8, 1 << 30))
    }

    /// The cgroup's memory limit in bytes (cgroup v2's `memory.max`, or v1's
    /// `memory.limit_in_bytes`), or nil when there is none.
    static func containerMemoryLimit() -> UInt64? {
        for path in ["/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"] {
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { continue }
            // "max" (v2) or a huge number (v1) means no limit.
            if let value = UInt64(text.trimmingCharacters(in: .whitespacesAndNewlines)), value < 1 << 60 { return value }
        }
        return nil
    }

    private struct CachedBlock {
        let address: UInt
        /// When it was released, counted in releases.
        let releasedAt: Int
    }

    private struct State {
        var limitBytes: Int
        var cachedBytes = 0
        var releases = 0
        /// Blocks of each rounded size, in the order they were released.
        var blocksBySize: [Int: [CachedBlock]] = [:]
    }

    private let state: Mutex<State>

    init(limitBytes: Int) {
        state = Mutex(State(limitBytes: max(0, limitBytes)))
    }

    /// How many bytes a request for `byteCount` takes: a multiple of 4 KiB for cacheable sizes.
    static func blockBytes(for byteCount: Int) -> Int {
        let bytes = max(byteCount, 1)
        guard bytes >= minimumBlockBytes else { return bytes }
        return (bytes + 4095) & ~4095
    }

    /// 64-byte aligned memory for `byteCount` bytes: a cached block of the same rounded size when
    /// there is one, else new memory.
    func allocate(byteCount: Int) -> UnsafeMutableRawPointer {
        let bytes = Self.blockBytes(for: byteCount)
        if bytes >= Self.minimumBlockBytes {
            let reused: UInt? = state.withLock { state in
                // The most recently released block of this size is the likeliest to be in cache.
                guard let block = state.blocksBySize[bytes]?.popLast() else { return nil }
                if state.blocksBySize[bytes]?.isEmpty == true { state.blocksBySize[bytes] = nil }
                state.cachedBytes -= bytes
                return block.address
            }
            if let reused, let pointer = UnsafeMutableRawPointer(bitPattern: reused) { return Self.poisoned(pointer, bytes) }
        }
        return Self.poisoned(UnsafeMutableRawPointer.allocate(byteCount: bytes, alignment: 64), bytes)
    }

    /// In debug builds (the tests), fills a block with 0xFF bytes (NaN as floats) so that code
    /// wrongly counting on new memory being zero fails there, whether the block is reused or new.
    @inline(__always)
    private static func poisoned(_ pointer: UnsafeMutableRawPointer, _ byteCount: Int) -> UnsafeMutableRawPointer {
        #if DEBUG
        pointer.initializeMemory(as: UInt8.self, repeating: 0xFF, count: byteCount)
        #endif
        return pointer
    }

    /// Takes back memory from ``allocate(byteCount:)`` (with the same `byteCount`): keeps it when
    /// it is large enough and fits under the limit, frees it otherwise.
    func release(_ pointer: UnsafeMutableRawPointer, byteCount: Int) {
        let bytes = Self.blockBytes(for: byteCount)
        guard bytes >= Self.minimumBlockBytes else {
            pointer.deallocate()
            return
        }
        // A block smaller than the size given (a caller passing the wrong byte count) would
        // overflow when handed out for that size: free it instead of keeping it.
        guard Self.usableBytes(pointer).map({ $0 >= bytes }) ?? true else {
            pointer.deallocate()
            return
        }
        let address = UInt(bitPattern: pointer)
        let evicted: [UInt] = state.withLock { state in
            guard bytes <= state.limitBytes else { return [address] }
            state.releases += 1
            state.blocksBySize[bytes, default: []].append(CachedBlock(address: address, releasedAt: state.releases))
            state.cachedBytes += bytes
            return Self.evictOldest(from: &state)
        }
        Self.free(evicted)
    }

    /// Uninitialised scratch space for `count` values of `T` (a kernel's temporary buffer), from the
    /// cache when a block of that size is there; give it back with ``release(_:count:)``.
    func allocate<T>(_ type: T.Type, count: Int) -> UnsafeMutablePointer<T> {
        let count = max(count, 1)
        return allocate(byteCount: count * MemoryLayout<T>.stride).bindMemory(to: T.self, capacity: count)
    }

    /// Takes back scratch space from ``allocate(_:count:)`` (with the same `count`).
    func release<T>(_ pointer: UnsafeMutablePointer<T>, count: Int) {
        release(UnsafeMutableRawPointer(pointer), byteCount: max(count, 1) * MemoryLayout<T>.stride)
    }

    /// The bytes held for reuse.
    var cachedBytes: Int { state.withLock { $0.cachedBytes } }

    /// The most bytes held for reuse; lowering it frees the blocks unused for longest.
    var limitBytes: Int {
        get { state.withLock { $0.limitBytes } }
        set {
            let evicted: [UInt] = state.withLock { state in
                state.limitBytes = max(0, newValue)
                return Self.evictOldest(from: &state)
            }
            Self.free(evicted)
        }
    }

    /// Frees every cached block.
    func empty() {
        let evicted: [UInt] = state.withLock { state in
            let addresses = state.blocksBySize.values.flatMap { $0.map(\.address) }
            state.blocksBySize.removeAll()
            state.cachedBytes = 0
            return addresses
        }
        Self.free(evicted)
    }

    /// Takes the blocks released longest ago out of the cache until it is within its limit and
    /// returns their addresses, for the caller to free once the lock is released.
    private static func evictOldest(from state: inout State) -> [UInt] {
        var evicted: [UInt] = []
        while state.cachedBytes > state.limitBytes {
            // The oldest block of each size is first in its list; there are few distinct sizes.
            guard let size = state.blocksBySize.min(by: { $0.value[0].releasedAt < $1.value[0].releasedAt })?.key else { break }
            evicted.append(state.blocksBySize[size]!.removeFirst().address)
            if state.blocksBySize[size]!.isEmpty { state.blocksBySize[size] = nil }
            state.cachedBytes -= size
        }
        return evicted
    }

    /// How many bytes the C library says `pointer`'s block has, where it can say.
    private static func usableBytes(_ pointer: UnsafeMutableRawPointer) -> Int? {
        let bytes = Int(flint_usable_block_size(pointer))
        return bytes > 0 ? bytes : nil
    }

    private static func free(_ addresses: [UInt]) {
        for address in addresses { UnsafeMutableRawPointer(bitPattern: address)?.deallocate() }
    }
}
