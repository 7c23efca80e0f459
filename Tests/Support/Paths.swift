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

    /// A fresh private temporary directory, removed by the caller with `FileSystem.removeTree`.
    public static func temporaryDirectory(_ prefix: String = "nerve-test") throws -> String {
        try FileSystem.makeTemporaryDirectory(prefix: prefix)
    }
}
