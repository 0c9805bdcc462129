#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// Set by the SIGINT handler; read by the training loop after each batch.
private let interruptPending = Atomic<Bool>(false)

/// Catches Ctrl-C (SIGINT) while a `fit` runs: the first one asks training to stop after the
/// current batch (the loop then writes a resumable checkpoint); a second one, before the first has
/// been dealt with, exits the process at once with status 130, as a shell expects. The previous
/// disposition of SIGINT comes back when the last `fit` in progress ends (fits may nest or overlap).
///
/// A plain C signal handler that only flips an atomic flag (async-signal-safe) is used rather than
/// a dispatch source: on Linux a dispatch source never sees a signal that a thread raises at
/// itself while the signal is ignored.
enum InterruptMonitor {
    private struct Installation {
        var depth = 0
        var previous: (@convention(c) (Int32) -> Void)?
    }
    private static let installation = Mutex(Installation())

    /// Starts catching SIGINT (nested calls share one handler).
    static func install() {
        installation.withLock { state in
            if state.depth == 0 {
                interruptPending.store(false, ordering: .sequentiallyConsistent)
                state.previous = signal(SIGINT, handleInterrupt)
            }
            state.depth += 1
        }
    }

    /// Stops catching SIGINT when the outermost `fit` ends, restoring what was there before.
    static func uninstall() {
        installation.withLock { state in
            state.depth -= 1
            if state.depth == 0 {
                signal(SIGINT, state.previous)
                interruptPending.store(false, ordering: .sequentiallyConsistent)
            }
        }
    }

    /// Whether Ctrl-C was pressed since training began.
    static var isPending: Bool { interruptPending.load(ordering: .sequentiallyConsistent) }
}

/// The SIGINT handler: the first signal asks for a stop, the second exits now.
private func handleInterrupt(_ signalNumber: Int32) {
    if interruptPending.exchange(true, ordering: .sequentiallyConsistent) {
        writeToStandardError("\nInterrupted again: exiting without waiting for the checkpoint.\n")
        _exit(130)
    }
    writeToStandardError("\nInterrupted: finishing this batch and writing a checkpoint (Ctrl-C again to exit now).\n")
}

/// Writes a literal to standard error without allocating (safe inside a signal handler).
private func writeToStandardError(_ message: StaticString) {
    _ = write(2, message.utf8Start, message.utf8CodeUnitCount)
}
