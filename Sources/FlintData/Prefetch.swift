import Foundation

/// A bounded queue between one producer thread and one consumer: the producer waits while `capacity`
/// batches are queued or being made, the consumer waits while none is ready, and `cancel()` wakes both
/// so that neither can be left waiting.
final class PrefetchQueue<Element>: @unchecked Sendable {
    private let condition = NSCondition()
    private var items: [Element] = []
    private var head = 0
    private var finished = false
    private var cancelled = false
    private let capacity: Int

    init(capacity: Int) {
        precondition(capacity >= 1, "PrefetchQueue: capacity must be at least 1")
        self.capacity = capacity
    }

    /// Blocks until there is room for one more element; false when the consumer has gone.
    func waitForRoom() -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while items.count - head >= capacity && !cancelled { condition.wait() }
        return !cancelled
    }

    /// Queues an element (after ``waitForRoom()`` said there is room).
    func push(_ element: Element) {
        condition.lock()
        defer { condition.unlock() }
        guard !cancelled else { return }
        items.append(element)
        condition.broadcast()
    }

    /// Marks the end of the stream.
    func finish() {
        condition.lock()
        defer { condition.unlock() }
        finished = true
        condition.broadcast()
    }

    /// The next element, waiting for the producer; nil at the end of the stream.
    func pop() -> Element? {
        condition.lock()
        defer { condition.unlock() }
        while head == items.count && !finished && !cancelled { condition.wait() }
        guard head < items.count else { return nil }
        let element = items[head]
        head += 1
        if head == items.count {
            items.removeAll(keepingCapacity: true)
            head = 0
        }
        condition.broadcast()
        return element
    }

    /// Stops the stream: drops what is queued and wakes the producer so that it returns.
    func cancel() {
        condition.lock()
        defer { condition.unlock() }
        cancelled = true
        items.removeAll()
        head = 0
        condition.broadcast()
    }
}

/// Runs `produce` on its own thread, queueing what it returns until it returns nil, and cancels the
/// thread when the last reference to this object goes away (an iteration stopped early).
final class PrefetchingProducer<Element>: @unchecked Sendable {
    private let queue: PrefetchQueue<Element>

    /// Starts the producer thread at once so the first batches are ready when asked for.
    init(capacity: Int, produce: @escaping () -> Element?) {
        let queue = PrefetchQueue<Element>(capacity: capacity)
        self.queue = queue
        let box = ProducerBox(produce)
        let thread = Thread {
            while queue.waitForRoom() {
                guard let element = box.produce() else { break }
                queue.push(element)
            }
            queue.finish()
        }
        thread.name = "FlintData.DataLoader.prefetch"
        thread.start()
    }

    /// The next element; nil when the producer has finished.
    func next() -> Element? { queue.pop() }

    deinit { queue.cancel() }
}

/// Hands the producing closure to the producer thread, which alone calls it.
private final class ProducerBox<Element>: @unchecked Sendable {
    let produce: () -> Element?
    init(_ produce: @escaping () -> Element?) { self.produce = produce }
}
