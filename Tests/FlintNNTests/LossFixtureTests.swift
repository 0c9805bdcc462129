import Flint
import FlintNN
import FlintTestSupport
import Foundation
import Testing

// Loss values and input gradients against PyTorch, for every loss, option and reduction.
//
// The fixture file is made by `scripts/make_loss_fixtures.py` (run it with a Python that has
// PyTorch; CI only reads the committed JSON). Each case there is written once per reduction as
// "name/reduction"; the table below maps the name to the Flint call. A fixture case without an
// entry here fails, and so does an entry here without a fixture case.

/// The Flint side of every fixture case: the inputs (in the fixture's order) and the reduction to
/// the loss.
let lossFixtureOperations: [String: @Sendable ([Tensor], Reduction) -> Tensor] = [
    // Regression.
    "mse": { x, r in Loss.meanSquaredError(x[0], x[1], reduction: r) },
    "mse_3d": { x, r in MSELoss(reduction: r)(x[0], x[1]) },
    "l1": { x, r in L1Loss(reduction: r)(x[0], x[1]) },
    "huber": { x, r in Loss.huber(x[0], x[1], reduction: r) },
    "huber_delta": { x, r in HuberLoss(delta: 0.4, reduction: r)(x[0], x[1]) },
    "smooth_l1": { x, r in Loss.smoothL1(x[0], x[1], reduction: r) },
    "smooth_l1_beta": { x, r in SmoothL1Loss(beta: 0.3, reduction: r)(x[0], x[1]) },
    "smooth_l1_beta_zero": { x, r in Loss.smoothL1(x[0], x[1], beta: 0, reduction: r) },

    // Cross-entropy.
    "cross_entropy": { x, r in Loss.crossEntropy(x[0], x[1], reduction: r) },
    "cross_entropy_weight": { x, r in CrossEntropyLoss(weight: x[2], reduction: r)(x[0], x[1]) },
    "cross_entropy_ignore": { x, r in Loss.crossEntropy(x[0], x[1], reduction: r) },
    "cross_entropy_ignore_custom": { x, r in Loss.crossEntropy(x[0], x[1], ignoreIndex: 1, reduction: r) },
    "cross_entropy_weight_ignore": { x, r in Loss.crossEntropy(x[0], x[1], weight: x[2], reduction: r) },
    "cross_entropy_smoothing": { x, r in Loss.crossEntropy(x[0], x[1], labelSmoothing: 0.2, reduction: r) },
    "cross_entropy_smoothing_weight_ignore": { x, r in
        Loss.crossEntropy(x[0], x[1], weight: x[2], labelSmoothing: 0.3, reduction: r)
    },
    "cross_entropy_spatial": { x, r in Loss.crossEntropy(x[0], x[1], reduction: r) },
    "cross_entropy_spatial_all_options": { x, r in
        CrossEntropyLoss(weight: x[2], ignoreIndex: -1, labelSmoothing: 0.1, reduction: r)(x[0], x[1])
    },
    "cross_entropy_all_ignored": { x, r in Loss.crossEntropy(x[0], x[1], reduction: r) },
    "cross_entropy_unbatched": { x, r in Loss.crossEntropy(x[0], x[1], reduction: r) },
    "cross_entropy_large_logits": { x, r in Loss.crossEntropy(x[0], x[1], reduction: r) },
    "cross_entropy_probabilities": { x, r in Loss.crossEntropy(x[0], x[1], reduction: r) },
    "cross_entropy_probabilities_weight_smoothing": { x, r in
        Loss.crossEntropy(x[0], x[1], weight: x[2], labelSmoothing: 0.25, reduction: r)
    },
    "cross_entropy_probabilities_spatial": { x, r in Loss.crossEntropy(x[0], x[1], reduction: r) },

    // Negative log-likelihood.
    "nll": { x, r in Loss.negativeLogLikelihood(x[0], x[1], reduction: r) },
    "nll_weight_ignore": { x, r in NLLLoss(weight: x[2], reduction: r)(x[0], x[1]) },
    "nll_spatial": { x, r in Loss.negativeLogLikelihood(x[0], x[1], ignoreIndex: 5, reduction: r) },
    "nll_unbatched": { x, r in Loss.negativeLogLikelihood(x[0], x[1], reduction: r) },

    // Binary cross-entropy.
    "bce": { x, r in Loss.binaryCrossEntropy(x[0], x[1], reduction: r) },
    "bce_weight": { x, r in BCELoss(weight: x[2], reduction: r)(x[0], x[1]) },
    "bce_edges": { x, r in Loss.binaryCrossEntropy(x[0], x[1], reduction: r) },
    "bce_logits": { x, r in Loss.binaryCrossEntropyWithLogits(x[0], x[1], reduction: r) },
    "bce_logits_weight": { x, r in Loss.binaryCrossEntropyWithLogits(x[0], x[1], weight: x[2], reduction: r) },
    "bce_logits_pos_weight": { x, r in BCEWithLogitsLoss(posWeight: x[2], reduction: r)(x[0], x[1]) },
    "bce_logits_weight_pos_weight": { x, r in
        BCEWithLogitsLoss(weight: x[2], posWeight: x[3], reduction: r)(x[0], x[1])
    },
    "bce_logits_large": { x, r in Loss.binaryCrossEntropyWithLogits(x[0], x[1], reduction: r) },
    "bce_logits_large_pos_weight": { x, r in Loss.binaryCrossEntropyWithLogits(x[0], x[1], posWeight: x[2], reduction: r) },

    // Margins.
    "hinge_embedding": { x, r in Loss.hingeEmbedding(x[0], x[1], reduction: r) },
    "hinge_embedding_margin": { x, r in HingeEmbeddingLoss(margin: 2.5, reduction: r)(x[0], x[1]) },
    "multi_margin": { x, r in Loss.multiMargin(x[0], x[1], reduction: r) },
    "multi_margin_p2_margin": { x, r in Loss.multiMargin(x[0], x[1], p: 2, margin: 0.7, reduction: r) },
    "multi_margin_weight": { x, r in MultiMarginLoss(weight: x[2], reduction: r)(x[0], x[1]) },
    "multi_margin_p2_weight": { x, r in Loss.multiMargin(x[0], x[1], p: 2, margin: 1.5, weight: x[2], reduction: r) },
    "multi_margin_unbatched": { x, r in Loss.multiMargin(x[0], x[1], reduction: r) },

    // KL divergence.
    "kl_div": { x, r in Loss.klDivergence(x[0], x[1], reduction: r) },
    "kl_div_log_target": { x, r in KLDivLoss(reduction: r, logTarget: true)(x[0], x[1]) },
    "kl_div_zero_target": { x, r in Loss.klDivergence(x[0], x[1], reduction: r) },

    // Cosine embedding.
    "cosine_embedding": { x, r in Loss.cosineEmbedding(x[0], x[1], x[2], reduction: r) },
    "cosine_embedding_margin": { x, r in CosineEmbeddingLoss(margin: -0.3, reduction: r)(x[0], x[1], x[2]) },
    "cosine_embedding_unbatched": { x, r in Loss.cosineEmbedding(x[0], x[1], x[2], margin: 0.1, reduction: r) },
]

