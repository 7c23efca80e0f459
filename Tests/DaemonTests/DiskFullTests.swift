// Disk full during ingest, made real with RLIMIT_FSIZE: nerved reports a clear error and keeps
// serving, the index stays consistent, and once space is back the ingest completes.
import Index
import JSON
import Posix
import Testing
import TestSupport
import Wire

@Suite(.serialized) struct DiskFullTests {
    /// Under ThreadSanitizer (scripts/test's second pass) a file-size limit of 600 KB stops the
    /// instrumented nerved before it listens, so the test runs in the plain pass only.
    static let plain = Identity.environment("NERVE_TSAN") == nil

    @Test(.enabled(if: plain, "skipped under ThreadSanitizer: its runtime cannot start within a 600 KB file-size limit"))
    func fileSizeLimitDuringIngestIsAClearErrorAndLosesNothing() throws {
        let dir = try Paths.temporaryDirectory("nerve-full")
        defer { FileSystem.removeTree(dir) }
        let docs = dir + "/docs"
        try FileSystem.makeDirectories(docs)
        for i in 0..<400 {
            let body = (0..<20).map { "Sentence \($0) of file \(i) about \(["otters", "kelp", "tides", "harbours"][$0 % 4]) number \($0 * i)." }
            try FileSystem.writeAtomically(docs + "/f\(i).md", Array(("# File \(i)\n\n" + body.joined(separator: " ")).utf8))
        }
        let sock = dir + "/n.sock"
        let nerved = Binaries.folder + "/nerved"
        let args = "--socket \(sock) --index \(dir)/index --pipelines \(Paths.packageRoot)/pipelines --log-level error --embedding-model none"
        // ulimit -f counts 1024-byte blocks in dash/bash: about 600 KB of index is allowed.
        let limited = try Binaries.start("/bin/sh", ["-c", "ulimit -f 600; exec \(nerved) \(args)"])
        try Binaries.waitFor(socket: sock)
        let c = try WireClient(path: sock)
        do {
            _ = try c.call("ingest", ["path": .string(docs)])
            Issue.record("the ingest fit in 600 KB; raise the file count")
        } catch let e as WireError {
            #expect(e.code == .EIO)
            #expect(e.description.contains("disk is full or a file size limit was reached"), "\(e)")
        }
        #expect(try c.call("status")["documents"] != nil, "still serving after the failure")
        c.close()
        limited.terminate()
        _ = limited.wait()

        let store = try IndexStore(directory: dir + "/index")
        #expect(try store.integrityProblems().isEmpty)
        let before = try store.read { try $0.status() }.documents

        let free = try Binaries.start(nerved, args.split(separator: " ").map(String.init))
        defer { free.terminate() }
        try Binaries.waitFor(socket: sock)
        let c2 = try WireClient(path: sock)
        defer { c2.close() }
        let r = try c2.call("ingest", ["path": .string(docs)])
        #expect(r["content_reads"]?.intValue == 400 - before)
        #expect(try c2.call("status")["documents"] == 400)
        print("disk full: \(before) of 400 files committed before the limit; the rest after")
    }
}
