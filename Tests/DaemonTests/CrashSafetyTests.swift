// kill -9 of nerved at random moments during an ingest, again and again: after each crash the
// index passes its integrity check (so no half-ingested file is visible), and a final ingest
// resumes without re-reading the files already committed.
import Index
import JSON
import Posix
import Testing
import TestSupport
import Wire

@Suite(.serialized) struct CrashSafetyTests {
    @Test func killNineDuringIngestNeverCorruptsTheIndex() throws {
        let dir = try Paths.temporaryDirectory("nerve-crash")
        defer { FileSystem.removeTree(dir) }
        let docs = dir + "/docs"
        let fileCount = 1500
        for i in 0..<fileCount {
            let folder = docs + "/f\(i % 15)"
            try FileSystem.makeDirectories(folder)
            let body = (0..<(5 + i % 40)).map { "Paragraph \($0) of document \(i) mentions topic \(i % 97) and item \($0 * i)." }
            try FileSystem.writeAtomically(folder + "/doc\(i).md", Array(("# Document \(i)\n\n" + body.joined(separator: "\n\n")).utf8))
        }
        var rng = SeededRandom(seed: 0xC0FFEE)
        let sock = dir + "/n.sock"
        // A private copy: the local model's worker socket and model path resolve inside `dir`.
        let pipelines = try DaemonHarness.copyOfRepositoryPipelines(in: dir)
        let args = ["--socket", sock, "--index", dir + "/index", "--pipelines", pipelines, "--log-level", "error",
                    "--embedding-model", "none"]
        var committedBefore = 0
        for round in 0..<6 {
            let daemon = try Binaries.start("nerved", args)
            try Binaries.waitFor(socket: sock)
            let client = try WireClient(path: sock)
            try client.send(Request(id: .int(1), method: "ingest", params: ["path": .string(docs)]).encoded())
            Threads.sleep(ms: Int.random(in: 30...600, using: &rng))
            daemon.kill()
            client.close()
            let store = try IndexStore(directory: dir + "/index")
            let problems = try store.integrityProblems()
            #expect(problems.isEmpty, "round \(round): \(problems)")
            let status = try store.read { try $0.status() }
            #expect(status.documents >= committedBefore, "round \(round): committed documents went missing")
            committedBefore = status.documents
            try? FileSystem.remove(sock)
        }
        let daemon = try Binaries.start("nerved", args)
        defer { daemon.terminate() }
        try Binaries.waitFor(socket: sock)
        let client = try WireClient(path: sock)
        defer { client.close() }
        let report = try client.call("ingest", ["path": .string(docs)])
        print("crash safety: \(committedBefore) of \(fileCount) files committed across 6 kill -9 rounds; final run read \(report["content_reads"]?.intValue ?? -1)")
        #expect(report["content_reads"]?.intValue == fileCount - committedBefore, "finished files must not be read again")
        #expect(try client.call("status")["documents"]?.intValue == fileCount)
    }
}

extension CrashSafetyTests {
    @Test func killNineWhileAnsweringLosesNothing() throws {
        let dir = try Paths.temporaryDirectory("nerve-crash-ask")
        defer { FileSystem.removeTree(dir) }
        let docs = dir + "/docs"
        try FileSystem.makeDirectories(docs)
        for i in 0..<200 {
            try FileSystem.writeAtomically(docs + "/d\(i).md", Array("# Doc \(i)\n\nItem \(i) is stored in aisle \(i % 17) beside box \(i * 3).".utf8))
        }
        let sock = dir + "/n.sock"
        // A private copy: the local model's worker socket and model path resolve inside `dir`.
        let pipelines = try DaemonHarness.copyOfRepositoryPipelines(in: dir)
        let args = ["--socket", sock, "--index", dir + "/index", "--pipelines", pipelines, "--log-level", "error",
                    "--embedding-model", "none"]
        var d = try Binaries.start("nerved", args)
        try Binaries.waitFor(socket: sock)
        _ = try WireClient(path: sock).call("ingest", ["path": .string(docs)])
        var rng = SeededRandom(seed: 42)
        for _ in 0..<4 {
            // Several askers in flight when the daemon dies.
            for k in 0..<4 {
                try? Threads.spawn(name: "asker") {
                    guard let c = try? WireClient(path: sock) else { return }
                    for q in 0..<1000 { _ = try? c.call("ask", ["question": .string("Where is item \(q * 7 + k)?")]) }
                }
            }
            Threads.sleep(ms: Int.random(in: 50...300, using: &rng))
            d.kill()
            let store = try IndexStore(directory: dir + "/index")
            #expect(try store.integrityProblems().isEmpty)
            #expect(try store.read { try $0.status() }.documents == 200)
            try? FileSystem.remove(sock)
            d = try Binaries.start("nerved", args)
            try Binaries.waitFor(socket: sock)
        }
        let a = try WireClient(path: sock).call("ask", ["question": "Where is item 5 stored?"])
        #expect(a["answer"]?.stringValue?.contains("aisle 5") == true)
        d.terminate()
    }
}

