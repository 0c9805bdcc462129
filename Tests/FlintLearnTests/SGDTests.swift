import Flint
import FlintData
import FlintLearn
import Foundation
import Testing

/// scikit-learn's cross-validated scores of SGDClassifier and SGDRegressor (scripts/make_learn_fixtures_sgd.py).
struct SGDFixtureCase: Decodable {
    let name: String
    let dataset: String
    let parameters: [String: Parameter]
    let foldScores: [Double]
    let meanScore: Double
    /// scikit-learn's lowest and highest mean score over random_state 0-9.
    let seedRange: [Double]
    /// scikit-learn's mean score over random_state 0-9.
    let seedMean: Double

    /// A hyperparameter: a flag, a number or a word.
    enum Parameter: Decodable {
        case flag(Bool), number(Double), word(String)
        init(from decoder: Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let flag = try? container.decode(Bool.self) { self = .flag(flag) }
            else if let number = try? container.decode(Double.self) { self = .number(number) }
            else { self = .word(try container.decode(String.self)) }
        }
    }

    func number(_ key: String) -> Double? { if case .number(let value)? = parameters[key] { value } else { nil } }
    func word(_ key: String) -> String? { if case .word(let value)? = parameters[key] { value } else { nil } }
    func flag(_ key: String) -> Bool { if case .flag(let value)? = parameters[key] { value } else { false } }

    /// How Flint's mean compares: within `tolerance` of scikit-learn's seed-0 mean ("seed 0"), else within
    /// the seed band widened by `tolerance` ("seed band"), else nil.
    func comparison(_ score: Double, tolerance: Double) -> String? {
        if abs(score - meanScore) <= tolerance { return "seed 0" }
        return score >= seedRange[0] - tolerance && score <= seedRange[1] + tolerance ? "seed band" : nil
    }

    private struct Document: Decodable { let cases: [SGDFixtureCase] }

    static func named(_ name: String) throws -> SGDFixtureCase {
        let url = Bundle.module.url(forResource: "Fixtures/learn_sgd", withExtension: "json")!
        let cases = try JSONDecoder().decode(Document.self, from: Data(contentsOf: url)).cases
        guard let found = cases.first(where: { $0.name == name }) else { throw LearnError(.invalidInput, "no fixture \(name)") }
        return found
    }
}

@Suite struct SGDTests {
    static let classifierCases = ["iris", "wine", "breast-cancer", "digits"].flatMap { dataset in
        ["SGDClassifier/\(dataset)", "SGDClassifier,loss=log_loss/\(dataset)", "SGDClassifier,loss=modified_huber/\(dataset)"]
    } + ["SGDClassifier,average=1,penalty=elasticnet/wine", "SGDClassifier,early_stopping=True/breast-cancer"]
    // The fixture's digits cases of averaging and early stopping (Flint 0.9015 and 0.9021 against scikit-learn's
    // 0.9038, band 0.9015-0.9054, and 0.9232, band 0.8988-0.9232, when last run) are left out to keep the debug suite short.

    static func classifier(_ fixture: SGDFixtureCase) -> SGDClassifier {
        let loss: SGDClassifier.Loss = switch fixture.word("loss") { case "log_loss": .logLoss; case "modified_huber": .modifiedHuber; default: .hinge }
        return SGDClassifier(loss: loss, penalty: fixture.word("penalty") == "elasticnet" ? .elasticnet : .l2, randomState: 0,
                             earlyStopping: fixture.flag("early_stopping"), average: Int(fixture.number("average") ?? 0))
    }

