import FlintIO
import FlintTrain
import Foundation
import Testing

private func sampleLog() -> MetricsLog {
    var log = MetricsLog()
    log.append(epoch: 1, [("loss", 0.5), ("accuracy", 0.8)])
    log.append(epoch: 2, [("loss", 0.25), ("val, loss", 0.3)])
    log.append(epoch: 3, [("loss", .nan), ("accuracy", 1), ("val, loss", -.infinity)])
    return log
}

@Suite struct MetricsLogTests {
    @Test func csvHasEveryKeyAsAColumnAndOneRowPerEpoch() {
        #expect(sampleLog().csv() == """
            epoch,loss,accuracy,"val, loss"
            1,0.5,0.8,
            2,0.25,,0.3
            3,nan,1.0,-inf

            """)
        #expect(MetricsLog().csv() == "epoch\n")
    }

    @Test func jsonIsAnArrayOfObjectsThatJSONReadersAccept() throws {
        let text = sampleLog().json()
        #expect(text == """
            [
              {"epoch": 1, "loss": 0.5, "accuracy": 0.8},
              {"epoch": 2, "loss": 0.25, "val, loss": 0.3},
              {"epoch": 3, "loss": "nan", "accuracy": 1.0, "val, loss": "-inf"}
            ]

            """)
        let parsed = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [[String: Any]])
        #expect(parsed.count == 3)
        #expect(parsed[1]["val, loss"] as? Double == 0.3)
        #expect(parsed[0]["epoch"] as? Int == 1)
        #expect(MetricsLog().json() == "[]\n")
        var awkward = MetricsLog()
        awkward.append(epoch: 1, [("a\"b\\c\n", 1e-7)])
        let awkwardParsed = try JSONSerialization.jsonObject(with: Data(awkward.json().utf8)) as? [[String: Any]]
        #expect(awkwardParsed?[0]["a\"b\\c\n"] as? Double == 1e-7)
    }

    @Test func dictionaryMetricsGetSortedColumnsAndSeriesFillGaps() {
        var log = MetricsLog()
        log.append(epoch: 1, ["loss": 1, "accuracy": 0.5])
        log.append(epoch: 2, ["lr": 0.1, "loss": 0.5])
        #expect(log.keys == ["accuracy", "loss", "lr"])
        #expect(log.series("loss") == [1, 0.5])
        #expect(log.series("lr")[0].isNaN && log.series("lr")[1] == 0.1)
        log.truncate(afterEpoch: 1)
        #expect(log.entries.map(\.epoch) == [1])
        log.append(epoch: 2, ["loss": 0.4])
        #expect(log.series("loss") == [1, 0.4])
    }

    @Test func filesAreWrittenAtomicallyAndReadBack() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("flint-metrics-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let log = sampleLog()
        let csvFile = folder.appendingPathComponent("metrics.csv"), jsonFile = folder.appendingPathComponent("metrics.json")
        try log.writeCSV(to: csvFile)
        try log.writeJSON(to: jsonFile)
        try log.writeCSV(to: csvFile)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted() == ["metrics.csv", "metrics.json"])
        #expect(try String(contentsOf: jsonFile, encoding: .utf8) == log.json())
        let reread = try MetricsLog(contentsOfCSV: csvFile)
        #expect(reread.keys == log.keys)
        #expect(reread.csv() == log.csv())
        #expect(throws: FileWriteError.self) { try log.writeCSV(to: folder.appendingPathComponent("missing/metrics.csv")) }
    }

    @Test func badCSVIsAClearErrorWithLineAndColumn() {
        func message(_ text: String) -> String {
            do {
                _ = try MetricsLog(csv: text, source: "m.csv")
                return "no error"
            } catch {
                return "\(error)"
            }
        }
        #expect(message("") == "m.csv: is empty; expected a header line starting with 'epoch'")
        #expect(message("step,loss\n") == "m.csv:1:1: the first column is 'step', expected 'epoch'")
        #expect(message("epoch,loss,loss\n") == "m.csv:1:3: column name 'loss' is empty or repeated; each metric needs one column")
        #expect(message("epoch,loss\n1,0.5\n2,abc\n") == "m.csv:3:2: 'abc' in column 'loss' is not a number")
        #expect(message("epoch,loss\n1,0.5,7\n") == "m.csv:2: 3 fields, the header has 2")
        #expect(message("epoch,loss\n2,0.5\n2,0.4\n") == "m.csv:3:1: epoch 2 follows epoch 2; epochs must increase")
        #expect(message("epoch,loss\n1.5,0.5\n") == "m.csv:2:1: epoch '1.5' is not an integer")
        #expect(message("epoch,\"loss\n1,0.5\n") == "m.csv:1: a quoted field is not closed before the end of the file")
        #expect(message("epoch,loss\r\n1,0.5\r\n") == "no error")
        #expect(throws: MetricsLogError.self) { try MetricsLog(contentsOfCSV: URL(fileURLWithPath: "/nonexistent/metrics.csv")) }
    }
}
