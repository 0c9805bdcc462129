import Flint
import FlintNN
import Testing

// Mistakes in loss inputs stop the process through `precondition`, with a message naming the loss
// and the shapes or values. Each test runs its body in a child process (a Swift Testing exit test).

/// Checks that the child process's standard error contains every one of `fragments`.
private func expectMessage(_ result: ExitTest.Result?, contains fragments: [String],
                           sourceLocation: SourceLocation = #_sourceLocation) {
    guard let result else { return }  // The exit expectation itself already failed.
    let message = String(decoding: result.standardErrorContent, as: UTF8.self)
    for fragment in fragments {
        #expect(message.contains(fragment), "stderr lacks \"\(fragment)\": \(message)", sourceLocation: sourceLocation)
    }
}

@Suite("Bad loss input stops with a useful message")
struct LossBadInputTests {
    @Test func classIndexOutOfRange() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Loss.crossEntropy(Tensor.zeros([2, 4]), Tensor([1, 7] as [Int64]))
        }
        expectMessage(result, contains: ["crossEntropy", "class index 7", "0..<4", "ignoreIndex -100"])
    }

    @Test func targetShapeMismatch() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Loss.crossEntropy(Tensor.zeros([2, 4]), Tensor([1, 2, 3] as [Int64]))
        }
        expectMessage(result, contains: ["crossEntropy", "[3]", "[2, 4]", "[2]"])
    }

    @Test func negativeProbabilityTarget() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Loss.crossEntropy(Tensor.zeros([1, 3]), Tensor([[0.5, 0.7, -0.2]], dtype: .float32))
        }
        expectMessage(result, contains: ["crossEntropy", "probability target", "-0.2"])
    }

    @Test func classWeightOfWrongLength() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Loss.negativeLogLikelihood(Tensor.zeros([2, 4]), Tensor([1, 0] as [Int64]), weight: Tensor.ones([3]))
        }
        expectMessage(result, contains: ["negativeLogLikelihood", "[3]", "4 classes"])
    }

    @Test func floatTargetsForNegativeLogLikelihood() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Loss.negativeLogLikelihood(Tensor.zeros([2, 4]), Tensor.zeros([2]))
        }
        expectMessage(result, contains: ["negativeLogLikelihood", "class indices", "float32"])
    }

    @Test func regressionShapeMismatch() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Loss.meanSquaredError(Tensor.zeros([2, 3]), Tensor.zeros([3, 2]))
        }
        expectMessage(result, contains: ["meanSquaredError", "[2, 3]", "[3, 2]"])
    }

    @Test func regressionDTypeMismatch() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Loss.l1(Tensor.zeros([2]), Tensor.zeros([2], dtype: .float64))
        }
        expectMessage(result, contains: ["l1", "float32", "float64"])
    }

    @Test func probabilitiesOutsideUnitInterval() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Loss.binaryCrossEntropy(Tensor([0.5, 1.5] as [Float]), Tensor([1, 0] as [Float]))
        }
        expectMessage(result, contains: ["binaryCrossEntropy", "input", "1.5"])
    }

    @Test func batchMeanOutsideKLDivergence() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Loss.meanSquaredError(Tensor.zeros([2]), Tensor.zeros([2]), reduction: .batchMean)
        }
        expectMessage(result, contains: ["meanSquaredError", "batchMean", "klDivergence"])
    }

    @Test func multiMarginExponent() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Loss.multiMargin(Tensor.zeros([2, 3]), Tensor([0, 1] as [Int64]), p: 3)
        }
        expectMessage(result, contains: ["multiMargin", "p must be 1 or 2", "3"])
    }

    @Test func posWeightThatDoesNotBroadcast() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Loss.binaryCrossEntropyWithLogits(Tensor.zeros([2, 3]), Tensor.zeros([2, 3]), posWeight: Tensor.ones([2]))
        }
        expectMessage(result, contains: ["binaryCrossEntropyWithLogits", "posWeight", "[2]", "[2, 3]"])
    }
}
