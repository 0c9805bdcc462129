import Flint
import FlintTestSupport
import FlintTrain
import Foundation
import Testing

// The accumulating metrics fed the fixture cases in batches must give scikit-learn's values on the
// whole set, and the Swift-array forms must agree with the tensor forms.

/// The fixture key holding scikit-learn's value of the metric logged as `name`.
private func fixtureKey(_ name: String) -> String {
    for kind in ["precision", "recall", "f1"] where name.hasPrefix(kind + "_") {
        return "\(kind)/\(name.dropFirst(kind.count + 1))/present/0"
    }
    return name
}

/// Rows `start..<end` of a tensor.
private func rows(_ tensor: Tensor, _ start: Int, _ end: Int) -> Tensor { tensor[start..<end] }

/// Feeds `predictions` and `targets` to `metric` in batches of `batchSize` rows.
private func feed(_ metric: any Metric, _ predictions: Tensor, _ targets: Tensor, batchSize: Int) throws {
    let count = targets.shape[0]
    for start in stride(from: 0, to: count, by: batchSize) {
        let end = Swift.min(start + batchSize, count)
        try metric.update(predictions: rows(predictions, start, end), targets: rows(targets, start, end))
    }
}

@Suite("Accumulated metrics")
struct MetricsAccumulatorTests {
    static let classificationNames = ["accuracy", "top_1_accuracy", "top_2_accuracy", "precision_macro", "precision_micro",
                                      "precision_weighted", "recall_macro", "recall_micro", "recall_weighted", "f1_macro",
                                      "f1_micro", "f1_weighted", "roc_auc", "log_loss"]

    @Test(arguments: metricFixtureCaseNames.sorted())
    func batchesGiveTheWholeSetValue(_ caseName: String) throws {
        let fixture = try #require(try MetricFixtureCase.loadAll().first { $0.name == caseName })
        let names = fixture.classCount == nil ? ["mse", "mae", "rmse", "r2"] : Self.classificationNames
        for name in names {
            let metric = try Metrics.metric(named: name, classCount: fixture.classCount)
            #expect(metric.name == name)
            let usesScores = name.hasPrefix("top_") || name == "roc_auc" || name == "log_loss"
            try feed(metric, usesScores ? fixture.probabilities! : fixture.predictions, fixture.targets, batchSize: 7)
            let expected = try #require(fixture.expected[fixtureKey(name)], "\(caseName): no fixture value for \(name)")
            let actual: MetricValue
            do { actual = .number(try metric.compute()) } catch let error as MetricsError where error.kind == .undefined {
                actual = .undefined(error.message)
            }
            if let mismatch = metricMismatch(name, actual, expected) { Issue.record("\(caseName).\(name) in batches: \(mismatch)") }
            metric.reset()
            #expect(throws: MetricsError.self) { try metric.compute() }
        }
    }

