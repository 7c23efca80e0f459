// The model-file reader's typed accessors over the TOML tree: each checks presence, type, size
// and finiteness, and throws a LearnError at the key's or element's line:col.
import Config

extension FileReading {
    /// Numbers of an array with the location of each, for errors found after reading.
    struct Numbers<T> {
        var values: [T]
        var locations: [SourceLocation]
        /// The array's own location.
        var location: SourceLocation
    }

    /// Rejects keys outside `allowed`, at the first unknown key.
    func allow(_ t: TOMLTable, _ allowed: [String]) throws(LearnError) {
        for e in t.entries where !allowed.contains(e.key) {
            throw .unknownKey(file: file, key: e.key, location: e.keyLocation)
        }
    }

    func node(_ t: TOMLTable, _ key: String, _ tableName: String) throws(LearnError) -> TOMLNode {
        guard let n = t[key] else { throw .missingKey(file: file, key: key, table: tableName, location: t.location) }
        return n
    }

    func string(_ t: TOMLTable, _ key: String, _ tableName: String) throws(LearnError) -> String {
        let n = try node(t, key, tableName)
        guard case let .string(s) = n.value else { throw .wrongType(file: file, key: key, expected: "a string", location: n.location) }
        return s
    }

    func table(_ t: TOMLTable, _ key: String, _ tableName: String) throws(LearnError) -> TOMLTable {
        let n = try node(t, key, tableName)
        guard case let .table(inner) = n.value else { throw .wrongType(file: file, key: key, expected: "a table", location: n.location) }
        return inner
    }

    /// An array of tables (`[[key]]`), at most `limit` of them.
    func tables(_ t: TOMLTable, _ key: String, _ tableName: String, limit: Int) throws(LearnError) -> [TOMLTable] {
        let a = try array(t, key, tableName, limit: limit)
        var out: [TOMLTable] = []
        for n in a.nodes {
            guard case let .table(inner) = n.value else {
                throw .wrongType(file: file, key: key, expected: "an array of tables ([[\(tableName.isEmpty ? key : tableName + "." + key)]])", location: n.location)
            }
            out.append(inner)
        }
        return out
    }

    func array(_ t: TOMLTable, _ key: String, _ tableName: String, limit: Int) throws(LearnError) -> (nodes: [TOMLNode], location: SourceLocation) {
        let n = try node(t, key, tableName)
        guard case let .array(items) = n.value else { throw .wrongType(file: file, key: key, expected: "an array", location: n.location) }
        guard items.count <= limit else { throw .tooMany(file: file, key: key, count: items.count, limit: limit, location: n.location) }
        return (items, n.location)
    }

    /// A finite number; an integer is accepted and converted.
    func float(_ t: TOMLTable, _ key: String, _ tableName: String) throws(LearnError) -> Double {
        let n = try node(t, key, tableName)
        return try finite(n, key, index: -1)
    }

    func finite(_ n: TOMLNode, _ key: String, index: Int) throws(LearnError) -> Double {
        let v: Double
        switch n.value {
        case let .float(f): v = f
        case let .integer(i): v = Double(i)
        default: throw .wrongType(file: file, key: index >= 0 ? "\(key)[\(index)]" : key, expected: "a number", location: n.location)
        }
        guard v.isFinite else { throw .notFinite(file: file, key: key, index: index, location: n.location) }
        return v
    }

    /// An array of finite numbers: exactly `count` of them when given, else at most `limit`.
    func floats(_ t: TOMLTable, _ key: String, _ tableName: String, count: Int?, limit: Int = ModelLimits.features) throws(LearnError) -> Numbers<Double> {
        let a = try array(t, key, tableName, limit: max(count ?? 0, limit))
        if let count, a.nodes.count != count {
            throw .lengthMismatch(file: file, key: key, count: a.nodes.count, expected: count, location: a.location)
        }
        var out = Numbers<Double>(values: [], locations: [], location: a.location)
        out.values.reserveCapacity(a.nodes.count)
        out.locations.reserveCapacity(a.nodes.count)
        for (i, n) in a.nodes.enumerated() {
            out.values.append(try finite(n, key, index: i))
            out.locations.append(n.location)
        }
        return out
    }

    /// An array of integers: exactly `count` of them when given, else at most `limit`.
    func integers(_ t: TOMLTable, _ key: String, _ tableName: String, count: Int?, limit: Int) throws(LearnError) -> Numbers<Int64> {
        let a = try array(t, key, tableName, limit: limit)
        if let count, a.nodes.count != count {
            throw .lengthMismatch(file: file, key: key, count: a.nodes.count, expected: count, location: a.location)
        }
        var out = Numbers<Int64>(values: [], locations: [], location: a.location)
        for (i, n) in a.nodes.enumerated() {
            guard case let .integer(v) = n.value else {
                throw .wrongType(file: file, key: "\(key)[\(i)]", expected: "an integer", location: n.location)
            }
            out.values.append(v)
            out.locations.append(n.location)
        }
        return out
    }
}
