import Flint
import FlintLearn
import Testing

/// Scalers and the imputer against scikit-learn's outputs, and their errors.
@Suite struct PreprocessingTests {
    static let transformers: [String: @Sendable () -> any TransformerEstimator] = [
        "standard": { StandardScaler() },
        "standard_no_mean": { StandardScaler(withMean: false) },
        "standard_no_std": { StandardScaler(withStd: false) },
        "minmax": { MinMaxScaler() },
        "minmax_symmetric": { MinMaxScaler(featureRange: (-1, 1)) },
        "robust": { RobustScaler() },
        "robust_10_90": { RobustScaler(quantileRange: (10, 90)) },
        "impute_mean": { SimpleImputer(strategy: .mean) },
        "impute_median": { SimpleImputer(strategy: .median) },
        "impute_most_frequent": { SimpleImputer(strategy: .mostFrequent) },
        "impute_constant": { SimpleImputer(strategy: .constant(-1)) },
    ]

    @Test(arguments: transformers.keys.sorted())
    func matchesScikitLearn(_ name: String) throws {
        let fixture = LinearFixtures.named(name)
        let output = try Self.transformers[name]!().fitTransform(fixture.matrix("input"))
        #expect(LinearFixtures.maximumDifference(output, fixture.matrix("output")) < 1e-12, "\(name)")
    }

    @Test func scalersInvertTheirTransform() throws {
        let input = LinearFixtures.named("standard").matrix("input")
        let standard = StandardScaler(), minMax = MinMaxScaler(featureRange: (-2, 3))
        #expect(LinearFixtures.maximumDifference(try standard.inverseTransform(try standard.fitTransform(input)), input) < 1e-12)
        #expect(LinearFixtures.maximumDifference(try minMax.inverseTransform(try minMax.fitTransform(input)), input) < 1e-12)
        #expect(standard.scale![2] == 1 && standard.variance![2] == 0)   // constant column left unscaled
    }

    @Test func scalersReportMisuse() throws {
        let input = Tensor([1.0, 2, 3, 4], shape: [2, 2])
        for scaler in [StandardScaler(), MinMaxScaler(), RobustScaler()] as [any TransformerEstimator] {
            #expect(throws: LearnError(.notFitted, "\(type(of: scaler)): not fitted; call fit(_:) first")) { try scaler.transform(input) }
            try scaler.fit(input)
            #expect { try scaler.transform(Tensor([1.0, 2, 3], shape: [1, 3])) } throws: { ($0 as? LearnError)?.kind == .featureCountMismatch }
            #expect { try scaler.fit(Tensor([1.0, .nan], shape: [1, 2])) } throws: { ($0 as? LearnError)?.kind == .nonFiniteInput }
        }
        #expect { try MinMaxScaler(featureRange: (1, 0)).fit(input) } throws: { ($0 as? LearnError)?.kind == .invalidParameter }
        #expect { try RobustScaler(quantileRange: (80, 20)).fit(input) } throws: { ($0 as? LearnError)?.kind == .invalidParameter }
    }

    @Test func imputerAcceptsNaNButNotInfinity() throws {
        let imputer = SimpleImputer(strategy: .median)
        let filled = try imputer.fitTransform(Tensor([1.0, .nan, 3, 4, 5, .nan], shape: [3, 2]))
        #expect(filled.scalars(as: Double.self) == [1, 4, 3, 4, 5, 4])
        #expect { try imputer.fit(Tensor([1.0, .infinity], shape: [1, 2])) } throws: { ($0 as? LearnError)?.kind == .nonFiniteInput }
        #expect { try SimpleImputer().transform(filled) } throws: { ($0 as? LearnError)?.kind == .notFitted }
        #expect { try imputer.transform(Tensor([1.0], shape: [1, 1])) } throws: { ($0 as? LearnError)?.kind == .featureCountMismatch }
        // An all-missing column is dropped under mean, kept under constant (scikit-learn's behaviour).
        let empty = Tensor([1.0, .nan, 2, .nan], shape: [2, 2])
        #expect(try SimpleImputer().fitTransform(empty).shape == [2, 1])
        #expect(try SimpleImputer(strategy: .constant(7)).fitTransform(empty).scalars(as: Double.self) == [1, 7, 2, 7])
    }

    @Test func pipelineChainsTransformersIntoTheEstimator() throws {
        let features = Tensor([1.0, .nan, 2, 10, 3, 20, 4, 30, .nan, 40], shape: [5, 2])
        let targets = Tensor([3.0, 5, 7, 9, 11])
        let pipeline = Pipeline([SimpleImputer(), StandardScaler()], LinearRegression())
        #expect { try pipeline.predict(features) } throws: { ($0 as? LearnError)?.kind == .notFitted }
        try pipeline.fit(features, targets)
        #expect(try pipeline.transform(features).shape == [5, 2])
        // The same steps by hand give the same predictions and R².
        let prepared = try StandardScaler().fitTransform(try SimpleImputer().fitTransform(features))
        let manual = LinearRegression()
        try manual.fit(prepared, targets)
        #expect(LinearFixtures.maximumDifference(try pipeline.predict(features), try manual.predict(prepared)) < 1e-12)
        #expect(try pipeline.score(features, targets) == (try manual.score(prepared, targets)))
        #expect { try pipeline.predictProbabilities(features) } throws: { ($0 as? LearnError)?.kind == .invalidInput }
    }
}
