import Flint
import FlintNN
import FlintTestSupport
import Foundation
import Testing

/// A loss and its options, checked against finite differences at every reduction.
struct LossGradientCase: Sendable, CustomTestStringConvertible {
    let name: String
    /// The float64 inputs that are differentiated (class indices and weights live in `loss`).
    let inputs: @Sendable (RandomGenerator) -> [Tensor]
    let loss: @Sendable ([Tensor], Reduction) -> Tensor
    var reductions: [Reduction] = [.none, .mean, .sum]
    var testDescription: String { name }
}

private func normal(_ shape: [Int], _ generator: RandomGenerator, scale: Double = 1) -> Tensor {
    Tensor.randn(shape, dtype: .float64, generator: generator) * scale
}

private func uniform(_ shape: [Int], _ low: Double, _ high: Double, _ generator: RandomGenerator) -> Tensor {
    Tensor.uniform(shape, low: low, high: high, dtype: .float64, generator: generator)
}

private let classWeights4 = Tensor([0.5, 2.0, 1.0, 0.25])
private let labels6 = Tensor([3, 0, -100, 1, 3, 2] as [Int64])

/// One regression case: input and target both differentiated.
private func regression(_ name: String, _ loss: @escaping @Sendable (Tensor, Tensor, Reduction) -> Tensor) -> LossGradientCase {
    LossGradientCase(name: name, inputs: { [normal([3, 4], $0, scale: 1.5), normal([3, 4], $0)] },
                     loss: { x, r in loss(x[0], x[1], r) })
}

