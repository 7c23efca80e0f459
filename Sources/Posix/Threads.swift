// Dedicated OS threads for blocking work (socket reads, accept, signal waits), kept off the Swift
// concurrency pool, which is only as wide as the core count (2 here) and must never block.
import Glibc

public enum Threads {
    private final class Box { let body: () -> Void; init(_ b: @escaping () -> Void) { body = b } }

    /// Starts a detached thread running `body`.
    /// - Throws: `PosixError.syscall` when pthread_create fails (EAGAIN: thread limit).
    public static func spawn(name: String, _ body: @escaping @Sendable () -> Void) throws {
        let box = Unmanaged.passRetained(Box(body)).toOpaque()
        var tid = pthread_t()
        var attr = pthread_attr_t()
        pthread_attr_init(&attr)
        pthread_attr_setdetachstate(&attr, Int32(PTHREAD_CREATE_DETACHED))
        // 8 MiB stacks: model code and the PDF reader recurse more than the 2 MiB default allows.
        pthread_attr_setstacksize(&attr, 8 << 20)
        let rc = pthread_create(&tid, &attr, { arg in
            let b = Unmanaged<Box>.fromOpaque(arg!).takeRetainedValue()
            b.body()
            return nil
        }, box)
        pthread_attr_destroy(&attr)
        if rc != 0 {
            Unmanaged<Box>.fromOpaque(box).release()
            throw PosixError.syscall(name: "pthread_create", errno: rc, subject: name)
        }
    }
}

/// A condition variable with its mutex, for the few producer/consumer hand-offs between threads.
public final class Condition: @unchecked Sendable {
    private var mutex = pthread_mutex_t()
    private var cond = pthread_cond_t()

    public init() {
        pthread_mutex_init(&mutex, nil)
        pthread_cond_init(&cond, nil)
    }

    deinit {
        pthread_cond_destroy(&cond)
        pthread_mutex_destroy(&mutex)
    }

    public func lock() { pthread_mutex_lock(&mutex) }
    public func unlock() { pthread_mutex_unlock(&mutex) }
    public func wait() { pthread_cond_wait(&cond, &mutex) }
    public func signal() { pthread_cond_signal(&cond) }
    public func broadcast() { pthread_cond_broadcast(&cond) }

    /// Waits at most `ms` milliseconds; returns false on timeout.
    public func wait(ms: Int) -> Bool {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        var ns = Int(now.tv_nsec) + (ms % 1000) * 1_000_000
        var deadline = timespec(tv_sec: now.tv_sec + ms / 1000 + ns / 1_000_000_000, tv_nsec: 0)
        ns %= 1_000_000_000
        deadline.tv_nsec = ns
        return pthread_cond_timedwait(&cond, &mutex, &deadline) == 0
    }

    @inline(__always)
    public func locked<T>(_ body: () throws -> T) rethrows -> T {
        lock()
        defer { unlock() }
        return try body()
    }
}

extension Threads {
    /// Sleeps the calling (dedicated) thread.
    public static func sleep(ms: Int) {
        var want = timespec(tv_sec: ms / 1000, tv_nsec: (ms % 1000) * 1_000_000)
        var left = timespec()
        while nanosleep(&want, &left) == -1 && errno == EINTR { want = left }
    }
}

extension Threads {
    /// Runs `body(i)` for every i in 0..<count, each on a thread of its own, and returns when all
    /// have finished (load tests, concurrency tests).
    /// - Throws: `PosixError.syscall` when a thread cannot be started (those started still finish).
    public static func concurrently(_ count: Int, name: String, _ body: @escaping @Sendable (Int) -> Void) throws {
        let done = Condition()
        final class Left: @unchecked Sendable { var n: Int; init(_ n: Int) { self.n = n } }
        let left = Left(count)
        var failure: Error?
        for i in 0..<count {
            do {
                try spawn(name: name) {
                    body(i)
                    done.locked { left.n -= 1; if left.n == 0 { done.broadcast() } }
                }
            } catch {
                done.locked { left.n -= count - i; if left.n == 0 { done.broadcast() } }
                failure = error
                break
            }
        }
        done.locked { while left.n > 0 { done.wait() } }
        if let failure { throw failure }
    }
}
