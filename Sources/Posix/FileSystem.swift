// Files and directories through the kernel: stat without reading contents, directory listing,
// whole-file reads with a size limit, and atomic replacement by rename.
import Glibc

/// What `stat` says about a file; enough to decide whether its contents could have changed.
public struct FileStatus: Sendable, Equatable {
    public enum Kind: Sendable, Equatable { case regular, directory, symlink, other }
    public let kind: Kind
    public let size: Int64
    /// Modification time in nanoseconds since the epoch.
    public let mtimeNs: Int64
    public let uid: UInt32
    public let gid: UInt32
    /// Permission bits (the low 12 bits of st_mode).
    public let mode: UInt32
    public let device: UInt64
    public let inode: UInt64

    init(_ s: stat) {
        switch s.st_mode & S_IFMT {
        case S_IFREG: kind = .regular
        case S_IFDIR: kind = .directory
        case S_IFLNK: kind = .symlink
        default: kind = .other
        }
        size = Int64(s.st_size)
        mtimeNs = Int64(s.st_mtim.tv_sec) * 1_000_000_000 + Int64(s.st_mtim.tv_nsec)
        uid = s.st_uid
        gid = s.st_gid
        mode = UInt32(s.st_mode & 0o7777)
        device = UInt64(s.st_dev)
        inode = UInt64(s.st_ino)
    }
}

public enum FileSystem {
    /// `stat` (following symlinks) or `lstat`.
    /// - Throws: `PosixError.syscall` (ENOENT, EACCES, ELOOP...).
    public static func status(_ path: String, followSymlinks: Bool = true) throws -> FileStatus {
        var s = stat()
        if followSymlinks {
            _ = try check("stat", path) { stat(path, &s) }
        } else {
            _ = try check("lstat", path) { lstat(path, &s) }
        }
        return FileStatus(s)
    }

    public static func exists(_ path: String) -> Bool {
        var s = stat()
        return Glibc.lstat(path, &s) == 0
    }

    public static func isDirectory(_ path: String) -> Bool {
        (try? status(path))?.kind == .directory
    }