/// Absolute and relative tolerance for float64 comparisons with PyTorch.
private let lossFixtureTolerance = 1e-10

// MARK: - the fixture file


/// One case (a loss with its options, at one reduction) of the fixture file.
struct LossFixtureCase: Sendable, CustomTestStringConvertible {
    let name: String
    let inputs: [FixtureTensor]
    let output: FixtureTensor
    let upstream: FixtureTensor
    let gradients: [FixtureTensor?]

    /// The loss's name in the table, without the reduction.
    var lossName: String { String(name.split(separator: "/")[0]) }
    /// The reduction, from the name's suffix.
    var reduction: Reduction? {
        switch name.split(separator: "/").last {
        case "none": return Reduction.none
        case "mean": return .mean
        case "sum": return .sum
        case "batchmean": return .batchMean
        default: return nil
        }
    }
    var testDescription: String { name }
}


enum LossFixtures {
    /// Every case of `Fixtures/torch_losses.json`, in file order.
    static let cases: [LossFixtureCase] = {
        do { return try load() } catch { fatalError("cannot read the loss fixtures: \(error)") }
    }()

    static func load() throws -> [LossFixtureCase] {
        guard let url = Bundle.module.url(forResource: "torch_losses", withExtension: "json", subdirectory: "Fixtures") else {
            throw FixtureError("Fixtures/torch_losses.json is missing from the test bundle; run scripts/make_loss_fixtures.py")
        }
        let root = try JSONSerialization.jsonObject(with: Data(contentsOf: url))
        guard let document = root as? [String: Any], let entries = document["cases"] as? [[String: Any]] else {
            throw FixtureError("torch_losses.json has no \"cases\" list")
        }
        return try entries.map { entry in
            guard let name = entry["name"] as? String else { throw FixtureError("a case has no name") }
            guard let inputs = entry["inputs"] as? [Any], let output = entry["output"], let upstream = entry["upstream"],
                  let gradients = entry["gradients"] as? [Any] else {
                throw FixtureError("\(name): inputs, output, upstream or gradients missing")
            }
            return LossFixtureCase(
                name: name, inputs: try inputs.map { try FixtureTensor($0, context: name) },
                output: try FixtureTensor(output, context: name), upstream: try FixtureTensor(upstream, context: name),
                gradients: try gradients.map { $0 is NSNull ? nil : try FixtureTensor($0, context: name) })
        }
    }
}

