import Flint
import FlintServe
import Foundation
import Testing

@Suite("FlintServe batching, queue and timeout")
struct BatchingTests {
    @Test func concurrentRequestsAreMergedAndSplitBack() async throws {
        let rows: [[Double]] = (0..<16).map { (index: Int) -> [Double] in
            let step = Double(index)
            return [4.5 + step * 0.2, 3.0, 1.0 + step * 0.3, 0.2 + step * 0.1]
        }
        let expected = try ServeFixtures.expected("iris", rows)
        let settings = BatchSettings(maxBatchSize: 8, maxBatchDelay: .milliseconds(200), maxQueue: 64, timeout: .seconds(30))
        try await ServeFixtures.withServer(settings) { client, service in
            let answers = try await withThrowingTaskGroup(of: (Int, Answer).self) { group in
                for (index, row) in rows.enumerated() {
                    group.addTask { (index, try await client.infer("iris", inferBody([row], id: "\(index)"))) }
                }
                return try await group.reduce(into: [:]) { $0[$1.0] = $1.1 }
            }
            for (index, answer) in answers {
                #expect(answer.status == 200)
                #expect(answer.json["id"] as? String == "\(index)")
                #expect(answer.output("class_index")?["data"] as? [Int] == [expected.classes![index]])
            }
            let metrics = service.metrics.text()
            #expect(metrics.contains("flint_batch_size_sum{model=\"iris\"} 16"))
            // 16 one-row requests, at most 8 rows a batch: exactly two forward passes.
            #expect(metrics.contains("flint_batch_size_count{model=\"iris\"} 2"), "\(metrics)")
        }
    }

    @Test func fullQueueAnswers503WithRetryAfter() async throws {
        // The first two requests wait a second for more; the others arrive meanwhile and find the queue full
        // (unless the machine is so loaded that a batch ran first, hence at least one refusal, not four).
        let settings = BatchSettings(maxBatchSize: 64, maxBatchDelay: .seconds(1), maxQueue: 2, timeout: .seconds(30))
        try await ServeFixtures.withServer(settings) { client, _ in
            let statuses = try await withThrowingTaskGroup(of: Answer.self) { group in
                for _ in 0..<6 { group.addTask { try await client.infer("iris", inferBody([irisRows[0]])) } }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            let refused = statuses.filter { $0.status == 503 }
            #expect(statuses.filter { $0.status == 200 }.count >= 2)
            #expect(refused.count >= 1)
            #expect(statuses.allSatisfy { $0.status == 200 || $0.status == 503 })
            #expect(refused.allSatisfy { $0.headers[.retryAfter] == "1" && $0.error.contains("--max-queue") })
        }
    }

    @Test func slowAnswerTimesOutWith504() async throws {
        let settings = BatchSettings(maxBatchSize: 64, maxBatchDelay: .milliseconds(500), maxQueue: 8, timeout: .milliseconds(50))
        try await ServeFixtures.withServer(settings) { client, service in
            let answer = try await client.infer("iris", inferBody([irisRows[0]]))
            #expect(answer.status == 504)
            #expect(answer.error.contains("did not answer within 50 ms"))
            #expect(service.metrics.text().contains("flint_requests_total{model=\"iris\",status=\"504\"} 1"))
        }
    }

    /// Deadlines that pass at once: each of 40 concurrent requests is answered exactly once, with its
    /// rows or a 504, whether its deadline passes while it is queued or while its batch runs (a second
    /// answer to one request stops the process), and the batcher keeps answering afterwards. Which requests get
    /// which answer depends on scheduling, so only the set of answers is checked.
    @Test func deadlinesPassingInTheQueueOrInARunningBatchAnswerEachRequestOnce() async throws {
        let model = try #require(ServeFixtures.repository.model(named: "digits", version: nil))
        let hurried = Batcher(model: model, settings: BatchSettings(maxBatchSize: 4, maxBatchDelay: .zero, maxQueue: 512, timeout: .nanoseconds(1)))
        let image = Tensor((0..<64).map { Double($0 % 17) }, shape: [1, 64])
        let statuses = await withTaskGroup(of: Int.self) { group in
            for _ in 0..<40 {
                group.addTask {
                    do {
                        _ = try await hurried.submit(features: image)
                        return 200
                    } catch let error as ServeError {
                        return error.status
                    } catch {
                        return 500
                    }
                }
            }
            return await group.reduce(into: [Int]()) { $0.append($1) }
        }
        #expect(statuses.count == 40)
        #expect(statuses.allSatisfy { $0 == 200 || $0 == 504 }, "\(Set(statuses))")
        // One more request after the storm is still answered (rows or 504, never a hang).
        let late: Int
        do {
            late = try await hurried.submit(features: image).rows
        } catch let error as ServeError {
            late = error.status
        }
        #expect(late == 1 || late == 504)
        #expect(await hurried.queueDepth == 0)
    }
}
