import Foundation
import Testing
@testable import Flint

/// The cache of freed tensor buffers: reuse, the size floor, the limit, and concurrent use.
/// Each test makes its own cache, so tests running in parallel do not see each other's blocks.
@Suite struct HostMemoryCacheTests {
    static let megabyte = 1 << 20

    @Test func aFreedLargeBlockIsHandedOutAgainForTheSameSize() {
        let cache = HostMemoryCache(limitBytes: 64 * Self.megabyte)
        let first = cache.allocate(byteCount: Self.megabyte)
        #expect(Int(bitPattern: first) % 64 == 0)
        cache.release(first, byteCount: Self.megabyte)
        #expect(cache.cachedBytes == Self.megabyte)
        // A request that rounds up to the same whole pages gets the same block back.
        let second = cache.allocate(byteCount: Self.megabyte - 100)
        #expect(second == first)
        #expect(cache.cachedBytes == 0)
        cache.release(second, byteCount: Self.megabyte - 100)
        cache.empty()
        #expect(cache.cachedBytes == 0)
    }

    @Test func smallBlocksGoStraightBackToTheSystem() {
        let cache = HostMemoryCache(limitBytes: 64 * Self.megabyte)
        let small = cache.allocate(byteCount: HostMemoryCache.minimumBlockBytes - 4096)
        cache.release(small, byteCount: HostMemoryCache.minimumBlockBytes - 4096)
        #expect(cache.cachedBytes == 0)
        let empty = cache.allocate(byteCount: 0)
        cache.release(empty, byteCount: 0)
        #expect(cache.cachedBytes == 0)
    }

    @Test func theLimitEvictsTheBlocksReleasedLongestAgo() {
        let cache = HostMemoryCache(limitBytes: 3 * Self.megabyte)
        let blocks = (0..<4).map { _ in cache.allocate(byteCount: Self.megabyte) }
        let larger = cache.allocate(byteCount: 2 * Self.megabyte)
        for block in blocks { cache.release(block, byteCount: Self.megabyte) }
        #expect(cache.cachedBytes == 3 * Self.megabyte)
        // Releasing 2 MB evicts the two oldest 1 MB blocks (blocks[1] and blocks[2]).
        cache.release(larger, byteCount: 2 * Self.megabyte)
        #expect(cache.cachedBytes == 3 * Self.megabyte)
        #expect(cache.allocate(byteCount: 2 * Self.megabyte) == larger)
        #expect(cache.allocate(byteCount: Self.megabyte) == blocks[3])
        #expect(cache.cachedBytes == 0)
        cache.release(larger, byteCount: 2 * Self.megabyte)
        cache.release(blocks[3], byteCount: Self.megabyte)
        // A block larger than the whole limit is never kept; lowering the limit frees blocks.
        let huge = cache.allocate(byteCount: 4 * Self.megabyte)
        cache.release(huge, byteCount: 4 * Self.megabyte)
        #expect(cache.cachedBytes == 3 * Self.megabyte)
        cache.limitBytes = Self.megabyte
        #expect(cache.cachedBytes == Self.megabyte)
        #expect(cache.limitBytes == Self.megabyte)
        cache.limitBytes = 0
        #expect(cache.cachedBytes == 0)
    }

    @Test func threadsSharingTheCacheNeverGetTheSameBlock() async {
        let cache = HostMemoryCache(limitBytes: 16 * Self.megabyte)
        let sizes = [HostMemoryCache.minimumBlockBytes, Self.megabyte, 2 * Self.megabyte]
        let failures = await withTaskGroup(of: Int.self) { group in
            for task in 0..<4 {
                group.addTask {
                    var failures = 0
                    for round in 0..<100 {
                        let bytes = sizes[(task + round) % sizes.count]
                        let count = bytes / MemoryLayout<Int32>.stride
                        let block = cache.allocate(Int32.self, count: count)
                        let mark = Int32(task * 1_000_000 + round)
                        // Marks at both ends and the middle: a block given to two tasks at once
                        // would show the other task's mark after the yield.
                        for index in [0, count / 2, count - 1] { block[index] = mark }
                        await Task.yield()
                        if block[0] != mark || block[count / 2] != mark || block[count - 1] != mark { failures += 1 }
                        cache.release(block, count: count)
                    }
                    return failures
                }
            }
            return await group.reduce(0, +)
        }
        #expect(failures == 0)
        #expect(cache.cachedBytes <= 16 * Self.megabyte)
        cache.empty()
    }

    @Test func aBlockSmallerThanItsClaimedSizeIsNotKept() {
        let cache = HostMemoryCache(limitBytes: 64 * Self.megabyte)
        let block = cache.allocate(byteCount: Self.megabyte)
        // A caller claiming 4 MB for a 1 MB block: keeping it would hand 1 MB out for 4 MB.
        cache.release(block, byteCount: 4 * Self.megabyte)
        #expect(cache.cachedBytes == 0)
    }

    @Test func tensorsMadeFromReusedBuffersStartFromTheirOwnValues() {
        // A freed 2 MiB buffer full of sevens is handed out for the next tensor of that size (when
        // no other test takes it first): zeros, ones and a matrix product into it must not see the
        // old values.
        var reused = 0
        func storageAddress(_ tensor: Tensor) -> UnsafeMutableRawPointer { tensor.impl.storage.base }
        for _ in 0..<10 {
            var address = storageAddress(Tensor.full([512, 1024], 7))
            let zeros = Tensor.zeros([512, 1024])
            if storageAddress(zeros) == address { reused += 1 }
            #expect(zeros.abs().max().item() == 0)
            address = storageAddress(Tensor.full([512, 1024], 7))
            let ones = Tensor.ones([512, 1024])
            if storageAddress(ones) == address { reused += 1 }
            #expect(ones.sum().item() == 512 * 1024)
            address = storageAddress(Tensor.full([512, 1024], 7))
            let product = Tensor.ones([512, 8]).matmul(Tensor.ones([8, 1024]))
            if storageAddress(product) == address { reused += 1 }
            #expect(product.min().item() == 8 && product.max().item() == 8)
            let column = Tensor.full([1024, 512], 7).matmul(Tensor.ones([512, 1]))   // a matrix-vector product
            #expect(column.min().item() == 7 * 512 && column.max().item() == 7 * 512)
        }
        if Flint.cachedMemoryLimit >= 2 * Self.megabyte { #expect(reused > 0) }
    }
}
