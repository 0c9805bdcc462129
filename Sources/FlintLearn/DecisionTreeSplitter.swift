import Foundation

/// The best-split search of ``TreeBuilder`` over raw buffers.
extension TreeBuilder {
    struct SortKey { var value: Double; var sample: Int32 }
    struct Split { var feature = -1, threshold = 0.0, proxy = -Double.infinity }

    /// The best split of `samples[start..<end]` over up to `maxFeatures` non-constant features drawn
    /// in random order; `feature < 0` when no split respects `minSamplesLeaf`.
    /// `parent` holds the node's class weights (or weighted sum of targets first).
    mutating func bestSplit(_ samples: [Int32], _ start: Int, _ end: Int, featureOrder: inout [Int],
                            keyed: inout [SortKey], parent: [Double], parentWeight: Double) -> Split {
        var best = Split()
        var visited = 0
        let count = end - start
        let featureCount = data.features
        var leftCounts = [Double](repeating: 0, count: max(settings.classCount, 1))
        // Which rows belong to this node, when the columns come presorted.
        var inNode: [Bool]? = nil
        if !data.sortedRows.isEmpty {
            var marks = [Bool](repeating: false, count: data.rows)
            for position in start..<end { marks[Int(samples[position])] = true }
            inNode = marks
        }
        for drawn in 0..<featureCount {
            if visited >= settings.maxFeatures { break }
            featureOrder.swapAt(drawn, drawn + random.below(featureCount - drawn))
            let feature = featureOrder[drawn]
            if !data.sortedRows.isEmpty, let inNode {
                // Presorted columns (gradient boosting): walk the feature's global order, keeping the node's rows.
                keyed.withUnsafeMutableBufferPointer { keyed in
                    data.columns.withUnsafeBufferPointer { columns in
                        data.sortedRows.withUnsafeBufferPointer { sorted in
                            inNode.withUnsafeBufferPointer { inNode in
                                let base = feature * data.rows
                                var position = 0
                                for index in base..<(base + data.rows) {
                                    let sample = sorted[index]
                                    if inNode[Int(sample)] { keyed[position] = SortKey(value: columns[base + Int(sample)], sample: sample); position += 1 }
                                }
                            }
                        }
                    }
                }
            } else {
                keyed.withUnsafeMutableBufferPointer { keyed in
                    data.columns.withUnsafeBufferPointer { columns in
                        let base = feature * data.rows
                        for position in 0..<count {
                            let sample = samples[start + position]
                            keyed[position] = SortKey(value: columns[base + Int(sample)], sample: sample)
                        }
                    }
                    Self.sortByValue(UnsafeMutableBufferPointer(rebasing: keyed[0..<count]))
                }
            }
            if keyed[count - 1].value <= keyed[0].value + Self.splitTolerance { continue }
            visited += 1
            let candidate = keyed.withUnsafeBufferPointer { keyed in
                leftCounts.withUnsafeMutableBufferPointer { leftCounts in
                    parent.withUnsafeBufferPointer { parent in
                        sweep(keyed, count: count, leftCounts: leftCounts, parent: parent, parentWeight: parentWeight)
                    }
                }
            }
            if candidate.proxy > best.proxy { best = Split(feature: feature, threshold: candidate.threshold, proxy: candidate.proxy) }
        }
        return best
    }

    static var splitTolerance: Double { 1e-7 }

    /// Sorts keys by value in place: introsort-style quicksort with a median-of-three pivot and a
    /// three-way partition (features often hold few distinct values, which a two-way partition or a
    /// merge sort handles poorly), insertion sort below 16 keys. The order of equal values does not
    /// matter to the split search, which never splits between them.
    static func sortByValue(_ keys: UnsafeMutableBufferPointer<SortKey>) {
        var low = 0, high = keys.count
        // Recurse into the smaller side, loop on the larger: stack depth stays O(log n).
        while high - low > 16 {
            let middle = low + (high - low) / 2
            var a = keys[low].value, b = keys[middle].value, c = keys[high - 1].value
            if a > b { swap(&a, &b) }
            if b > c { swap(&b, &c) }
            if a > b { swap(&a, &b) }
            let pivot = b
            // Dutch flag: [low, less) < pivot, [less, index) == pivot, (greater, high) > pivot.
            var less = low, index = low, greater = high - 1
            while index <= greater {
                let value = keys[index].value
                if value < pivot {
                    keys.swapAt(less, index); less += 1; index += 1
                } else if value > pivot {
                    keys.swapAt(index, greater); greater -= 1
                } else {
                    index += 1
                }
            }
            if less - low < high - (greater + 1) {
                sortByValue(UnsafeMutableBufferPointer(rebasing: keys[low..<less]))
                low = greater + 1
            } else {
                sortByValue(UnsafeMutableBufferPointer(rebasing: keys[(greater + 1)..<high]))
                high = less
            }
        }
        guard high - low > 1 else { return }
        for index in (low + 1)..<high {
            let key = keys[index]
            var position = index
            while position > low && keys[position - 1].value > key.value {
                keys[position] = keys[position - 1]
                position -= 1
            }
            keys[position] = key
        }
    }

