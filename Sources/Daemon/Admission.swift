// Bounded admission: at most `running` requests of a kind run at once and at most `waiting`
// more may queue; beyond that a request is refused at once with EBUSY instead of growing memory.
import Posix
import Wire

public final class Admission: @unchecked Sendable {
    public let name: String
    public let running: Int
    public let waiting: Int
    private let cond = Condition()
    private var active = 0
    private var queued = 0

    public init(name: String, running: Int, waiting: Int) {
        self.name = name
        self.running = max(1, running)
        self.waiting = max(0, waiting)
    }

    /// Runs `body` once a slot is free.
    /// - Throws: `WireError` EBUSY when the queue is full; whatever `body` throws.
    public func run<T>(_ body: () throws -> T) throws -> T {
        try cond.locked {
            if active >= running {
                guard queued < waiting else {
                    throw WireError.failure(.EBUSY, "too many \(name) requests (\(running) running, \(queued) queued); retry shortly")
                }
                queued += 1
                while active >= running { cond.wait() }
                queued -= 1
            }
            active += 1
        }
        defer { cond.locked { active -= 1; cond.signal() } }
        return try body()
    }

    public var load: (active: Int, queued: Int) { cond.locked { (active, queued) } }
}
