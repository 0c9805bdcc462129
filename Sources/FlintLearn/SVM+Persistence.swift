import Flint

extension SVC: PersistableEstimator {
    /// The one-vs-one machine: support vectors grouped by class, LIBSVM's `sv_coef` and `rho`, the
    /// resolved kernel gamma, and the Platt sigmoids when fitted with probabilities.
    ///
    /// ```swift
    /// let state = try model.fittedState()
    /// ```
    public func fittedState() throws -> EstimatorState {
        guard let model else { throw LearnTargets.notFitted("SVC") }
        var state = EstimatorState()
        state.set("featureCount", integer: model.supportVectors.columns)
        state.set("classes", integers: classes)
        state.set("supportIndices", integers: supportIndices)
        state.set("supportCountPerClass", integers: model.supportCountPerClass)
        state.set("supportVectors", Tensor(model.supportVectors.values, shape: [model.supportVectors.rows, model.supportVectors.columns]))
        state.set("libsvmCoefficients", Tensor(model.coefficients.flatMap { $0 }, shape: [model.classCount - 1, model.supportVectors.rows]))
        state.set("rho", doubles: model.rho)
        state.set("gamma", model.kernel.gamma)
        state.set("sigmoidA", doubles: sigmoids.map(\.a))
        state.set("sigmoidB", doubles: sigmoids.map(\.b))
        state.set("converged", integer: converged ? 1 : 0)
        return state
    }

    /// Restores the machine; the kernel's kind, degree and coef0 come from the hyperparameters.
    ///
    /// ```swift
    /// try SVC().restoreFittedState(state)
    /// ```
    public func restoreFittedState(_ state: EstimatorState) throws {
        let columns = try state.count("featureCount")
        let classes = try state.classes("classes", atLeast: 2)
        let perClass = try state.integers("supportCountPerClass", count: classes.count, in: 0..<Int.max)
        let supportCount = perClass.reduce(0, +)
        let vectors = try state.matrix("supportVectors", rows: supportCount, columns: columns)
        let coefficients = try state.matrix("libsvmCoefficients", rows: classes.count - 1, columns: supportCount).scalars(as: Double.self)
        let pairs = classes.count * (classes.count - 1) / 2
        let rho = try state.doubles("rho", count: pairs)
        let gamma = try state.double("gamma")
        let sigmoidA = try state.doubles("sigmoidA"), sigmoidB = try state.doubles("sigmoidB", count: sigmoidA.count)
        guard sigmoidA.isEmpty || sigmoidA.count == pairs else { throw state.damaged("sigmoidA", "holds \(sigmoidA.count) values, expected \(pairs)") }
        let kernel = KernelFunction(kind: kernel, gamma: gamma, degree: degree, coef0: coef0)
        let rows = SVMTrainingRows(vectors.scalars(as: Double.self), rows: supportCount, columns: columns)
        let byClass = (0..<(classes.count - 1)).map { Array(coefficients[($0 * supportCount)..<(($0 + 1) * supportCount)]) }
        install(SVMOneVsOneModel(classCount: classes.count, supportVectors: rows, supportCountPerClass: perClass, coefficients: byClass,
                                 rho: rho, kernel: kernel),
                sigmoids: zip(sigmoidA, sigmoidB).map { (a: $0, b: $1) }, classes: classes,
                supportIndices: try state.integers("supportIndices", count: supportCount), converged: try state.integer("converged") != 0)
    }
}

extension SVR: PersistableEstimator {
    /// The support vectors, their coefficients, the intercept and the resolved kernel gamma.
    ///
    /// ```swift
    /// let state = try model.fittedState()
    /// ```
    public func fittedState() throws -> EstimatorState {
        guard let supportRows, let kernelFunction, let dualCoefficients else { throw LearnTargets.notFitted("SVR") }
        var state = EstimatorState()
        state.set("featureCount", integer: supportRows.columns)
        state.set("supportIndices", integers: supportIndices)
        state.set("supportVectors", Tensor(supportRows.values, shape: [supportRows.rows, supportRows.columns]))
        state.set("dualCoefficients", dualCoefficients)
        state.set("intercept", doubles: intercept)
        state.set("gamma", kernelFunction.gamma)
        state.set("converged", integer: converged ? 1 : 0)
        return state
    }

    /// Restores the fitted machine; the kernel's kind, degree and coef0 come from the hyperparameters.
    ///
    /// ```swift
    /// try SVR().restoreFittedState(state)
    /// ```
    public func restoreFittedState(_ state: EstimatorState) throws {
        let columns = try state.count("featureCount")
        let supportIndices = try state.integers("supportIndices")
        let vectors = try state.matrix("supportVectors", rows: supportIndices.count, columns: columns)
        dualCoefficients = try state.matrix("dualCoefficients", rows: 1, columns: supportIndices.count)
        intercept = try state.doubles("intercept", count: 1)
        kernelFunction = KernelFunction(kind: kernel, gamma: try state.double("gamma"), degree: degree, coef0: coef0)
        supportRows = SVMTrainingRows(vectors.scalars(as: Double.self), rows: supportIndices.count, columns: columns)
        supportVectors = vectors
        self.supportIndices = supportIndices
        converged = try state.integer("converged") != 0
    }
}

extension LinearSVC: PersistableEstimator {
    /// The classes, weights `[1 or classes, features]`, intercepts and iterations.
    ///
    /// ```swift
    /// let state = try model.fittedState()
    /// ```
    public func fittedState() throws -> EstimatorState {
        guard let coefficients else { throw LearnTargets.notFitted("LinearSVC") }
        return LinearClassifierSupport.state(classes: classes, coefficients: coefficients, intercept: intercept, iterationCount: iterationCount)
    }

    /// Restores the fitted weights.
    ///
    /// ```swift
    /// try LinearSVC().restoreFittedState(state)
    /// ```
    public func restoreFittedState(_ state: EstimatorState) throws {
        let restored = try LinearClassifierSupport.restore(state)
        (classes, coefficients, intercept, iterationCount) = (restored.classes, restored.coefficients, restored.intercept, restored.iterationCount)
    }
}
