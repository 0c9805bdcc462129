import Foundation
import Hummingbird
import Logging
import ServiceLifecycle

/// What `flint serve` runs: where the models are, where to listen, and the batching and request limits.
///
/// ```swift
/// var configuration = ServerConfiguration(modelsDirectory: URL(fileURLWithPath: "models"))
/// configuration.port = 8000
/// ```
public struct ServerConfiguration: Sendable {
    /// The model repository folder.
    public var modelsDirectory: URL
    /// The address to bind.
    public var host: String
    /// The port (0: any free port).
    public var port: Int
    /// Batching, queue and timeout settings for every model.
    public var batch: BatchSettings
    /// The largest request body accepted, in bytes.
    public var maxBodyBytes: Int

    /// A configuration with `flint serve`'s defaults.
    ///
    /// ```swift
    /// let configuration = ServerConfiguration(modelsDirectory: URL(fileURLWithPath: "models"), port: 0)
    /// ```
    public init(modelsDirectory: URL, host: String = "127.0.0.1", port: Int = 8000, batch: BatchSettings = BatchSettings(),
                maxBodyBytes: Int = 16 << 20) {
        self.modelsDirectory = modelsDirectory
        self.host = host
        self.port = port
        self.batch = batch
        self.maxBodyBytes = maxBodyBytes
    }
}

/// The inference server: loads the repository, builds the routes, and runs Hummingbird inside a
/// service group that drains in-flight requests on SIGTERM or SIGINT and then returns.
///
/// ```swift
/// let server = try InferenceServer(configuration: configuration, logger: Logger(label: "flint.serve"))
/// try await server.run()   // until SIGTERM
/// ```
public struct InferenceServer: Sendable {
    /// The configuration.
    public let configuration: ServerConfiguration
    /// The endpoints, models and metrics.
    public let service: InferenceService
    private let logger: Logger

    /// Loads every model under the configuration's folder (a broken one is logged and skipped).
    /// Throws when the folder is missing or not a folder.
    ///
    /// ```swift
    /// let server = try InferenceServer(configuration: configuration)
    /// ```
    public init(configuration: ServerConfiguration, logger: Logger = Logger(label: "flint.serve")) throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: configuration.modelsDirectory.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw ServeError(0, "no model folder at \(configuration.modelsDirectory.path); pass --models DIR, a folder of flint train runs")
        }
        let repository = ModelRepository.load(from: configuration.modelsDirectory, logger: logger)
        if repository.models.isEmpty {
            logger.warning("no models loaded", metadata: ["folder": "\(configuration.modelsDirectory.path)"])
        }
        self.configuration = configuration
        self.logger = logger
        self.service = InferenceService(repository: repository, settings: configuration.batch, maxBodyBytes: configuration.maxBodyBytes,
                                        logger: logger)
    }

    /// The Hummingbird application (for tests, or to run inside a larger service group).
    /// `onRunning` is called with the bound port once the server listens.
    ///
    /// ```swift
    /// let application = server.makeApplication()
    /// ```
    public func makeApplication(onRunning: @escaping @Sendable (Int) async -> Void = { _ in }) -> some ApplicationProtocol {
        let router = Router()
        service.addRoutes(to: router)
        let logger = self.logger
        let host = configuration.host
        return Application(
            router: router,
            configuration: ApplicationConfiguration(address: .hostname(host, port: configuration.port), serverName: "flint"),
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? 0
                logger.info("listening", metadata: ["host": "\(host)", "port": "\(port)"])
                await onRunning(port)
            },
            logger: logger
        )
    }

    /// Serves until SIGTERM or SIGINT, then stops accepting connections, finishes the requests in
    /// flight, and returns.
    ///
    /// ```swift
    /// try await server.run { port in print("listening on \(port)") }
    /// ```
    public func run(onRunning: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        let application = makeApplication(onRunning: onRunning)
        let group = ServiceGroup(configuration: .init(services: [application], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
        logger.info("stopped", metadata: ["reason": "signal; in-flight requests drained"])
    }
}
