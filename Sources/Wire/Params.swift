// Typed access to request parameters: each accessor names the method and parameter in its
// EPARAMS error, so a client learns exactly which field was wrong and why.
import JSON

public struct Params: Sendable {
    public let method: String
    public let object: JSONObject

    public init(method: String, _ object: JSONObject) {
        self.method = method
        self.object = object
    }

    private func bad(_ name: String, _ expected: String, _ found: JSON) -> WireError {
        .failure(.EPARAMS, "\(method): parameter '\(name)' must be \(expected), found \(found.typeName)",
                 JSONObject([("param", .string(name))]))
    }

    /// A required string.
    /// - Throws: `WireError.rpc(.EPARAMS)` when missing or not a string.
    public func string(_ name: String) throws -> String {
        guard let v = object[name] else {
            throw WireError.failure(.EPARAMS, "\(method): missing parameter '\(name)'", JSONObject([("param", .string(name))]))
        }
        guard case let .string(s) = v else { throw bad(name, "a string", v) }
        return s
    }

    public func optionalString(_ name: String) throws -> String? {
        guard let v = object[name], v != .null else { return nil }
        guard case let .string(s) = v else { throw bad(name, "a string", v) }
        return s
    }

    public func optionalInt(_ name: String, range: ClosedRange<Int>? = nil) throws -> Int? {
        guard let v = object[name], v != .null else { return nil }
        guard let n = v.intValue else { throw bad(name, "an integer", v) }
        if let range, !range.contains(n) {
            throw WireError.failure(.EPARAMS, "\(method): parameter '\(name)' must be in \(range.lowerBound)...\(range.upperBound), found \(n)",
                                    JSONObject([("param", .string(name))]))
        }
        return n
    }

    public func optionalDouble(_ name: String) throws -> Double? {
        guard let v = object[name], v != .null else { return nil }
        guard let d = v.doubleValue else { throw bad(name, "a number", v) }
        return d
    }

    public func optionalBool(_ name: String) throws -> Bool? {
        guard let v = object[name], v != .null else { return nil }
        guard case let .bool(b) = v else { throw bad(name, "a boolean", v) }
        return b
    }

    public func optionalStrings(_ name: String) throws -> [String]? {
        guard let v = object[name], v != .null else { return nil }
        guard case let .array(a) = v else { throw bad(name, "an array of strings", v) }
        var out: [String] = []
        for e in a {
            guard case let .string(s) = e else { throw bad(name, "an array of strings", e) }
            out.append(s)
        }
        return out
    }

    /// Rejects parameters this method does not know, so typos are not silently ignored.
    public func allowOnly(_ names: Set<String>) throws {
        for k in object.keys where !names.contains(k) {
            let known = names.sorted().joined(separator: ", ")
            throw WireError.failure(.EPARAMS, "\(method): unknown parameter '\(k)' (known: \(known.isEmpty ? "none" : known))",
                                    JSONObject([("param", .string(k))]))
        }
    }
}
