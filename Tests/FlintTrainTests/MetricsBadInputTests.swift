import Flint
import FlintTrain
import Foundation
import Testing

// Bad data being evaluated throws MetricsError with a message naming the metric, the value and where
// it is; mistakes in calling code (mismatched lengths, wrong dtypes or ranks, invalid options) stop the
// process with a precondition naming the metric and the sizes, checked here in child processes.

/// Expects `body` to throw a MetricsError of `kind` whose message contains every fragment.
private func expectError(_ kind: MetricsError.Kind, _ fragments: [String], sourceLocation: SourceLocation = #_sourceLocation,
                         _ body: () throws -> Any) {
    do {
        let value = try body()
        Issue.record("expected a \(kind) error, got \(value)", sourceLocation: sourceLocation)
    } catch let error as MetricsError {
        #expect(error.kind == kind, "\(error)", sourceLocation: sourceLocation)
        for fragment in fragments {
            #expect(error.description.contains(fragment), "message lacks \"\(fragment)\": \(error)", sourceLocation: sourceLocation)
        }
    } catch {
        Issue.record("expected MetricsError, got \(error)", sourceLocation: sourceLocation)
    }
}

/// Checks that the child process's standard error contains every fragment.
private func expectMessage(_ result: ExitTest.Result?, contains fragments: [String], sourceLocation: SourceLocation = #_sourceLocation) {
    guard let result else { return }
    let message = String(decoding: result.standardErrorContent, as: UTF8.self)
    for fragment in fragments {
        #expect(message.contains(fragment), "stderr lacks \"\(fragment)\": \(message)", sourceLocation: sourceLocation)
    }
}

@Suite("Metrics on bad input")
struct MetricsBadInputTests {
    @Test func labelOutOfRangeThrowsWithIndex() {
        expectError(.labelOutOfRange, ["confusionMatrix", "target 5 at index 2", "0..<3"]) {
            try Metrics.confusionMatrix(predictions: [0, 1, 2], targets: [0, 1, 5], classCount: 3)
        }
        expectError(.labelOutOfRange, ["prediction -1 at index 0"]) {
            try Metrics.f1(predictions: [-1, 1], targets: [0, 1], classCount: 2, average: .macro)
        }
        expectError(.labelOutOfRange, ["accuracy", "target 4 at index 1", "0..<3"]) {
            try Metrics.accuracy(predictions: Tensor([[0.1, 0.5, 0.4], [0.3, 0.3, 0.4]]), targets: Tensor([1, 4]))
        }
        expectError(.labelOutOfRange, ["topKAccuracy", "target 3"]) {
            try Metrics.topKAccuracy(scores: [[0.2, 0.8], [0.5, 0.5]], targets: [0, 3], k: 1)
        }
        expectError(.labelOutOfRange, ["logLoss", "target 2"]) { try Metrics.logLoss(probabilities: [0.2, 0.9], targets: [1, 2]) }
        expectError(.labelOutOfRange, ["rocAUC", "target 2"]) { try Metrics.rocAUC(scores: [0.2, 0.9], targets: [0, 2]) }
    }

    @Test func labelOutOfRangeDuringEvaluationLeavesTheMetricUnchanged() throws {
        let f1 = ClassificationScoreMetric(.f1, average: .macro, classCount: 3)
        try f1.update(predictions: Tensor([0, 1, 2]), targets: Tensor([0, 1, 1]))
        let before = try f1.compute()
        expectError(.labelOutOfRange, ["target 7 at index 1"]) {
            try f1.update(predictions: Tensor([0, 1]), targets: Tensor([0, 7]))
        }
        #expect(try f1.compute() == before)
        let loss = LogLoss()
        try loss.update(predictions: Tensor([[0.9, 0.1]]), targets: Tensor([0]))
        expectError(.invalidValue, ["probability at row 0, column 1 is 1.5"]) {
            try loss.update(predictions: Tensor([[0.5, 1.5]]), targets: Tensor([1]))
        }
        #expect(try loss.compute() == -Foundation.log(0.9))
    }

