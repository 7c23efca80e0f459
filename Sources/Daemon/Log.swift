// One line per event on standard error: time, level, event, then key=value fields. Grep-able,
// and safe from concurrent threads (Console writes each line in one write).
import Posix

public enum LogLevel: Int, Sendable, Comparable {
    case debug = 0, info, warning, error
    public static func < (a: LogLevel, b: LogLevel) -> Bool { a.rawValue < b.rawValue }
    public init?(name: String) {
        switch name {
        case "debug": self = .debug
        case "info": self = .info
        case "warning", "warn": self = .warning
        case "error": self = .error
        default: return nil
        }
    }
    var name: String { ["debug", "info", "warning", "error"][rawValue] }
}

public final class Logger: @unchecked Sendable {
    public let level: LogLevel
    private let sink: @Sendable (String) -> Void

    public init(level: LogLevel = .info, sink: @escaping @Sendable (String) -> Void = { Console.error($0) }) {
        self.level = level
        self.sink = sink
    }

    public func log(_ level: LogLevel, _ event: String, _ fields: [(String, Any)] = []) {
        guard level >= self.level else { return }
        var line = "\(WallClock.iso8601()) \(level.name) \(event)"
        for (k, v) in fields {
            let s = "\(v)"
            let quoted = s.contains(" ") || s.contains("\"") || s.isEmpty ? "\"" + s.replacing("\"", with: "\\\"").replacing("\n", with: "\\n") + "\"" : s
            line += " \(k)=\(quoted)"
        }
        sink(line + "\n")
    }

    public func info(_ event: String, _ fields: [(String, Any)] = []) { log(.info, event, fields) }
    public func warning(_ event: String, _ fields: [(String, Any)] = []) { log(.warning, event, fields) }
    public func error(_ event: String, _ fields: [(String, Any)] = []) { log(.error, event, fields) }
    public func debug(_ event: String, _ fields: [(String, Any)] = []) { log(.debug, event, fields) }
}