    @Test(arguments: classifierCases) func classifierMatchesScikitLearn(name: String) throws {
        let fixture = try SGDFixtureCase.named(name)
        let result = try TreeCrossValidation.meanScore(dataset: fixture.dataset, classifier: true) { trainX, trainY, testX, testY in
            let model = Self.classifier(fixture)
            try model.fit(trainX, trainY)
            return try model.score(testX, testY)
        }
        let comparison = fixture.comparison(result.mean, tolerance: 0.01)
        print("\(name): Flint \(result.mean) scikit-learn \(fixture.meanScore) band \(fixture.seedRange) -> \(comparison ?? "outside")")
        if Self.seedAveraged.contains(name) {
            // On iris one test row is 0.67 points of a fold's accuracy, and scikit-learn's own seed-0 score sits 3
            // points above its seed 0-9 low: the fair comparison of two different shuffling streams is the mean
            // over seeds 0-9 on both sides.
            var means: [Double] = []
            for seed in UInt64(0)..<10 {
                means.append(try TreeCrossValidation.meanScore(dataset: fixture.dataset, classifier: true) { trainX, trainY, testX, testY in
                    let model = Self.classifier(fixture)
                    model.randomState = seed
                    try model.fit(trainX, trainY)
                    return try model.score(testX, testY)
                }.mean)
            }
            let seedMean = means.reduce(0, +) / 10
            print("\(name): Flint seeds 0-9 mean \(seedMean), scikit-learn \(fixture.seedMean)")
            #expect(abs(seedMean - fixture.seedMean) <= 0.01, "\(name): Flint per seed \(means), scikit-learn mean \(fixture.seedMean)")
        } else {
            #expect(comparison != nil, "\(name): Flint \(result.folds) scikit-learn \(fixture.foldScores) \(fixture.seedRange)")
        }
    }

    /// Cases compared by the mean over seeds 0-9 (Flint's and scikit-learn's) rather than seed 0.
    static let seedAveraged: Set = ["SGDClassifier/iris"]

    static let regressorCases = ["SGDRegressor/diabetes", "SGDRegressor,epsilon=10.0,loss=huber/diabetes",
                                 "SGDRegressor,alpha=0.1,penalty=l1/diabetes", "SGDRegressor,average=1/diabetes"]

    @Test(arguments: regressorCases) func regressorMatchesScikitLearn(name: String) throws {
        let fixture = try SGDFixtureCase.named(name)
        let result = try TreeCrossValidation.meanScore(dataset: fixture.dataset, classifier: false) { trainX, trainY, testX, testY in
            let model = SGDRegressor(loss: fixture.word("loss") == "huber" ? .huber : .squaredError,
                                     penalty: fixture.word("penalty") == "l1" ? .l1 : .l2, alpha: fixture.number("alpha") ?? 1e-4,
                                     epsilon: fixture.number("epsilon") ?? 0.1, randomState: 0, average: Int(fixture.number("average") ?? 0))
            try model.fit(trainX, trainY)
            return try model.score(testX, testY)
        }
        let comparison = fixture.comparison(result.mean, tolerance: 0.01)
        print("\(name): Flint \(result.mean) scikit-learn \(fixture.meanScore) band \(fixture.seedRange) -> \(comparison ?? "outside")")
        #expect(comparison != nil, "\(name): Flint \(result.folds) scikit-learn \(fixture.foldScores) \(fixture.seedRange)")
    }

    /// Four separable points in two classes labelled 3 and 8.
    static let features = Tensor([-2.0, -1, -1.5, -2, 2, 1, 1.5, 2], shape: [4, 2])
    static let labels = Tensor([Int64(3), 3, 8, 8], shape: [4])

    @Test func seededFitsRepeatAndFittedShapes() throws {
        let table = try TreeCrossValidation.standardized("iris")
        let first = SGDClassifier(loss: .logLoss, randomState: 7), second = SGDClassifier(loss: .logLoss, randomState: 7)
        try first.fit(table.features, table.targets)
        try second.fit(table.features, table.targets)
        #expect(first.coefficients!.scalars(as: Double.self) == second.coefficients!.scalars(as: Double.self))
        #expect(first.intercept == second.intercept && first.iterationCount == second.iterationCount)
        #expect(first.coefficients!.shape == [3, 4] && first.classes == [0, 1, 2] && first.iterationCount > 1)
        let other = SGDClassifier(loss: .logLoss, randomState: 8)
        try other.fit(table.features, table.targets)
        #expect(other.coefficients!.scalars(as: Double.self) != first.coefficients!.scalars(as: Double.self))
        let probabilities = try first.predictProbabilities(table.features)
        #expect(probabilities.shape == [150, 3])
        let sums = probabilities.sum(axis: 1).scalars(as: Double.self)
        #expect(sums.allSatisfy { abs($0 - 1) < 1e-12 })

        let binary = SGDClassifier(loss: .modifiedHuber, randomState: 0)
        try binary.fit(Self.features, Self.labels)
        #expect(binary.classes == [3, 8] && binary.coefficients!.shape == [1, 2] && binary.intercept!.count == 1)
        #expect(try binary.predict(Self.features).scalars(as: Int64.self) == [3, 3, 8, 8])
        #expect(try binary.decisionFunction(Self.features).shape == [4])
        let binaryProbabilities = try binary.predictProbabilities(Self.features).scalars(as: Double.self)
        #expect(binaryProbabilities[0] > 0.5 && binaryProbabilities[7] > 0.5)

        let regressor = SGDRegressor(randomState: 3), again = SGDRegressor(randomState: 3)
        let x = Tensor([0.0, 1, 2, 3, 4, 5], shape: [6, 1]), y = Tensor([1.0, 3, 5, 7, 9, 11])
        try regressor.fit(x, y)
        try again.fit(x, y)
        #expect(regressor.coefficients == again.coefficients && regressor.intercept == again.intercept)
        let fitScore = try regressor.score(x, y)
        #expect(abs(regressor.coefficients![0] - 2) < 0.1 && fitScore > 0.99)
    }

