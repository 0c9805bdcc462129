import Flint
import FlintData
import FlintLearn
import Testing

/// LinearRegression and Ridge against scikit-learn on diabetes, and their errors.
@Suite struct LinearModelTests {
    static func model(_ name: String) -> any RegressorEstimator {
        switch name {
        case "linear_regression": return LinearRegression()
        case "linear_regression_no_intercept": return LinearRegression(fitIntercept: false)
        case "ridge": return Ridge()
        case "ridge_alpha_10": return Ridge(alpha: 10)
        case "ridge_no_intercept": return Ridge(alpha: 0.5, fitIntercept: false)
        default: fatalError("no model for \(name)")
        }
    }

    static func fitted(_ model: any RegressorEstimator) -> (coefficients: [Double], intercept: Double) {
        if let model = model as? LinearRegression { return (model.coefficients!, model.intercept!) }
        let ridge = model as! Ridge
        return (ridge.coefficients!, ridge.intercept!)
    }

    @Test(arguments: ["linear_regression", "linear_regression_no_intercept", "ridge", "ridge_alpha_10", "ridge_no_intercept"])
    func matchesScikitLearnOnDiabetes(_ name: String) throws {
        let fixture = LinearFixtures.named(name)
        let data = try BundledDatasets.load(name: "diabetes")
        #expect(abs(data.features.sum().item(as: Double.self) - fixture.number("feature_sum")) < 1e-6)
        let model = Self.model(name)
        try model.fit(data.features, data.targets)
        let (coefficients, intercept) = Self.fitted(model)
        let expected = fixture.numbers("coefficients")
        for (actual, reference) in zip(coefficients, expected) {
            #expect(abs(actual - reference) <= 1e-6 * max(1, abs(reference)), "\(name): \(actual) vs \(reference)")
        }
        #expect(abs(intercept - fixture.number("intercept")) <= 1e-6 * max(1, abs(fixture.number("intercept"))))
        #expect(abs(try model.score(data.features, data.targets) - fixture.number("r2")) < 1e-9)
    }

    @Test func regressorsReportMisuse() throws {
        let features = Tensor([1.0, 2, 3, 4, 5, 7], shape: [3, 2]), targets = Tensor([1.0, 2, 3])
        for model in [LinearRegression(), Ridge()] as [any RegressorEstimator] {
            #expect { try model.predict(features) } throws: { ($0 as? LearnError)?.kind == .notFitted }
            #expect { try model.fit(features, Tensor([1.0, 2])) } throws: { ($0 as? LearnError)?.kind == .invalidInput }
            #expect { try model.fit(features, Tensor([1.0, .nan, 2])) } throws: { ($0 as? LearnError)?.kind == .nonFiniteInput }
            try model.fit(features, targets)
            #expect { try model.predict(Tensor([1.0], shape: [1, 1])) } throws: { ($0 as? LearnError)?.kind == .featureCountMismatch }
        }
        #expect { try Ridge(alpha: -1).fit(features, targets) } throws: { ($0 as? LearnError)?.kind == .invalidParameter }
    }

    @Test func exactLineIsRecovered() throws {
        let features = Tensor([0.0, 1, 2, 3], shape: [4, 1])
        let model = LinearRegression()
        try model.fit(features, Tensor([1.0, 3, 5, 7]))
        #expect(abs(model.coefficients![0] - 2) < 1e-12 && abs(model.intercept! - 1) < 1e-12)
        #expect(LinearFixtures.maximumDifference(try model.predict(Tensor([10.0], shape: [1, 1])), Tensor([21.0])) < 1e-10)
    }
}
