@testable import Flint
@testable import FlintNN
import FlintTestSupport
import Testing

/// Batch-1 inference through `Linear` and `ReLU` layers runs as one fused job: it must give what
/// the layers give one by one, on any thread count, and step aside whenever it does not apply.
@Suite("Sequential batch-1 inference")
struct SequentialInferenceTests {
    /// The layers applied one at a time, as `Sequential` does without the fused path.
    private func layerByLayer(_ model: Sequential, _ input: Tensor) -> Tensor {
        model.layers.reduce(input) { $1($0) }
    }

    /// The same layers in float64, from the float32 parameters.
    private func doublePrecision(_ model: Sequential, _ input: Tensor) -> Tensor {
        model.layers.reduce(input.to(.float64)) { value, layer in
            if let linear = layer as? Linear {
                return value.linear(weight: linear.weight.value.to(.float64), bias: linear.bias?.value.to(.float64))
            }
            return value.relu()
        }
    }

    @Test func aRowThroughLinearAndReLUMatchesTheLayersOneByOne() {
        Flint.seed(11)
        let models = [
            Sequential(Linear(784, 512), ReLU(), Linear(512, 256), ReLU(), Linear(256, 10)),
            Sequential(Linear(300, 250, bias: false), ReLU(), Linear(250, 130), Linear(130, 7), ReLU()),
            Sequential(Linear(5, 3), ReLU(), Linear(3, 2)),
        ]
        for model in models {
            let features = (model.layers[0] as! Linear).inputFeatures
            for shape in [[1, features], [features], [1, 1, features]] {
                let input = Tensor.randn(shape)
                let fused = withoutGradients { model(input) }
                let reference = withoutGradients { layerByLayer(model, input) }
                #expect(withoutGradients { model.linearChainSteps(for: input).flatMap { input.linearChainRow($0) } } != nil, "the fused path runs")
                #expect(fused.shape == reference.shape)
                #expect(maximumDifference(fused, reference) == 0)
                #expect(maximumDifference(fused.to(.float64), withoutGradients { doublePrecision(model, input) }) < 1e-4)
            }
        }
    }

    @Test func dropoutIsSkippedInEvaluationAndAppliedInTraining() {
        Flint.seed(15)
        let model = Sequential(Linear(300, 250), ReLU(), Dropout(probability: 0.5), Linear(250, 4))
        let input = Tensor.randn([1, 300])
        model.eval()
        #expect(model.linearChainSteps(for: input)?.count == 2)
        let withoutDropout = Sequential(model.layers[0], model.layers[1], model.layers[3])
        #expect(maximumDifference(withoutGradients { model(input) }, withoutGradients { withoutDropout(input) }) == 0)
        model.train()
        #expect(model.linearChainSteps(for: input) == nil)
        // In training mode half of the 250 hidden values are dropped and the rest doubled.
        let hidden = withoutGradients { Sequential(model.layers[0], model.layers[1], model.layers[2])(input) }
        let values = hidden.scalars(as: Float.self), kept = withoutGradients { Sequential(model.layers[0], model.layers[1])(input) }.scalars(as: Float.self)
        #expect(zip(values, kept).contains { $0.0 == 0 && $0.1 > 0 })
        #expect(zip(values, kept).allSatisfy { $0.0 == 0 || abs($0.0 - 2 * $0.1) <= 1e-5 * abs($0.0) })
    }

    @Test func oneAndTwoThreadsGiveTheSameBits() {
        Flint.seed(12)
        let model = Sequential(Linear(300, 250), ReLU(), Linear(250, 300), ReLU(), Linear(300, 9))
        let input = Tensor.randn([1, 300])
        let previous = Flint.threadCount
        defer { Flint.threadCount = previous }
        Flint.threadCount = 2
        let split = withoutGradients { model(input) }
        Flint.threadCount = 1
        let single = withoutGradients { model(input) }
        #expect(split.scalars(as: Float.self) == single.scalars(as: Float.self))
    }

    @Test func recordingGradientsTakesTheOrdinaryPath() {
        Flint.seed(13)
        let model = Sequential(Linear(6, 4), ReLU(), Linear(4, 2))
        let input = Tensor.randn([1, 6]).requiringGrad()
        let output = model(input)
        #expect(output.requiresGrad)
        output.sum().backward()
        let first = model.layers[0] as! Linear
        #expect(first.weight.value.grad != nil)
        #expect(input.grad != nil)
        #expect(maximumDifference(output.detach(), withoutGradients { layerByLayer(model, input.detach()) }) < 1e-6)

        // Frozen parameters, but an input that wants its gradient: still recorded.
        let frozen = Sequential(Linear(6, 4), ReLU(), Linear(4, 2))
        frozen.freeze()
        let tracked = Tensor.randn([1, 6]).requiringGrad()
        #expect(frozen.linearChainSteps(for: tracked).flatMap { tracked.linearChainRow($0) } == nil)
        let frozenOutput = frozen(tracked)
        #expect(frozenOutput.requiresGrad)
        frozenOutput.sum().backward()
        #expect(tracked.grad != nil)
    }

    @Test func otherLayersBatchesAndDoubleRowsStillWork() {
        Flint.seed(14)
        let withTanh = Sequential(Linear(8, 8), Tanh(), Linear(8, 3))
        let twoReLUs = Sequential(Linear(8, 8), ReLU(), ReLU(), Linear(8, 3))
        let startsWithReLU = Sequential(ReLU(), Linear(8, 3))
        for model in [withTanh, twoReLUs, startsWithReLU] {
            let input = Tensor.randn([1, 8])
            #expect(model.linearChainSteps(for: input) == nil, "\(model.layers.map(\.layerDescription))")
            #expect(maximumDifference(withoutGradients { model(input) }, withoutGradients { layerByLayer(model, input) }) == 0)
        }
        let model = Sequential(Linear(8, 8), ReLU(), Linear(8, 3))
        let batch = Tensor.randn([4, 8])
        #expect(model.linearChainSteps(for: batch) == nil)
        #expect(withoutGradients { model(batch) }.shape == [4, 3])
        let doubleModel = Sequential(Linear(8, 8, dtype: .float64), ReLU(), Linear(8, 3, dtype: .float64))
        let doubleRow = Tensor.randn([1, 8], dtype: .float64)
        #expect(withoutGradients { doubleModel.linearChainSteps(for: doubleRow).flatMap { doubleRow.linearChainRow($0) } } == nil)
        #expect(maximumDifference(withoutGradients { doubleModel(doubleRow) }, withoutGradients { layerByLayer(doubleModel, doubleRow) }) == 0)
    }
}
