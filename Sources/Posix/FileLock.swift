// An exclusive advisory lock on a file (flock), held for the life of the object; the kernel drops
// it when the process dies, so a crash never leaves a stale lock behind.
import Glibc

public final class FileLock: @unchecked Sendable {
    public let path: String
    private let fd: FileDescriptor

    /// Takes the lock without waiting. The holder's pid is written into the file for the message
    /// a second process gets.
    /// - Throws: `PosixError.locked` when another process holds it; `.syscall` for open errors.
    public init(path: String) throws {
        self.path = path
        let raw = try check("open", path) { Glibc.open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644) }
        fd = FileDescriptor(adopting: raw)
        if flock(raw, LOCK_EX | LOCK_NB) == -1 {
            let code = Glibc.errno
            if code == EWOULDBLOCK {
                let holder = (try? fd.readAll(limit: 64)).map { String(decoding: $0, as: UTF8.self) }
                    .flatMap { $0.isEmpty ? nil : "pid " + $0.trimmingSpaces() }
                throw PosixError.locked(path: path, holder: holder)
            }
            throw PosixError.syscall(name: "flock", errno: code, subject: path)
        }
        _ = Glibc.ftruncate(raw, 0)
        try? fd.writeAll(Array("\(getpid())\n".utf8))
    }

    deinit { fd.close() }
}

extension String {
    func trimmingSpaces() -> String {
        var s = Substring(self)
        while let c = s.first, c == " " || c == "\n" || c == "\t" || c == "\r" { s.removeFirst() }
        while let c = s.last, c == " " || c == "\n" || c == "\t" || c == "\r" { s.removeLast() }
        return String(s)
    }
}
