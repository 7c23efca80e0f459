// The syscall wrappers: Unix sockets with modes and peer credentials, line framing with limits,
// the index lock, atomic writes.
import Posix
import Testing
import TestSupport

@Suite struct PosixTests {
    @Test func socketIsCreatedWithTheRequestedModeAndReportsThePeer() throws {
        let dir = try Paths.temporaryDirectory()
        defer { FileSystem.removeTree(dir) }
        let path = dir + "/s.sock"
        let listener = try UnixSocket.listen(path: path, mode: 0o600)
        #expect(try FileSystem.status(path, followSymlinks: false).mode == 0o600)
        let client = try UnixSocket.connect(path: path)
        let server = try UnixSocket.accept(listener)
        let peer = try UnixSocket.peerCredentials(server)
        #expect(peer.uid == Identity.userID)
        #expect(peer.pid == Identity.processID)
        try client.writeAll(Array("hello\n".utf8))
        let reader = LineReader(server, limit: 100)
        #expect(try reader.next() == .line(Array("hello".utf8)))
        client.close()
        #expect(try reader.next() == .end)
    }

    @Test func tooLongSocketPathIsRefusedBeforeAnySyscall() {
        let path = "/tmp/" + String(repeating: "x", count: 200)
        #expect(throws: PosixError.socketPathTooLong(path: path, length: path.utf8.count, limit: UnixSocket.maxPathLength)) {
            try UnixSocket.listen(path: path)
        }
    }

    @Test func connectingToNothingIsATypedError() {
        do {
            _ = try UnixSocket.connect(path: "/tmp/nerve-no-such-socket-\(Identity.processID)")
            Issue.record("connected")
        } catch let e as PosixError {
            #expect(e.errno == Errno.ENOENT)
        } catch { Issue.record("\(error)") }
    }

    @Test func lineReaderSkipsAnOverlongLineAndGoesOn() throws {
        let dir = try Paths.temporaryDirectory()
        defer { FileSystem.removeTree(dir) }
        let path = dir + "/lines"
        let long = String(repeating: "a", count: 5000)
        try FileSystem.writeAtomically(path, Array("short\n\(long)\nafter\nlast".utf8))
        let fd = try FileSystem.open(path)
        let r = LineReader(fd, limit: 100, chunkSize: 64)
        #expect(try r.next() == .line(Array("short".utf8)))
        #expect(try r.next() == .tooLong(limit: 100))
        #expect(try r.next() == .line(Array("after".utf8)))
        #expect(try r.next() == .line(Array("last".utf8)))
        #expect(try r.next() == .end)
    }

    @Test func secondLockOnTheSameFileIsRefused() throws {
        let dir = try Paths.temporaryDirectory()
        defer { FileSystem.removeTree(dir) }
        let first = try FileLock(path: dir + "/lock")
        #expect(throws: PosixError.self) { try FileLock(path: dir + "/lock") }
        do { _ = try FileLock(path: dir + "/lock") } catch let e as PosixError {
            guard case let .locked(_, holder) = e else { Issue.record("\(e)"); return }
            #expect(holder == "pid \(Identity.processID)")
        }
        _ = first
    }

    @Test func atomicWriteReplacesWholeFiles() throws {
        let dir = try Paths.temporaryDirectory()
        defer { FileSystem.removeTree(dir) }
        try FileSystem.writeAtomically(dir + "/f", Array("one".utf8))
        try FileSystem.writeAtomically(dir + "/f", Array("two".utf8))
        #expect(try FileSystem.read(dir + "/f") == Array("two".utf8))
        #expect(try FileSystem.list(dir) == ["f"])
        #expect(throws: PosixError.self) { try FileSystem.read(dir + "/f", limit: 2) }
    }

    @Test func mappedFileSeesTheBytes() throws {
        let dir = try Paths.temporaryDirectory()
        defer { FileSystem.removeTree(dir) }
        try FileSystem.writeAtomically(dir + "/m", [1, 2, 3, 4])
        let m = try MappedFile(path: dir + "/m")
        #expect(Array(m.bytes) == [1, 2, 3, 4])
    }
}

/// Helper threads take a job only when one is idle: a job is never queued behind a busy one.
@Suite struct HelperThreadsTests {
    final class Gate: @unchecked Sendable {
        let c = Condition()
        var open = false, ran = 0
    }

    @Test func aBusyHelperRefusesAndAnIdleOneTakesTheJob() throws {
        let helpers = HelperThreads(limit: 1), gate = Gate()
        #expect(helpers.offer { gate.c.locked { while !gate.open { gate.c.wait() }; gate.ran += 1; gate.c.broadcast() } })
        #expect(!helpers.offer { gate.c.locked { gate.ran += 100 } }, "the only helper is busy")
        gate.c.locked { gate.open = true; gate.c.broadcast() }
        gate.c.locked { while gate.ran == 0 { _ = gate.c.wait(ms: 100) } }
        // The helper goes idle just after its job; offers are refused until it has.
        var taken = false
        for _ in 0..<1000 where !taken {
            taken = helpers.offer { gate.c.locked { gate.ran += 10; gate.c.broadcast() } }
            if !taken { Threads.sleep(ms: 1) }
        }
        #expect(taken)
        let ran = gate.c.locked { () -> Int in
            for _ in 0..<100 where gate.ran < 11 { _ = gate.c.wait(ms: 100) }
            return gate.ran
        }
        #expect(ran == 11, "the first and the third job ran, the refused one never did")
    }
}
