// Who we are and who others are: uids, gids, group and user names, and the process itself.
import Glibc

public enum Identity {
    public static var processID: Int32 { getpid() }
    public static var userID: UInt32 { getuid() }
    public static var groupID: UInt32 { getgid() }

    /// The gid for a group name.
    /// - Throws: `PosixError.unknownGroup`.
    public static func groupID(named name: String) throws -> UInt32 {
        if let n = UInt32(name) { return n }
        guard let g = getgrnam(name) else { throw PosixError.unknownGroup(name: name) }
        return g.pointee.gr_gid
    }

    /// All group ids of a user: the primary gid plus supplementary groups (getgrouplist).
    public static func groups(ofUser uid: UInt32, primary gid: UInt32) -> [UInt32] {
        guard let pw = getpwuid(uid) else { return [gid] }
        var count: Int32 = 64
        var list = [gid_t](repeating: 0, count: Int(count))
        if getgrouplist(pw.pointee.pw_name, gid, &list, &count) == -1 {
            list = [gid_t](repeating: 0, count: Int(count))
            _ = getgrouplist(pw.pointee.pw_name, gid, &list, &count)
        }
        return Array(list.prefix(Int(max(count, 0))))
    }

    /// The login name for a uid, or the number when it has none.
    public static func userName(_ uid: UInt32) -> String {
        guard let pw = getpwuid(uid) else { return String(uid) }
        return String(cString: pw.pointee.pw_name)
    }

    /// Resident set size of this process in bytes (from /proc/self/statm).
    public static func residentBytes() -> Int {
        guard let bytes = try? FileSystem.read("/proc/self/statm", limit: 4096) else { return 0 }
        let fields = String(decoding: bytes, as: UTF8.self).split(separator: " ")
        guard fields.count > 1, let pages = Int(fields[1]) else { return 0 }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }

    /// Peak resident set size in bytes (VmHWM).
    public static func peakResidentBytes() -> Int {
        guard let bytes = try? FileSystem.read("/proc/self/status", limit: 1 << 16) else { return 0 }
        for line in String(decoding: bytes, as: UTF8.self).split(separator: "\n") where line.hasPrefix("VmHWM:") {
            let digits = line.filter { $0.isNumber }
            return (Int(digits) ?? 0) * 1024
        }
        return 0
    }

    /// Environment variable lookup (kept here so no other module calls getenv).
    public static func environment(_ name: String) -> String? {
        guard let v = getenv(name) else { return nil }
        return String(cString: v)
    }

    public static var isStandardOutputTerminal: Bool { isatty(1) == 1 }
    public static var isStandardErrorTerminal: Bool { isatty(2) == 1 }
}

public enum ProcessControl {
    /// Ends the process with `code` (only `main` decides to exit).
    public static func exit(_ code: Int32) -> Never { Glibc.exit(code) }

    /// The parent process's id (1, or a subreaper's, once the parent has died).
    public static var parentID: Int32 { getppid() }
}

extension Identity {
    /// Sets an environment variable for this process (and children started afterwards).
    public static func setEnvironment(_ name: String, _ value: String) {
        setenv(name, value, 1)
    }
}

extension Identity {
    /// The uid of a user name, or nil when there is no such user.
    public static func userID(named name: String) -> UInt32? {
        getpwnam(name).map { $0.pointee.pw_uid }
    }
}
