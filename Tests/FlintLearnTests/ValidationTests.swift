import Flint
import FlintLearn
import Testing

/// The input checks every estimator shares.
@Suite struct ValidationTests {
    @Test func featuresAreCheckedForShapeCountAndFiniteness() throws {
        let good = Tensor([1.0, 2, 3, 4], shape: [2, 2])
        #expect(try LearnValidation.features(good, estimator: "Test").shape == [2, 2])
        #expect(throws: LearnError.self) { try LearnValidation.features(Tensor([1.0, 2]), estimator: "Test") }
        #expect(throws: LearnError.self) { try LearnValidation.features(good, estimator: "Test", expectedFeatures: 3) }
        do {
            _ = try LearnValidation.features(Tensor([1.0, .nan, 3, 4], shape: [2, 2]), estimator: "Test")
            Issue.record("NaN accepted")
        } catch let error as LearnError {
            #expect(error.kind == .nonFiniteInput && error.description.contains("row 0, column 1"))
        }
    }
}
