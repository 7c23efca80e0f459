// Signals for a daemon: SIGPIPE ignored, SIGTERM/SIGINT/SIGHUP blocked in every thread and
// received synchronously by one waiting thread (sigwait), so handlers never run async-unsafe code.
import Glibc

public enum Signal: Int32, Sendable, CustomStringConvertible {
    case hangup = 1, interrupt = 2, terminate = 15, child = 17

    public var description: String {
        switch self {
        case .hangup: return "SIGHUP"
        case .interrupt: return "SIGINT"
        case .terminate: return "SIGTERM"
        case .child: return "SIGCHLD"
        }
    }
}

public enum Signals {
    /// Ignores SIGPIPE so a write to a closed socket is an EPIPE error, not death.
    public static func ignoreBrokenPipe() {
        signal(SIGPIPE, SIG_IGN)
    }

    /// Ignores SIGXFSZ so writing past RLIMIT_FSIZE is an EFBIG error the index can report and
    /// roll back, instead of killing the daemon.
    public static func ignoreFileSizeLimit() {
        signal(SIGXFSZ, SIG_IGN)
    }

    /// Blocks `signals` in the calling thread; call before spawning threads so all inherit it.
    public static func block(_ signals: [Signal]) {
        var set = sigset_t()
        sigemptyset(&set)
        for s in signals { sigaddset(&set, s.rawValue) }
        pthread_sigmask(SIG_BLOCK, &set, nil)
    }

    /// Waits for one of `signals` (which must be blocked) and returns it.
    public static func wait(_ signals: [Signal]) -> Signal {
        var set = sigset_t()
        sigemptyset(&set)
        for s in signals { sigaddset(&set, s.rawValue) }
        while true {
            var got: Int32 = 0
            if sigwait(&set, &got) == 0, let s = Signal(rawValue: got) { return s }
        }
    }

    /// Sends `signal` to a process.
    public static func send(_ signal: Signal, to pid: Int32) throws {
        _ = try check("kill") { Glibc.kill(pid, signal.rawValue) }
    }

    /// Sends SIGKILL (used by tests and the worker supervisor).
    public static func kill(_ pid: Int32) {
        _ = Glibc.kill(pid, SIGKILL)
    }
}
