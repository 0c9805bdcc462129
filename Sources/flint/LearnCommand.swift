import ArgumentParser
import FlintData
import FlintLearn
import FlintTrain
import Foundation

/// `flint learn`: fits a classic estimator (FlintLearn) on a dataset and reports its score and fit time.
struct LearnCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "learn",
        abstract: "Fit a classic machine-learning estimator (SVM, forest, k-means, PCA, …) and report its score and fit time.",
        discussion: """
            Estimators are named in lower case with hyphens (flint learn --list prints them; flint learn svc --list \
            prints one's hyperparameters). Hyperparameters take scikit-learn's names and defaults: --param C=10 \
            --param kernel=poly. Features are scaled first (--scale; standard by default, none for trees, boosting, \
            multinomial-nb, k-means and truncated-svd), fitted on the training rows only. Classifiers are scored by accuracy and regressors by \
            R², on a stratified held-out share (--test-fraction, --seed; datasets with their own test split use it) \
            or by k-fold cross-validation (--cv K, stratified for classifiers, unshuffled as scikit-learn's cv=K). \
            Clustering is scored by the adjusted Rand index against the dataset's classes, decompositions by the \
            share of variance their components keep, on all rows. --save DIR writes the fitted estimator \
            (estimator.json and estimator.safetensors; refitted on every row after --cv); flint predict --run DIR \
            uses it.

            Examples:
              flint learn --list
              flint learn svc --dataset digits --cv 5
              flint learn random-forest-classifier --dataset breast-cancer --param n_estimators=300 --json
              flint learn ridge --dataset diabetes --param alpha=0.5 --save models/diabetes-ridge
              flint learn k-means --dataset digits --param n_clusters=10
              flint learn logistic-regression --dataset flowers.csv --target species --save models/flowers
            """
    )

    @Argument(help: ArgumentHelp("The estimator, e.g. svc, logistic-regression, random-forest-classifier.", valueName: "estimator"))
    var estimator: String?

    @Option(name: .long, help: ArgumentHelp("A bundled dataset name or a data file (.csv, .npz, or .npy/IDX with --labels).", valueName: "name|path"))
    var dataset: String?

    @Option(name: .long, help: "The target column of a CSV file (default: the last column).")
    var target: String?

    @Option(name: .long, help: ArgumentHelp("The labels file (.npy or IDX) for .npy or IDX features.", valueName: "file"))
    var labels: String?

    @Option(name: .customLong("param"), help: ArgumentHelp("A hyperparameter under scikit-learn's name (repeatable).", valueName: "name=value"))
    var parameters: [String] = []

    @Option(name: .long, help: ArgumentHelp("Feature scaling before the estimator: standard, minmax, robust or none (default: the estimator's).",
                                            valueName: "kind"))
    var scale: String?

    @Option(name: .customLong("cv"), help: ArgumentHelp("Score by k-fold cross-validation instead of a held-out split.", valueName: "k"))
    var folds: Int?

    @Option(name: .long, help: "The share of rows held out for scoring (datasets with their own test split keep it).")
    var testFraction = 0.25

    @Option(name: .long, help: "Seeds the held-out split.")
    var seed: UInt64 = 0

    @Option(name: .long, help: ArgumentHelp("Save the fitted estimator into this folder.", valueName: "dir"))
    var save: String?

    @Flag(name: .long, help: "Replace an estimator already saved in --save.")
    var overwrite = false

    @Flag(name: .long, help: "List the estimators, or with an estimator its hyperparameters and defaults.")
    var list = false

    @Flag(name: .long, help: "Print one JSON object: estimator, dataset, metric, score, fitSeconds, ….")
    var json = false

    func run() throws {
        if list {
            print(try listing())
            return
        }
        let settings = try learnSettings()
        let saveURL = save.map { URL(fileURLWithPath: $0) }
        if let saveURL { try checkSaveFolder(saveURL, estimator: settings.estimator) }
        let loaded = try DataSource(dataset!, labels: labels, targetColumn: target).load()
        let report = try LearnRun.run(settings, data: loaded.data, test: loaded.test)
        if let saveURL {
            let description = LearnDataDescription(dataset: dataset!, featureNames: loaded.data.featureNames, targetName: loaded.targetName,
                                                   classNames: report.task == .classification ? loaded.data.classNames : nil)
            try EstimatorFile.save(steps: report.steps, to: saveURL, data: description)
        }
        if json {
            print(report.json(extra: saveURL.map { ["saved": $0.path] } ?? [:]))
            return
        }
        print(Self.text(report))
        if let saveURL { print("Saved to \(saveURL.path); predict with: flint predict --run \(saveURL.path) --input rows.csv") }
    }

    /// The settings the options describe.
    func learnSettings() throws -> LearnSettings {
        guard let estimator else { throw LearnError(.invalidParameter, "name an estimator (flint learn --list shows them)") }
        guard dataset != nil else { throw LearnError(.invalidParameter, "--dataset is required: a bundled name (flint datasets) or a file") }
        if let folds, folds < 2 { throw LearnError(.invalidParameter, "--cv needs at least 2 folds, got \(folds)") }
        guard testFraction > 0, testFraction < 1 else {
            throw LearnError(.invalidParameter, "--test-fraction must be between 0 and 1, got \(testFraction)")
        }
        var settings = LearnSettings(estimator: estimator)
        for pair in parameters {
            guard let equals = pair.firstIndex(of: "="), equals != pair.startIndex else {
                throw LearnError(.invalidParameter, "--param takes name=value, got '\(pair)'")
            }
            settings.parameters[String(pair[..<equals])] = String(pair[pair.index(after: equals)...])
        }
        if let scale {
            guard let scaling = FeatureScaling(rawValue: scale) else {
                throw LearnError(.invalidParameter, "unknown --scale '\(scale)'; choose standard, minmax, robust or none")
            }
            settings.scaling = scaling
        }
        settings.crossValidationFolds = folds
        settings.testFraction = testFraction
        settings.seed = seed
        return settings
    }

    /// Refuses to replace an earlier save without --overwrite, or to fit what cannot be saved, before any fitting.
    private func checkSaveFolder(_ url: URL, estimator: String) throws {
        let entry = try EstimatorCatalog.entry(named: estimator)
        guard try entry.make() is any PersistableEstimator else {
            throw LearnError(.invalidParameter, "\(entry.name) cannot be saved yet; run without --save")
        }
        let description = url.appendingPathComponent(EstimatorFile.descriptionFileName)
        if FileManager.default.fileExists(atPath: description.path) && !overwrite {
            throw LearnError(.invalidInput, "\(url.path) already holds a saved estimator; pass --overwrite to replace it or choose another folder")
        }
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), !isDirectory.boolValue {
            throw LearnError(.invalidInput, "--save \(url.path) is a file; name a folder")
        }
    }

    /// The catalogue, or one estimator's hyperparameters.
    private func listing() throws -> String {
        guard let estimator else {
            let width = EstimatorCatalog.entries.map(\.name.count).max() ?? 0
            return EstimatorTask.allCases.compactMap { task -> String? in
                let entries = EstimatorCatalog.entries.filter { $0.task == task }
                guard !entries.isEmpty else { return nil }
                return "\(task.rawValue):\n" + entries.map { "  \($0.name.padding(toLength: width, withPad: " ", startingAt: 0))  \($0.summary)" }
                    .joined(separator: "\n")
            }.joined(separator: "\n")
        }
        let entry = try EstimatorCatalog.entry(named: estimator)
        let defaults = entry.parameterValues(of: try entry.make())
        let width = entry.parameters.map { $0.name.count + (defaults[$0.name]?.count ?? 0) + 1 }.max() ?? 0
        let lines = entry.parameters.map { parameter in
            "  \((parameter.name + "=" + defaults[parameter.name]!).padding(toLength: width, withPad: " ", startingAt: 0))  \(parameter.summary)"
        }
        return "\(entry.name) (\(entry.typeName), \(entry.task.rawValue)): \(entry.summary)\n"
            + "default scaling: \(entry.defaultScaling.rawValue)\nparameters (--param name=value):\n" + lines.joined(separator: "\n")
    }

    /// The human-readable report.
    static func text(_ report: LearnReport) -> String {
        let scoreText = report.score.map { String(format: "%.4f", $0) } ?? "n/a (the dataset has no classes to compare with)"
        let how: String
        if let foldScores = report.foldScores {
            how = "mean of \(foldScores.count)-fold cross-validation (" + foldScores.map { String(format: "%.4f", $0) }.joined(separator: ", ") + ")"
        } else if report.testRows > 0 {
            how = "on \(report.testRows) held-out rows, fitted on \(report.trainRows)"
        } else {
            how = "on all \(report.trainRows) rows"
        }
        let parameterText = report.parameters.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        return """
            \(report.estimator) on \(report.dataset) (\(report.featureCount) features\(report.classCount > 0 ? ", \(report.classCount) classes" : ""), \(report.scaling.rawValue) scaling)
              \(report.metric) \(scoreText), \(how)
              fit \(String(format: "%.4f", report.fitSeconds)) s\(report.foldScores != nil ? " (mean per fold)" : "")
              parameters: \(parameterText.isEmpty ? "none" : parameterText)
            """
    }
}
