// The built binaries, run as a user runs them: help text, exit codes, `--check` diagnostics,
// `debug toml`, and the full daemon round trip with the `ask --json` contract.
import JSON
import Testing
import Wire
import TestSupport
import Posix

@Suite(.serialized) struct CLITests {
    @Test func helpListsEveryCommand() throws {
        let r = try Binaries.run("nerve", ["--help"])
        #expect(r.status == 0)
        for c in ["ask QUESTION", "ingest PATH", "forget PATH", "status", "reload", "stop", "check", "debug toml FILE"] {
            #expect(r.stdout.contains("  " + c), "help lacks \(c)")
        }
        #expect(r.stdout.hasPrefix("nerve: ask questions of your documents through the nerved daemon\n\nUsage: nerve [--socket PATH] [--json] COMMAND [ARGUMENTS]\n"))
        let ask = try Binaries.run("nerve", ["ask", "--help"])
        #expect(ask.status == 0)
        #expect(ask.stdout.hasPrefix("Usage: nerve [--socket PATH] [--json] ask QUESTION\n\nAnswer a question from the indexed documents.\n"))
        let d = try Binaries.run("nerved", ["--help"])
        #expect(d.status == 0 && d.stdout.hasPrefix("Usage: nerved --socket PATH --index DIR"))
    }

    @Test func usageErrorsExitTwo() throws {
        let r = try Binaries.run("nerve", ["akс"])
        #expect(r.status == 2)
        let typo = try Binaries.run("nerve", ["reloda"])
        #expect(typo.status == 2 && typo.stderr.contains("did you mean 'reload'?"))
        #expect(try Binaries.run("nerve", ["ingest"]).stderr.contains("ingest needs PATH"))
        #expect(try Binaries.run("nerve", ["status", "--bogus"]).status == 2)
    }

    @Test func noDaemonIsExitThreeWithAHint() throws {
        let r = try Binaries.run("nerve", ["--socket", "/tmp/nerve-no-daemon-\(Identity.processID).sock", "status"])
        #expect(r.status == 3)
        #expect(r.stderr.contains("nerved is not running at"))
        #expect(r.stderr.contains("nerved --socket"))
    }

    @Test func checkReportsEveryProblemAndExits78() throws {
        let dir = try Paths.temporaryDirectory()
        defer { FileSystem.removeTree(dir) }
        try FileSystem.writeAtomically(dir + "/ingest.toml", try FileSystem.read(Paths.packageRoot + "/pipelines/ingest.toml"))
        try FileSystem.writeAtomically(dir + "/ask.toml", Array("""
        version = 1
        [[stage]]
        id = "q"
        kind = "query"
        [[stage]]
        id = "bm25"
        kind = "search.bm25"
        in = ["q.text"]
        topk = 5
        [[stage]]
        id = "x"
        kind = "answer.extracts"
        in = ["q.text", "bm25.hits"]
        accept = 0.5

        """.utf8))
        let r = try Binaries.run("nerved", ["--check", "--pipelines", dir])
        #expect(r.status == 78)
        #expect(r.stderr.contains(dir + "/ask.toml:9:1: error: unknown parameter 'topk' for kind 'search.bm25'"))
        #expect(r.stderr.contains(dir + "/ask.toml:9:1: note: did you mean 'top_k'?"))
        #expect(r.stderr.contains(dir + "/ask.toml:12:8: error: unknown stage kind 'answer.extracts'"))
        #expect(r.stderr.contains("note: did you mean 'answer.extract'?"))
        let ok = try Binaries.run("nerve", ["check", "--pipelines", Paths.packageRoot + "/pipelines"])
        #expect(ok.status == 0)
        let start = try Binaries.run("nerved", ["--socket", dir + "/s.sock", "--index", dir + "/i", "--pipelines", dir])
        #expect(start.status == 78, "a bad pipeline stops start-up")
    }

