import Flint

/// A least-recently-used cache of rows of `rowLength` doubles, bounded by a byte budget (LIBSVM's
/// `Cache`, scikit-learn's `cache_size`). Rows are computed on a miss by `compute`. At least two rows
/// always fit, so the two rows of a working pair never evict each other.
final class SVMKernelCache {
    let rowLength: Int
    let capacity: Int
    private let storage: UnsafeMutablePointer<Double>
    private let compute: (Int, UnsafeMutablePointer<Double>) -> Void
    /// The slot of each row, or -1.
    private var slotOfRow: [Int]
    /// The row held by each slot, or -1.
    private var rowOfSlot: [Int]
    /// A doubly linked list of used slots, most recent at `head`.
    private var previous: [Int], next: [Int]
    private var head = -1, tail = -1, used = 0
    /// Misses served by `compute` (for tests and tuning).
    private(set) var computedRows = 0

    init(rows: Int, rowLength: Int, cacheBytes: Int, compute: @escaping (Int, UnsafeMutablePointer<Double>) -> Void) {
        self.rowLength = rowLength
        capacity = Swift.min(rows, Swift.max(2, cacheBytes / Swift.max(1, rowLength * MemoryLayout<Double>.stride)))
        storage = .allocate(capacity: capacity * rowLength)
        self.compute = compute
        slotOfRow = [Int](repeating: -1, count: rows)
        rowOfSlot = [Int](repeating: -1, count: capacity)
        previous = [Int](repeating: -1, count: capacity)
        next = [Int](repeating: -1, count: capacity)
    }

    deinit { storage.deallocate() }

    /// Row `index`, computed on a miss; valid until two other rows have been fetched.
    func row(_ index: Int) -> UnsafePointer<Double> {
        let slot = slotOfRow[index]
        if slot >= 0 {
            moveToFront(slot)
            return UnsafePointer(storage + slot * rowLength)
        }
        let target: Int
        if used < capacity {
            target = used
            used += 1
        } else {
            target = tail
            unlink(target)
            slotOfRow[rowOfSlot[target]] = -1
        }
        rowOfSlot[target] = index
        slotOfRow[index] = target
        pushFront(target)
        computedRows += 1
        compute(index, storage + target * rowLength)
        return UnsafePointer(storage + target * rowLength)
    }

    private func unlink(_ slot: Int) {
        let before = previous[slot], after = next[slot]
        if before >= 0 { next[before] = after } else { head = after }
        if after >= 0 { previous[after] = before } else { tail = before }
        previous[slot] = -1
        next[slot] = -1
    }

    private func pushFront(_ slot: Int) {
        next[slot] = head
        previous[slot] = -1
        if head >= 0 { previous[head] = slot }
        head = slot
        if tail < 0 { tail = slot }
    }

    private func moveToFront(_ slot: Int) {
        guard head != slot else { return }
        unlink(slot)
        pushFront(slot)
    }
}

/// The matrix `Q` of LIBSVM's dual problem, served row by row: `Q_ij = y_i y_j K(x_i, x_j)` for
/// classification, and for ε-regression the `2n × 2n` matrix built from K over `[x; x]` with signs `[+1; −1]`.
/// Rows are full length (`size`); the pointer of a row stays valid until two other rows are fetched.
final class SVMQMatrix {
    let size: Int
    let diagonal: [Double]
    private let provider: (Int) -> UnsafePointer<Double>
    /// Keeps whatever owns the rows alive.
    private let owner: AnyObject?

    init(size: Int, diagonal: [Double], owner: AnyObject?, provider: @escaping (Int) -> UnsafePointer<Double>) {
        self.size = size
        self.diagonal = diagonal
        self.owner = owner
        self.provider = provider
    }

    @inline(__always) func row(_ index: Int) -> UnsafePointer<Double> { provider(index) }

    /// Rows stored in one owned buffer.
    final class DenseRows {
        let pointer: UnsafeMutablePointer<Double>
        init(count: Int) { pointer = .allocate(capacity: Swift.max(count, 1)) }
        deinit { pointer.deallocate() }
    }

    /// Classification Q for the rows `indices` of a precomputed kernel matrix `gram` (`[n, n]`) with labels ±1.
    static func classification(gram: UnsafePointer<Double>, gramSize: Int, indices: [Int], signs: [Double]) -> SVMQMatrix {
        let count = indices.count
        let dense = DenseRows(count: count * count)
        indices.withUnsafeBufferPointer { indexBuffer in
            signs.withUnsafeBufferPointer { signBuffer in
                let index = indexBuffer.baseAddress!, sign = signBuffer.baseAddress!
                for i in 0..<count {
                    let source = gram + index[i] * gramSize, target = dense.pointer + i * count, signI = sign[i]
                    for j in 0..<count { target[j] = signI * sign[j] * source[index[j]] }
                }
            }
        }
        let diagonal = (0..<count).map { dense.pointer[$0 * count + $0] }
        let base = dense.pointer
        return SVMQMatrix(size: count, diagonal: diagonal, owner: dense) { UnsafePointer(base + $0 * count) }
    }

    /// Classification Q computed row by row from `rows` and kept in an LRU cache of `cacheBytes`.
    static func classification(rows: SVMTrainingRows, kernel: KernelFunction, signs: [Double], cacheBytes: Int) -> SVMQMatrix {
        let count = rows.rows
        let cache = SVMKernelCache(rows: count, rowLength: count, cacheBytes: cacheBytes) { index, output in
            rows.values.withUnsafeBufferPointer { x in
                rows.norms.withUnsafeBufferPointer { norms in
                    kernel.row(index, matrix: x.baseAddress!, rows: count, columns: rows.columns, norms: norms.baseAddress!, into: output)
                }
            }
            let sign = signs[index]
            for j in 0..<count { output[j] *= sign * signs[j] }
        }
        let diagonal = rows.norms.map { kernel.diagonal(squaredNorm: $0) }
        return SVMQMatrix(size: count, diagonal: diagonal, owner: cache) { cache.row($0) }
    }

    /// ε-regression Q (`2n × 2n`) over kernel rows from `kernelRow` (length n), expanded into two
    /// alternating buffers as LIBSVM's `SVR_Q` does.
    static func regression(count: Int, kernelDiagonal: [Double], owner: AnyObject, kernelRow: @escaping (Int) -> UnsafePointer<Double>) -> SVMQMatrix {
        let buffers = DenseRows(count: 4 * count)
        var which = 0
        let provider: (Int) -> UnsafePointer<Double> = { index in
            let base = index < count ? index : index - count
            let sign: Double = index < count ? 1 : -1
            let source = kernelRow(base)
            let target = buffers.pointer + which * 2 * count
            which = 1 - which
            for j in 0..<count {
                let value = sign * source[j]
                target[j] = value
                target[j + count] = -value
            }
            return UnsafePointer(target)
        }
        final class Owners { let a: AnyObject, b: AnyObject; init(_ a: AnyObject, _ b: AnyObject) { self.a = a; self.b = b } }
        return SVMQMatrix(size: 2 * count, diagonal: kernelDiagonal + kernelDiagonal, owner: Owners(owner, buffers), provider: provider)
    }
}