    @Test func emptyInputThrows() {
        expectError(.emptyInput, ["accuracy", "no samples"]) { try Metrics.accuracy(predictions: [], targets: []) }
        expectError(.emptyInput, ["meanSquaredError", "no samples"]) { try Metrics.meanSquaredError(predictions: [], targets: []) }
        expectError(.emptyInput, ["precisionRecallF1"]) { try Metrics.precisionRecallF1(predictions: [], targets: [], classCount: 2) }
        expectError(.emptyInput, ["rocAUC"]) { try Metrics.rocAUC(scores: [Double](), targets: []) }
        expectError(.emptyInput, ["logLoss"]) { try Metrics.logLoss(probabilities: [[Double]](), targets: []) }
        for name in ["accuracy", "top_2_accuracy", "f1_macro", "roc_auc", "log_loss", "mse", "r2"] {
            expectError(.emptyInput, [name, "no samples"]) { try Metrics.metric(named: name, classCount: 3).compute() }
        }
    }

    @Test func undefinedMetricsThrow() {
        expectError(.undefined, ["rocAUC", "only class 1", "ROC-AUC needs both"]) {
            try Metrics.rocAUC(scores: [0.2, 0.7, 0.4], targets: [1, 1, 1])
        }
        expectError(.undefined, ["no class 2 (one-vs-rest)"]) {
            try Metrics.rocAUC(scores: [[0.5, 0.3, 0.2], [0.2, 0.7, 0.1]], targets: [0, 1])
        }
        expectError(.undefined, ["r2Score", "at least two"]) { try Metrics.r2Score(predictions: [1], targets: [2]) }
    }

    @Test func invalidValuesThrow() {
        expectError(.invalidValue, ["rocAUC", "index 1 is nan"]) { try Metrics.rocAUC(scores: [0.1, .nan], targets: [0, 1]) }
        expectError(.invalidValue, ["row 1 sum to 0.9", "softmax"]) {
            try Metrics.rocAUC(scores: [[0.5, 0.3, 0.2], [0.2, 0.6, 0.1]], targets: [0, 1])
        }
        expectError(.invalidValue, ["logLoss", "index 0 is -0.1"]) { try Metrics.logLoss(probabilities: [-0.1, 0.5], targets: [0, 1]) }
        expectError(.invalidValue, ["meanAbsoluteError", "a target at index 2 is inf"]) {
            try Metrics.meanAbsoluteError(predictions: [1, 2, 3], targets: [1, 2, .infinity])
        }
        expectError(.invalidValue, ["accuracy", "row 0, column 1 is nan"]) {
            try Metrics.accuracy(predictions: Tensor([[0.1, Double.nan]]), targets: Tensor([0]))
        }
    }

    @Test func unknownMetricNameListsTheKnownOnes() {
        expectError(.unknownMetric, ["unknown metric 'f1_average'", "f1_macro", "top_<k>_accuracy"]) {
            try Metrics.metric(named: "f1_average", classCount: 3)
        }
        expectError(.unknownMetric, ["'precision_macro' needs the number of classes"]) { try Metrics.metric(named: "precision_macro") }
    }

    @Test func lengthMismatchStops() async {
        let arrays = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = try? Metrics.accuracy(predictions: [0, 1, 1], targets: [0, 1])
        }
        expectMessage(arrays, contains: ["accuracy", "predictions has 3 samples but targets has 2"])
        let tensors = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = try? Metrics.rocAUC(scores: Tensor([[0.2, 0.8], [0.6, 0.4]]), targets: Tensor([0, 1, 1]))
        }
        expectMessage(tensors, contains: ["rocAUC", "scores has 2 samples but targets has 3"])
        let regression = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = try? Metrics.meanSquaredError(predictions: Tensor([1.0, 2.0]), targets: Tensor([1.0, 2.0, 3.0]))
        }
        expectMessage(regression, contains: ["meanSquaredError", "[2]", "[3]"])
    }

    @Test func wrongDTypeOrOptionStops() async {
        let floatTargets = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = try? Metrics.accuracy(predictions: Tensor([0, 1]), targets: Tensor([0.0, 1.0]))
        }
        expectMessage(floatTargets, contains: ["accuracy", "targets must be integer class labels", "float64"])
        let topZero = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = try? Metrics.topKAccuracy(scores: [[0.2, 0.8]], targets: [1], k: 0)
        }
        expectMessage(topZero, contains: ["topKAccuracy", "k is 0"])
        let zeroDivision = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = try? Metrics.f1(predictions: [0], targets: [0], classCount: 2, average: .macro, zeroDivision: 0.5)
        }
        expectMessage(zeroDivision, contains: ["zeroDivision is 0.5", "0, 1 or NaN"])
    }
}