let lossGradientCases: [LossGradientCase] = [
    regression("meanSquaredError") { Loss.meanSquaredError($0, $1, reduction: $2) },
    regression("l1") { Loss.l1($0, $1, reduction: $2) },
    regression("huber") { Loss.huber($0, $1, reduction: $2) },
    regression("huber delta 0.4") { Loss.huber($0, $1, delta: 0.4, reduction: $2) },
    regression("smoothL1") { Loss.smoothL1($0, $1, reduction: $2) },
    regression("smoothL1 beta 0.3") { Loss.smoothL1($0, $1, beta: 0.3, reduction: $2) },
    regression("smoothL1 beta 0") { Loss.smoothL1($0, $1, beta: 0, reduction: $2) },

    LossGradientCase(name: "crossEntropy indices", inputs: { [normal([5, 4], $0, scale: 2)] },
                     loss: { x, r in Loss.crossEntropy(x[0], Tensor([3, 0, 1, 1, 2] as [Int64]), reduction: r) }),
    LossGradientCase(name: "crossEntropy weight", inputs: { [normal([6, 4], $0)] },
                     loss: { x, r in Loss.crossEntropy(x[0], labels6.maskedFill(labels6 .< 0, with: 2), weight: classWeights4, reduction: r) }),
    LossGradientCase(name: "crossEntropy ignoreIndex", inputs: { [normal([6, 4], $0)] },
                     loss: { x, r in Loss.crossEntropy(x[0], labels6, reduction: r) }),
    LossGradientCase(name: "crossEntropy custom ignoreIndex", inputs: { [normal([6, 4], $0)] },
                     loss: { x, r in Loss.crossEntropy(x[0], labels6.maskedFill(labels6 .< 0, with: 3), ignoreIndex: 3, reduction: r) }),
    LossGradientCase(name: "crossEntropy labelSmoothing", inputs: { [normal([5, 4], $0)] },
                     loss: { x, r in Loss.crossEntropy(x[0], Tensor([3, 0, 1, 1, 2] as [Int64]), labelSmoothing: 0.2, reduction: r) }),
    LossGradientCase(name: "crossEntropy weight, ignoreIndex, labelSmoothing", inputs: { [normal([6, 4], $0)] },
                     loss: { x, r in Loss.crossEntropy(x[0], labels6, weight: classWeights4, labelSmoothing: 0.3, reduction: r) }),
    LossGradientCase(name: "crossEntropy spatial", inputs: { [normal([2, 4, 3], $0)] },
                     loss: { x, r in
                         Loss.crossEntropy(x[0], Tensor([0, 3, -1, 2, -1, 1] as [Int64], shape: [2, 3]), weight: classWeights4,
                                           ignoreIndex: -1, labelSmoothing: 0.1, reduction: r)
                     }),
    LossGradientCase(name: "crossEntropy unbatched", inputs: { [normal([5], $0)] },
                     loss: { x, r in Loss.crossEntropy(x[0], Tensor(Int64(2)), reduction: r) }),
    LossGradientCase(name: "crossEntropy probabilities", inputs: { [normal([4, 5], $0), normal([4, 5], $0).softmax(axis: 1)] },
                     loss: { x, r in Loss.crossEntropy(x[0], x[1], reduction: r) }),
    LossGradientCase(name: "crossEntropy probabilities, weight, labelSmoothing",
                     inputs: { [normal([2, 4, 3], $0), normal([2, 4, 3], $0).softmax(axis: 1)] },
                     loss: { x, r in Loss.crossEntropy(x[0], x[1], weight: classWeights4, labelSmoothing: 0.25, reduction: r) }),

    LossGradientCase(name: "negativeLogLikelihood", inputs: { [normal([5, 4], $0)] },
                     loss: { x, r in Loss.negativeLogLikelihood(x[0], Tensor([3, 0, 1, 1, 2] as [Int64]), reduction: r) }),
    LossGradientCase(name: "negativeLogLikelihood weight, ignoreIndex", inputs: { [normal([6, 4], $0)] },
                     loss: { x, r in Loss.negativeLogLikelihood(x[0], labels6, weight: classWeights4, reduction: r) }),
    LossGradientCase(name: "negativeLogLikelihood spatial", inputs: { [normal([2, 3, 4], $0)] },
                     loss: { x, r in
                         Loss.negativeLogLikelihood(x[0], Tensor([0, 2, 5, 1, 5, 5, 2, 0] as [Int64], shape: [2, 4]),
                                                    ignoreIndex: 5, reduction: r)
                     }),

    LossGradientCase(name: "binaryCrossEntropy", inputs: { [uniform([3, 4], 0.05, 0.95, $0), uniform([3, 4], 0, 1, $0)] },
                     loss: { x, r in Loss.binaryCrossEntropy(x[0], x[1], reduction: r) }),
    LossGradientCase(name: "binaryCrossEntropy weight", inputs: { [uniform([3, 4], 0.05, 0.95, $0), uniform([3, 4], 0, 1, $0)] },
                     loss: { x, r in Loss.binaryCrossEntropy(x[0], x[1], weight: classWeights4, reduction: r) }),
    LossGradientCase(name: "binaryCrossEntropyWithLogits", inputs: { [normal([3, 4], $0, scale: 3), uniform([3, 4], 0, 1, $0)] },
                     loss: { x, r in Loss.binaryCrossEntropyWithLogits(x[0], x[1], reduction: r) }),
    LossGradientCase(name: "binaryCrossEntropyWithLogits weight, posWeight",
                     inputs: { [normal([3, 4], $0, scale: 3), uniform([3, 4], 0, 1, $0)] },
                     loss: { x, r in
                         Loss.binaryCrossEntropyWithLogits(x[0], x[1], weight: Tensor([0.5, 1.5, 2.0], shape: [3, 1]),
                                                           posWeight: classWeights4 * 3, reduction: r)
                     }),

    LossGradientCase(name: "hingeEmbedding", inputs: { [normal([3, 4], $0)] },
                     loss: { x, r in Loss.hingeEmbedding(x[0], Tensor([1.0, -1, -1, 1, -1, 1, 1, -1, -1, -1, 1, 1], shape: [3, 4]), reduction: r) }),
    LossGradientCase(name: "hingeEmbedding margin", inputs: { [normal([3, 4], $0, scale: 2)] },
                     loss: { x, r in
                         Loss.hingeEmbedding(x[0], Tensor([1.0, -1, -1, 1, -1, 1, 1, -1, -1, -1, 1, 1], shape: [3, 4]), margin: 2.5,
                                             reduction: r)
                     }),

    LossGradientCase(name: "multiMargin", inputs: { [normal([4, 5], $0)] },
                     loss: { x, r in Loss.multiMargin(x[0], Tensor([4, 0, 2, 2] as [Int64]), reduction: r) }),
    LossGradientCase(name: "multiMargin p 2, margin", inputs: { [normal([4, 5], $0)] },
                     loss: { x, r in Loss.multiMargin(x[0], Tensor([4, 0, 2, 2] as [Int64]), p: 2, margin: 0.7, reduction: r) }),
    LossGradientCase(name: "multiMargin weight", inputs: { [normal([4, 4], $0)] },
                     loss: { x, r in Loss.multiMargin(x[0], Tensor([3, 0, 1, 1] as [Int64]), p: 2, weight: classWeights4, reduction: r) }),
    LossGradientCase(name: "multiMargin unbatched", inputs: { [normal([5], $0)] },
                     loss: { x, r in Loss.multiMargin(x[0], Tensor(Int64(3)), reduction: r) }),

    LossGradientCase(name: "klDivergence", inputs: { [normal([3, 4], $0), uniform([3, 4], 0.05, 1, $0)] },
                     loss: { x, r in Loss.klDivergence(x[0], x[1], reduction: r) },
                     reductions: [.none, .mean, .sum, .batchMean]),
    LossGradientCase(name: "klDivergence logTarget", inputs: { [normal([3, 4], $0), normal([3, 4], $0)] },
                     loss: { x, r in Loss.klDivergence(x[0], x[1], reduction: r, logTarget: true) },
                     reductions: [.none, .mean, .sum, .batchMean]),

    LossGradientCase(name: "cosineEmbedding", inputs: { [normal([4, 3], $0), normal([4, 3], $0)] },
                     loss: { x, r in Loss.cosineEmbedding(x[0], x[1], Tensor([1.0, -1, -1, 1]), reduction: r) }),
    LossGradientCase(name: "cosineEmbedding margin", inputs: { [normal([4, 3], $0), normal([4, 3], $0)] },
                     loss: { x, r in Loss.cosineEmbedding(x[0], x[1], Tensor([1.0, -1, -1, -1]), margin: -0.3, reduction: r) }),
    LossGradientCase(name: "cosineEmbedding unbatched", inputs: { [normal([5], $0), normal([5], $0)] },
                     loss: { x, r in Loss.cosineEmbedding(x[0], x[1], Tensor(-1.0), margin: -0.5, reduction: r) }),
]

