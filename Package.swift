// swift-tools-version:6.0
// Nerve: a retrieval-first question-answering daemon. No package dependencies: the only
// outside code is the system's libsqlite3 and libxml2, each behind one wrapper module.
import PackageDescription

// Kernels are written with SIMD types; without a CPU target LLVM lowers FMA to a libm call and
// they run ~100x slower (measured, see DESIGN.md). We build for the machine that builds us.
let native: [SwiftSetting] = [.unsafeFlags(["-target-cpu", "native"])]

func module(_ name: String, _ deps: [Target.Dependency] = []) -> Target {
    .target(name: name, dependencies: deps, swiftSettings: native)
}

func tests(_ name: String, _ deps: [Target.Dependency], exclude: [String] = []) -> Target {
    .testTarget(name: name + "Tests", dependencies: deps + ["TestSupport"], exclude: exclude, swiftSettings: native)
}

let package = Package(
    name: "Nerve",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "nerved", targets: ["nerved"]),
        .executable(name: "nerve", targets: ["nerve"]),
    ],
    dependencies: [],
    targets: [
        // The two system libraries, each imported by exactly one wrapper module (a test checks).
        .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3",
                       providers: [.apt(["libsqlite3-dev"]), .brew(["sqlite"])]),
        .systemLibrary(name: "CLibXML2", pkgConfig: "libxml-2.0",
                       providers: [.apt(["libxml2-dev"]), .brew(["libxml2"])]),

        module("Posix"),
        // The seeded random number generators (SplitMix64, xoshiro256**): one copy for everything.
        module("Random"),
        module("SQLite", ["CSQLite"]),
        module("XML", ["CLibXML2"]),
        module("JSON"),
        module("Config"),
        module("Corpus", ["XML", "Posix", "JSON"]),
        module("Index", ["SQLite", "Corpus", "Posix", "Tensor", "Random"]),
        // Our own C: the int8 dot products (AVX-512 VNNI) Swift cannot express well, compiled
        // without -march and chosen at run time (see Sources/CKernels/include/nerve_kernels.h).
        .target(name: "CKernels", cSettings: [.unsafeFlags(["-O3", "-ffp-contract=off"])]),
        module("Tensor", ["CKernels"]),
        module("GGUF", ["Posix"]),
        module("Tokenizer", ["GGUF", "JSON"]),
        module("Model", ["Tensor", "GGUF", "Tokenizer", "Posix", "JSON", "Random"]),
        module("Generate", ["Model", "Tokenizer", "Random"]),
        module("Pipeline", ["Config", "JSON", "Posix", "Learn"]),
        // Fitting and calibration (logistic regression, boosted trees, calibrators, thresholds)
        // and the model-file format; standard library and Config only.
        module("Learn", ["Config", "Random"]),
        module("Frontier", ["JSON", "Posix"]),
        module("Wire", ["JSON", "Posix"]),
        module("MCP", ["JSON", "Wire", "Posix"]),
        module("Stages", ["Pipeline", "Corpus", "Index", "Model", "Generate", "Tokenizer", "Tensor", "Frontier", "Learn", "JSON", "Config", "Posix"]),
        // The application layer: ask/ingest/forget orchestration over bound pipelines, replies,
        // the query log. Below it everything is engine; above it the daemon knows no SQL or stage.
        module("Service", ["Pipeline", "Stages", "Index", "SQLite", "Config", "JSON", "Posix"]),
        module("Daemon", ["Service", "Pipeline", "Wire", "Config", "Posix", "JSON"]),
        // `nerve`'s socket commands (and the MCP server on stdio): they reach the daemon through the
        // wire client only. Learn (standard library math) scores `nerve eval`'s calibration.
        module("Client", ["Wire", "JSON", "Posix", "MCP", "Learn"]),
        // `nerve`'s in-process tools: models (generate, perplexity, moefy, embed --model), checks
        // (check, debug toml) and fitting (calibrate) — everything that computes here, not in nerved.
        module("Tools", ["Client", "Service", "Daemon", "Pipeline", "Stages", "Learn", "Model", "Generate", "Tokenizer", "GGUF", "Tensor",
                         "Posix", "JSON", "Config"]),
        .executableTarget(name: "nerved", dependencies: ["Daemon", "Service", "Wire", "Posix", "JSON"], swiftSettings: native),
        .executableTarget(name: "nerve", dependencies: ["Client", "Tools", "Config", "Posix"], swiftSettings: native),

        // Shared helpers for tests only: temp folders, paths to ../shared/data, a daemon harness.
        .target(name: "TestSupport", dependencies: ["Random", "Posix", "SQLite", "JSON", "Wire", "Daemon", "Service", "Stages", "Pipeline", "Config", "Index"], path: "Tests/Support",
                swiftSettings: native),
        tests("Project", []),
        tests("Posix", ["Posix"]),
        tests("SQLite", ["SQLite"]),
        tests("XML", ["XML"]),
        tests("JSON", ["JSON"]),
        tests("Config", ["Config", "JSON"]),
        tests("Corpus", ["Corpus"]),
        tests("Index", ["Index", "Corpus"]),
        tests("Tensor", ["Tensor"]),
        tests("GGUF", ["GGUF", "Tensor"]),
        tests("Tokenizer", ["Tokenizer", "GGUF"]),
        tests("Model", ["Model", "GGUF", "Tokenizer", "Tensor", "Generate"]),
        tests("Generate", ["Generate", "Model", "Tokenizer", "GGUF"]),
        tests("Pipeline", ["Pipeline", "Config", "JSON", "Posix"]),
        tests("Learn", ["Learn", "Config", "Posix"]),
        tests("Wire", ["Wire", "JSON"]),
        tests("Frontier", ["Frontier", "JSON"]),
        tests("Stages", ["Stages", "Service", "Pipeline", "Index", "Corpus", "Learn"]),
        tests("Service", ["Service", "Stages", "Pipeline", "Index", "Corpus", "JSON", "Learn"]),
        tests("Daemon", ["Daemon", "Wire", "JSON", "Pipeline"]),
        tests("CLI", ["JSON", "Wire"]),
        tests("Tools", ["Tools", "Learn", "Stages"]),
        tests("MCP", ["MCP", "JSON", "Wire", "Posix"], exclude: ["mcp_peer.py"]),  // the Python peer the tests start
        tests("Client", ["Client", "JSON", "Learn", "Posix", "Wire"]),
    ]
)
