import Foundation

/// Grows one CART tree depth-first (scikit-learn's `DepthFirstTreeBuilder` with `BestSplitter`): at
/// each node the candidate features are drawn in random order, each feature's values are sorted once,
/// and every midpoint between distinct neighbouring values is scored by the impurity decrease.
struct TreeBuilder {
    let data: TreeTrainingData
    let settings: TreeSettings
    /// Sample weights (bootstrap counts); rows of weight 0 are left out.
    let weights: [Double]
    var random: TreeRandom

    private struct Pending { var start: Int, end: Int, depth: Int, parent: Int, isLeft: Bool }

    /// Builds the tree; `leafOfSample`, when asked, receives each weighted row's leaf.
    mutating func build(recordLeaves: Bool = false) -> (tree: TreeStructure, leafOfSample: [Int32]) {
        let outputs = settings.criterion == nil ? 1 : settings.classCount
        var tree = TreeStructure(outputs: outputs, features: data.features)
        var samples = (0..<data.rows).filter { weights[$0] > 0 }.map { Int32($0) }
        var leafOfSample = [Int32](repeating: -1, count: recordLeaves ? data.rows : 0)
        var featureOrder = Array(0..<data.features)
        var keyed = [SortKey](repeating: SortKey(value: 0, sample: 0), count: samples.count)
        var stack = [Pending(start: 0, end: samples.count, depth: 0, parent: -1, isLeft: false)]
        var nodeStatistics = [Double](repeating: 0, count: max(outputs, 2))
        while let pending = stack.popLast() {
            let node = tree.nodeCount
            if pending.parent >= 0 {
                if pending.isLeft { tree.left[pending.parent] = Int32(node) } else { tree.right[pending.parent] = Int32(node) }
            }
            tree.depth = max(tree.depth, pending.depth)
            let (weight, impurity) = statistics(samples, pending.start, pending.end, into: &nodeStatistics)
            tree.feature.append(-1); tree.threshold.append(-2); tree.left.append(-1); tree.right.append(-1)
            if settings.criterion == nil {
                tree.values.append(nodeStatistics[0] / weight)
            } else {
                for k in 0..<outputs { tree.values.append(nodeStatistics[k] / weight) }
            }
            let count = pending.end - pending.start
            var isLeaf = count < settings.minSamplesSplit || count < 2 * settings.minSamplesLeaf || impurity <= Double.ulpOfOne
            if let maxDepth = settings.maxDepth, pending.depth >= maxDepth { isLeaf = true }
            var split = Split()
            if !isLeaf {
                split = bestSplit(samples, pending.start, pending.end, featureOrder: &featureOrder, keyed: &keyed, parent: nodeStatistics, parentWeight: weight)
                isLeaf = split.feature < 0
            }
            if isLeaf {
                if recordLeaves { for position in pending.start..<pending.end { leafOfSample[Int(samples[position])] = Int32(node) } }
                continue
            }
            // Partition the node's rows: value <= threshold first.
            let middle = partition(&samples, pending.start, pending.end, feature: split.feature, threshold: split.threshold)
            var childStatistics = [Double](repeating: 0, count: nodeStatistics.count)
            let (leftWeight, leftImpurity) = statistics(samples, pending.start, middle, into: &childStatistics)
            let (rightWeight, rightImpurity) = statistics(samples, middle, pending.end, into: &childStatistics)
            tree.importances[split.feature] += weight * impurity - leftWeight * leftImpurity - rightWeight * rightImpurity
            tree.feature[node] = Int32(split.feature)
            tree.threshold[node] = split.threshold
            // Right pushed first so the left child is built (and numbered) first, as scikit-learn does.
            stack.append(Pending(start: middle, end: pending.end, depth: pending.depth + 1, parent: node, isLeft: false))
            stack.append(Pending(start: pending.start, end: middle, depth: pending.depth + 1, parent: node, isLeft: true))
        }
        return (tree, leafOfSample)
    }

    /// Weighted class counts (or weighted sum and sum of squares) of `samples[start..<end]` into
    /// `statistics`; returns the weight and the impurity.
    private func statistics(_ samples: [Int32], _ start: Int, _ end: Int, into statistics: inout [Double]) -> (Double, Double) {
        for index in statistics.indices { statistics[index] = 0 }
        var weight = 0.0
        if settings.criterion == nil {
            var sum = 0.0, squares = 0.0
            for position in start..<end {
                let sample = Int(samples[position]), w = weights[sample], y = data.targets[sample]
                weight += w; sum += w * y; squares += w * y * y
            }
            statistics[0] = sum; statistics[1] = squares
            let mean = sum / weight
            return (weight, max(0, squares / weight - mean * mean))
        }
        for position in start..<end {
            let sample = Int(samples[position]), w = weights[sample]
            statistics[Int(data.classIndex[sample])] += w
            weight += w
        }
        return (weight, classImpurity(statistics, settings.classCount, weight))
    }

    private func classImpurity(_ counts: [Double], _ classes: Int, _ weight: Double) -> Double {
        var result = 0.0
        if settings.criterion == .gini {
            for k in 0..<classes { let p = counts[k] / weight; result += p * p }
            return 1 - result
        }
        for k in 0..<classes where counts[k] > 0 { let p = counts[k] / weight; result -= p * Foundation.log2(p) }
        return result
    }

    /// Moves rows with `value <= threshold` to the front of the range; returns where the rest begin.
    private func partition(_ samples: inout [Int32], _ start: Int, _ end: Int, feature: Int, threshold: Double) -> Int {
        var low = start, high = end - 1
        let base = feature * data.rows
        while low <= high {
            if data.columns[base + Int(samples[low])] <= threshold { low += 1 } else { samples.swapAt(low, high); high -= 1 }
        }
        return low
    }
}
