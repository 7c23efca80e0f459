// An owned file descriptor: reads, writes and closing, with EINTR retried and SIGPIPE avoided.
import Glibc

/// A file descriptor owned by this object; it is closed exactly once, in `close()` or `deinit`.
public final class FileDescriptor: @unchecked Sendable {
    // The lock guards only `fd` against a close racing with another thread's use.
    private var fd: Int32
    private let lock = PthreadMutex()

    public init(adopting fd: Int32) { self.fd = fd }

    deinit { if fd >= 0 { Glibc.close(fd) } }

    /// The raw descriptor, or -1 after `close()`.
    public var rawValue: Int32 { lock.withLock { fd } }

    /// Closes the descriptor; later calls do nothing.
    public func close() {
        lock.withLock {
            if fd >= 0 { Glibc.close(fd); fd = -1 }
        }
    }

    /// Shuts down both directions of a socket so a thread blocked in `read` returns.
    public func shutdownSocket() {
        let raw = rawValue
        if raw >= 0 { _ = Glibc.shutdown(raw, Int32(SHUT_RDWR)) }
    }

    /// Reads up to `count` bytes; returns 0 at end of file.
    /// - Throws: `PosixError.syscall` for read errors.
    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        let raw = rawValue
        return try check("read") { Glibc.read(raw, buffer.baseAddress, buffer.count) }
    }

    /// Writes all of `bytes`; on sockets MSG_NOSIGNAL keeps a closed peer from raising SIGPIPE.
    /// - Throws: `PosixError.syscall` (EPIPE when the peer has gone).
    public func writeAll(_ bytes: UnsafeRawBufferPointer) throws {
        let raw = rawValue
        var offset = 0
        while offset < bytes.count {
            let base = bytes.baseAddress! + offset
            let remaining = bytes.count - offset
            var n = Glibc.send(raw, base, remaining, Int32(MSG_NOSIGNAL))
            if n == -1 && Glibc.errno == ENOTSOCK {
                n = Glibc.write(raw, base, remaining)
            }
            if n == -1 {
                if Glibc.errno == EINTR { continue }
                throw PosixError.syscall(name: "write", errno: Glibc.errno, subject: nil)
            }
            offset += n
        }
    }

    /// Writes all of `bytes`.
    public func writeAll(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { (b) in try writeAll(b) }
    }

    /// Reads the whole remaining content (for small files and pipes).
    public func readAll(limit: Int = Int.max) throws -> [UInt8] {
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while out.count < limit {
            let n = try chunk.withUnsafeMutableBytes { (b) in try read(into: b) }
            if n == 0 { break }
            out.append(contentsOf: chunk[0..<n])
        }
        return out
    }

    /// Waits until the descriptor is readable or `timeoutMs` passes; returns false on timeout.
    public func waitReadable(timeoutMs: Int32) throws -> Bool {
        var p = pollfd(fd: rawValue, events: Int16(POLLIN), revents: 0)
        let n = try check("poll") { Glibc.poll(&p, 1, timeoutMs) }
        return n > 0
    }
}

/// A plain pthread mutex; Synchronization.Mutex is non-copyable and awkward to store in classes
/// shared across modules, and this one is all we need for short critical sections.
public final class PthreadMutex: @unchecked Sendable {
    private let m: UnsafeMutablePointer<pthread_mutex_t>

    public init() {
        m = .allocate(capacity: 1)
        m.initialize(to: pthread_mutex_t())
        pthread_mutex_init(m, nil)
    }

    deinit {
        pthread_mutex_destroy(m)
        m.deallocate()
    }

    @inline(__always)
    public func withLock<T>(_ body: () throws -> T) rethrows -> T {
        pthread_mutex_lock(m)
        defer { pthread_mutex_unlock(m) }
        return try body()
    }
}
