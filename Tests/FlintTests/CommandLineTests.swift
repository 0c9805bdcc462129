import FlintTestSupport
import Foundation
import Testing

/// The `flint` tool as a user runs it: `info`, `bench`, and bad arguments.
@Suite struct CommandLineTests {
    /// Runs flint with `arguments`; returns the exit status, standard output and standard error.
    static func run(_ arguments: [String], environment: [String: String] = [:]) throws -> FlintCommandLine.Result {
        try FlintCommandLine.run(arguments, near: Bundle.module.bundleURL, environment: environment)
    }

    @Test func infoJSONReportsBLASThreadsAndSIMD() throws {
        let result = try Self.run(["info", "--json"], environment: ["FLINT_NUM_THREADS": "3", "FLINT_CACHED_MEMORY_LIMIT": "5000000"])
        #expect(result.status == 0)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any])
        #expect(object["threads"] as? Int == 3)
        #expect([128, 256, 512].contains(object["simdBits"] as? Int ?? 0))
        #expect(object["cachedMemoryLimit"] as? Int == 5_000_000)
        let blas = try #require(object["blas"] as? [String: Any], "OpenBLAS should be installed by make setup")
        #expect((blas["version"] as? String ?? "").contains("OpenBLAS"))
        #expect(!(blas["coreType"] as? String ?? "").isEmpty)
        #expect((blas["threads"] as? Int ?? 0) >= 1)
    }

    @Test func infoSaysWhenTheMemoryCacheIsOff() throws {
        let result = try Self.run(["info"], environment: ["FLINT_CACHED_MEMORY_LIMIT": "0"])
        #expect(result.status == 0)
        #expect(result.output.contains("Cache:     off"))
        let limited = try Self.run(["info"], environment: ["FLINT_CACHED_MEMORY_LIMIT": "\(64 << 20)"])
        #expect(limited.output.contains("Cache:     up to 64 MiB of freed tensor buffers"))
    }

    @Test func badSettingsInTheEnvironmentAreIgnoredWithAWarning() throws {
        let result = try Self.run(["info", "--json"], environment: ["FLINT_CACHED_MEMORY_LIMIT": "1GB", "FLINT_NUM_THREADS": "0"])
        #expect(result.status == 0)
        #expect(result.error.contains("ignoring FLINT_CACHED_MEMORY_LIMIT=\"1GB\": it takes a number of bytes"))
        #expect(result.error.contains("ignoring FLINT_NUM_THREADS=\"0\": it takes a thread count, a whole number of at least 1"))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any])
        #expect((object["cachedMemoryLimit"] as? Int ?? 0) > 0)
    }

    @Test func infoWithoutBLASSaysBuiltinGEMM() throws {
        let result = try Self.run(["info"], environment: ["FLINT_BLAS": "builtin"])
        #expect(result.status == 0)
        #expect(result.output.contains("built-in GEMM"))
        #expect(result.output.contains("apt-get install"))
    }

    @Test func benchPrintsOneJSONLinePerWorkloadWithANullPeerWhenTorchIsMissing() throws {
        let result = try Self.run(["bench", "core", "--json", "--seconds", "0.05", "--peer-python", "/nonexistent/python"])
        #expect(result.status == 0)
        let lines = result.output.split(separator: "\n")
        #expect(lines.count == 2)
        for line in lines {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            #expect(["gemm", "small-op"].contains(object["workload"] as? String ?? ""))
            #expect((object["flint"] as? Double ?? 0) > 0)
            #expect(object["peer"] is NSNull)
            #expect(object["ratio"] is NSNull)
            #expect((object["peerNote"] as? String ?? "").contains("install-peers"))
        }
    }

    @Test func batchOneInferenceIsReportedWithTheMachineFloorUnderIt() throws {
        let json = try Self.run(["bench", "nn", "--only", "mlp-infer-b1", "--json", "--seconds", "0.05", "--peer-python", "/nonexistent/python"])
        #expect(json.status == 0)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.output.utf8)) as? [String: Any])
        #expect(object["workload"] as? String == "mlp-infer-b1")
        #expect((object["flint"] as? Double ?? 0) > 0)
        let floor = try #require(object["machineFloor"] as? Double)
        #expect(floor > 0 && floor.isFinite)
        let text = try Self.run(["bench", "core", "nn", "--only", "mlp-infer-b1", "--only", "small-op", "--seconds", "0.05",
                                 "--peer-python", "/nonexistent/python"])
        #expect(text.status == 0)
        let lines = text.output.split(separator: "\n")
        #expect(lines.count == 2)
        #expect(lines.first { $0.hasPrefix("small-op") }?.contains("machine floor") == false)
        #expect(lines.first { $0.hasPrefix("mlp-infer-b1") }?.contains("machine floor") == true)
    }

    @Test func badArgumentsExitNonZeroWithAReason() throws {
        let unknownSuite = try Self.run(["bench", "nonsense"])
        #expect(unknownSuite.status != 0)
        #expect(unknownSuite.error.contains("unknown suite 'nonsense'"))
        let badSeconds = try Self.run(["bench", "--seconds=-1"])
        #expect(badSeconds.status != 0)
        #expect(badSeconds.error.contains("--seconds must be positive"))
        let unknownCommand = try Self.run(["fly"])
        #expect(unknownCommand.status != 0)
    }

    @Test func everyCommandHasHelpWithAnExample() throws {
        for command in [["info"], ["bench"]] {
            let result = try Self.run(command + ["--help"])
            #expect(result.status == 0)
            #expect(result.output.contains("Example"))
        }
    }
}
