// Large private memory not backed by a file (weights repacked at load), and a way to give back
// the pages of a file mapping a process no longer reads, so repacked models do not count twice
// in resident memory.
import Glibc

/// `count` zeroed bytes from an anonymous private mapping, unmapped in deinit. Transparent huge
/// pages are requested (`madvise(MADV_HUGEPAGE)`): far fewer page faults while filling it and
/// fewer TLB misses while streaming it; where the kernel declines, it is ordinary memory.
public final class AnonymousMemory: @unchecked Sendable {
    public let count: Int
    /// The first byte, 2 MiB aligned.
    public let pointer: UnsafeMutableRawPointer
    private let mapping: UnsafeMutableRawPointer
    private let mappedCount: Int

    /// - Throws: `PosixError.syscall` from mmap (e.g. ENOMEM).
    public init(count: Int) throws {
        self.count = max(count, 1)
        // Over-allocate by 2 MiB and align the start so that huge pages can back it.
        let huge = 2 << 20
        mappedCount = self.count + huge
        let raw = Glibc.mmap(nil, mappedCount, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)
        guard let raw, raw != MAP_FAILED else {
            throw PosixError.syscall(name: "mmap", errno: Glibc.errno, subject: "\(count) anonymous bytes")
        }
        mapping = raw
        let skip = Int((UInt(huge) - UInt(bitPattern: raw) % UInt(huge)) % UInt(huge))
        pointer = raw + skip
        _ = madvise(pointer, self.count, MADV_HUGEPAGE)
    }

    deinit { munmap(mapping, mappedCount) }
}

/// Drops the whole pages inside `[start, start + count)` of a read-only file mapping from this
/// process (`madvise(MADV_DONTNEED)`): they stop counting as resident, and a later read maps them
/// again from the page cache or the file. Partial pages at either end are kept.
public func releaseMappedPages(_ start: UnsafeRawPointer, count: Int) {
    let page = UInt(sysconf(Int32(_SC_PAGESIZE)))
    let lo = (UInt(bitPattern: start) + page - 1) & ~(page - 1)
    let hi = (UInt(bitPattern: start) + UInt(count)) & ~(page - 1)
    if hi <= lo { return }
    if let p = UnsafeMutableRawPointer(bitPattern: lo) { _ = madvise(p, Int(hi - lo), MADV_DONTNEED) }
}
