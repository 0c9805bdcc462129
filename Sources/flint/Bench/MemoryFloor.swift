import Flint

/// The least time this machine needs to read a block of memory once with Flint's threads: the
/// practical floor of a workload bound by streaming its weights, such as batch-1 inference
/// (`mlp-infer-b1` reads each of its 2.1 MB of weights once per call).
///
/// The block is read the way the matrix-vector kernel reads weights (eight-float loads into
/// independent sums, contiguous parts split over the threads as Flint's kernels split work, in
/// one parallel region) but with no arithmetic beyond the sums, no bias, no activations and no
/// tensors; the same block is read again on every call, so it is served from whichever caches
/// hold it, as the weights are. A figure well above the floor is Flint's overhead, and a target
/// below it needs a machine that reads memory faster.
///
/// ```swift
/// let microseconds = MemoryFloor.readSeconds(byteCount: 2_140_160, seconds: 1) * 1e6
/// ```
enum MemoryFloor {
    /// Floats summed per chunk step: eight independent sums of eight lanes.
    private static let floatsPerStep = 64

    /// The fastest time, in seconds, to read `byteCount` bytes (rounded up to 256) once, measured
    /// for about `seconds` as ``bestSecondsPerCall(seconds:warmup:_:)`` measures workloads.
    static func readSeconds(byteCount: Int, seconds: Double) -> Double {
        precondition(byteCount > 0, "MemoryFloor: the block to read must not be empty")
        let steps = (byteCount + floatsPerStep * 4 - 1) / (floatsPerStep * 4)
        let rawBlock = UnsafeMutableRawPointer.allocate(byteCount: steps * floatsPerStep * 4, alignment: 64)
        defer { rawBlock.deallocate() }
        let block = rawBlock.bindMemory(to: Float.self, capacity: steps * floatsPerStep)
        for index in 0..<steps * floatsPerStep { block[index] = Float(index % 7) * 1e-3 }
        // Each chunk stores its total in the slot of its first step, and the totals are checked
        // afterwards, so the compiler cannot drop the reads.
        let sums = UnsafeMutablePointer<Float>.allocate(capacity: steps)
        sums.initialize(repeating: 0, count: steps)
        defer { sums.deallocate() }
        let reading = UncheckedReadBlock(block: UnsafePointer(block), sums: sums)
        let seconds = bestSecondsPerCall(seconds: seconds) {
            parallelChunks(steps, costPerItem: floatsPerStep) { range in reading.sum(steps: range) }
        }
        let total = (0..<steps).reduce(Float(0)) { $0 + sums[$1] }
        precondition(total.isFinite && total > 0, "MemoryFloor: the block's sum is \(total); the read went wrong")
        return seconds
    }
}

/// The block and the sums' slots, shared by the threads of one read (each writes its own slots).
private struct UncheckedReadBlock: @unchecked Sendable {
    let block: UnsafePointer<Float>
    let sums: UnsafeMutablePointer<Float>

    /// Sums the floats of `steps` (64 per step) into eight running vectors and stores the total
    /// in the range's first slot.
    func sum(steps: Range<Int>) {
        var s0 = SIMD8<Float>(), s1 = s0, s2 = s0, s3 = s0, s4 = s0, s5 = s0, s6 = s0, s7 = s0
        let raw = UnsafeRawPointer(block)
        for step in steps {
            let offset = step * 256
            s0 += raw.loadUnaligned(fromByteOffset: offset, as: SIMD8<Float>.self)
            s1 += raw.loadUnaligned(fromByteOffset: offset + 32, as: SIMD8<Float>.self)
            s2 += raw.loadUnaligned(fromByteOffset: offset + 64, as: SIMD8<Float>.self)
            s3 += raw.loadUnaligned(fromByteOffset: offset + 96, as: SIMD8<Float>.self)
            s4 += raw.loadUnaligned(fromByteOffset: offset + 128, as: SIMD8<Float>.self)
            s5 += raw.loadUnaligned(fromByteOffset: offset + 160, as: SIMD8<Float>.self)
            s6 += raw.loadUnaligned(fromByteOffset: offset + 192, as: SIMD8<Float>.self)
            s7 += raw.loadUnaligned(fromByteOffset: offset + 224, as: SIMD8<Float>.self)
        }
        sums[steps.lowerBound] = ((s0 + s1) + (s2 + s3) + ((s4 + s5) + (s6 + s7))).sum()
    }
}
