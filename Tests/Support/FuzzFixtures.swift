// The fuzzers' regression inputs, Tests/Fixtures/fuzz/<target>/: each file once crashed, hung or
// blew the memory limit of a fuzz target (scripts/fuzz/run); the FuzzRegressionTests of each area
// feed them to the same entry point so that the fix stays fixed.
import Posix

public enum FuzzFixtures {
    /// The folder of one fuzz target's regression inputs.
    public static func directory(_ target: String) -> String { Paths.fixtures + "/fuzz/" + target }

    /// The file names in a target's folder, sorted; empty when there is no folder.
    public static func names(_ target: String) -> [String] {
        ((try? FileSystem.list(directory(target))) ?? []).filter { !$0.hasPrefix(".") }.sorted()
    }

    /// One input's bytes.
    /// - Throws: `PosixError` when the file cannot be read.
    public static func bytes(_ target: String, _ name: String) throws -> [UInt8] {
        try FileSystem.read(directory(target) + "/" + name)
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
