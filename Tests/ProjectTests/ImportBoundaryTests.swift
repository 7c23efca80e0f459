// Project rules that no compiler checks: each C library is imported by exactly one wrapper module,
// tests use Swift Testing, the package takes no dependencies, and each module has one error enum.
import Posix
import Testing
import TestSupport

@Suite struct ImportBoundaryTests {
    /// Every Swift file under `dir`, recursively, with its text.
    static func swiftFiles(_ dir: String) -> [(path: String, text: String)] {
        var out: [(String, String)] = []
        var stack = [dir]
        while let d = stack.popLast() {
            for name in (try? FileSystem.list(d)) ?? [] {
                let p = d + "/" + name
                if FileSystem.isDirectory(p) { stack.append(p) }
                else if name.hasSuffix(".swift"), let b = try? FileSystem.read(p) {
                    out.append((p, String(decoding: b, as: UTF8.self)))
                }
            }
        }
        return out
    }

    static func imports(_ text: String) -> [String] {
        text.split(separator: "\n").compactMap { line in
            let t = line.drop { $0 == " " }
            for prefix in ["import ", "@_exported import ", "@testable import "] where t.hasPrefix(prefix) {
                return String(t.dropFirst(prefix.count).split(separator: " ").first ?? "")
            }
            return nil
        }
    }

    /// Which module folder may import each C-facing module.
    static let owners: [String: String] = [
        "CSQLite": "/Sources/SQLite/", "CLibXML2": "/Sources/XML/", "CKernels": "/Sources/Tensor/", "Glibc": "/Sources/Posix/", "Darwin": "/Sources/Posix/", "Musl": "/Sources/Posix/",
    ]

    @Test func cLibrariesAreImportedOnlyByTheirWrapper() {
        let files = Self.swiftFiles(Paths.packageRoot + "/Sources") + Self.swiftFiles(Paths.packageRoot + "/Tests")
            + Self.swiftFiles(Paths.packageRoot + "/Fuzz")
        #expect(files.count > 50)
        var violations: [String] = []
        for (path, text) in files {
            for m in Self.imports(text) {
                if let owner = Self.owners[m], !path.contains(owner) { violations.append("\(path): import \(m)") }
            }
        }
        #expect(violations.isEmpty, "C imports outside their wrapper module: \(violations)")
    }

    @Test func testsUseSwiftTestingNotXCTest() {
        let offenders = Self.swiftFiles(Paths.packageRoot + "/Tests").filter { Self.imports($0.text).contains("XCTest") }.map(\.path)
        #expect(offenders.isEmpty, "XCTest used in \(offenders)")
    }

    @Test func packageHasNoDependencies() throws {
        let text = String(decoding: try FileSystem.read(Paths.packageRoot + "/Package.swift"), as: UTF8.self)
        #expect(text.contains("dependencies: []"))
        #expect(!text.contains(".package("), "Package.swift names a package dependency")
    }

    @Test func eachModuleHasOneErrorEnum() throws {
        let sources = Paths.packageRoot + "/Sources"
        var problems: [String] = []
        for module in try FileSystem.list(sources) where FileSystem.isDirectory(sources + "/" + module) {
            let enums = Self.swiftFiles(sources + "/" + module).flatMap { f in
                f.text.split(separator: "\n").filter { $0.hasPrefix("public enum ") && $0.contains(": Error") }.map { "\(f.path): \($0)" }
            }
            if enums.count > 1 { problems.append("\(module) has \(enums.count) error enums: \(enums)") }
        }
        #expect(problems.isEmpty, "\(problems)")
    }

    @Test func sourceFilesOpenWithWhatTheyOwn() {
        let files = Self.swiftFiles(Paths.packageRoot + "/Sources") + Self.swiftFiles(Paths.packageRoot + "/Fuzz")
        let missing = files.filter { !$0.text.hasPrefix("//") }.map(\.path)
        #expect(missing.isEmpty, "files without an opening comment: \(missing)")
    }

    /// Every fuzz target in scripts/fuzz/targets has its entry point and seeds, and the slow
    /// fuzz scripts stay out of the CI test command (only the regression tests run there).
    @Test func fuzzTargetsAreCompleteAndOutOfCI() throws {
        let root = Paths.packageRoot
        let list = String(decoding: try FileSystem.read(root + "/scripts/fuzz/targets"), as: UTF8.self)
        let block = try #require(list.split(separator: "\"").dropFirst().first)
        let targets = block.split(separator: "\n").compactMap { $0.split(separator: " ").first.map(String.init) }
        #expect(targets.count >= 13)
        for t in targets {
            #expect(FileSystem.exists(root + "/Fuzz/\(t).swift"), "no entry point for fuzz target \(t)")
            #expect(((try? FileSystem.list(root + "/Fuzz/seeds/\(t)")) ?? []).count > 0, "no seeds for fuzz target \(t)")
        }
        let ci = String(decoding: try FileSystem.read(root + "/scripts/test"), as: UTF8.self)
        #expect(!ci.contains("scripts/fuzz"), "scripts/test runs the fuzzers")
    }
}
