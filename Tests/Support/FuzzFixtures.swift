// The fuzzers' inputs for the regression tests: Tests/Fixtures/fuzz/<target>/ holds every input
// that once crashed, hung or blew the memory limit of a fuzz target (scripts/fuzz/run), and
// Fuzz/seeds/<target>/ the committed starting corpus. Each area's FuzzRegressionTests feeds both
// to the same entry point as the fuzzer, so a fix stays fixed and the harness itself is exercised
// on every CI run, not only when someone fuzzes.
import Posix

public enum FuzzFixtures {
    /// Names of seed inputs start with this, to tell them from regression fixtures in test output.
    static let seedPrefix = "seed:"

    /// The folder of one fuzz target's regression inputs.
    public static func directory(_ target: String) -> String { Paths.fixtures + "/fuzz/" + target }

    /// The folder of one fuzz target's committed seeds.
    public static func seedDirectory(_ target: String) -> String { Paths.packageRoot + "/Fuzz/seeds/" + target }

    /// A target's regression fixtures (sorted), then its seeds as `seed:NAME`; empty folders and
    /// missing ones contribute nothing.
    public static func names(_ target: String) -> [String] {
        func list(_ dir: String) -> [String] { ((try? FileSystem.list(dir)) ?? []).filter { !$0.hasPrefix(".") }.sorted() }
        return list(directory(target)) + list(seedDirectory(target)).map { seedPrefix + $0 }
    }

    /// One input's bytes, by a name from `names(_:)`.
    /// - Throws: `PosixError` when the file cannot be read.
    public static func bytes(_ target: String, _ name: String) throws -> [UInt8] {
        if name.hasPrefix(seedPrefix) { return try FileSystem.read(seedDirectory(target) + "/" + name.dropFirst(seedPrefix.count)) }
        return try FileSystem.read(directory(target) + "/" + name)
    }

    /// Runs `body` and returns how long it took, for the hang regressions (the fuzzers count an
    /// input as hung after 10 s; these tests allow the same).
    public static func seconds(_ body: () throws -> Void) rethrows -> Double {
        let clock = ContinuousClock()
        let start = clock.now
        try body()
        let d = clock.now - start
        return Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }
}
