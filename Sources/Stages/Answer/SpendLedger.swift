// Money spent on model calls today, kept so that concurrent questions can never spend past the
// daily budget together: a call first reserves its worst-case cost (checked against what is spent
// and what other calls have reserved, atomically), then settles with what it actually cost. The
// day's spend starts from the query log (so a restart remembers it) and is kept in memory from
// then on, so a query-log write that fails loses no spend.
import Posix

public final class SpendLedger: @unchecked Sendable {
    /// Dollars the query log records since a moment (ns since the epoch).
    public typealias SpentSince = @Sendable (_ sinceNs: Int64) throws -> Double

    /// A reservation to settle once the call is over (whether it succeeded or not).
    public struct Reservation: Sendable {
        public let amount: Double
        let day: Int64
    }

    private let spentSince: SpentSince
    private let clock: @Sendable () -> Int64
    private let lock = PthreadMutex()
    private var day: Int64 = -1
    private var spent = 0.0
    private var reserved = 0.0

    static let dayNs: Int64 = 86_400_000_000_000

    public init(spentSince: @escaping SpentSince = { _ in 0 }, clock: @escaping @Sendable () -> Int64 = { WallClock.nanoseconds() }) {
        self.spentSince = spentSince
        self.clock = clock
    }

    /// Reserves `amount` dollars of today's `dailyLimit`.
    /// - Throws: `StagesError.budget` when spent + reserved + amount would pass the limit; the
    ///   query log's error when today's spend cannot be read.
    public func reserve(_ amount: Double, dailyLimit: Double) throws -> Reservation {
        try lock.withLock {
            try roll()
            guard spent + reserved + amount <= dailyLimit else {
                throw StagesError.budget(limit: dailyLimit, spent: spent, reserved: reserved, needed: amount)
            }
            reserved += amount
            return Reservation(amount: amount, day: day)
        }
    }

    /// Ends a reservation: the call cost `cost` dollars (0 when it failed before any charge).
    public func settle(_ r: Reservation, cost: Double) {
        lock.withLock {
            if r.day == day {
                reserved = max(0, reserved - r.amount)
                spent += max(0, cost)
            }
        }
    }

    /// Dollars spent today (settled calls).
    public var spentToday: Double {
        lock.withLock { (try? roll()).map { spent } ?? spent }
    }

    /// Starts a new day's account when the UTC day changed (or on first use), from the query log.
    private func roll() throws {
        let today = clock() / Self.dayNs
        guard today != day else { return }
        spent = try spentSince(today * Self.dayNs)
        reserved = 0
        day = today
    }
}
