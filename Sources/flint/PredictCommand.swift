import ArgumentParser
import FlintLearn
import FlintTrain
import Foundation

/// `flint predict`: a trained run's predictions for new rows, as CSV or JSON.
struct PredictCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "predict",
        abstract: "Predict with a trained run or a saved estimator: the class and per-class probabilities (or the value) of each input row.",
        discussion: """
            The input is a .csv file (a header is optional; the training feature columns are picked by name when \
            present, and the target column is ignored), an .npy or .npz array, or an IDX file (plain or gzipped), \
            with one sample per row of the first axis. The features get the run's preprocessing (pixel scaling or \
            the training standardization) before the model sees them. The output is written atomically as CSV \
            (row, class, class_index, probability_<class>…; row, value for regression) or JSON, chosen by its \
            extension; without --output the CSV goes to standard output. A folder written by flint learn --save \
            predicts the same way, with its scaling; classifiers without probabilities (svc, linear-svc by \
            default) give the class alone, k-means the nearest cluster.

            Examples:
              flint predict --run runs/iris --input new-flowers.csv --output predictions.csv
              flint predict --run runs/digits --input images.npy --output predictions.json
              flint predict --run models/flowers --input new-flowers.csv
            """
    )

    @Option(name: .customLong("run"), help: ArgumentHelp("The run folder written by flint train, or a flint learn --save folder.", valueName: "dir"))
    var runFolder: String

    @Option(name: .long, help: ArgumentHelp("The rows to predict: .csv, .npy, .npz or IDX.", valueName: "file"))
    var input: String

    @Option(name: .long, help: ArgumentHelp("Where to write the predictions: a .csv or .json file (default: CSV to standard output).",
                                            valueName: "file"))
    var output: String?

    @Option(name: .long, help: "Rows per forward pass.")
    var batchSize = 256

    func validate() throws {
        guard batchSize > 0 else { throw ValidationError("--batch-size must be positive") }
    }

    func run() throws {
        let outputURL = output.map { URL(fileURLWithPath: $0) }
        if let outputURL { try RunPredictions.checkOutput(outputURL) }
        let predictions: RunPredictions
        let folder = URL(fileURLWithPath: runFolder)
        if FileManager.default.fileExists(atPath: folder.appendingPathComponent(EstimatorFile.descriptionFileName).path) {
            let saved = try EstimatorFile.load(from: folder)
            predictions = try saved.predictions(for: try saved.featureSchema.readFeatures(URL(fileURLWithPath: input)))
        } else {
            let (model, config) = try RunDirectory(path: runFolder).loadModel()
            let features = try config.readFeatures(URL(fileURLWithPath: input))
            predictions = RunPredictions.predict(model: model, config: config, inputs: try config.modelInputs(features), batchSize: batchSize)
        }
        guard let outputURL else {
            print(predictions.csv(), terminator: "")
            return
        }
        try predictions.write(to: outputURL)
        print("Wrote \(predictions.count) predictions to \(outputURL.path)")
    }
}
