// Keeps watched folders in sync: inotify watches on every folder under each root, events
// collected and debounced (a burst of saves becomes one sync), then only the touched paths are
// re-synced. New folders get watches as they appear; a queue overflow or a lost watch means a
// full rescan of that root, so no change is ever missed for long.
import Posix


final class Watcher: @unchecked Sendable {
    /// Quiet time after the last event before syncing, and the longest a busy folder waits.
    static let debounceMs = 300
    static let maxDelayMs = 3000

    private let inotify: Inotify
    private let log: Logger
    private let sync: @Sendable (_ root: String, _ scope: [String]?) -> Void
    private let lock = PthreadMutex()
    private var folders: [Int32: String] = [:]
    private var roots: [String] = []
    private var pending: [String: Set<String>] = [:]   // root → changed paths
    private var rescan: Set<String> = []
    private var firstEvent: ContinuousClock.Instant?
    private var lastEvent: ContinuousClock.Instant?
    private let stopped = Flag()

    init(log: Logger, sync: @escaping @Sendable (String, [String]?) -> Void) throws {
        inotify = try Inotify()
        self.log = log
        self.sync = sync
        try Threads.spawn(name: "watch") { [self] in loop() }
    }

    var watchedRoots: [String] { lock.withLock { roots } }

    /// Starts watching `root` (an absolute folder); the caller has already ingested it once.
    func watch(_ root: String) throws {
        let already = lock.withLock { roots.contains(root) }
        if already { return }
        try addTree(root)
        lock.withLock { roots.append(root) }
        log.info("watching", [("root", root), ("folders", lock.withLock { folders.count })])
    }

    func unwatch(_ root: String) {
        lock.withLock {
            roots.removeAll { $0 == root }
            for (wd, path) in folders where path == root || path.hasPrefix(root + "/") {
                inotify.remove(wd)
                folders.removeValue(forKey: wd)
            }
        }
    }

    func stop() {
        stopped.set()
        inotify.close()
    }

    private func addTree(_ folder: String) throws {
        var stack = [folder]
        while let dir = stack.popLast() {
            let wd = try inotify.add(folder: dir)
            lock.withLock { folders[wd] = dir }
            for name in (try? FileSystem.list(dir)) ?? [] {
                let p = dir + "/" + name
                if let st = try? FileSystem.status(p, followSymlinks: false), st.kind == .directory { stack.append(p) }
            }
        }
    }

    private func root(of path: String) -> String? {
        lock.withLock { roots.filter { path == $0 || path.hasPrefix($0 + "/") }.max { $0.count < $1.count } }
    }

    private func loop() {
        while !stopped.isSet {
            let events: [InotifyEvent]
            do { events = try inotify.read(timeoutMs: 100) } catch {
                if stopped.isSet { return }
                log.error("watch-failed", [("reason", "\(error)")])
                return
            }
            let now = ContinuousClock.now
            for e in events { record(e) }
            if !events.isEmpty {
                lastEvent = now
                if firstEvent == nil { firstEvent = now }
            }
            guard let first = firstEvent, let last = lastEvent else { continue }
            let quiet = now - last >= .milliseconds(Self.debounceMs)
            let overdue = now - first >= .milliseconds(Self.maxDelayMs)
            if quiet || overdue { flush() }
        }
    }

    private func record(_ e: InotifyEvent) {
        if e.isOverflow {
            log.warning("watch-overflow", [("action", "rescan all watched roots")])
            lock.withLock { rescan.formUnion(roots) }
            return
        }
        guard let folder = lock.withLock({ folders[e.watch] }) else { return }
        let path = e.name.isEmpty ? folder : folder + "/" + e.name
        guard let root = root(of: path) else { return }
        if e.isSelfGone && e.name.isEmpty {
            lock.withLock { _ = folders.removeValue(forKey: e.watch) }
            if folder == root { lock.withLock { _ = rescan.insert(root) } }
        }
        if e.isDirectory && e.isCreateOrMoveIn {
            // A new folder may already hold files by the time its watch is in place: the
            // scoped sync walks it, so nothing created in that window is missed.
            do { try addTree(path) } catch {
                log.warning("watch-add-failed", [("path", path), ("reason", "\(error)")])
                lock.withLock { _ = rescan.insert(root) }
            }
        }
        lock.withLock { pending[root, default: []].insert(path) }
    }

    private func flush() {
        let (work, full) = lock.withLock { () -> ([String: Set<String>], Set<String>) in
            defer { pending = [:]; rescan = []; firstEvent = nil; lastEvent = nil }
            return (pending, rescan)
        }
        for root in full { sync(root, nil) }
        for (root, paths) in work where !full.contains(root) {
            // Many changes at once are cheaper to sync as one walk than path by path.
            sync(root, paths.count > 500 ? nil : Array(paths))
        }
    }
}
