// Runs an external command with a deadline and an output cap (extract.exec, tools in tests):
// posix_spawn with stdin from /dev/null or a file, stdout/stderr through pipes read by poll, and
// SIGKILL to the whole process group when the deadline passes.
import Glibc

public struct SubprocessResult: Sendable {
    public let status: Int32
    /// True when the command was killed for running past its deadline.
    public let timedOut: Bool
    /// True when stdout exceeded the cap (the rest was discarded and the command killed).
    public let truncated: Bool
    public let stdout: [UInt8]
    public let stderr: [UInt8]
}

public enum Subprocess {
    /// Runs `argv` (argv[0] is looked up on PATH) and waits at most `timeoutMs`.
    /// - Throws: `PosixError.syscall` when the command cannot be started.
    public static func run(_ argv: [String], timeoutMs: Int, maxOutput: Int = 64 << 20,
                           stdinPath: String? = nil) throws -> SubprocessResult {
        guard !argv.isEmpty else { throw PosixError.syscall(name: "posix_spawn", errno: EINVAL, subject: "empty command") }
        var outPipe: [Int32] = [0, 0], errPipe: [Int32] = [0, 0]
        guard pipe(&outPipe) == 0 else { throw PosixError.syscall(name: "pipe", errno: errno, subject: argv[0]) }
        guard pipe(&errPipe) == 0 else {
            close(outPipe[0]); close(outPipe[1])
            throw PosixError.syscall(name: "pipe", errno: errno, subject: argv[0])
        }
        // pipe2 is not imported; close-on-exec keeps these ends out of other children.
        for fd in outPipe + errPipe { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, stdinPath ?? "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, outPipe[1], 1)
        posix_spawn_file_actions_adddup2(&actions, errPipe[1], 2)
        var attr = posix_spawnattr_t()
        posix_spawnattr_init(&attr)
        defer { posix_spawnattr_destroy(&attr) }
        // Its own process group, so a timeout kills the command and anything it started.
        posix_spawnattr_setflags(&attr, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK))
        posix_spawnattr_setpgroup(&attr, 0)
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigmask(&attr, &empty)

        var cargs = argv.map { strdup($0) } + [nil]
        defer { for p in cargs { free(p) } }
        var pid: pid_t = 0
        let rc = posix_spawnp(&pid, argv[0], &actions, &attr, &cargs, environ)
        close(outPipe[1]); close(errPipe[1])
        if rc != 0 {
            close(outPipe[0]); close(errPipe[0])
            throw PosixError.syscall(name: "posix_spawn", errno: rc, subject: argv[0])
        }
        let deadline = ContinuousClock.now + .milliseconds(timeoutMs)
        var out: [UInt8] = [], err: [UInt8] = []
        var open = [outPipe[0], errPipe[0]]
        var timedOut = false, truncated = false
        var chunk = [UInt8](repeating: 0, count: 65536)
        while !open.isEmpty {
            let left = deadline - ContinuousClock.now
            if left <= .zero { timedOut = true; break }
            var fds = open.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
            let n = poll(&fds, nfds_t(fds.count), Int32(min(left.milliseconds, 1000)))
            if n < 0 && errno != EINTR { break }
            for p in fds where p.revents != 0 {
                let got = chunk.withUnsafeMutableBytes { read(p.fd, $0.baseAddress, $0.count) }
                if got <= 0 {
                    close(p.fd)
                    open.removeAll { $0 == p.fd }
                } else if p.fd == outPipe[0] {
                    if out.count + got > maxOutput { truncated = true } else { out.append(contentsOf: chunk[0..<got]) }
                } else if err.count < 65536 {
                    err.append(contentsOf: chunk[0..<min(got, 65536 - err.count)])
                }
            }
            if truncated { break }
        }
        for fd in open { close(fd) }
        if timedOut || truncated { Glibc.kill(-pid, SIGKILL) }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        let code: Int32 = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        return SubprocessResult(status: code, timedOut: timedOut, truncated: truncated, stdout: out, stderr: err)
    }
}

/// A child process left running (workers the daemon supervises); its output goes to the
/// daemon's own stdout/stderr so its log lines land in the same log.
public final class ChildProcess: @unchecked Sendable {
    public let pid: Int32
    public let argv: [String]

    private init(pid: Int32, argv: [String]) {
        self.pid = pid
        self.argv = argv
    }

    /// Starts `argv` (argv[0] a path or a name on PATH) with stdin from /dev/null and the
    /// default signal mask (our blocked SIGTERM/SIGHUP must not be inherited).
    /// - Throws: `PosixError.syscall` when it cannot be started.
    public static func start(_ argv: [String]) throws -> ChildProcess {
        guard !argv.isEmpty else { throw PosixError.syscall(name: "posix_spawn", errno: EINVAL, subject: "empty command") }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        var attr = posix_spawnattr_t()
        posix_spawnattr_init(&attr)
        defer { posix_spawnattr_destroy(&attr) }
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigmask(&attr, &empty)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        sigaddset(&defaults, SIGPIPE)
        posix_spawnattr_setsigdefault(&attr, &defaults)
        posix_spawnattr_setflags(&attr, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        var cargs = argv.map { strdup($0) } + [nil]
        defer { for p in cargs { free(p) } }
        var pid: pid_t = 0
        let rc = posix_spawnp(&pid, argv[0], &actions, &attr, &cargs, environ)
        if rc != 0 { throw PosixError.syscall(name: "posix_spawn", errno: rc, subject: argv[0]) }
        return ChildProcess(pid: pid, argv: argv)
    }

    /// Blocks until the child exits; returns its exit status (128 + signal when killed).
    public func wait() -> Int32 {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 {
            if errno != EINTR { return -1 }
        }
        return (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
    }

    public func terminate() { _ = Glibc.kill(pid, SIGTERM) }
    public func kill() { _ = Glibc.kill(pid, SIGKILL) }

    /// This process's own executable, for starting workers of the same build.
    public static var currentExecutable: String {
        (try? FileSystem.realPath("/proc/self/exe")) ?? CommandLine.arguments[0]
    }
}
