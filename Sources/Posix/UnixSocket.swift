// Unix-domain stream sockets: listening (with the file mode and group set before anyone can
// connect), accepting, connecting, and reading the peer's credentials.
import Glibc

/// Who is on the other end of a Unix socket, as the kernel reports it (SO_PEERCRED).
public struct PeerCredentials: Sendable, Equatable, CustomStringConvertible {
    public let pid: Int32
    public let uid: UInt32
    public let gid: UInt32

    public init(pid: Int32, uid: UInt32, gid: UInt32) {
        self.pid = pid
        self.uid = uid
        self.gid = gid
    }

    public var description: String { "pid=\(pid) uid=\(uid) gid=\(gid)" }
}

public enum UnixSocket {
    /// sun_path holds this many bytes including the terminating NUL.
    public static let maxPathLength: Int = MemoryLayout.size(ofValue: sockaddr_un().sun_path)

    private static func address(_ path: String) throws -> sockaddr_un {
        let bytes = Array(path.utf8)
        guard bytes.count < maxPathLength else {
            throw PosixError.socketPathTooLong(path: path, length: bytes.count, limit: maxPathLength)
        }
        var addr = sockaddr_un()
        addr.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &addr.sun_path) { raw in
            for (i, b) in bytes.enumerated() { raw[i] = b }
            raw[bytes.count] = 0
        }
        return addr
    }

    /// Binds and listens on `path`. A stale socket file (nobody accepting) is replaced; a live one
    /// is an EADDRINUSE error. The socket gets `mode` (and `group`, if given) before `listen`,
    /// so there is no window in which others could connect.
    /// - Throws: `PosixError.socketPathTooLong` before any syscall; `.syscall` otherwise.
    public static func listen(path: String, mode: UInt32 = 0o600, group: UInt32? = nil,
                              backlog: Int32 = 128) throws -> FileDescriptor {
        var addr = try address(path)
        if FileSystem.exists(path) {
            if (try? connect(path: path)) != nil {
                throw PosixError.syscall(name: "bind", errno: EADDRINUSE, subject: path)
            }
            _ = Glibc.unlink(path)
        }
        let raw = try check("socket") { Glibc.socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0) }
        let fd = FileDescriptor(adopting: raw)
        // umask makes the socket file private from the moment it exists; chmod then sets the
        // exact mode asked for.
        let old = umask(0o177)
        let rc = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.bind(raw, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        let bindErrno = Glibc.errno
        umask(old)
        if rc == -1 { throw PosixError.syscall(name: "bind", errno: bindErrno, subject: path) }
        if let group {
            _ = try check("chown", path) { Glibc.chown(path, UInt32.max, group) }
        }
        _ = try check("chmod", path) { Glibc.chmod(path, mode_t(mode)) }
        _ = try check("listen", path) { Glibc.listen(raw, backlog) }
        return fd
    }

    /// Accepts one connection; the new descriptor is close-on-exec.
    public static func accept(_ listener: FileDescriptor) throws -> FileDescriptor {
        let raw = listener.rawValue
        let c = try check("accept") { Glibc.accept(raw, nil, nil) }
        _ = Glibc.fcntl(c, F_SETFD, FD_CLOEXEC)
        return FileDescriptor(adopting: c)
    }

    /// Connects to the socket at `path`.
    /// - Throws: `.socketPathTooLong`, or `.syscall` (ENOENT: no socket file; ECONNREFUSED: nobody listening).
    public static func connect(path: String) throws -> FileDescriptor {
        var addr = try address(path)
        let raw = try check("socket") { Glibc.socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0) }
        let fd = FileDescriptor(adopting: raw)
        let rc = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(raw, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        if rc == -1 { throw PosixError.syscall(name: "connect", errno: Glibc.errno, subject: path) }
        return fd
    }

    /// The credentials of the peer process. `struct ucred` is not imported into Swift, so the
    /// three 32-bit fields (pid, uid, gid) are read into a tuple of the same layout.
    public static func peerCredentials(_ fd: FileDescriptor) throws -> PeerCredentials {
        var cred: (Int32, UInt32, UInt32) = (0, 0, 0)
        var len = socklen_t(MemoryLayout<(Int32, UInt32, UInt32)>.size)
        let raw = fd.rawValue
        _ = try check("getsockopt(SO_PEERCRED)") { Glibc.getsockopt(raw, SOL_SOCKET, SO_PEERCRED, &cred, &len) }
        return PeerCredentials(pid: cred.0, uid: cred.1, gid: cred.2)
    }

    /// Sets a receive timeout so a blocked read returns EAGAIN after `ms` milliseconds.
    public static func setReceiveTimeout(_ fd: FileDescriptor, ms: Int) {
        var tv = timeval(tv_sec: ms / 1000, tv_usec: (ms % 1000) * 1000)
        _ = Glibc.setsockopt(fd.rawValue, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
    }
}
