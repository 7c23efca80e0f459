// `nerve embed`: a JSON array with one unit-length vector per text, in order, from a local model
// folder or from the daemon (the same floats either way); usage errors exit 2, no daemon 3, a
// daemon without a model EMODEL. Tests needing the MiniLM weights skip when they are absent.
import JSON
import Posix
import Testing
import TestSupport

@Suite(.serialized) struct EmbedCLITests {
    static let present = Paths.miniLMPresent(for: "EmbedCLITests")

    static func vectors(_ stdout: String) throws -> [[Double]] {
        try (JSON.parse(stdout).arrayValue ?? []).map { ($0.arrayValue ?? []).compactMap(\.doubleValue) }
    }

    @Test func usageAndNoDaemon() throws {
        let none = try Binaries.run("nerve", ["embed"])
        #expect(none.status == 2 && none.stderr.contains("embed needs TEXT... (after --) or --input FILE"))
        let gone = try Binaries.run("nerve", ["--socket", "/tmp/nerve-no-daemon-\(Identity.processID).sock", "--json", "embed", "--", "hi"])
        #expect(gone.status == 3)
        let help = try Binaries.run("nerve", ["embed", "--help"])
        #expect(help.status == 0 && help.stdout.contains("--model DIR") && help.stdout.contains("EMODEL"))
    }

    @Test func aDaemonWithoutAModelSaysEMODEL() throws {
        let dir = try Paths.temporaryDirectory()
        defer { FileSystem.removeTree(dir) }
        let sock = dir + "/n.sock"
        let daemon = try Binaries.start("nerved", ["--socket", sock, "--index", dir + "/index", "--pipelines", DaemonHarness.copyOfRepositoryPipelines(in: dir),
                                                     "--embedding-model", "none"])
        defer { daemon.terminate() }
        try Binaries.waitFor(socket: sock)
        let r = try Binaries.run("nerve", ["--socket", sock, "--json", "embed", "--", "anything"])
        #expect(r.status == 1)
        #expect(try JSON.parse(r.stdout)["error"]?["code"] == "EMODEL")
    }

    @Test(.enabled(if: present)) func localAndDaemonVectorsAgree() throws {
        let local = try Binaries.run("nerve", ["--json", "embed", "--model", Paths.miniLM, "--", "The cat sat on the mat.", "Quarterly revenue grew."])
        #expect(local.status == 0)
        let v = try Self.vectors(local.stdout)
        #expect(v.count == 2 && v.allSatisfy { $0.count == 384 })
        for x in v { #expect(abs(x.reduce(0) { $0 + $1 * $1 } - 1) < 1e-4) }
        #expect(v[0] != v[1])

        let dir = try Paths.temporaryDirectory()
        defer { FileSystem.removeTree(dir) }
        let sock = dir + "/n.sock"
        let daemon = try Binaries.start("nerved", ["--socket", sock, "--index", dir + "/index", "--pipelines", DaemonHarness.copyOfRepositoryPipelines(in: dir),
                                                     "--embedding-model", Paths.miniLM])
        defer { daemon.terminate() }
        try Binaries.waitFor(socket: sock)
        let remote = try Binaries.run("nerve", ["--socket", sock, "--json", "embed", "--", "The cat sat on the mat.", "Quarterly revenue grew."])
        #expect(remote.status == 0)
        // Same encoder, floats printed in shortest round-trip form on both paths: identical.
        #expect(try Self.vectors(remote.stdout) == v)
    }
}
