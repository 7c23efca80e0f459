// Unbuffered writes to standard output and standard error, safe to call from any thread: log lines
// from concurrent connections never interleave inside a line.
import Glibc

public enum Console {
    private static let lock = PthreadMutex()

    /// Writes `text` to standard error in one write(2).
    public static func error(_ text: String) {
        write(2, text)
    }

    /// Writes `text` to standard output in one write(2).
    public static func output(_ text: String) {
        write(1, text)
    }

    private static func write(_ fd: Int32, _ text: String) {
        var bytes = Array(text.utf8)
        lock.withLock {
            bytes.withUnsafeMutableBytes { b in
                var off = 0
                while off < b.count {
                    let n = Glibc.write(fd, b.baseAddress! + off, b.count - off)
                    if n <= 0 { if Glibc.errno == EINTR { continue }; return }
                    off += n
                }
            }
        }
    }
}
