import Flint
import Foundation

/// One hyperparameter of a catalogued estimator, under scikit-learn's name (`C`, `n_estimators`,
/// `max_depth`): read as text from the command line (`--param n_estimators=300`) and written back as
/// the same text when the estimator is saved, so a saved estimator reloads with exactly its settings.
///
/// ```swift
/// let entry = try EstimatorCatalog.entry(named: "random-forest-classifier")
/// let forest = try entry.make(parameters: ["n_estimators": "300", "max_depth": "none"])
/// print(entry.parameters.map(\.name))   // ["n_estimators", "criterion", "max_depth", ...]
/// ```
public struct EstimatorParameter {
    /// scikit-learn's name of the parameter.
    public let name: String
    /// What the parameter does and which values it takes.
    public let summary: String
    /// The current value of the parameter on an estimator, as text.
    let read: (AnyObject) -> String
    /// Sets the parameter on an estimator from text; throws a message when the text is not a value.
    let write: (AnyObject, String) throws -> Void

    /// A parameter stored at `keyPath` of `Model`, parsed by `parse` (nil for text that is no value)
    /// and printed by `format`; `expected` names the values in errors ("an integer", "gini or entropy").
    ///
    /// ```swift
    /// let penalty = EstimatorParameter.custom("alpha", \Ridge.alpha, "L2 strength", expected: "a number",
    ///                                         parse: { Double($0) }, format: { "\($0)" })
    /// ```
    public static func custom<Model: AnyObject, Value>(_ name: String, _ keyPath: ReferenceWritableKeyPath<Model, Value>, _ summary: String,
                                                       expected: String, parse: @escaping (String) -> Value?,
                                                       format: @escaping (Value) -> String) -> EstimatorParameter {
        EstimatorParameter(name: name, summary: summary, read: { object in
            format((object as! Model)[keyPath: keyPath])
        }, write: { object, text in
            guard let value = parse(text.trimmingCharacters(in: .whitespaces)) else {
                throw LearnError(.invalidParameter, "\(name): expected \(expected), got '\(text)'")
            }
            (object as! Model)[keyPath: keyPath] = value
        })
    }

    /// A real-valued parameter (`1`, `0.5`, `1e-4`).
    ///
    /// ```swift
    /// EstimatorParameter.number("alpha", \Ridge.alpha, "L2 penalty strength (default 1)")
    /// ```
    public static func number<Model: AnyObject>(_ name: String, _ keyPath: ReferenceWritableKeyPath<Model, Double>,
                                                _ summary: String) -> EstimatorParameter {
        custom(name, keyPath, summary, expected: "a number", parse: { Double($0) }, format: { "\($0)" })
    }

    /// A real-valued parameter that may be `none`.
    ///
    /// ```swift
    /// EstimatorParameter.optionalNumber("tol", \SomeModel.tolerance, "stopping tolerance or none")
    /// ```
    public static func optionalNumber<Model: AnyObject>(_ name: String, _ keyPath: ReferenceWritableKeyPath<Model, Double?>,
                                                        _ summary: String) -> EstimatorParameter {
        custom(name, keyPath, summary, expected: "a number or none",
               parse: { text in text.lowercased() == "none" ? .some(nil) : Double(text).map { .some($0) } },
               format: { $0.map { "\($0)" } ?? "none" })
    }

    /// An integer parameter.
    ///
    /// ```swift
    /// EstimatorParameter.integer("n_estimators", \RandomForestClassifier.nEstimators, "number of trees (default 100)")
    /// ```
    public static func integer<Model: AnyObject>(_ name: String, _ keyPath: ReferenceWritableKeyPath<Model, Int>,
                                                 _ summary: String) -> EstimatorParameter {
        custom(name, keyPath, summary, expected: "an integer", parse: { Int($0) }, format: { "\($0)" })
    }

    /// An integer parameter that may be `none` (no limit, or scikit-learn's automatic choice).
    ///
    /// ```swift
    /// EstimatorParameter.optionalInteger("max_depth", \DecisionTreeClassifier.maxDepth, "deepest leaf, or none")
    /// ```
    public static func optionalInteger<Model: AnyObject>(_ name: String, _ keyPath: ReferenceWritableKeyPath<Model, Int?>,
                                                         _ summary: String) -> EstimatorParameter {
        custom(name, keyPath, summary, expected: "an integer or none",
               parse: { text in text.lowercased() == "none" ? .some(nil) : Int(text).map { .some($0) } },
               format: { $0.map { "\($0)" } ?? "none" })
    }

    /// A random seed: a non-negative integer, or `none` for a fresh seed each fit.
    ///
    /// ```swift
    /// EstimatorParameter.seed("random_state", \RandomForestClassifier.randomState)
    /// ```
    public static func seed<Model: AnyObject>(_ name: String, _ keyPath: ReferenceWritableKeyPath<Model, UInt64?>) -> EstimatorParameter {
        custom(name, keyPath, "seed of the random draws (a non-negative integer), or none for a fresh seed each fit",
               expected: "a non-negative integer or none",
               parse: { text in text.lowercased() == "none" ? .some(nil) : UInt64(text).map { .some($0) } },
               format: { $0.map { "\($0)" } ?? "none" })
    }

