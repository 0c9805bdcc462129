import Flint
import FlintNN
import FlintTestSupport
import Testing

/// A small model with every kind of member reflection must find.
final class TwoLayerModel: Module {
    let hidden = Linear(4, 8)
    let layers: [Module] = [Linear(8, 8), ReLU(), Linear(8, 3)]
    let optionalHead: Linear? = Linear(3, 2, bias: false)
    let runningTotal = Buffer(Tensor.zeros([3]))
    let scale = Parameter(Tensor.ones([1]))

    override func forward(_ input: Tensor) -> Tensor {
        let features = layers.reduce(hidden(input).relu()) { $1($0) }
        return optionalHead!(features * scale.value)
    }
}

@Suite struct ModuleTests {
    @Test func parametersAreFoundWithPyTorchKeys() {
        let model = TwoLayerModel()
        #expect(model.namedParameters().map(\.name) == [
            "scale", "hidden.weight", "hidden.bias", "layers.0.weight", "layers.0.bias",
            "layers.2.weight", "layers.2.bias", "optional_head.weight",
        ])
        #expect(model.namedBuffers().map(\.name) == ["running_total"])
        #expect(model.parameterCount == 1 + (4 * 8 + 8) + (8 * 8 + 8) + (8 * 3 + 3) + 3 * 2)
        #expect(model.namedModules().map(\.name) == ["", "hidden", "layers.0", "layers.1", "layers.2", "optional_head"])
    }

    @Test func sequentialKeysAreNumbered() {
        let model = Sequential(Linear(784, 128), ReLU(), Linear(128, 10))
        #expect(model.namedParameters().map(\.name) == ["0.weight", "0.bias", "2.weight", "2.bias"])
        #expect(model(Tensor.zeros([5, 784])).shape == [5, 10])
        #expect(model.description.contains("(0): Linear(784 => 128)  # 100,480 parameters"))
    }

    @Test func trainEvalAndFreezeReachEveryModule() {
        let model = TwoLayerModel()
        model.eval()
        #expect(model.namedModules().allSatisfy { !$0.module.isTraining })
        model.train()
        #expect(model.namedModules().allSatisfy { $0.module.isTraining })
        model.freeze()
        #expect(model.trainableParameterCount == 0)
        #expect(model.parameters().allSatisfy { !$0.value.requiresGrad })
        model.unfreeze()
        #expect(model.trainableParameterCount == model.parameterCount)
    }

    @Test func gradientsReachEveryParameter() {
        let model = TwoLayerModel()
        model(Tensor.randn([2, 4])).sum().backward()
        #expect(model.parameters().allSatisfy { $0.grad != nil })
        model.zeroGrad()
        #expect(model.parameters().allSatisfy { $0.grad == nil })
    }

    @Test func linearMatchesItsFormulaAndGradientCheck() {
        let layer = Linear(3, 2, dtype: .float64)
        let input = Tensor.randn([4, 3], dtype: .float64)
        let expected = input.matmul(layer.weight.value.detach().transposed()) + layer.bias!.value.detach()
        #expect(isClose(layer(input), expected, tolerance: 1e-12))
        let weight = layer.weight.value.detach(), bias = layer.bias!.value.detach()
        let check = checkGradients([input, weight, bias]) { $0[0].matmul($0[1].transposed()) + $0[2] }
        #expect(check.maximumError < 1e-7, "\(check)")
    }

    @Test func dropoutScalesInTrainingAndPassesThroughInEvaluation() {
        let dropout = Dropout(probability: 0.5)
        let input = Tensor.ones([10_000])
        let dropped = dropout(input).scalars(as: Float.self)
        #expect(Set(dropped).isSubset(of: [0, 2]))
        let keptFraction = Double(dropped.filter { $0 > 0 }.count) / 10_000
        #expect(Swift.abs(keptFraction - 0.5) < 0.03)
        dropout.eval()
        #expect(dropout(input).scalars(as: Float.self) == input.scalars(as: Float.self))
    }

    @Test func summaryListsLayersShapesAndTotals() {
        let model = Sequential(Linear(784, 128), ReLU(), Linear(128, 10))
        let summary = model.summary(input: Tensor.zeros([1, 784]))
        #expect(summary.contains("0 Linear(784 => 128)"))
        #expect(summary.contains("[1, 128]"))
        #expect(summary.contains("100,480"))
        #expect(summary.contains("Total parameters: 101,770"))
    }

    @Test func inPlaceCopyNeverShowsThroughOtherValues() {
        let parameter = Parameter(Tensor.zeros([3]))
        let snapshot = parameter.value
        parameter.value.copy(from: Tensor.ones([3]))
        #expect(parameter.value.scalars(as: Float.self) == [1, 1, 1])
        #expect(snapshot.scalars(as: Float.self) == [0, 0, 0])
        #expect(parameter.value.requiresGrad)
    }
}
