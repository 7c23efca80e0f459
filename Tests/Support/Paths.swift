// Where tests find things: the package root, Tests/Fixtures, and the shared data folder that CI
// places beside the clone (../shared/data). Computed from this file's path, not the cwd.
import Posix

public enum Paths {
    /// The package root (the folder holding Package.swift).
    public static let packageRoot: String = {
        var parts = String(#filePath).split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast(3) // Tests/Support/Paths.swift
        return parts.joined(separator: "/")
    }()

    /// Small committed fixtures.
    public static let fixtures = packageRoot + "/Tests/Fixtures"

    /// ../shared/data beside the clone; nil when absent (tests that need it skip with a reason).
    public static let sharedData: String? = {
        let p = packageRoot + "/../shared/data"
        return FileSystem.isDirectory(p) ? p : nil
    }()

    /// Where downloaded and built reference material lives (the llama.cpp sources and tools from
    /// scripts/bench/build-llama-cpp): $NERVE_CACHE, else .cache/ in the repository.
    public static let cache: String = Identity.environment("NERVE_CACHE") ?? packageRoot + "/.cache"

    /// The llama.cpp source tree inside the cache, when it has been fetched.
    public static let llamaCppSource: String? = {
        let p = cache + "/llama-cpp-python-0.3.36/src/vendor/llama.cpp"
        return FileSystem.isDirectory(p) ? p : nil
    }()

    /// A fresh private temporary directory, removed by the caller with `FileSystem.removeTree`.
    public static func temporaryDirectory(_ prefix: String = "nerve-test") throws -> String {
        try FileSystem.makeTemporaryDirectory(prefix: prefix)
    }
}

extension Paths {
    /// A temporary pipelines folder with the repository's ingest.toml and the given ask.toml,
    /// for tests of one ask pipeline; the caller removes it.
    public static func pipelineFolder(ask: String) throws -> String {
        let dir = try temporaryDirectory("pipelines")
        try FileSystem.writeAtomically(dir + "/ingest.toml", try FileSystem.read(packageRoot + "/pipelines/ingest.toml"))
        try FileSystem.writeAtomically(dir + "/ask.toml", Array(ask.utf8))
        return dir
    }
}
