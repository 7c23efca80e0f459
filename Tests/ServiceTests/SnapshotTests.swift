// One read snapshot per ask: while a folder keeps changing and committing, every answer's
// passages come from the generation its reply reports, never from a later or earlier commit.
import JSON
import Posix
import Service
import Testing
import TestSupport

@Suite struct SnapshotTests {
    @Test func anAskDuringCommitsReportsTheGenerationItsPassagesCameFrom() throws {
        let f = try EngineFixture()
        try f.write("release.md", "# Release\n\nThe release codename is alpha0.")
        try f.write("other.md", "# Other\n\nNothing about releases here.")
        var committed: [String: Int64] = ["alpha0": try f.ingest().generation]
        final class Shared: @unchecked Sendable {
            let lock = PthreadMutex()
            var committed: [String: Int64] = [:]
            var answers: [(codename: String, generation: Int64)] = []
            var asks = 0
            var done = false
            var errors: [String] = []
        }
        let shared = Shared()
        shared.committed = committed
        let rounds = 25
        try Threads.concurrently(2, name: "snapshot") { role in
            if role == 0 {
                for k in 1...rounds {
                    // Each commit waits (up to 10 s) for an ask to finish after the previous one,
                    // so asks interleave with commits however the two threads are scheduled: left
                    // free-running, 25 commits could end before the asker's first reply (seen
                    // under ThreadSanitizer on CI).
                    let seen = shared.lock.withLock { shared.asks }
                    let deadline = ContinuousClock.now + .seconds(10)
                    while shared.lock.withLock({ shared.asks }) == seen && ContinuousClock.now < deadline {
                        Threads.sleep(ms: 1)
                    }
                    do {
                        try f.write("release.md", "# Release\n\nThe release codename is alpha\(k).")
                        let g = try f.engine.ingest(root: f.root).report.generation
                        shared.lock.withLock { shared.committed["alpha\(k)"] = g }
                    } catch {
                        shared.lock.withLock { shared.errors.append("ingest: \(error)") }
                    }
                }
                shared.lock.withLock { shared.done = true }
            } else {
                while !shared.lock.withLock({ shared.done }) {
                    defer { shared.lock.withLock { shared.asks += 1 } }
                    do {
                        let a = try f.ask("What is the release codename?")
                        let text = (a["passages"]?.arrayValue?.first?["text"]?.stringValue ?? "") + " " + (a["answer"]?.stringValue ?? "")
                        guard let word = text.split(separator: " ").first(where: { $0.hasPrefix("alpha") }) else {
                            shared.lock.withLock { shared.errors.append("ask: no codename in \(text)") }
                            continue
                        }
                        let codename = String(word.trimmingCharacters(in: "."))
                        shared.lock.withLock { shared.answers.append((codename, a["generation"]?.intValue.map(Int64.init) ?? -1)) }
                    } catch {
                        shared.lock.withLock { shared.errors.append("ask: \(error)") }
                    }
                }
            }
        }
        committed = shared.committed
        #expect(shared.errors.isEmpty, "\(shared.errors)")
        #expect(shared.answers.count >= rounds, "only \(shared.answers.count) answers during \(rounds) commits")
        // A codename committed at generation g is what the index holds from g until the next
        // codename's generation: a reply's generation must fall in that window.
        let order = (0...rounds).compactMap { k in committed["alpha\(k)"].map { ("alpha\(k)", $0) } }
        for (codename, generation) in shared.answers {
            guard let i = order.firstIndex(where: { $0.0 == codename }) else {
                Issue.record("unknown codename \(codename)")
                continue
            }
            let from = order[i].1
            let until = i + 1 < order.count ? order[i + 1].1 : Int64.max
            #expect(generation >= from && generation < until, "\(codename) committed at \(from)..<\(until), reply says generation \(generation)")
        }
        print("snapshot: \(shared.answers.count) answers checked against \(order.count) commits")
    }
}

private extension Substring {
    func trimmingCharacters(in set: Character) -> Substring {
        var s = self
        while s.last == set { s = s.dropLast() }
        return s
    }
}
