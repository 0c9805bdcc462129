/// FlintTrain: the training loop, callbacks, metrics, logs and plots.
///
/// ```swift
/// import FlintTrain
/// ```
public enum FlintTrain {}
