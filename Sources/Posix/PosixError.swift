// The one error type of the Posix module: a failed system call with its errno and the path or
// object it concerned, plus the few checks we make before calling the kernel.
import Glibc

public enum PosixError: Error, CustomStringConvertible, Equatable, Sendable {
    /// A system call failed; `errno` is the raw value, `subject` the path or object it was about.
    case syscall(name: String, errno: Int32, subject: String?)
    /// A Unix socket path does not fit in `sockaddr_un.sun_path`.
    case socketPathTooLong(path: String, length: Int, limit: Int)
    /// Another process holds the lock file.
    case locked(path: String, holder: String?)
    /// A group name that `getgrnam` does not know.
    case unknownGroup(name: String)
    /// The peer closed the connection in the middle of a read or write.
    case connectionClosed
    /// A line longer than the reader's limit; the reader has skipped past it.
    case lineTooLong(limit: Int)

    public var description: String {
        switch self {
        case let .syscall(name, code, subject):
            let what = subject.map { " \($0)" } ?? ""
            return "\(name)\(what): \(Errno.describe(code))"
        case let .socketPathTooLong(path, length, limit):
            return "unix socket path too long (\(length) bytes, must be under \(limit)): \(path)"
        case let .locked(path, holder):
            let who = holder.map { " by \($0)" } ?? ""
            return "\(path) is locked\(who): another nerved is using this index"
        case let .unknownGroup(name):
            return "unknown group '\(name)'"
        case .connectionClosed:
            return "connection closed by peer"
        case let .lineTooLong(limit):
            return "line longer than \(limit) bytes"
        }
    }

    /// The errno of a failed system call, or nil for the other cases.
    public var errno: Int32? {
        if case let .syscall(_, code, _) = self { return code }
        return nil
    }
}

/// Names and texts for errno values, so callers never touch Glibc themselves.
public enum Errno {
    public static let ENOENT = Glibc.ENOENT
    public static let EACCES = Glibc.EACCES
    public static let EPERM = Glibc.EPERM
    public static let EEXIST = Glibc.EEXIST
    public static let ENOTDIR = Glibc.ENOTDIR
    public static let EISDIR = Glibc.EISDIR
    public static let ELOOP = Glibc.ELOOP
    public static let ENOSPC = Glibc.ENOSPC
    public static let EFBIG = Glibc.EFBIG
    public static let ECONNREFUSED = Glibc.ECONNREFUSED
    public static let EAGAIN = Glibc.EAGAIN
    public static let EINTR = Glibc.EINTR

    /// The C library's text for `code` followed by its symbolic value, e.g. "No such file or directory (errno 2)".
    public static func describe(_ code: Int32) -> String {
        let text = strerror(code).map { String(cString: $0) } ?? "unknown error"
        return "\(text) (errno \(code))"
    }
}

/// Runs `body` until it does not fail with EINTR; a -1 result becomes a typed error.
@inline(__always)
func check<T: BinaryInteger>(_ name: String, _ subject: String? = nil, _ body: () -> T) throws -> T {
    while true {
        let r = body()
        if r != -1 { return r }
        let code = Glibc.errno
        if code == EINTR { continue }
        throw PosixError.syscall(name: name, errno: code, subject: subject)
    }
}
