// A few long-lived threads that take work off a thread that has other work to do (a stage that
// can run beside the others). A job goes to an idle helper or is refused, so nothing ever queues
// behind a busy one: on a loaded machine the caller just does the work itself.

public final class HelperThreads: @unchecked Sendable {
    private let state = Condition()
    private let limit: Int
    private var threads = 0
    private var idle = 0
    private var jobs: [@Sendable () -> Void] = []

    /// - Parameter limit: the most helper threads ever started (they start on demand).
    public init(limit: Int) {
        self.limit = limit
    }

    /// Runs `job` on an idle helper (starting one if fewer than `limit` exist); false when every
    /// helper is busy or no thread could be started, and the caller should run it itself.
    public func offer(_ job: @escaping @Sendable () -> Void) -> Bool {
        state.locked {
            if idle > jobs.count {
                jobs.append(job)
                state.signal()
                return true
            }
            guard threads < limit else { return false }
            do { try Threads.spawn(name: "helper") { [self] in loop() } } catch { return false }
            threads += 1
            idle += 1           // the new thread counts as idle until it takes the job
            jobs.append(job)
            return true
        }
    }

    private func loop() {
        while true {
            let job: @Sendable () -> Void = state.locked {
                while jobs.isEmpty { state.wait() }
                idle -= 1
                return jobs.removeFirst()
            }
            job()
            state.locked { idle += 1 }
        }
    }
}
