import Flint
import FlintData
import FlintLearn
import Foundation
import Testing

/// scikit-learn's SVM results (scripts/make_learn_fixtures_svm.py).
struct SVMFixtureCase: Decodable {
    let name: String
    let dataset: String
    let parameters: [String: Parameter]?
    let meanScore: Double?
    let foldScores: [Double]?
    let meanLogLoss: Double?
    let supportIndices: [Int]?
    let supportCountPerClass: [Int]?
    let dualCoefficients: [[Double]]?
    let intercept: [Double]?
    let decisionRows: [Int]?
    let decisionValues: Values?
    let decisionValuesOneVsOne: Values?
    let predictions: [Int]?

    /// A hyperparameter: a number, a word or a flag.
    enum Parameter: Decodable {
        case number(Double), word(String), flag(Bool)
        init(from decoder: Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let flag = try? container.decode(Bool.self) { self = .flag(flag) }
            else if let number = try? container.decode(Double.self) { self = .number(number) }
            else { self = .word(try container.decode(String.self)) }
        }
    }

    /// Decision values as a flat list (a vector or a matrix in the JSON).
    struct Values: Decodable {
        let flat: [Double]
        init(from decoder: Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let matrix = try? container.decode([[Double]].self) { flat = matrix.flatMap { $0 } } else { flat = try container.decode([Double].self) }
        }
    }

    func number(_ key: String) -> Double? { if case .number(let value)? = parameters?[key] { return value } else { return nil } }
    func word(_ key: String) -> String? { if case .word(let value)? = parameters?[key] { return value } else { return nil } }
    var kernel: SVMKernel { word("kernel").flatMap(SVMKernel.init(rawValue:)) ?? .rbf }
    var gamma: SVMGamma { word("gamma") == "auto" ? .auto : .scale }

    private struct Document: Decodable { let cases: [SVMFixtureCase] }

    static func named(_ name: String) throws -> SVMFixtureCase {
        let url = Bundle.module.url(forResource: "Fixtures/learn_svm", withExtension: "json")!
        let cases = try JSONDecoder().decode(Document.self, from: Data(contentsOf: url)).cases
        guard let found = cases.first(where: { $0.name == name }) else { throw LearnError(.invalidInput, "no fixture \(name)") }
        return found
    }
}

@Suite struct SVMTests {
    static let classifierCases = [
        "SVC/iris", "SVC/wine", "SVC/breast-cancer", "SVC/digits",
        "SVC,kernel=linear/iris", "SVC,kernel=linear/wine", "SVC,kernel=linear/breast-cancer", "SVC,kernel=linear/digits",
        "SVC,kernel=poly/iris", "SVC,kernel=poly/wine", "SVC,kernel=poly/breast-cancer", "SVC,kernel=poly/digits",
        "SVC,kernel=sigmoid/iris", "SVC,kernel=sigmoid/breast-cancer", "SVC,C=10,gamma=auto/wine", "SVC,C=10,gamma=auto/digits",
        "LinearSVC/iris", "LinearSVC/wine", "LinearSVC/breast-cancer", "LinearSVC/digits",
    ]

    @Test(arguments: classifierCases) func classifierMatchesScikitLearn(name: String) throws {
        let fixture = try SVMFixtureCase.named(name)
        let result = try TreeCrossValidation.meanScore(dataset: fixture.dataset, classifier: true) { trainX, trainY, testX, testY in
            if name.hasPrefix("LinearSVC") {
                let model = LinearSVC(randomState: 0)
                try model.fit(trainX, trainY)
                return try model.score(testX, testY)
            }
            let model = SVC(c: fixture.number("C") ?? 1, kernel: fixture.kernel, gamma: fixture.gamma)
            try model.fit(trainX, trainY)
            return try model.score(testX, testY)
        }
        print("\(name): Flint \(result.mean) scikit-learn \(fixture.meanScore!)")
        #expect(abs(result.mean - fixture.meanScore!) <= 0.01, "\(name): Flint \(result.folds) scikit-learn \(fixture.foldScores!)")
    }

    static let regressorCases = ["SVR/diabetes", "SVR,C=100/diabetes", "SVR,C=100,kernel=linear/diabetes",
                                 "SVR,C=100,epsilon=1,kernel=poly/diabetes"]

    @Test(arguments: regressorCases) func regressorMatchesScikitLearn(name: String) throws {
        let fixture = try SVMFixtureCase.named(name)
        let result = try TreeCrossValidation.meanScore(dataset: fixture.dataset, classifier: false) { trainX, trainY, testX, testY in
            let model = SVR(c: fixture.number("C") ?? 1, epsilon: fixture.number("epsilon") ?? 0.1, kernel: fixture.kernel)
            try model.fit(trainX, trainY)
            return try model.score(testX, testY)
        }
        print("\(name): Flint \(result.mean) scikit-learn \(fixture.meanScore!)")
        #expect(abs(result.mean - fixture.meanScore!) <= 0.01, "\(name): Flint \(result.folds) scikit-learn \(fixture.foldScores!)")
    }

    @Test(arguments: ["SVC,probability=True/iris", "SVC,probability=True/wine", "SVC,probability=True/breast-cancer"])
    func probabilitiesAreCalibrated(name: String) throws {
        let fixture = try SVMFixtureCase.named(name)
        var losses: [Double] = []
        let result = try TreeCrossValidation.meanScore(dataset: fixture.dataset, classifier: true) { trainX, trainY, testX, testY in
            let model = SVC(probability: true, randomState: 0)
            try model.fit(trainX, trainY)
            let probabilities = try model.predictProbabilities(testX).scalars(as: Double.self)
            let predictions = try model.predict(testX).scalars(as: Int64.self)
            let labels = testY.scalars(as: Int64.self), k = model.classes.count
            var loss = 0.0, agree = 0
            for row in 0..<labels.count {
                let slice = Array(probabilities[(row * k)..<((row + 1) * k)])
                #expect(abs(slice.reduce(0, +) - 1) < 1e-9)
                let best = slice.indices.max { slice[$0] < slice[$1] }!
                if Int64(model.classes[best]) == predictions[row] { agree += 1 }
                loss -= log(max(slice[model.classes.firstIndex(of: Int(labels[row]))!], 1e-15))
            }
            #expect(Double(agree) >= 0.9 * Double(labels.count))
            losses.append(loss / Double(labels.count))
            return try model.score(testX, testY)
        }
        let meanLoss = losses.reduce(0, +) / Double(losses.count)
        print("\(name): Flint accuracy \(result.mean) log loss \(meanLoss); scikit-learn \(fixture.meanScore!) \(fixture.meanLogLoss!)")
        #expect(abs(result.mean - fixture.meanScore!) <= 0.01)
        #expect(abs(meanLoss - fixture.meanLogLoss!) <= 0.25 * fixture.meanLogLoss! + 0.01)
    }
}
