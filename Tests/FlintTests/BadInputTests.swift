import Flint
import Testing

// Programmer errors (mismatched shapes, invalid axes, wrong dtypes) stop the process through
// `precondition`, with a message that names the op and the shapes or dtypes involved. Each test
// runs its body in a child process (a Swift Testing exit test) and checks the captured stderr.

/// Checks that the child process's standard error contains every one of `fragments`.
private func expectMessage(_ result: ExitTest.Result?, contains fragments: [String],
                           sourceLocation: SourceLocation = #_sourceLocation) {
    guard let result else { return }  // The exit expectation itself already failed.
    let message = String(decoding: result.standardErrorContent, as: UTF8.self)
    for fragment in fragments {
        #expect(message.contains(fragment), "stderr lacks \"\(fragment)\": \(message)", sourceLocation: sourceLocation)
    }
}

@Suite("Bad input stops with a useful message")
struct BadInputTests {
    @Test func broadcastMismatch() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor.zeros([2, 3]) + Tensor.zeros([4])
        }
        expectMessage(result, contains: ["add", "[2, 3]", "[4]", "cannot be broadcast"])
    }

    @Test func matmulInnerDimensions() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor.zeros([2, 3]).matmul(Tensor.zeros([4, 5]))
        }
        expectMessage(result, contains: ["matmul", "[2, 3]", "[4, 5]"])
    }

    @Test func reshapeToWrongCount() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor.zeros([2, 3]).reshaped([4])
        }
        expectMessage(result, contains: ["reshape", "[2, 3]", "[4]"])
    }

    @Test func concatenateMismatch() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor.concatenate([Tensor.zeros([2, 3]), Tensor.zeros([2, 4])], axis: 0)
        }
        expectMessage(result, contains: ["concatenate", "[2, 4]", "[2, 3]"])
    }

    @Test func expandIncompatible() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor.zeros([3]).expanded(to: [2, 4])
        }
        expectMessage(result, contains: ["expand", "[3]", "4"])
    }

    @Test func reductionAxisOutOfRange() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor.zeros([2, 3]).sum(axis: 2)
        }
        expectMessage(result, contains: ["sum", "axis 2", "rank 2"])
    }

    @Test func softmaxAxisOutOfRange() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor.zeros([2, 3]).softmax(axis: -3)
        }
        expectMessage(result, contains: ["softmax", "axis -3", "rank 2"])
    }

    @Test func mixedFloatDtypes() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor.ones([2], dtype: .float32) + Tensor.ones([2], dtype: .float64)
        }
        expectMessage(result, contains: ["add", "float32", "float64"])
    }

    @Test func integerTensorIntoExp() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor([1, 2, 3]).exp()
        }
        expectMessage(result, contains: ["exp", "int64"])
    }

    @Test func integerTensorCannotRequireGradients() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            Tensor([1, 2, 3]).requiresGrad = true
        }
        expectMessage(result, contains: ["requiresGrad", "int64"])
    }

    @Test func gatherIndexOutOfRange() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor.zeros([2, 3]).gather(axis: 1, index: Tensor([[0], [5]]))
        }
        expectMessage(result, contains: ["gather", "index 5", "size 3"])
    }

    @Test func itemOfManyElements() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor.zeros([2, 3]).item(as: Float.self)
        }
        expectMessage(result, contains: ["item", "6 elements", "[2, 3]"])
    }

    @Test func backwardSeedOfWrongShape() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            let x = Tensor([1.0, 2.0]).requiringGrad()
            (x * 2).backward(Tensor([1.0, 1.0, 1.0]))
        }
        expectMessage(result, contains: ["backward", "[3]", "[2]"])
    }
}
