import Foundation

/// Flint's settings read from environment variables.
enum EnvironmentSettings {
    /// The whole number in the environment variable `name` when it is set to one of at least
    /// `minimum`; nil when it is unset. A value that is not such a number is ignored with a
    /// one-line warning on standard error naming the variable and what it takes, so that a typo
    /// does not silently change nothing.
    ///
    /// ```swift
    /// let threads = EnvironmentSettings.integer("FLINT_NUM_THREADS", minimum: 1, meaning: "a thread count")
    /// ```
    static func integer(_ name: String, minimum: Int, meaning: String,
                        environment: [String: String] = ProcessInfo.processInfo.environment) -> Int? {
        guard let text = environment[name] else { return nil }
        if let value = Int(text.trimmingCharacters(in: .whitespaces)), value >= minimum { return value }
        FileHandle.standardError.write(Data(
            "flint: ignoring \(name)=\"\(text)\": it takes \(meaning), a whole number of at least \(minimum); using the default\n".utf8))
        return nil
    }
}
