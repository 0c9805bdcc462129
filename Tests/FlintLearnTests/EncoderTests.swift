import Flint
import FlintLearn
import Testing

/// PolynomialFeatures, OneHotEncoder and LabelEncoder against scikit-learn's outputs, and their errors.
@Suite struct EncoderTests {
    static let transformers: [String: @Sendable () -> any TransformerEstimator] = [
        "poly_2": { PolynomialFeatures() },
        "poly_3_no_bias": { PolynomialFeatures(degree: 3, includeBias: false) },
        "poly_3_interaction": { PolynomialFeatures(degree: 3, interactionOnly: true) },
        "onehot": { OneHotEncoder() },
    ]

    @Test(arguments: transformers.keys.sorted())
    func matchesScikitLearn(_ name: String) throws {
        let fixture = LinearFixtures.named(name)
        let output = try Self.transformers[name]!().fitTransform(fixture.matrix("input"))
        #expect(output.shape == fixture.matrix("output").shape, "\(name)")
        #expect(LinearFixtures.maximumDifference(output, fixture.matrix("output")) < 1e-12, "\(name)")
    }

    @Test func polynomialPowersFollowScikitLearnOrder() throws {
        let model = PolynomialFeatures()
        try model.fit(Tensor([1.0, 2], shape: [1, 2]))
        #expect(model.powers! == [[0, 0], [1, 0], [0, 1], [2, 0], [1, 1], [0, 2]])
        let interactions = PolynomialFeatures(degree: 2, interactionOnly: true, includeBias: false)
        #expect(try interactions.fitTransform(Tensor([2.0, 3, 5], shape: [1, 3])).scalars(as: Double.self) == [2, 3, 5, 6, 10, 15])
    }

    @Test func polynomialReportsMisuse() throws {
        let input = Tensor([1.0, 2, 3, 4], shape: [2, 2])
        #expect(throws: LearnError(.notFitted, "PolynomialFeatures: not fitted; call fit(_:) first")) { try PolynomialFeatures().transform(input) }
        #expect(throws: LearnError(.invalidParameter, "PolynomialFeatures: degree must be at least 1, got 0")) { try PolynomialFeatures(degree: 0).fit(input) }
        let model = PolynomialFeatures()
        try model.fit(input)
        #expect { try model.transform(Tensor([1.0, 2, 3], shape: [1, 3])) } throws: { ($0 as? LearnError)?.kind == .featureCountMismatch }
        #expect { try model.transform(Tensor([1.0, .nan], shape: [1, 2])) } throws: { ($0 as? LearnError)?.kind == .nonFiniteInput }
    }

    @Test func oneHotHandlesUnknownCategories() throws {
        let training = Tensor([0.0, 2, 1, 0, 2, 2, 0, 1], shape: [4, 2])
        let strict = OneHotEncoder()
        try strict.fit(training)
        #expect(strict.categories! == [[0, 1, 2], [0, 1, 2]])
        let unseen = Tensor([5.0, 1], shape: [1, 2])
        #expect { try strict.transform(unseen) } throws: { ($0 as? LearnError)?.kind == .unseenLabel }
        let lenient = OneHotEncoder(handleUnknown: .ignore)
        try lenient.fit(training)
        #expect(try lenient.transform(unseen).scalars(as: Double.self) == [0, 0, 0, 0, 1, 0])
        let encoded = try strict.transform(training)
        #expect(try strict.inverseTransform(encoded).scalars(as: Double.self) == training.scalars(as: Double.self))
        #expect { try lenient.inverseTransform(try lenient.transform(unseen)) } throws: { ($0 as? LearnError)?.kind == .invalidInput }
    }

    @Test func oneHotReportsMisuse() throws {
        #expect(throws: LearnError(.notFitted, "OneHotEncoder: not fitted; call fit(_:) first")) {
            try OneHotEncoder().transform(Tensor([0.0], shape: [1, 1]))
        }
        #expect { try OneHotEncoder().fit(Tensor([0.5, 1], shape: [2, 1])) } throws: { ($0 as? LearnError)?.kind == .invalidInput }
        let encoder = OneHotEncoder()
        try encoder.fit(Tensor([0.0, 1], shape: [2, 1]))
        #expect { try encoder.transform(Tensor([0.0, 1], shape: [1, 2])) } throws: { ($0 as? LearnError)?.kind == .featureCountMismatch }
    }

    @Test func labelEncoderRoundTripsIntegersAndStrings() throws {
        let integers = LabelEncoder<Int>()
        #expect(try integers.fitTransform([30, 10, 30, 20]) == [2, 0, 2, 1])
        #expect(integers.classes! == [10, 20, 30])
        #expect(try integers.inverseTransform([0, 2]) == [10, 30])
        let strings = LabelEncoder<String>()
        try strings.fit(["paris", "tokyo", "amsterdam", "paris"])
        #expect(try strings.transform(["tokyo", "amsterdam"]) == [2, 0])
        #expect(try strings.inverseTransform([1]) == ["paris"])
    }

    @Test func labelEncoderReportsMisuse() throws {
        #expect(throws: LearnError(.notFitted, "LabelEncoder: not fitted; call fit(_:) first")) { try LabelEncoder<Int>().transform([1]) }
        #expect { try LabelEncoder<String>().fit([]) } throws: { ($0 as? LearnError)?.kind == .invalidInput }
        let encoder = LabelEncoder<String>()
        try encoder.fit(["a", "b"])
        #expect { try encoder.transform(["c"]) } throws: { ($0 as? LearnError)?.kind == .unseenLabel }
        #expect { try encoder.inverseTransform([2]) } throws: { ($0 as? LearnError)?.kind == .invalidInput }
    }
}