    /// Scores every admissible threshold of one sorted feature; returns the best (proxy, threshold).
    private func sweep(_ keyed: UnsafeBufferPointer<SortKey>, count: Int, leftCounts: UnsafeMutableBufferPointer<Double>,
                       parent: UnsafeBufferPointer<Double>, parentWeight: Double) -> (proxy: Double, threshold: Double) {
        let minLeaf = settings.minSamplesLeaf
        var bestProxy = -Double.infinity, bestThreshold = 0.0
        var leftWeight = 0.0
        let tolerance = Self.splitTolerance
        weights.withUnsafeBufferPointer { weights in
            func consider(_ position: Int, _ proxy: Double) {
                if proxy > bestProxy {
                    bestProxy = proxy
                    let low = keyed[position].value, high = keyed[position + 1].value
                    var threshold = low / 2 + high / 2
                    if threshold == high || !threshold.isFinite { threshold = low }
                    bestThreshold = threshold
                }
            }
            func admissible(_ position: Int) -> Bool {
                keyed[position + 1].value > keyed[position].value + tolerance && position + 1 >= minLeaf && count - position - 1 >= minLeaf
            }
            switch settings.criterion {
            case nil:
                data.targets.withUnsafeBufferPointer { targets in
                    let parentSum = parent[0]
                    var leftSum = 0.0
                    for position in 0..<(count - 1) {
                        let sample = Int(keyed[position].sample), w = weights[sample]
                        leftWeight += w; leftSum += w * targets[sample]
                        guard admissible(position) else { continue }
                        let rightWeight = parentWeight - leftWeight, rightSum = parentSum - leftSum
                        consider(position, leftSum * leftSum / leftWeight + rightSum * rightSum / rightWeight)
                    }
                }
            case .gini?:
                data.classIndex.withUnsafeBufferPointer { classIndex in
                    for k in 0..<settings.classCount { leftCounts[k] = 0 }
                    var leftSquares = 0.0, rightSquares = 0.0
                    for k in 0..<settings.classCount { rightSquares += parent[k] * parent[k] }
                    for position in 0..<(count - 1) {
                        let sample = Int(keyed[position].sample), w = weights[sample], k = Int(classIndex[sample])
                        let left = leftCounts[k], right = parent[k] - left
                        leftSquares += w * (2 * left + w)
                        rightSquares += w * (w - 2 * right)
                        leftCounts[k] = left + w
                        leftWeight += w
                        guard admissible(position) else { continue }
                        consider(position, leftSquares / leftWeight + rightSquares / (parentWeight - leftWeight))
                    }
                }
            case .entropy?:
                data.classIndex.withUnsafeBufferPointer { classIndex in
                    func xLogX(_ x: Double) -> Double { x > 0 ? x * Foundation.log(x) : 0 }
                    for k in 0..<settings.classCount { leftCounts[k] = 0 }
                    var leftTerms = 0.0, rightTerms = 0.0
                    for k in 0..<settings.classCount { rightTerms += xLogX(parent[k]) }
                    for position in 0..<(count - 1) {
                        let sample = Int(keyed[position].sample), w = weights[sample], k = Int(classIndex[sample])
                        let left = leftCounts[k], right = parent[k] - left
                        leftTerms += xLogX(left + w) - xLogX(left)
                        rightTerms += xLogX(right - w) - xLogX(right)
                        leftCounts[k] = left + w
                        leftWeight += w
                        guard admissible(position) else { continue }
                        let rightWeight = parentWeight - leftWeight
                        // -(weighted entropies) up to the constant factor 1/ln 2.
                        consider(position, leftTerms - xLogX(leftWeight) + rightTerms - xLogX(rightWeight))
                    }
                }
            }
        }
        return (bestProxy, bestThreshold)
    }
}
