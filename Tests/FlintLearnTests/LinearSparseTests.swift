import Flint
import FlintData
import FlintLearn
import Testing

/// Lasso and ElasticNet against scikit-learn on standardized diabetes, and their errors.
@Suite struct LinearSparseTests {
    static func model(_ name: String) -> ElasticNet {
        switch name {
        case "lasso": return Lasso()
        case "lasso_alpha_0.1": return Lasso(alpha: 0.1)
        case "elastic_net": return ElasticNet(alpha: 0.1, l1Ratio: 0.5)
        case "elastic_net_l1_0.9": return ElasticNet(alpha: 0.5, l1Ratio: 0.9)
        default: fatalError("no model for \(name)")
        }
    }

    @Test(arguments: ["lasso", "lasso_alpha_0.1", "elastic_net", "elastic_net_l1_0.9"])
    func matchesScikitLearnOnStandardizedDiabetes(_ name: String) throws {
        let fixture = LinearFixtures.named(name)
        let data = try BundledDatasets.load(name: "diabetes")
        let features = try StandardScaler().fitTransform(data.features)
        let model = Self.model(name)
        try model.fit(features, data.targets)
        #expect(model.converged)
        // Coefficients are of order 10; both stop at the same duality-gap rule, so they agree to 1e-4 relative.
        for (actual, reference) in zip(model.coefficients!, fixture.numbers("coefficients")) {
            #expect(abs(actual - reference) <= 1e-4 * max(1, abs(reference)), "\(name): \(actual) vs \(reference)")
            #expect((actual == 0) == (reference == 0), "\(name): sparsity differs, \(actual) vs \(reference)")
        }
        #expect(abs(model.intercept! - fixture.number("intercept")) < 1e-6)
        #expect(abs(try model.score(features, data.targets) - fixture.number("r2")) < 0.01)
    }

    @Test func sparseModelsReportMisuse() throws {
        let features = Tensor([1.0, 2, 3, 4, 5, 7], shape: [3, 2]), targets = Tensor([1.0, 2, 3])
        #expect { try Lasso().predict(features) } throws: { ($0 as? LearnError)?.description.hasPrefix("Lasso: not fitted") == true }
        #expect { try Lasso(alpha: -1).fit(features, targets) } throws: { ($0 as? LearnError)?.kind == .invalidParameter }
        #expect { try ElasticNet(l1Ratio: 1.5).fit(features, targets) } throws: { ($0 as? LearnError)?.kind == .invalidParameter }
        let model = ElasticNet(alpha: 0.01)
        try model.fit(features, targets)
        #expect { try model.predict(Tensor([1.0], shape: [1, 1])) } throws: { ($0 as? LearnError)?.kind == .featureCountMismatch }
        // A large alpha zeroes every coefficient: predictions are the target mean.
        let flat = Lasso(alpha: 100)
        try flat.fit(features, targets)
        #expect(flat.coefficients! == [0, 0] && flat.intercept! == 2)
    }
}
