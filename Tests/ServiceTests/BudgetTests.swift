// Money: a frontier call reserves its worst-case cost against the day's budget before it is sent,
// atomically with every other call in flight, and settles with what it cost — so concurrent
// questions never spend past the daily budget together, and a restart remembers the day's spend.
import JSON
import Posix
import Service
import Stages
import Testing
import TestSupport

@Suite struct BudgetTests {
    @Test func concurrentReservationsNeverPassTheLimit() throws {
        let ledger = SpendLedger(spentSince: { _ in 0.25 })
        final class Tally: @unchecked Sendable {
            let lock = PthreadMutex()
            var granted = 0
        }
        let tally = Tally()
        try Threads.concurrently(32, name: "reserve") { _ in
            if let r = try? ledger.reserve(0.1, dailyLimit: 1.0) {
                tally.lock.withLock { tally.granted += 1 }
                Threads.sleep(ms: 5)
                ledger.settle(r, cost: 0.1)
            }
        }
        // 0.25 already spent (the query log), 0.1 per call, limit 1.0: at most 7 calls.
        #expect(tally.granted <= 7)
        #expect(ledger.spentToday <= 1.0 + 1e-12)
        #expect(throws: StagesError.self) { try ledger.reserve(0.1, dailyLimit: 1.0) }
    }

    @Test func aNewDayStartsFromTheQueryLog() throws {
        final class Clock: @unchecked Sendable { var ns: Int64 = 10 * 86_400_000_000_000 + 5 }
        let clock = Clock()
        let ledger = SpendLedger(spentSince: { since in since == 10 * 86_400_000_000_000 ? 0.5 : 0 }, clock: { clock.ns })
        let r = try ledger.reserve(0.4, dailyLimit: 1.0)
        ledger.settle(r, cost: 0.3)
        #expect(abs(ledger.spentToday - 0.8) < 1e-12)
        clock.ns += 86_400_000_000_000
        #expect(ledger.spentToday == 0)
        _ = try ledger.reserve(0.9, dailyLimit: 1.0)
    }

    static func pipeline(endpoint: String) -> String {
        """
        \(Paths.lexicalExtractStages)
        [[stage]]
        id = "frontier"
        kind = "answer.frontier"
        in = ["question.text", "bm25.hits"]
        endpoint = "\(endpoint)"
        model = "fake-gpt"
        price_in = 20.0
        price_out = 20.0
        max_tokens = 20
        attempts = 1
        stream = false
        budget_per_query = 0.01
        budget_per_day = 0.01
        accept = 0.5
        """
    }

    /// 32 questions at once, each going to the frontier: what they spend together stays within
    /// the daily budget, and the ones that could not be afforded say so.
    @Test func thirtyTwoConcurrentAsksStayWithinTheDailyBudget() throws {
        // Each reply reports 50 + 20 tokens: $0.0014 at $20/M, under the ~$0.003 worst case reserved.
        let server = try FakeModelServer([], fallback: .openAI("Permits cost nine dollars [1].", tokensIn: 50, tokensOut: 20))
        let f = try EngineFixture(ask: Self.pipeline(endpoint: server.baseURL))
        try f.write("p.md", "# Parking\n\nParking permits cost nine dollars a month.")
        try f.ingest()
        final class Results: @unchecked Sendable {
            let lock = PthreadMutex()
            var replies: [JSON] = []
            var errors: [String] = []
        }
        let results = Results()
        try Threads.concurrently(32, name: "ask") { i in
            do {
                let a = try f.ask("What do parking permits cost? (\(i))")
                results.lock.withLock { results.replies.append(a) }
            } catch {
                results.lock.withLock { results.errors.append("\(error)") }
            }
        }
        #expect(results.errors.isEmpty, "\(results.errors)")
        let spent = results.replies.reduce(0.0) { $0 + ($1["cost"]?.doubleValue ?? 0) }
        let paid = results.replies.filter { $0["route"] == "frontier" }.count
        let refused = results.replies.filter { r in
            r["stages"]?.arrayValue?.contains { $0["id"] == "frontier" && $0["note"]?.stringValue?.contains("budget") == true } == true
        }.count
        print("budget: \(paid) frontier answers, \(refused) refused by the budget, $\(Decimals.fixed(spent, places: 4)) spent of $0.01")
        #expect(spent <= 0.01 + 1e-9)
        #expect(paid >= 1 && paid <= 7)
        #expect(refused >= 1)
        #expect(paid + refused == 32)
        let stats = try f.engine.stats(sinceHours: nil)
        #expect((stats["cost"]?.doubleValue ?? 1) <= 0.01 + 1e-9)
    }
}