    @Test func errorsSayWhatIsWrong() throws {
        func kind(_ body: () throws -> Void) -> LearnError.Kind? {
            do { try body(); return nil } catch let error as LearnError { return error.kind } catch { return nil }
        }
        #expect(kind { _ = try SGDClassifier().predict(Self.features) } == .notFitted)
        #expect(kind { _ = try SGDRegressor().predict(Self.features) } == .notFitted)
        let model = SGDClassifier(randomState: 0)
        try model.fit(Self.features, Self.labels)
        #expect(kind { _ = try model.predict(Tensor([1.0, 2, 3], shape: [1, 3])) } == .featureCountMismatch)
        #expect(kind { _ = try model.predictProbabilities(Self.features) } == .invalidParameter)   // hinge has no probabilities
        #expect(kind { try SGDClassifier().fit(Tensor([0.0, .nan, 1, 2], shape: [2, 2]), Tensor([Int64(0), 1])) } == .nonFiniteInput)
        #expect(kind { try SGDRegressor().fit(Tensor([0.0, 1], shape: [2, 1]), Tensor([0.0, .infinity])) } == .nonFiniteInput)
        #expect(kind { try SGDClassifier().fit(Self.features, Tensor([Int64(1), 1, 1, 1])) } == .invalidInput)   // one class
        #expect(kind { try SGDClassifier(alpha: 0).fit(Self.features, Self.labels) } == .invalidParameter)     // optimal needs alpha > 0
        #expect(kind { try SGDClassifier(alpha: 0, learningRate: .constant).fit(Self.features, Self.labels) } == nil)
        #expect(kind { try SGDClassifier(alpha: -1, learningRate: .constant).fit(Self.features, Self.labels) } == .invalidParameter)
        #expect(kind { try SGDRegressor(eta0: 0).fit(Self.features, Tensor([1.0, 2, 3, 4])) } == .invalidParameter)
        #expect(kind { try SGDClassifier(l1Ratio: 1.5).fit(Self.features, Self.labels) } == .invalidParameter)
        #expect(kind { try SGDClassifier(loss: .logLoss, learningRate: .pa1).fit(Self.features, Self.labels) } == .invalidParameter)
        #expect(kind { try SGDClassifier(learningRate: .pa1).fit(Self.features, Self.labels) } == nil)
        #expect(kind { try SGDRegressor(learningRate: .pa2).fit(Self.features, Tensor([1.0, 2, 3, 4])) } == .invalidParameter)
        #expect(kind { try SGDClassifier(earlyStopping: true, validationFraction: 1).fit(Self.features, Self.labels) } == .invalidParameter)
        #expect(kind { try SGDClassifier(nIterNoChange: 0).fit(Self.features, Self.labels) } == .invalidParameter)
        // A step far too large on unscaled data overflows; the error says to scale.
        let huge = Tensor([1e300, 1e300, -1e300, -1e300], shape: [2, 2])
        #expect(kind { try SGDRegressor(learningRate: .constant, eta0: 1e10).fit(huge, Tensor([1e300, -1e300])) } == .notConverged)
    }
}
