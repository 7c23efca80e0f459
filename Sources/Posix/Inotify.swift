// inotify: watches on folders, events read in batches. The kernel's event queue can overflow;
// callers must treat `overflow` as "something changed somewhere" and rescan.
import Glibc

public struct InotifyEvent: Sendable, Equatable {
    public let watch: Int32
    public let mask: UInt32
    public let cookie: UInt32
    /// The entry's name inside the watched folder ("" for events on the folder itself).
    public let name: String

    public var isDirectory: Bool { mask & UInt32(IN_ISDIR) != 0 }
    public var isOverflow: Bool { mask & UInt32(IN_Q_OVERFLOW) != 0 }
    /// The watched folder itself went away or moved (its watch is now dead).
    public var isSelfGone: Bool { mask & (UInt32(IN_DELETE_SELF) | UInt32(IN_MOVE_SELF) | UInt32(IN_IGNORED)) != 0 }
    public var isCreateOrMoveIn: Bool { mask & (UInt32(IN_CREATE) | UInt32(IN_MOVED_TO)) != 0 }
}

public final class Inotify: @unchecked Sendable {
    private let fd: FileDescriptor

    /// Events that mean a file's contents, existence, name or permissions may have changed.
    public static let changeMask: UInt32 = UInt32(IN_CLOSE_WRITE) | UInt32(IN_CREATE) | UInt32(IN_DELETE) | UInt32(IN_MOVED_FROM)
        | UInt32(IN_MOVED_TO) | UInt32(IN_DELETE_SELF) | UInt32(IN_MOVE_SELF) | UInt32(IN_ATTRIB) | UInt32(IN_MODIFY)
        | UInt32(IN_ONLYDIR) | UInt32(IN_DONT_FOLLOW) | UInt32(IN_EXCL_UNLINK)

    /// - Throws: `PosixError.syscall` (EMFILE when the per-user instance limit is reached).
    public init() throws {
        let raw = try check("inotify_init1") { inotify_init1(Int32(IN_CLOEXEC)) }
        fd = FileDescriptor(adopting: raw)
    }

    /// Watches a folder; returns the watch descriptor.
    /// - Throws: `PosixError.syscall` (ENOSPC when max_user_watches is exhausted).
    public func add(folder path: String, mask: UInt32 = Inotify.changeMask) throws -> Int32 {
        let raw = fd.rawValue
        return try check("inotify_add_watch", path) { inotify_add_watch(raw, path, mask) }
    }

    public func remove(_ watch: Int32) {
        _ = inotify_rm_watch(fd.rawValue, watch)
    }

    /// Waits up to `timeoutMs` for events and returns those available (empty on timeout).
    public func read(timeoutMs: Int32) throws -> [InotifyEvent] {
        guard try fd.waitReadable(timeoutMs: timeoutMs) else { return [] }
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        let n = try buffer.withUnsafeMutableBytes { try fd.read(into: $0) }
        var events: [InotifyEvent] = []
        var off = 0
        let header = MemoryLayout<inotify_event>.size
        buffer.withUnsafeBytes { b in
            while off + header <= n {
                let wd = b.loadUnaligned(fromByteOffset: off, as: Int32.self)
                let mask = b.loadUnaligned(fromByteOffset: off + 4, as: UInt32.self)
                let cookie = b.loadUnaligned(fromByteOffset: off + 8, as: UInt32.self)
                let len = Int(b.loadUnaligned(fromByteOffset: off + 12, as: UInt32.self))
                guard off + header + len <= n else { break }
                let nameBytes = b[(off + header)..<(off + header + len)].prefix { $0 != 0 }
                events.append(InotifyEvent(watch: wd, mask: mask, cookie: cookie, name: String(decoding: nameBytes, as: UTF8.self)))
                off += header + len
            }
        }
        return events
    }

    public func close() { fd.close() }
}
