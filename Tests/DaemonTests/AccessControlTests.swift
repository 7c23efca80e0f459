// Access control with real local users (created when the tests run as root; skipped with a
// printed reason otherwise): through a group socket (0660), each user's answers only draw on
// files that user can read — by the file's own mode and by every folder above it.
import JSON
import Posix
import Testing
import TestSupport

@Suite(.serialized) struct AccessControlTests {
    static let isRoot = Identity.userID == 0
    static let group = "nerve-acl"
    static let users = ["nerve-alice", "nerve-bob"]

    /// Creates the group and users once (idempotent); their uids.
    static func ensureUsers() throws -> (alice: UInt32, bob: UInt32, gid: UInt32) {
        if (try? Identity.groupID(named: group)) == nil {
            _ = try Subprocess.run(["groupadd", "-f", group], timeoutMs: 10_000)
        }
        for u in users where Identity.userID(named: u) == nil {
            _ = try Subprocess.run(["useradd", "-M", "-N", "-g", group, "-s", "/bin/sh", u], timeoutMs: 10_000)
        }
        guard let a = Identity.userID(named: users[0]), let b = Identity.userID(named: users[1]) else {
            throw PosixError.unknownGroup(name: "could not create test users")
        }
        return (a, b, try Identity.groupID(named: group))
    }

    /// `nerve --json ask QUESTION` run as `user`; the cited paths.
    static func ask(as user: String, socket: String, _ question: String) throws -> [String] {
        let r = try Subprocess.run(["runuser", "-u", user, "--", Binaries.folder + "/nerve", "--socket", socket, "--json", "ask", question],
                                   timeoutMs: 20_000)
        let text = String(decoding: r.stdout, as: UTF8.self)
        guard r.status == 0, let j = try? JSON.parse(text) else {
            Issue.record("ask as \(user) failed (\(r.status)): \(String(decoding: r.stderr, as: UTF8.self))")
            return []
        }
        let cited = (j["citations"]?.arrayValue ?? []) + (j["passages"]?.arrayValue ?? []).compactMap { $0["citation"] }
        return cited.compactMap { $0["path"]?.stringValue }
    }

    /// `nerve --json search QUERY --top 10` run as `user`; the cited paths.
    static func search(as user: String, socket: String, _ query: String) throws -> [String] {
        let r = try Subprocess.run(["runuser", "-u", user, "--", Binaries.folder + "/nerve", "--socket", socket, "--json", "search", query,
                                    "--top", "10"], timeoutMs: 20_000)
        guard r.status == 0, let j = try? JSON.parse(String(decoding: r.stdout, as: UTF8.self)) else {
            Issue.record("search as \(user) failed (\(r.status)): \(String(decoding: r.stderr, as: UTF8.self))")
            return []
        }
        return (j["passages"]?.arrayValue ?? []).compactMap { $0["citation"]?["path"]?.stringValue }
    }

    @Test(.enabled(if: isRoot, "needs root to create local users and chown files"))
    func eachUserSeesOnlyWhatTheyCanRead() throws {
        let (alice, bob, gid) = try Self.ensureUsers()
        let h = try DaemonHarness(.live) { $0.socketGroup = Self.group }
        try FileSystem.chmod(h.dir, 0o755)
        #expect(try FileSystem.status(h.socket, followSymlinks: false).mode == 0o660)
        #expect(try FileSystem.status(h.socket, followSymlinks: false).gid == gid)

        let root = try h.makeFolder([
            "alice-only.md": "The zeppelin budget is forty thousand dollars.",
            "bob-only.md": "The zeppelin hangar code is 4471.",
            "team.md": "The zeppelin team meets on Tuesdays.",
            "public.md": "The zeppelin museum opens at noon.",
            "private-dir/inner.md": "The zeppelin pilot is Marguerite.",
        ])
        try FileSystem.chmod(root, 0o755)
        let setups: [(String, UInt32, UInt32, UInt32)] = [
            ("alice-only.md", alice, gid, 0o600), ("bob-only.md", bob, gid, 0o600), ("team.md", 0, gid, 0o640),
            ("public.md", 0, 0, 0o644), ("private-dir/inner.md", alice, gid, 0o644),
        ]
        for (rel, uid, g, mode) in setups {
            try FileSystem.chown(root + "/" + rel, uid: uid, gid: g)
            try FileSystem.chmod(root + "/" + rel, mode)
        }
        try FileSystem.chown(root + "/private-dir", uid: alice, gid: gid)
        try FileSystem.chmod(root + "/private-dir", 0o700)
        _ = try h.call("ingest", ["path": .string(root)])

        let allowed: [String: Set<String>] = [
            Self.users[0]: ["alice-only.md", "team.md", "public.md", "private-dir/inner.md"],
            Self.users[1]: ["bob-only.md", "team.md", "public.md"],
        ]
        let questions = [("How big is the zeppelin budget?", "alice-only.md"), ("What is the zeppelin hangar code?", "bob-only.md"),
                         ("When does the zeppelin team meet?", "team.md"), ("When does the zeppelin museum open?", "public.md"),
                         ("Who is the zeppelin pilot?", "private-dir/inner.md")]
        for user in Self.users {
            for (q, target) in questions {
                let seen = Set(try Self.ask(as: user, socket: h.socket, q).map { String($0.dropFirst(root.count + 1)) })
                #expect(seen.isSubset(of: allowed[user] ?? []), "\(user) asked '\(q)' and saw \(seen)")
                if allowed[user]?.contains(target) == true {
                    #expect(seen.contains(target), "\(user) should find \(target) for '\(q)', saw \(seen)")
                }
            }
        }

        // Search follows the same rules: every passage a user sees comes from a file they may read.
        for user in Self.users {
            let seen = Set(try Self.search(as: user, socket: h.socket, "zeppelin").map { String($0.dropFirst(root.count + 1)) })
            #expect(seen == allowed[user], "\(user) searched and saw \(seen)")
        }

        // Owner-only methods are refused to other users.
        let r = try Subprocess.run(["runuser", "-u", Self.users[1], "--", Binaries.folder + "/nerve", "--socket", h.socket, "ingest", root],
                                   timeoutMs: 20_000)
        #expect(r.status == 1)
        #expect(String(decoding: r.stderr, as: UTF8.self).contains("EACCES"))
    }

    @Test func socketGroupSettingIsRefusedForAnUnknownGroup() throws {
        #expect(throws: (any Error).self) {
            _ = try DaemonHarness(.live) { $0.socketGroup = "no-such-group-\(Identity.processID)" }
        }
    }
}
