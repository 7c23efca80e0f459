// One HTTP POST through URLSession, blocking the calling (dedicated) thread, with the response
// body delivered in chunks as they arrive (for server-sent events), a total deadline and an idle
// deadline between chunks. Loopback endpoints bypass any configured proxy.
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Posix

struct HTTPResponse {
    var status: Int
    var headers: [String: String]
    /// The whole body for non-2xx responses and non-streaming calls; empty when streamed.
    var body: [UInt8]
}

final class HTTPTransport: NSObject, URLSessionDataDelegate, @unchecked Sendable {
    private let lock = NSLock()
    private let done = DispatchSemaphore(value: 0)
    private var response: HTTPResponse?
    private var error: Error?
    private var lastData = ContinuousClock.now
    private var onChunk: (([UInt8]) -> Void)?
    private var streaming = false

    /// POSTs `body` to `url`. When `onChunk` is given and the status is 2xx, the body is handed
    /// over chunk by chunk instead of being collected.
    /// - Throws: `FrontierError.timeout` or `.transport`.
    static func post(_ url: URL, headers: [String: String], body: [UInt8], timeoutMs: Int, idleTimeoutMs: Int,
                     onChunk: (([UInt8]) -> Void)? = nil) throws -> HTTPResponse {
        if let host = url.host, host == "127.0.0.1" || host == "localhost" || host == "::1" {
            // curl (under URLSession on Linux) honours http_proxy even for loopback unless told not to.
            let current = Identity.environment("no_proxy") ?? ""
            if !current.contains(host) { Identity.setEnvironment("no_proxy", current.isEmpty ? host : current + "," + host) }
        }
        let t = HTTPTransport()
        t.onChunk = onChunk
        let config = URLSessionConfiguration.ephemeral
        config.timeoutIntervalForRequest = Double(idleTimeoutMs) / 1000
        config.timeoutIntervalForResource = Double(timeoutMs) / 1000
        config.requestCachePolicy = .reloadIgnoringLocalCacheData
        let session = URLSession(configuration: config, delegate: t, delegateQueue: nil)
        defer { session.finishTasksAndInvalidate() }
        var request = URLRequest(url: url)
        request.httpMethod = "POST"
        request.httpBody = Data(body)
        for (k, v) in headers { request.setValue(v, forHTTPHeaderField: k) }
        let task = session.dataTask(with: request)
        task.resume()
        let start = ContinuousClock.now
        // Our own watchdog on top of URLSession's: its idle timer does not cover slow trickles.
        while true {
            if t.done.wait(timeout: .now() + .milliseconds(50)) == .success { break }
            let now = ContinuousClock.now
            let idle = t.lock.withLock { now - t.lastData }
            if now - start > .milliseconds(timeoutMs) {
                task.cancel()
                throw FrontierError.timeout(afterMs: timeoutMs, what: "request")
            }
            if idle > .milliseconds(idleTimeoutMs) {
                task.cancel()
                throw FrontierError.timeout(afterMs: idleTimeoutMs, what: "waiting for data")
            }
        }
        return try t.lock.withLock {
            if let e = t.error {
                let ns = e as NSError
                if ns.code == NSURLErrorTimedOut { throw FrontierError.timeout(afterMs: timeoutMs, what: "request") }
                throw FrontierError.transport(reason: e.localizedDescription)
            }
            guard let r = t.response else { throw FrontierError.transport(reason: "no response") }
            return r
        }
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
                    completionHandler: @escaping (URLSession.ResponseDisposition) -> Void) {
        lock.withLock {
            let http = response as? HTTPURLResponse
            var headers: [String: String] = [:]
            for (k, v) in http?.allHeaderFields ?? [:] { headers["\(k)".lowercased()] = "\(v)" }
            let status = http?.statusCode ?? 0
            self.response = HTTPResponse(status: status, headers: headers, body: [])
            streaming = onChunk != nil && (200..<300).contains(status)
            lastData = .now
        }
        completionHandler(.allow)
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
        let (stream, handler) = lock.withLock { () -> (Bool, (([UInt8]) -> Void)?) in
            lastData = .now
            if !streaming { response?.body.append(contentsOf: data) }
            return (streaming, onChunk)
        }
        if stream { handler?(Array(data)) }
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: Error?) {
        lock.withLock { self.error = error }
        done.signal()
    }
}
