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

func tests(_ name: String, _ deps: [Target.Dependency]) -> Target {
    .testTarget(name: name + "Tests", dependencies: deps + ["TestSupport"], swiftSettings: native)
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
        module("SQLite", ["CSQLite"]),
        module("XML", ["CLibXML2"]),
        module("JSON"),
        module("Config"),
        module("Corpus", ["XML", "Posix", "JSON"]),
        module("Index", ["SQLite", "Corpus", "Posix", "Tensor"]),
        // Our own C: the int8 dot products (AVX-512 VNNI) Swift cannot express well, compiled
        // without -march and chosen at run time (see Sources/CKernels/include/nerve_kernels.h).
        .target(name: "CKernels", cSettings: [.unsafeFlags(["-O3", "-ffp-contract=off"])]),
        module("Tensor", ["CKernels"]),
        module("GGUF", ["Posix"]),
        module("Tokenizer", ["GGUF", "JSON"]),
        module("Model", ["Tensor", "GGUF", "Tokenizer", "Posix", "JSON"]),
        module("Generate", ["Model", "Tokenizer"]),
        module("Pipeline", ["Config", "JSON", "Posix"]),
        module("Frontier", ["JSON", "Posix"]),
        module("Wire", ["JSON", "Posix"]),
        module("MCP", ["JSON", "Wire", "Posix"]),
        module("Stages", ["Pipeline", "Corpus", "Index", "Model", "Generate", "Tokenizer", "Tensor", "Frontier", "JSON", "Config", "Posix"]),
        module("Daemon", ["Wire", "Pipeline", "Stages", "Config", "Index", "Posix", "JSON"]),
        module("Client", ["Wire", "JSON", "Posix", "Config", "Pipeline", "Stages", "Daemon", "Model", "Generate", "MCP"]),
        .executableTarget(name: "nerved", dependencies: ["Daemon", "Posix", "JSON", "Stages"], swiftSettings: native),
        .executableTarget(name: "nerve", dependencies: ["Client", "Config", "Posix"], swiftSettings: native),

        // Shared helpers for tests only: temp folders, paths to ../shared/data, a daemon harness.
        .target(name: "TestSupport", dependencies: ["Posix", "SQLite", "JSON", "Wire", "Daemon", "Stages", "Pipeline", "Config", "Index"], path: "Tests/Support",
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
        tests("Pipeline", ["Pipeline", "Config", "JSON"]),
        tests("Wire", ["Wire", "JSON"]),
        tests("Frontier", ["Frontier", "JSON"]),
        tests("Stages", ["Stages", "Pipeline", "Index", "Corpus"]),
        tests("Daemon", ["Daemon", "Wire", "JSON", "Pipeline"]),
        tests("CLI", ["JSON", "Wire"]),
        tests("MCP", ["MCP", "JSON", "Wire", "Posix"]),
    ]
)