@Suite("Losses")
struct LossTests {
    @Test("gradients match finite differences at every reduction", arguments: lossGradientCases)
    func gradients(_ testCase: LossGradientCase) {
        for reduction in testCase.reductions {
            let inputs = testCase.inputs(RandomGenerator(seed: 7))
            let result = checkGradients(inputs) { testCase.loss($0, reduction) }
            #expect(result.maximumError < 1e-6, "\(testCase.name), reduction \(reduction): \(result)")
        }
    }

    @Test func crossEntropyOnFloat32MatchesFloat64() {
        let logits = Tensor.randn([64, 10], dtype: .float64, generator: RandomGenerator(seed: 3)) * 3
        let labels = Tensor.randint(low: 0, high: 10, shape: [64], generator: RandomGenerator(seed: 4))
        let reference = Loss.crossEntropy(logits, labels).item(as: Double.self)
        let single = logits.to(.float32).requiringGrad()
        let loss = Loss.crossEntropy(single, labels)
        #expect(loss.dtype == .float32)
        #expect(Swift.abs(Double(loss.item(as: Float.self)) - reference) < 1e-5)
        loss.backward()
        // Each row's gradient is (softmax - one-hot) / N, which sums to zero.
        let rowSums = single.grad!.sum(axis: 1).scalars(as: Float.self)
        #expect(rowSums.allSatisfy { Swift.abs($0) < 1e-6 })
    }

    @Test func crossEntropyOfUniformLogitsIsLogOfClassCount() {
        let loss = Loss.crossEntropy(Tensor.zeros([3, 5], dtype: .float64), Tensor([0, 4, 2] as [Int64]))
        #expect(Swift.abs(loss.item(as: Double.self) - Foundation.log(5.0)) < 1e-12)
    }

    @Test func binaryCrossEntropyIsFiniteAtSaturatedProbabilities() {
        // A sigmoid that rounds to exactly 1 or 0 in float32 must not give NaN or infinite gradients.
        let probabilities = Tensor([1, 0, 1, 0] as [Float]).requiringGrad()
        let loss = Loss.binaryCrossEntropy(probabilities, Tensor([1, 0, 0, 1] as [Float]))
        #expect(Swift.abs(loss.item(as: Float.self) - 50) < 1e-4)  // (0 + 0 + 100 + 100) / 4
        loss.backward()
        #expect(probabilities.grad!.scalars(as: Float.self).allSatisfy { $0.isFinite })
    }

    @Test func lossesWithoutGradientsRecordNothing() {
        let logits = Tensor.randn([4, 3], dtype: .float64).requiringGrad()
        let probabilities = Tensor.rand([4, 3], dtype: .float64).requiringGrad()
        let (crossEntropy, binary) = withoutGradients {
            (Loss.crossEntropy(logits, Tensor([0, 1, 2, 0] as [Int64])),
             Loss.binaryCrossEntropy(probabilities, Tensor.ones([4, 3], dtype: .float64)))
        }
        #expect(!crossEntropy.requiresGrad && !binary.requiresGrad)
    }

    @Test func lossModulesKeepWeightsAsPyTorchBuffers() {
        let weight = Tensor([1.0, 2.0, 3.0])
        #expect(CrossEntropyLoss(weight: weight).namedBuffers().map(\.name) == ["weight"])
        #expect(CrossEntropyLoss().namedBuffers().isEmpty)
        #expect(BCEWithLogitsLoss(weight: weight, posWeight: weight).namedBuffers().map(\.name) == ["weight", "pos_weight"])
        #expect(MultiMarginLoss(weight: weight).namedBuffers().map(\.name) == ["weight"])
        #expect(NLLLoss(weight: weight).parameterCount == 0)
        #expect(HuberLoss(delta: 0.5).layerDescription == "HuberLoss(delta: 0.5)")
    }

    @Test func moduleFormsMatchFunctions() {
        let input = Tensor.randn([4, 3], dtype: .float64, generator: RandomGenerator(seed: 11))
        let labels = Tensor([2, 0, 1, -100] as [Int64])
        let module = CrossEntropyLoss(weight: Tensor([1.0, 0.5, 2.0]), labelSmoothing: 0.1, reduction: .sum)
        let function = Loss.crossEntropy(input, labels, weight: Tensor([1.0, 0.5, 2.0]), labelSmoothing: 0.1, reduction: .sum)
        #expect(module(input, labels).item(as: Double.self) == function.item(as: Double.self))
        let target = Tensor.rand([4, 3], dtype: .float64)
        #expect(KLDivLoss(reduction: .batchMean)(input.logSoftmax(axis: 1), target).item(as: Double.self)
                == Loss.klDivergence(input.logSoftmax(axis: 1), target, reduction: .batchMean).item(as: Double.self))
    }
}