    @Test func collectionOfScoresLogsEveryKey() throws {
        let fixture = try #require(try MetricFixtureCase.loadAll().first { $0.name == "multiclass_large" })
        let names = ["accuracy", "top_3_accuracy", "f1_macro", "recall_weighted", "roc_auc", "log_loss"]
        let collection = try MetricCollection(names: names, classCount: 10)
        #expect(collection.names == names)
        let probabilities = fixture.probabilities!
        for start in stride(from: 0, to: 300, by: 64) {
            let end = Swift.min(start + 64, 300)
            try collection.update(predictions: rows(probabilities, start, end), targets: rows(fixture.targets, start, end))
        }
        let values = try collection.compute()
        #expect(Set(values.keys) == Set(names))
        for name in names {
            guard case let .number(reference) = fixture.expected[fixtureKey(name)] else { Issue.record("no value for \(name)"); continue }
            #expect(close(values[name]!, reference, tolerance: 1e-12), "\(name): \(values[name]!) vs scikit-learn \(reference)")
        }
        collection.reset()
        try collection.update(predictions: probabilities, targets: fixture.targets)
        let again = try collection.compute()
        for name in names { #expect(close(again[name]!, values[name]!, tolerance: 1e-12), "\(name) after reset: \(again[name]!) vs \(values[name]!)") }
    }

    @Test func confusionAccumulatorReportsLikeScikitLearn() throws {
        let fixture = try #require(try MetricFixtureCase.loadAll().first { $0.name == "multiclass_absent_class" })
        let confusion = ConfusionMatrixAccumulator(classCount: 7)
        for start in stride(from: 0, to: 50, by: 9) {
            let end = Swift.min(start + 9, 50)
            try confusion.update(predictions: rows(fixture.predictions, start, end), targets: rows(fixture.targets, start, end))
        }
        #expect(fixture.expected["confusion_matrix"] == .matrix(confusion.matrix))
        #expect(confusion.tensor.shape == [7, 7])
        #expect(fixture.expected["report/present/2"] == .text(try confusion.report()))
        #expect(fixture.expected["report/all/4"] == .text(try confusion.report(labels: Array(0..<7), digits: 4)))
    }

    @Test(arguments: metricFixtureCaseNames.sorted())
    func arrayFormsMatchTensorForms(_ caseName: String) throws {
        let fixture = try #require(try MetricFixtureCase.loadAll().first { $0.name == caseName })
        guard let classes = fixture.classCount else {
            let predictions = fixture.predictions.scalars(as: Double.self), targets = fixture.targets.scalars(as: Double.self)
            guard fixture.targets.rank == 1 else { return }
            #expect(try Metrics.meanSquaredError(predictions: predictions, targets: targets) == Metrics.meanSquaredError(predictions: fixture.predictions, targets: fixture.targets))
            #expect(try Metrics.meanAbsoluteError(predictions: predictions, targets: targets) == Metrics.meanAbsoluteError(predictions: fixture.predictions, targets: fixture.targets))
            #expect(try Metrics.rootMeanSquaredError(predictions: predictions, targets: targets) == Metrics.rootMeanSquaredError(predictions: fixture.predictions, targets: fixture.targets))
            #expect(try Metrics.r2Score(predictions: predictions, targets: targets) == Metrics.r2Score(predictions: fixture.predictions, targets: fixture.targets))
            return
        }
        let predictions = fixture.predictions.scalars(as: Int.self), targets = fixture.targets.scalars(as: Int.self)
        let probabilities = fixture.probabilities!.scalars(as: Double.self).chunked(classes)
        #expect(try Metrics.accuracy(predictions: predictions, targets: targets) == Metrics.accuracy(predictions: fixture.predictions, targets: fixture.targets))
        #expect(try Metrics.topKAccuracy(scores: probabilities, targets: targets, k: 2) == Metrics.topKAccuracy(scores: fixture.probabilities!, targets: fixture.targets, k: 2))
        #expect(try Metrics.confusionMatrix(predictions: predictions, targets: targets, classCount: classes).flatMap { $0 }
                == Metrics.confusionMatrix(predictions: fixture.predictions, targets: fixture.targets, classCount: classes).scalars(as: Int.self))
        #expect(try Metrics.precisionRecallF1(predictions: predictions, targets: targets, classCount: classes)
                == Metrics.precisionRecallF1(predictions: fixture.predictions, targets: fixture.targets, classCount: classes))
        for average in MetricAverage.allCases {
            let scores = try Metrics.precisionRecallF1(predictions: predictions, targets: targets, classCount: classes)
            #expect(try Metrics.precision(predictions: predictions, targets: targets, classCount: classes, average: average) == scores.precision(average))
            #expect(try Metrics.recall(predictions: predictions, targets: targets, classCount: classes, average: average) == scores.recall(average))
            #expect(try Metrics.f1(predictions: predictions, targets: targets, classCount: classes, average: average) == scores.f1(average))
        }
        #expect(try Metrics.logLoss(probabilities: probabilities, targets: targets) == Metrics.logLoss(probabilities: fixture.probabilities!, targets: fixture.targets))
        #expect(try Metrics.classificationReport(predictions: predictions, targets: targets, classCount: classes)
                == Metrics.classificationReport(predictions: fixture.predictions, targets: fixture.targets, classCount: classes))
        // Both forms compute the same area or both throw (nil).
        let arrayAUC = try? Metrics.rocAUC(scores: probabilities, targets: targets)
        #expect(arrayAUC == (try? Metrics.rocAUC(scores: fixture.probabilities!, targets: fixture.targets)))
        if let positive = fixture.positive, let logits = fixture.logits {
            #expect(try Metrics.logLoss(probabilities: positive.scalars(as: Double.self), targets: targets) == Metrics.logLoss(probabilities: positive, targets: fixture.targets))
            let arrayBinaryAUC = try? Metrics.rocAUC(scores: logits.scalars(as: Double.self), targets: targets)
            #expect(arrayBinaryAUC == (try? Metrics.rocAUC(scores: logits, targets: fixture.targets)))
        }
    }

    @Test func documentedExamples() throws {
        #expect(try Metrics.accuracy(predictions: [0, 2, 1, 3], targets: [0, 1, 2, 3]) == 0.5)
        #expect(try Metrics.rocAUC(scores: [0.1, 0.4, 0.35, 0.8], targets: [0, 0, 1, 1]) == 0.75)
        // Tied scores: one diagonal step, half counted.
        #expect(try Metrics.rocAUC(scores: [0.5, 0.5], targets: [0, 1]) == 0.5)
        #expect(try Metrics.confusionMatrix(predictions: [0, 1, 1], targets: [0, 0, 1], classCount: 2) == [[1, 1], [0, 1]])
        #expect(try Metrics.meanSquaredError(predictions: [2.5, 0.0, 2.0, 8.0], targets: [3.0, -0.5, 2.0, 7.0]) == 0.375)
        #expect(try Metrics.meanAbsoluteError(predictions: [2.5, 0.0, 2.0, 8.0], targets: [3.0, -0.5, 2.0, 7.0]) == 0.5)
        // Top-k ties rank the higher class first (scikit-learn's stable argsort, reversed).
        #expect(try Metrics.topKAccuracy(scores: [[0.4, 0.4, 0.2]], targets: [0], k: 1) == 0)
        #expect(try Metrics.topKAccuracy(scores: [[0.4, 0.4, 0.2]], targets: [1], k: 1) == 1)
        #expect(try Metrics.topKAccuracy(scores: [[0.4, 0.4, 0.2]], targets: [0], k: 2) == 1)
        // scikit-learn's classification_report docstring example.
        let report = try Metrics.classificationReport(predictions: [0, 0, 2, 2, 1], targets: [0, 1, 2, 2, 2], classCount: 3,
                                                      targetNames: ["class 0", "class 1", "class 2"])
        #expect(report == """
                          precision    recall  f1-score   support

                 class 0       0.50      1.00      0.67         1
                 class 1       0.00      0.00      0.00         1
                 class 2       1.00      0.67      0.80         3

                accuracy                           0.60         5
               macro avg       0.50      0.56      0.49         5
            weighted avg       0.70      0.60      0.61         5

            """)
        #expect(Metrics.metricNames.contains("f1_macro") && Metrics.metricNames.contains("r2"))
    }
}
