// Enumerates the files under an ingest root with stat only (no contents read): include/exclude
// globs on relative paths, symlinks skipped or followed with loop detection by (device, inode),
// unreadable folders reported rather than fatal.
import Corpus
import Posix

public struct WalkedFile: Sendable {
    public let path: String
    public let relative: String
    public let status: FileStatus
}

public struct WalkProblem: Sendable {
    public let path: String
    public let reason: String
}

public enum Walker {
    /// Whether `relative` or any folder above it is excluded (for paths reached without a walk,
    /// e.g. from file-change events).
    public static func isExcluded(_ relative: String, options: WalkOptions) -> Bool {
        let parts = relative.split(separator: "/")
        for k in parts.indices {
            let prefix = parts[...k].joined(separator: "/")
            if options.exclude.contains(where: { $0.matches(prefix) }) { return true }
        }
        return false
    }

    /// Files under `root` (a folder or a single file), sorted by path for stable progress.
    /// `relativePrefix` is `root`'s path relative to the ingest root, for include/exclude rules.
    public static func walk(root: String, options: WalkOptions, relativePrefix: String = "") -> (files: [WalkedFile], problems: [WalkProblem]) {
        var files: [WalkedFile] = []
        var problems: [WalkProblem] = []
        var visited = Set<[UInt64]>()
        guard let top = try? FileSystem.status(root) else {
            return ([], [WalkProblem(path: root, reason: "cannot stat")])
        }
        if top.kind == .regular {
            let name = relativePrefix.isEmpty ? (root.split(separator: "/").last.map(String.init) ?? root) : relativePrefix
            if !relativePrefix.isEmpty, isExcluded(name, options: options) || !options.include.contains(where: { $0.matches(name) }) {
                return ([], [])
            }
            return ([WalkedFile(path: root, relative: name, status: top)], [])
        }
        if !relativePrefix.isEmpty && isExcluded(relativePrefix, options: options) { return ([], []) }
        visited.insert([top.device, top.inode])
        var stack: [(path: String, relative: String)] = [(root, relativePrefix)]
        while let (dir, rel) = stack.popLast().map({ ($0.path, $0.relative) }) {
            let entries: [(name: String, status: FileStatus?)]
            do { entries = try FileSystem.listWithStatus(dir) } catch {
                problems.append(WalkProblem(path: dir, reason: "\(error)"))
                continue
            }
            // Names sorted within each folder (short comparisons), folders visited in order: a
            // stable, readable progress order without sorting full paths at the end.
            var subfolders: [(String, String)] = []
            defer { stack.append(contentsOf: subfolders.reversed()) }
            for (name, status) in entries.sorted(by: { $0.name < $1.name }) {
                let path = dir == "/" ? "/" + name : dir + "/" + name
                let relative = rel.isEmpty ? name : rel + "/" + name
                if options.exclude.contains(where: { $0.matches(relative, name: name) }) { continue }
                guard var st = status else {
                    problems.append(WalkProblem(path: path, reason: "vanished or cannot stat"))
                    continue
                }
                if st.kind == .symlink {
                    guard options.followSymlinks else { continue }
                    do { st = try FileSystem.status(path) } catch {
                        problems.append(WalkProblem(path: path, reason: "broken or looping symlink: \(error)"))
                        continue
                    }
                }
                switch st.kind {
                case .directory:
                    if visited.insert([st.device, st.inode]).inserted {
                        subfolders.append((path, relative))
                    } else {
                        problems.append(WalkProblem(path: path, reason: "symlink loop: folder already visited"))
                    }
                case .regular:
                    if options.include.contains(where: { $0.matches(relative, name: name) }) {
                        files.append(WalkedFile(path: path, relative: relative, status: st))
                    }
                default:
                    continue
                }
            }
        }
        return (files, problems)
    }
}
