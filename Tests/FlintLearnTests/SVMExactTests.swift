import Flint
import FlintData
import FlintLearn
import Foundation
import Testing

/// SVC and SVR fitted on whole tables against LIBSVM's (deterministic) solutions, the cache path, and errors.
@Suite struct SVMExactTests {
    static func close(_ a: [Double], _ b: [Double], _ tolerance: Double) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { abs($0 - $1) <= tolerance }
    }

    @Test(arguments: ["exact/SVC/iris", "exact/SVC,kernel=poly/wine", "exact/SVC/breast-cancer"])
    func classifierMatchesLibsvm(name: String) throws {
        let fixture = try SVMFixtureCase.named(name)
        let table = try TreeCrossValidation.standardized(fixture.dataset)
        let model = SVC(kernel: name.contains("poly") ? .poly : .rbf)
        try model.fit(table.features, table.targets)
        #expect(model.supportIndices == fixture.supportIndices!)
        #expect(model.supportCountPerClass == fixture.supportCountPerClass!)
        let dual = model.dualCoefficients!.scalars(as: Double.self)
        // Both stop at tol 1e-3 on the KKT violation; LIBSVM reorders shrunk variables where Flint keeps
        // their order, so the paths part a little on the flatter polynomial problem.
        let expected = fixture.dualCoefficients!.flatMap { $0 }
        let largest = zip(dual, expected).map { abs($0 - $1) }.max() ?? 0
        print("\(name): largest dual coefficient difference \(largest)")
        #expect(dual.count == expected.count && largest <= (name.contains("poly") ? 1e-2 : 2e-3), "\(name): dual coefficients")
        #expect(Self.close(model.intercept, fixture.intercept!, 2e-3), "\(name): \(model.intercept) vs \(fixture.intercept!)")
        let rows = TreeCrossValidation.rows(table.features, fixture.decisionRows!)
        let decision = try model.decisionFunction(rows).scalars(as: Double.self)
        #expect(Self.close(decision, fixture.decisionValues!.flat, 2e-3), "\(name): \(decision) vs \(fixture.decisionValues!.flat)")
        #expect(try model.predict(rows).scalars(as: Int64.self).map { Int($0) } == fixture.predictions!)
        if model.classes.count > 2 {
            model.decisionFunctionShape = .ovo
            let pairs = try model.decisionFunction(rows).scalars(as: Double.self)
            #expect(Self.close(pairs, fixture.decisionValuesOneVsOne!.flat, 2e-3))
        }
    }

    @Test func regressorMatchesLibsvm() throws {
        let fixture = try SVMFixtureCase.named("exact/SVR,C=100/diabetes")
        let table = try TreeCrossValidation.standardized(fixture.dataset)
        let model = SVR(c: 100)
        try model.fit(table.features, table.targets)
        #expect(model.supportIndices == fixture.supportIndices!)
        let dual = model.dualCoefficients!.scalars(as: Double.self)
        // Dual coefficients are bounded by C = 100; LIBSVM stops at tol 1e-3 on the gradient.
        #expect(Self.close(dual, fixture.dualCoefficients!.flatMap { $0 }, 0.5), "dual coefficients")
        #expect(abs(model.intercept[0] - fixture.intercept![0]) < 0.05, "\(model.intercept) vs \(fixture.intercept!)")
        let rows = TreeCrossValidation.rows(table.features, fixture.decisionRows!)
        let predictions = try model.predict(rows).scalars(as: Double.self)
        #expect(Self.close(predictions, fixture.decisionValues!.flat, 0.05), "\(predictions) vs \(fixture.decisionValues!.flat)")
    }

    @Test func kernelCachePathMatchesTheWholeGramMatrix() throws {
        let table = try TreeCrossValidation.standardized("breast-cancer")
        let dense = SVC(), cached = SVC(cacheSize: 0.5)   // 569² doubles need 2.5 MB: rows come from the LRU cache
        try dense.fit(table.features, table.targets)
        try cached.fit(table.features, table.targets)
        #expect(dense.supportIndices == cached.supportIndices)
        #expect(Self.close(dense.dualCoefficients!.scalars(as: Double.self), cached.dualCoefficients!.scalars(as: Double.self), 1e-9))
        let regressionTable = try TreeCrossValidation.standardized("diabetes")
        let denseRegressor = SVR(c: 10), cachedRegressor = SVR(c: 10, cacheSize: 0.3)
        try denseRegressor.fit(regressionTable.features, regressionTable.targets)
        try cachedRegressor.fit(regressionTable.features, regressionTable.targets)
        #expect(denseRegressor.supportIndices == cachedRegressor.supportIndices)
        #expect(Self.close(denseRegressor.intercept, cachedRegressor.intercept, 1e-9))
    }

    @Test func labelsClassWeightsAndShapes() throws {
        let features = Tensor([0.0, 0, 0.2, 0.1, 1, 1, 1.1, 0.9, 3, 3, 3.2, 2.9], shape: [6, 2])
        let labels = Tensor([Int64(4), 4, 7, 7, 9, 9], shape: [6])
        let model = SVC(kernel: .linear)
        try model.fit(features, labels)
        #expect(model.classes == [4, 7, 9])
        #expect(try model.predict(features).scalars(as: Int64.self) == [4, 4, 7, 7, 9, 9])
        #expect(try model.decisionFunction(features).shape == [6, 3])
        #expect(model.dualCoefficients!.shape == [2, model.supportIndices.count])
        let binary = SVC(classWeight: .weights([0: 0.5]))
        let twoClasses = Tensor([Int64(0), 0, 0, 0, 1, 1], shape: [6])
        try binary.fit(features, twoClasses)
        #expect(try binary.decisionFunction(features).shape == [6])
        let balanced = SVC(classWeight: .balanced)
        try balanced.fit(features, twoClasses)
        #expect(try balanced.predict(features).scalars(as: Int64.self) == [0, 0, 0, 0, 1, 1])
        let linear = LinearSVC(randomState: 0)
        try linear.fit(features, twoClasses)
        #expect(linear.coefficients!.shape == [1, 2])
        #expect(try linear.predict(features).scalars(as: Int64.self) == [0, 0, 0, 0, 1, 1])
    }

    @Test func errorsSayWhatIsWrong() throws {
        let features = Tensor([0.0, 1, 2, 3], shape: [4, 1])
        let labels = Tensor([Int64(0), 0, 1, 1], shape: [4])
        let values = Tensor([0.0, 1, 2, 3])
        func kind(_ body: () throws -> Void) -> LearnError.Kind? {
            do { try body(); return nil } catch let error as LearnError { return error.kind } catch { return nil }
        }
        #expect(kind { _ = try SVC().predict(features) } == .notFitted)
        #expect(kind { _ = try SVR().predict(features) } == .notFitted)
        #expect(kind { _ = try LinearSVC().predict(features) } == .notFitted)
        #expect(kind { try SVC(c: 0).fit(features, labels) } == .invalidParameter)
        #expect(kind { try SVC(gamma: .value(-1)).fit(features, labels) } == .invalidParameter)
        #expect(kind { try SVC(kernel: .poly, degree: -1).fit(features, labels) } == .invalidParameter)
        #expect(kind { try SVC(tol: 0).fit(features, labels) } == .invalidParameter)
        #expect(kind { try SVC(classWeight: .weights([0: -1])).fit(features, labels) } == .invalidParameter)
        #expect(kind { try SVR(epsilon: -0.1).fit(features, values) } == .invalidParameter)
        #expect(kind { try SVR(c: .infinity).fit(features, values) } == .invalidParameter)
        #expect(kind { try LinearSVC(c: -1).fit(features, labels) } == .invalidParameter)
        #expect(kind { try SVC().fit(features, Tensor([Int64(1), 1, 1, 1], shape: [4])) } == .invalidInput)
        #expect(kind { try LinearSVC().fit(features, Tensor([Int64(1), 1, 1, 1], shape: [4])) } == .invalidInput)
        #expect(kind { try SVC().fit(Tensor([0.0, .nan, 2, 3], shape: [4, 1]), labels) } == .nonFiniteInput)
        #expect(kind { try SVR().fit(features, Tensor([0.0, .infinity, 2, 3])) } == .nonFiniteInput)
        let model = SVC()
        try model.fit(features, labels)
        #expect(kind { _ = try model.predict(Tensor([0.0, 1], shape: [1, 2])) } == .featureCountMismatch)
        #expect(kind { _ = try model.predictProbabilities(features) } == .notFitted)
        let regressor = SVR()
        try regressor.fit(features, values)
        #expect(kind { _ = try regressor.predict(Tensor([0.0, 1], shape: [1, 2])) } == .featureCountMismatch)
    }
}
