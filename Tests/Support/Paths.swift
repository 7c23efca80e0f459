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
    /// Copies the repository's pipelines into `folder`: ask.toml and ingest.toml, each text passed
    /// through `edit(name, text)`, and the calibration folder they name, so a copy links exactly
    /// as the shipped files do.
    public static func copyRepositoryPipelines(to folder: String, edit: (String, String) -> String = { $1 }) throws {
        let source = packageRoot + "/pipelines"
        try FileSystem.makeDirectories(folder + "/calibration")
        for name in ["ask.toml", "ingest.toml"] {
            let text = String(decoding: try FileSystem.read(source + "/" + name), as: UTF8.self)
            try FileSystem.writeAtomically(folder + "/" + name, Array(edit(name, text).utf8))
        }
        for name in try FileSystem.list(source + "/calibration") where name.hasSuffix(".toml") {
            try FileSystem.writeAtomically(folder + "/calibration/" + name, try FileSystem.read(source + "/calibration/" + name))
        }
    }

    /// The start most test ask pipelines share: the question, BM25 and an extract stage that
    /// accepts nothing, so its `extract.answer` goes on to the stage a test is about.
    public static let lexicalExtractStages = """
        version = 1
        [[stage]]
        id = "question"
        kind = "query"
        [[stage]]
        id = "bm25"
        kind = "search.bm25"
        in = ["question.text"]
        [[stage]]
        id = "extract"
        kind = "answer.extract"
        in = ["question.text", "bm25.hits"]
        accept = 1.0
        """

    /// A temporary pipelines folder with the repository's ingest.toml and the given ask.toml,
    /// for tests of one ask pipeline; the caller removes it.
    public static func pipelineFolder(ask: String) throws -> String {
        let dir = try temporaryDirectory("pipelines")
        try FileSystem.writeAtomically(dir + "/ingest.toml", try FileSystem.read(packageRoot + "/pipelines/ingest.toml"))
        try FileSystem.writeAtomically(dir + "/ask.toml", Array(ask.utf8))
        return dir
    }
}

extension Paths {
    /// The all-MiniLM-L6-v2 folder scripts/fetch-models installs (weights are never committed).
    public static let miniLM = packageRoot + "/models/all-MiniLM-L6-v2"

    /// Whether the MiniLM weights are installed; when not, prints why `suite` skips its tests.
    public static func miniLMPresent(for suite: String) -> Bool {
        let ok = FileSystem.exists(miniLM + "/model.safetensors") && FileSystem.exists(miniLM + "/vocab.txt")
        if !ok { print("\(suite): skipped: \(miniLM) is absent (run scripts/fetch-models)") }
        return ok
    }
}
