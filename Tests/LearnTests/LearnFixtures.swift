// Test helpers: the committed fixtures under Tests/Fixtures/learn (CSV data and the Python
// reference's expected values as TOML), and seeded synthetic data sets.
import Config
import Foundation   // log, cos, sqrt for the Box–Muller draws
import Learn
import Posix
import TestSupport

enum LearnFixtures {
    static let directory = Paths.fixtures + "/learn"

    /// A CSV with a header row; every cell parsed as a Double.
    struct Table {
        var header: [String]
        var rows: [[Double]]

        func column(_ name: String) -> [Double] {
            guard let j = header.firstIndex(of: name) else { return [] }
            return rows.map { $0[j] }
        }

        /// The columns named f0, f1, ... as a matrix.
        func features() throws -> FeatureMatrix {
            let js = header.indices.filter { header[$0].hasPrefix("f") }
            return try FeatureMatrix(rows: rows.map { r in js.map { r[$0] } })
        }
    }

    static func csv(_ name: String) throws -> Table {
        let text = String(decoding: try FileSystem.read(directory + "/" + name), as: UTF8.self)
        var lines = text.split(separator: "\n").map(String.init)
        let header = lines.removeFirst().split(separator: ",").map(String.init)
        let rows = lines.map { $0.split(separator: ",").map { Double($0) ?? .nan } }
        return Table(header: header, rows: rows)
    }

    static func expected(_ name: String) throws -> TOMLTable {
        try TOML.parse(bytes: try FileSystem.read(directory + "/" + name))
    }
}

extension TOMLTable {
    func double(_ key: String) -> Double {
        switch self[key]?.value {
        case let .float(x): return x
        case let .integer(i): return Double(i)
        default: return .nan
        }
    }

    func doubles(_ key: String) -> [Double] {
        guard case let .array(items) = self[key]?.value else { return [] }
        return items.map { n in if case let .float(x) = n.value { x } else { .nan } }
    }
}

/// Seeded synthetic data for the tests that need more rows than a fixture should hold.
struct Synthetic {
    var rng: SeededRandom

    init(seed: UInt64) { rng = SeededRandom(seed: seed) }

    /// Uniform in [0, 1) from the top 53 bits.
    mutating func uniform() -> Double { Double(rng.next() >> 11) * 0x1p-53 }

    /// Standard normal (Box–Muller).
    mutating func normal() -> Double {
        let u = max(uniform(), 1e-300), v = uniform()
        return (-2 * log(u)).squareRoot() * cos(2 * Double.pi * v)
    }

    /// `n` rows of `d` standard-normal features and labels drawn from P(y) = σ(f(row)).
    mutating func rows(_ n: Int, _ d: Int, logit: ([Double]) -> Double) throws -> (x: FeatureMatrix, y: [Bool]) {
        var values: [Double] = []
        values.reserveCapacity(n * d)
        var y: [Bool] = []
        for _ in 0..<n {
            let row = (0..<d).map { _ in normal() }
            values += row
            y.append(uniform() < logistic(logit(row)))
        }
        return (try FeatureMatrix(values: values, columns: d), y)
    }
}
