// A read-only memory map of a whole file, unmapped in deinit. Used for model weights and vector
// files so that start-up does not read them and pages are shared between processes.
import Glibc

public final class MappedFile: @unchecked Sendable {
    public let path: String
    public let count: Int
    /// The mapped bytes; valid for the lifetime of this object.
    public let bytes: UnsafeRawBufferPointer

    /// - Throws: `PosixError.syscall` from open, fstat or mmap.
    public init(path: String) throws {
        self.path = path
        let raw = try check("open", path) { Glibc.open(path, O_RDONLY | O_CLOEXEC) }
        defer { Glibc.close(raw) }
        var s = stat()
        _ = try check("fstat", path) { Glibc.fstat(raw, &s) }
        count = Int(s.st_size)
        if count == 0 {
            bytes = UnsafeRawBufferPointer(start: nil, count: 0)
            return
        }
        let p = Glibc.mmap(nil, count, PROT_READ, MAP_PRIVATE, raw, 0)
        if p == MAP_FAILED || p == nil {
            throw PosixError.syscall(name: "mmap", errno: Glibc.errno, subject: path)
        }
        bytes = UnsafeRawBufferPointer(start: p, count: count)
    }

    /// Hints the kernel that the whole map will be needed soon (weights read every token).
    public func adviseWillNeed() {
        if let base = bytes.baseAddress { _ = madvise(UnsafeMutableRawPointer(mutating: base), count, MADV_WILLNEED) }
    }

    deinit {
        if let base = bytes.baseAddress { munmap(UnsafeMutableRawPointer(mutating: base), count) }
    }
}