    /// The names in a directory (without "." and ".."), in no particular order.
    /// - Throws: `PosixError.syscall` from opendir.
    public static func list(_ path: String) throws -> [String] {
        guard let dir = opendir(path) else {
            throw PosixError.syscall(name: "opendir", errno: Glibc.errno, subject: path)
        }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafePointer(to: &entry.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
            }
            if name == "." || name == ".." { continue }
            names.append(name)
        }
        return names
    }

    /// The canonical absolute path (symlinks resolved).
    public static func realPath(_ path: String) throws -> String {
        guard let p = realpath(path, nil) else {
            throw PosixError.syscall(name: "realpath", errno: Glibc.errno, subject: path)
        }
        defer { free(p) }
        return String(cString: p)
    }

    public static func currentDirectory() -> String {
        guard let p = getcwd(nil, 0) else { return "." }
        defer { free(p) }
        return String(cString: p)
    }

    /// Makes `path` absolute against the current directory, without touching the file system.
    public static func absolute(_ path: String) -> String {
        path.hasPrefix("/") ? path : currentDirectory() + "/" + path
    }

    /// Creates `path` and its missing parents.
    public static func makeDirectories(_ path: String, mode: UInt32 = 0o755) throws {
        if isDirectory(path) { return }
        var prefix = path.hasPrefix("/") ? "/" : ""
        for part in path.split(separator: "/") {
            prefix += part
            if !isDirectory(prefix) {
                if Glibc.mkdir(prefix, mode_t(mode)) == -1 && Glibc.errno != EEXIST {
                    throw PosixError.syscall(name: "mkdir", errno: Glibc.errno, subject: prefix)
                }
            }
            prefix += "/"
        }
    }

    /// Reads a whole file; files over `limit` bytes are an EFBIG error before anything is read.
    public static func read(_ path: String, limit: Int = Int.max) throws -> [UInt8] {
        let raw = try check("open", path) { Glibc.open(path, O_RDONLY | O_CLOEXEC) }
        let fd = FileDescriptor(adopting: raw)
        var s = stat()
        _ = try check("fstat", path) { Glibc.fstat(raw, &s) }
        if Int(s.st_size) > limit { throw PosixError.syscall(name: "read", errno: EFBIG, subject: path) }
        return try fd.readAll(limit: limit)
    }

    /// Writes `bytes` to a temporary file beside `path`, fsyncs it and renames it over `path`,
    /// so readers see the old or the new file, never half of one.
    public static func writeAtomically(_ path: String, _ bytes: [UInt8], mode: UInt32 = 0o644) throws {
        let tmp = path + ".tmp.\(getpid())"
        let raw = try check("open", tmp) { Glibc.open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode_t(mode)) }
        let fd = FileDescriptor(adopting: raw)
        do {
            // The process umask is shared by every thread (a socket bind narrows it for a
            // moment), so the mode asked for is set explicitly rather than left to open(2).
            _ = try check("fchmod", tmp) { Glibc.fchmod(raw, mode_t(mode)) }
            try fd.writeAll(bytes)
            _ = try check("fsync", tmp) { Glibc.fsync(raw) }
            fd.close()
            _ = try check("rename", path) { Glibc.rename(tmp, path) }
        } catch {
            _ = Glibc.unlink(tmp)
            throw error
        }
    }

    public static func remove(_ path: String) throws {
        _ = try check("unlink", path) { Glibc.unlink(path) }
    }

    /// Removes a file or a whole tree; missing paths are fine.
    public static func removeTree(_ path: String) {
        guard let st = try? status(path, followSymlinks: false) else { return }
        if st.kind == .directory {
            for name in (try? list(path)) ?? [] { removeTree(path + "/" + name) }
            _ = Glibc.rmdir(path)
        } else {
            _ = Glibc.unlink(path)
        }
    }

    /// Makes a fresh private directory under `base` (mkdtemp).
    public static func makeTemporaryDirectory(base: String = "/tmp", prefix: String = "nerve") throws -> String {
        var template = Array((base + "/" + prefix + ".XXXXXX").utf8CString)
        let ok = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) != nil }
        if !ok { throw PosixError.syscall(name: "mkdtemp", errno: Glibc.errno, subject: base) }
        return String(cString: template)
    }

    /// Whether the current process may read `path` (access(2), real ids).
    public static func isReadable(_ path: String) -> Bool {
        Glibc.access(path, R_OK) == 0
    }

    public static func symlink(target: String, at path: String) throws {
        _ = try check("symlink", path) { Glibc.symlink(target, path) }
    }

    public static func rename(_ from: String, to: String) throws {
        _ = try check("rename", from) { Glibc.rename(from, to) }
    }

    public static func chmod(_ path: String, _ mode: UInt32) throws {
        _ = try check("chmod", path) { Glibc.chmod(path, mode_t(mode)) }
    }
}

extension FileSystem {
    /// Opens a file for reading.
    public static func open(_ path: String) throws -> FileDescriptor {
        FileDescriptor(adopting: try check("open", path) { Glibc.open(path, O_RDONLY | O_CLOEXEC) })
    }
}

extension FileSystem {
    /// The entries of a folder with their `lstat` facts, read relative to the open folder
    /// (fstatat), which saves the kernel a full path walk per entry on large trees.
    /// Entries that vanish between readdir and stat are returned with a nil status.
    /// - Throws: `PosixError.syscall` from opendir.
    public static func listWithStatus(_ path: String) throws -> [(name: String, status: FileStatus?)] {
        guard let dir = opendir(path) else {
            throw PosixError.syscall(name: "opendir", errno: Glibc.errno, subject: path)
        }
        defer { closedir(dir) }
        let fd = dirfd(dir)
        var out: [(String, FileStatus?)] = []
        while let entry = readdir(dir) {
            let name = withUnsafePointer(to: &entry.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
            }
            if name == "." || name == ".." { continue }
            var s = stat()
            let ok = fstatat(fd, name, &s, AT_SYMLINK_NOFOLLOW) == 0
            out.append((name, ok ? FileStatus(s) : nil))
        }
        return out
    }
}

extension FileSystem {
    /// Changes a file's owner and group (tests building multi-user fixtures run as root).
    public static func chown(_ path: String, uid: UInt32, gid: UInt32) throws {
        _ = try check("chown", path) { Glibc.chown(path, uid, gid) }
    }
}