    /// A random seed that always has a value.
    ///
    /// ```swift
    /// EstimatorParameter.seed("random_state", \KMeans.randomState)
    /// ```
    public static func seed<Model: AnyObject>(_ name: String, _ keyPath: ReferenceWritableKeyPath<Model, UInt64>) -> EstimatorParameter {
        custom(name, keyPath, "seed of the random draws (a non-negative integer, default 0)", expected: "a non-negative integer",
               parse: { UInt64($0) }, format: { "\($0)" })
    }

    /// A true/false parameter (`true`/`false`, also `1`/`0`, `yes`/`no`).
    ///
    /// ```swift
    /// EstimatorParameter.flag("fit_intercept", \Ridge.fitIntercept, "learn an intercept (default true)")
    /// ```
    public static func flag<Model: AnyObject>(_ name: String, _ keyPath: ReferenceWritableKeyPath<Model, Bool>,
                                              _ summary: String) -> EstimatorParameter {
        custom(name, keyPath, summary, expected: "true or false", parse: { text in
            switch text.lowercased() {
            case "true", "1", "yes": return true
            case "false", "0", "no": return false
            default: return nil
            }
        }, format: { $0 ? "true" : "false" })
    }

    /// A parameter taking one of a few named values.
    ///
    /// ```swift
    /// EstimatorParameter.choice("criterion", \DecisionTreeClassifier.criterion, "split quality",
    ///                           [("gini", .gini), ("entropy", .entropy)])
    /// ```
    public static func choice<Model: AnyObject, Value: Equatable>(_ name: String, _ keyPath: ReferenceWritableKeyPath<Model, Value>,
                                                                  _ summary: String, _ cases: [(String, Value)]) -> EstimatorParameter {
        custom(name, keyPath, summary, expected: cases.map(\.0).joined(separator: ", "),
               parse: { text in cases.first { $0.0 == text.lowercased() }?.1 },
               format: { value in cases.first { $0.1 == value }?.0 ?? "\(value)" })
    }
}

extension EstimatorParameter {
    /// A parameter taking one case of a string-backed enum, under scikit-learn's snake_case spelling
    /// of the case name (`logLoss` reads and prints as `log_loss`).
    ///
    /// ```swift
    /// EstimatorParameter.named("loss", \SGDClassifier.loss, "the loss (default hinge)")
    /// ```
    public static func named<Model: AnyObject, Value: RawRepresentable & CaseIterable & Equatable>(
        _ name: String, _ keyPath: ReferenceWritableKeyPath<Model, Value>, _ summary: String
    ) -> EstimatorParameter where Value.RawValue == String {
        choice(name, keyPath, summary, Value.allCases.map { (snakeCase($0.rawValue), $0) })
    }

    /// `logLoss` → `log_loss`.
    static func snakeCase(_ camelCase: String) -> String {
        var result = ""
        for character in camelCase {
            if character.isUppercase { result += "_" + character.lowercased() } else { result.append(character) }
        }
        return result
    }
}

extension MaxFeatures {
    /// `max_features` as scikit-learn writes it: `sqrt`, `log2`, `none`/`all`, an integer, or a fraction.
    ///
    /// ```swift
    /// MaxFeatures(parameter: "0.5")   // .fraction(0.5)
    /// ```
    public init?(parameter text: String) {
        switch text.lowercased() {
        case "sqrt": self = .sqrt
        case "log2": self = .log2
        case "none", "all", "1.0": self = .all
        default:
            if let count = Int(text) { self = .count(count) }
            else if let fraction = Double(text) { self = .fraction(fraction) }
            else { return nil }
        }
    }

    /// The text ``init(parameter:)`` reads back.
    ///
    /// ```swift
    /// MaxFeatures.fraction(0.5).parameterText   // "0.5"
    /// ```
    public var parameterText: String {
        switch self {
        case .all: return "none"
        case .sqrt: return "sqrt"
        case .log2: return "log2"
        case .count(let count): return "\(count)"
        case .fraction(let fraction): return "\(fraction)"
        }
    }
}

extension EstimatorParameter {
    /// scikit-learn's `max_features` of trees and forests.
    ///
    /// ```swift
    /// EstimatorParameter.maxFeatures(\RandomForestClassifier.maxFeatures, "features drawn per split (default sqrt)")
    /// ```
    public static func maxFeatures<Model: AnyObject>(_ keyPath: ReferenceWritableKeyPath<Model, MaxFeatures>,
                                                     _ summary: String) -> EstimatorParameter {
        custom("max_features", keyPath, summary, expected: "sqrt, log2, none, an integer or a fraction in (0, 1]",
               parse: { MaxFeatures(parameter: $0) }, format: { $0.parameterText })
    }
}
