// Splits a byte stream into newline-terminated lines with a hard length limit, so one huge or
// endless line cannot grow memory: it is reported once and skipped up to its newline.
import Glibc

public final class LineReader {
    public enum Line: Equatable {
        case line([UInt8])
        /// A line longer than the limit was dropped; reading can go on with the next line.
        case tooLong(limit: Int)
        case end
    }

    private let fd: FileDescriptor
    private let limit: Int
    private var buffer: [UInt8] = []
    private var start = 0
    private var discarding = false
    private var chunk: [UInt8]

    public init(_ fd: FileDescriptor, limit: Int, chunkSize: Int = 65536) {
        self.fd = fd
        self.limit = limit
        self.chunk = [UInt8](repeating: 0, count: chunkSize)
    }

    /// The next complete line without its newline (a trailing CR is kept; JSON ignores it).
    /// At end of stream an unterminated final line is still returned.
    /// - Throws: `PosixError` for read errors.
    public func next() throws -> Line {
        while true {
            if let nl = buffer[start...].firstIndex(of: 10) {
                let line = Array(buffer[start..<nl])
                start = nl + 1
                compact()
                if discarding {
                    discarding = false
                    continue
                }
                if line.count > limit { return .tooLong(limit: limit) }
                return .line(line)
            }
            if !discarding && buffer.count - start > limit {
                // Report now, then drop bytes until the newline arrives.
                discarding = true
                buffer.removeAll(keepingCapacity: true)
                start = 0
                return .tooLong(limit: limit)
            }
            if discarding {
                buffer.removeAll(keepingCapacity: true)
                start = 0
            }
            let n = try chunk.withUnsafeMutableBytes { (b) in try fd.read(into: b) }
            if n == 0 {
                if discarding || start >= buffer.count { return .end }
                let line = Array(buffer[start...])
                buffer.removeAll()
                start = 0
                return .line(line)
            }
            buffer.append(contentsOf: chunk[0..<n])
        }
    }

    private func compact() {
        if start > 65536 || start == buffer.count {
            buffer.removeFirst(start)
            start = 0
        }
    }
}