    /// Checking needs no index and no daemon, and leaves no trace: run in an empty folder (where
    /// the default pipelines folder does not exist) and with real pipelines, nothing is created.
    @Test func checkInAnEmptyFolderCreatesNothing() throws {
        let dir = try Paths.temporaryDirectory()
        defer { FileSystem.removeTree(dir) }
        let missing = try Binaries.run("nerve", ["check"], in: dir)
        #expect(missing.status == 78)
        #expect(missing.stderr.contains("pipelines/ask.toml"))
        let ok = try Binaries.run("nerve", ["check", "--pipelines", Paths.packageRoot + "/pipelines"], in: dir)
        #expect(ok.status == 0, "\(ok.stderr)")
        let checked = try Binaries.run("nerved", ["--check", "--pipelines", Paths.packageRoot + "/pipelines"], in: dir)
        #expect(checked.status == 0, "\(checked.stderr)")
        let left = try FileSystem.list(dir)
        #expect(left.isEmpty, "check created \(left)")
    }

    @Test func debugTomlPrintsTaggedJSON() throws {
        let dir = try Paths.temporaryDirectory()
        defer { FileSystem.removeTree(dir) }
        try FileSystem.writeAtomically(dir + "/a.toml", Array("a = 1\n[t]\nb = \"x\"\n".utf8))
        let r = try Binaries.run("nerve", ["debug", "toml", dir + "/a.toml"])
        #expect(r.status == 0)
        #expect(try JSON.parse(r.stdout) == JSON.parse(#"{"a":{"type":"integer","value":"1"},"t":{"b":{"type":"string","value":"x"}}}"#))
        try FileSystem.writeAtomically(dir + "/bad.toml", Array("a = \n".utf8))
        let bad = try Binaries.run("nerve", ["debug", "toml", dir + "/bad.toml"])
        #expect(bad.status == 1)
        #expect(bad.stderr.hasPrefix(dir + "/bad.toml:1:"))
    }

    @Test func fullRoundTripThroughTheBinaries() throws {
        let dir = try Paths.temporaryDirectory()
        defer { FileSystem.removeTree(dir) }
        let sock = dir + "/n.sock"
        let daemon = try Binaries.start("nerved", ["--socket", sock, "--index", dir + "/index", "--pipelines", DaemonHarness.copyOfRepositoryPipelines(in: dir),
                                                     "--embedding-model", "none"])
        defer { daemon.terminate() }
        try Binaries.waitFor(socket: sock)
        let ingest = try Binaries.run("nerve", ["--socket", sock, "ingest", Paths.packageRoot + "/corpus"])
        #expect(ingest.status == 0)
        #expect(ingest.stdout.hasPrefix("Ingested "))
        let ask = try Binaries.run("nerve", ["--socket", sock, "--json", "ask", "What", "does", "GitHub", "say", "about", "gifts", "and", "entertainment?"])
        #expect(ask.status == 0)
        let a = try JSON.parse(ask.stdout)
        for key in ["answer", "route", "confidence", "accepted", "generation", "citations", "stages"] {
            #expect(a[key] != nil, "ask --json lacks \(key)")
        }
        #expect(a["citations"]?[0]?["path"]?.stringValue?.hasPrefix(Paths.packageRoot + "/corpus/") == true)
        let stop = try Binaries.run("nerve", ["--socket", sock, "stop"])
        #expect(stop.status == 0)
        #expect(daemon.wait() == 0)
    }

    @Test func workerProcessServesStatusAndStops() throws {
        let dir = try Paths.temporaryDirectory()
        defer { FileSystem.removeTree(dir) }
        let sock = dir + "/w.sock"
        let worker = try Binaries.start("nerved", ["worker", "--socket", sock])
        defer { worker.terminate() }
        try Binaries.waitFor(socket: sock)
        let c = try WireClient(path: sock)
        #expect(try c.call("status")["role"] == "worker")
        _ = try c.call("shutdown")
        c.close()
        #expect(worker.wait() == 0)
        let bad = try Binaries.run("nerved", ["worker"])
        #expect(bad.status == 64 && bad.stderr.contains("--socket PATH is required"))
    }
}
