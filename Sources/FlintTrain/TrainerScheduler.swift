import FlintOptim

/// A learning-rate schedule as the trainer steps it: per epoch, per batch (optimizer step), or,
/// for ``ReduceLROnPlateau``, once per epoch with a monitored value.
///
/// ```swift
/// let optimizer = SGD(model.namedParameters(), learningRate: 0.1, momentum: 0.9)
/// let stepped = LearningRateScheduler(StepLR(optimizer, stepSize: 10))               // per epoch
/// let cycled = LearningRateScheduler(OneCycleLR(optimizer, maxLearningRate: 0.1, totalSteps: 1000))  // per batch
/// let plateau = LearningRateScheduler(ReduceLROnPlateau(optimizer, patience: 3), monitor: "val_loss")
/// ```
public struct LearningRateScheduler {
    /// When a schedule steps.
    ///
    /// ```swift
    /// LearningRateScheduler(CosineAnnealingLR(optimizer, maxEpochs: 50), interval: .batch)
    /// ```
    public enum Interval: String, Sendable, Equatable {
        /// After every epoch.
        case epoch
        /// After every optimizer step.
        case batch
    }

    enum Kind {
        case schedule(any LearningRateSchedule)
        case plateau(ReduceLROnPlateau, monitor: String?)
    }

    let kind: Kind
    /// When the schedule steps.
    public let interval: Interval

    /// A schedule stepped per `interval`; by default per batch for the schedules whose length is
    /// counted in optimizer steps (``OneCycleLR``, ``CosineWithWarmupLR``) and per epoch otherwise.
    ///
    /// ```swift
    /// LearningRateScheduler(CosineWithWarmupLR(optimizer, warmupSteps: 100, totalSteps: 2000))  // .batch
    /// ```
    public init(_ schedule: any LearningRateSchedule, interval: Interval? = nil) {
        kind = .schedule(schedule)
        self.interval = interval ?? ((schedule is OneCycleLR || schedule is CosineWithWarmupLR) ? .batch : .epoch)
    }

    /// A plateau detector fed `monitor` at the end of every epoch (default `val_loss` when there is a
    /// validation loader, else `loss`).
    ///
    /// ```swift
    /// LearningRateScheduler(ReduceLROnPlateau(optimizer, mode: .max, patience: 2), monitor: "val_accuracy")
    /// ```
    public init(_ plateau: ReduceLROnPlateau, monitor: String? = nil) {
        kind = .plateau(plateau, monitor: monitor)
        interval = .epoch
    }

    /// The optimizer the schedule drives.
    var optimizer: any Optimizer {
        switch kind {
        case let .schedule(schedule): return schedule.optimizer
        case let .plateau(plateau, _): return plateau.optimizer
        }
    }

    /// Steps after an optimizer step, when per batch.
    func batchEnded() {
        if case let .schedule(schedule) = kind, interval == .batch { schedule.step() }
    }

    /// Steps at the end of an epoch, when per epoch (reading the plateau's monitored value from `logs`).
    func epochEnded(logs: [String: Double]) throws {
        switch kind {
        case let .schedule(schedule):
            if interval == .epoch { schedule.step() }
        case let .plateau(plateau, monitor):
            let name = monitor ?? (logs["val_loss"] != nil ? "val_loss" : "loss")
            plateau.step(metric: try monitoredValue(name, in: logs, by: "ReduceLROnPlateau"))
        }
    }

    func stateDictionary() -> [String: Double] {
        switch kind {
        case let .schedule(schedule): return schedule.stateDictionary()
        case let .plateau(plateau, _): return plateau.stateDictionary()
        }
    }

    func loadStateDictionary(_ state: [String: Double]) throws {
        switch kind {
        case let .schedule(schedule): try schedule.loadStateDictionary(state)
        case let .plateau(plateau, _): try plateau.loadStateDictionary(state)
        }
    }
}
