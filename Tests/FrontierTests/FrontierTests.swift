// The frontier adapter against a local server speaking both API shapes: answers whole and
// streamed, retries on 429/5xx with backoff, bounded time on hangs and trickles, clear errors on
// garbage, a missing key, or a budget that would be exceeded.
import Frontier
import JSON
import Posix
import Testing
import TestSupport

@Suite struct FrontierTests {
    func settings(_ provider: FrontierSettings.Provider, _ server: FakeModelServer, stream: Bool = true, key: String = "",
                  timeoutMs: Int = 5000, idleMs: Int = 2000, attempts: Int = 3) -> FrontierSettings {
        FrontierSettings(provider: provider, endpoint: server.baseURL, model: "test-model", keyVariable: key,
                         pricePerMillionIn: 3, pricePerMillionOut: 15, maxTokens: 64, timeoutMs: timeoutMs, idleTimeoutMs: idleMs,
                         maxAttempts: attempts, backoffMs: 20, stream: stream)
    }

    @Test(arguments: [true, false])
    func openAIAnswersWholeAndStreamed(_ stream: Bool) throws {
        let server = try FakeModelServer([.openAI("Twelve weeks of leave.", tokensIn: 100, tokensOut: 20)])
        let pieces = Collector()
        let c = try FrontierClient(settings: settings(.openai, server, stream: stream)).complete(
            [ChatMessage(.system, "Be brief."), ChatMessage(.user, "How long?")]) { pieces.add($0) }
        #expect(c.text == "Twelve weeks of leave.")
        #expect(c.tokensIn == 100 && c.tokensOut == 20)
        #expect(abs(c.cost - (100 * 3 + 20 * 15) / 1e6) < 1e-12)
        #expect(pieces.all.joined() == "Twelve weeks of leave.")
        if stream { #expect(pieces.all.count > 1, "streamed token by token") }
        let req = try #require(server.requests.first)
        #expect(req.path == "/v1/chat/completions")
        #expect(req.body["model"] == "test-model")
        #expect(req.body["messages"]?[1]?["content"] == "How long?")
    }

    @Test(arguments: [true, false])
    func anthropicAnswersWholeAndStreamed(_ stream: Bool) throws {
        Identity.setEnvironment("NERVE_TEST_ANTHROPIC_KEY", "sk-test")
        let server = try FakeModelServer([.anthropic("Nine dollars.", tokensIn: 40, tokensOut: 4)])
        let c = try FrontierClient(settings: settings(.anthropic, server, stream: stream, key: "NERVE_TEST_ANTHROPIC_KEY")).complete(
            [ChatMessage(.system, "Cite passages."), ChatMessage(.user, "Cost?")])
        #expect(c.text == "Nine dollars.")
        #expect(c.tokensIn == 40 && c.tokensOut == 4)
        let req = try #require(server.requests.first)
        #expect(req.path == "/v1/messages")
        #expect(req.headers["x-api-key"] == "sk-test")
        #expect(req.headers["anthropic-version"] == "2023-06-01")
        #expect(req.body["system"] == "Cite passages.")
        #expect(req.body["messages"]?.arrayValue?.count == 1)
    }

    @Test func retriesOn429And5xxThenSucceeds() throws {
        let server = try FakeModelServer([.status(429, retryAfter: 0), .status(503), .openAI("ok")])
        let c = try FrontierClient(settings: settings(.openai, server)).complete([ChatMessage(.user, "q")])
        #expect(c.text == "ok")
        #expect(c.attempts == 3)
        #expect(server.requestCount == 3)
    }

    @Test func persistentServerErrorsExhaustRetries() throws {
        let server = try FakeModelServer([], fallback: .status(500))
        #expect(throws: FrontierError.self) { try FrontierClient(settings: settings(.openai, server)).complete([ChatMessage(.user, "q")]) }
        #expect(server.requestCount == 3)
        do { _ = try FrontierClient(settings: settings(.openai, server, attempts: 2)).complete([ChatMessage(.user, "q")]) } catch let e as FrontierError {
            guard case let .retriesExhausted(n, last) = e else { Issue.record("\(e)"); return }
            #expect(n == 2 && last.contains("HTTP 500"))
        }
    }

    @Test func clientErrorsAreNotRetried() throws {
        let server = try FakeModelServer([.status(401, body: "{\"error\":\"bad key\"}")])
        #expect(throws: FrontierError.http(status: 401, body: "{\"error\":\"bad key\"}", retryAfterSeconds: nil)) {
            try FrontierClient(settings: settings(.openai, server)).complete([ChatMessage(.user, "q")])
        }
        #expect(server.requestCount == 1)
    }

    @Test func hangsAndTricklesAreBoundedInTime() throws {
        let hang = try FakeModelServer([.hang(ms: 5000)])
        let start = ContinuousClock.now
        #expect(throws: FrontierError.self) {
            try FrontierClient(settings: settings(.openai, hang, timeoutMs: 600, idleMs: 300, attempts: 1)).complete([ChatMessage(.user, "q")])
        }
        #expect(ContinuousClock.now - start < .seconds(3))
        let slow = try FakeModelServer([.trickle("one two three four five six", chunkDelayMs: 400)])
        let s2 = ContinuousClock.now
        #expect(throws: FrontierError.self) {
            try FrontierClient(settings: settings(.openai, slow, timeoutMs: 1000, idleMs: 800, attempts: 1)).complete([ChatMessage(.user, "q")])
        }
        #expect(ContinuousClock.now - s2 < .seconds(3))
    }

    @Test func garbageAndDroppedStreamsAreMalformed() throws {
        for b: FakeModelServer.Behaviour in [.garbage, .dropMidStream] {
            for stream in [true, false] where !(b.isDrop && !stream) {
                let server = try FakeModelServer([b])
                do {
                    _ = try FrontierClient(settings: settings(.openai, server, stream: stream, attempts: 1)).complete([ChatMessage(.user, "q")])
                    Issue.record("\(b) stream=\(stream) was accepted")
                } catch let e as FrontierError {
                    guard case .malformedResponse = e else { Issue.record("\(e)"); continue }
                }
            }
        }
    }

    @Test func missingKeyAndBudgetStopBeforeSending() throws {
        let server = try FakeModelServer([.openAI("never")])
        #expect(throws: FrontierError.missingKey(variable: "NERVE_TEST_UNSET_KEY")) {
            try FrontierClient(settings: settings(.openai, server, key: "NERVE_TEST_UNSET_KEY")).complete([ChatMessage(.user, "q")])
        }
        #expect(throws: FrontierError.self) {
            try FrontierClient(settings: settings(.openai, server)).complete([ChatMessage(.user, String(repeating: "long ", count: 1000))], maxCost: 0.0001)
        }
        #expect(server.requestCount == 0)
    }

    @Test func refusedConnectionIsATransportError() throws {
        let server = try FakeModelServer([])
        let url = server.baseURL
        server.stop()
        let s = FrontierSettings(provider: .openai, endpoint: url, model: "m", timeoutMs: 2000, maxAttempts: 1)
        do { _ = try FrontierClient(settings: s).complete([ChatMessage(.user, "q")]); Issue.record("connected") } catch let e as FrontierError {
            if case .transport = e {} else if case .timeout = e {} else { Issue.record("\(e)") }
        }
    }
}

final class Collector: @unchecked Sendable {
    private let lock = PthreadMutex()
    private var items: [String] = []
    func add(_ s: String) { lock.withLock { items.append(s) } }
    var all: [String] { lock.withLock { items } }
}

extension FakeModelServer.Behaviour {
    var isDrop: Bool { if case .dropMidStream = self { return true }; return false }
}