/// Records an issue unless `actual` matches the fixture tensor within the tolerance.
private func expectMatches(_ actual: Tensor, _ expected: FixtureTensor, _ what: String,
                           sourceLocation: SourceLocation = #_sourceLocation) {
    if let mismatch = fixtureMismatch(actual, expected, tolerance: lossFixtureTolerance, checkType: false) {
        Issue.record("\(what): \(mismatch)", sourceLocation: sourceLocation)
    }
}

@Suite("Loss PyTorch fixtures")
struct LossFixtureTests {
    @Test("every fixture loss has a Flint mapping and every mapping a fixture case")
    func tablesAgree() {
        let fixtureNames = Set(LossFixtures.cases.map(\.lossName))
        let missing = fixtureNames.subtracting(lossFixtureOperations.keys).sorted()
        let stale = Set(lossFixtureOperations.keys).subtracting(fixtureNames).sorted()
        #expect(missing.isEmpty, "fixture losses with no Flint mapping in LossFixtureTests.swift: \(missing)")
        #expect(stale.isEmpty, "Flint mappings with no fixture case (rerun scripts/make_loss_fixtures.py?): \(stale)")
        #expect(LossFixtures.cases.count == Set(LossFixtures.cases.map(\.name)).count, "duplicate case names")
        #expect(LossFixtures.cases.allSatisfy { $0.reduction != nil }, "a case name lacks a known reduction")
        #expect(LossFixtures.cases.count >= 140)
    }

    @Test("loss values and gradients match PyTorch", arguments: LossFixtures.cases)
    func matchesTorch(_ fixture: LossFixtureCase) throws {
        let operation = try #require(lossFixtureOperations[fixture.lossName],
                                     "fixture case \(fixture.name) has no Flint mapping in LossFixtureTests.swift")
        let reduction = try #require(fixture.reduction)
        let inputs = fixture.inputs.map { input -> Tensor in
            let tensor = input.tensor()
            if input.requiresGrad { tensor.requiresGrad = true }
            return tensor
        }
        let output = operation(inputs, reduction)
        expectMatches(output, fixture.output, "\(fixture.name) output")
        // The gradient of <output, upstream> is what torch.autograd.grad gave with that upstream.
        (output * fixture.upstream.tensor()).sum().backward()
        for (index, (input, expected)) in zip(inputs, fixture.gradients).enumerated() {
            guard let expected else {
                #expect(input.grad == nil, "\(fixture.name): input \(index) got a gradient PyTorch does not have")
                continue
            }
            expectMatches(input.grad ?? Tensor.zeros(like: input), expected, "\(fixture.name) gradient of input \(index)")
        }
    }
}
