// A persistent pool of worker threads for the inference kernels: started once per loaded model,
// woken by a generation counter, spinning briefly between kernel calls (decode issues hundreds
// of small calls per token) and sleeping on a condition when idle. Work is claimed in chunks
// from an atomic counter, so a preempted thread on a busy machine does not hold back the rest.
import Foundation
import Synchronization

/// Runs one piece of parallel work at a time on `threads` threads (the caller's thread counts as
/// worker 0). Not reentrant: one `parallelFor` at a time, from one caller thread at a time (a
/// loaded model serialises its generations, see `LanguageModel`).
///
/// A worker takes part in a job only if it registers before the caller has claimed every chunk;
/// the caller then waits for registered workers alone. So a worker the OS has descheduled (other
/// processes on the cores) delays nothing unless it is inside a chunk.
public final class ThreadPool: @unchecked Sendable {
    /// Threads taking part in each call, the caller included.
    public let threads: Int
    private let shared: PoolState

    /// Starts `threads - 1` workers (none for 1).
    public init(threads: Int) {
        self.threads = max(1, threads)
        shared = PoolState()
        for w in 1..<self.threads {
            let state = shared
            let thread = Thread { state.workerLoop(w) }
            thread.stackSize = 8 << 20
            thread.name = "nerve-kernel-\(w)"
            thread.start()
        }
    }

    /// Stops the workers (they hold the shared state, not the pool, so they may outlive it briefly).
    deinit { shared.stop() }

    /// Calls `body(range)` for consecutive ranges of `0..<count`, each `grain` long (the last may
    /// be shorter), handed out to whichever thread is free. Runs inline when one chunk suffices.
    public func parallelFor(_ count: Int, grain: Int, _ body: (Range<Int>) -> Void) {
        parallelFor(count, grain: grain) { range, _ in body(range) }
    }

    /// `parallelFor` that also tells `body` which thread runs it (0..<threads), for per-thread
    /// scratch buffers.
    public func parallelFor(_ count: Int, grain: Int, _ body: (Range<Int>, Int) -> Void) {
        if count <= 0 { return }
        let g = max(1, grain)
        if threads == 1 || count <= g {
            var start = 0
            while start < count {
                body(start..<min(start + g, count), 0)
                start += g
            }
            return
        }
        shared.run(count: count, grain: g, body)
    }

    /// A grain that cuts `count` items into about `perThread` chunks per thread, but never below
    /// `minimum` items (so tiny kernels stay on one thread instead of paying for a hand-off).
    public func grain(_ count: Int, perThread: Int = 4, minimum: Int = 1) -> Int {
        max(minimum, (count + threads * perThread - 1) / (threads * perThread))
    }
}

/// The state workers share with the pool; a class of its own so that workers never touch a
/// deallocated pool.
///
/// `state` packs the current job's number (high 32 bits), a closed flag (bit 31) and the count
/// of registered workers (low bits): a worker registers with a compare-and-swap that fails once
/// the job is closed or replaced, and reads the job only after registering; the caller closes
/// the job when all chunks are claimed, waits for the registered count to reach 0, and only
/// then replaces the job.
private final class PoolState: @unchecked Sendable {
    let generation = Atomic<Int>(0)      // bumped once per published job (wakes workers)
    let state = Atomic<UInt64>(0)        // job number << 32 | closed << 31 | registered workers
    let next = Atomic<Int>(0)            // first unclaimed index of the current job
    let sleepers = Atomic<Int>(0)        // workers blocked on `wake`
    let stopping = Atomic<Bool>(false)
    let wake = NSCondition()
    /// The caller blocks here when a registered worker takes long to finish its last chunk
    /// (on a busy machine the worker may be waiting for the very core the caller spins on).
    let finished = NSCondition()
    let callerWaiting = Atomic<Bool>(false)
    /// The current job; written by the caller while no worker is registered, read by registered
    /// workers only.
    @exclusivity(unchecked) var body: ((Range<Int>, Int) -> Void)?
    @exclusivity(unchecked) var count = 0
    @exclusivity(unchecked) var grain = 1

    static let closed: UInt64 = 1 << 31
    static let registered: UInt64 = (1 << 31) - 1

    /// Spin iterations (each one atomic load) before an idle worker sleeps: about 0.2–1 ms here,
    /// longer than the serial work between two kernel calls of a decode step.
    static let spinLimit = 200_000
    /// Spin iterations of the caller waiting for registered workers before it blocks (tens of
    /// microseconds: a worker's last chunk normally ends well within that).
    static let callerSpinLimit = 50_000

    func run(count: Int, grain: Int, _ body: (Range<Int>, Int) -> Void) {
        withoutActuallyEscaping(body) { escaping in
            self.body = escaping
            self.count = count
            self.grain = grain
            next.store(0, ordering: .relaxed)
            let job = generation.load(ordering: .relaxed) &+ 1
            state.store(UInt64(UInt32(truncatingIfNeeded: job)) << 32, ordering: .releasing)
            generation.store(job, ordering: .sequentiallyConsistent)
            if sleepers.load(ordering: .sequentiallyConsistent) > 0 {
                wake.lock()
                wake.broadcast()
                wake.unlock()
            }
            work(worker: 0)
            // Every chunk is claimed: refuse late workers, wait for the registered ones.
            state.bitwiseOr(Self.closed, ordering: .acquiringAndReleasing)
            var spins = 0
            while state.load(ordering: .acquiring) & Self.registered != 0 {
                spins += 1
                if spins < Self.callerSpinLimit { continue }
                // Announce the wait before the last check; a finishing worker reads the flag
                // after its decrement, so one of the two always sees the other.
                finished.lock()
                callerWaiting.store(true, ordering: .sequentiallyConsistent)
                while state.load(ordering: .sequentiallyConsistent) & Self.registered != 0 { finished.wait() }
                callerWaiting.store(false, ordering: .sequentiallyConsistent)
                finished.unlock()
            }
            self.body = nil
        }
    }

    /// Claims and runs chunks until none is left.
    private func work(worker: Int) {
        guard let body else { return }
        let count = self.count, grain = self.grain
        while true {
            let start = next.add(grain, ordering: .relaxed).oldValue
            if start >= count { return }
            body(start..<min(start + grain, count), worker)
        }
    }

    /// Registers the calling worker in job `job` unless it is closed or already replaced.
    private func register(_ job: Int) -> Bool {
        let tag = UInt64(UInt32(truncatingIfNeeded: job))
        var s = state.load(ordering: .acquiring)
        while s >> 32 == tag && s & Self.closed == 0 {
            let (done, now) = state.compareExchange(expected: s, desired: s + 1, ordering: .acquiringAndReleasing)
            if done { return true }
            s = now
        }
        return false
    }

    func stop() {
        stopping.store(true, ordering: .sequentiallyConsistent)
        generation.add(1, ordering: .sequentiallyConsistent)
        wake.lock()
        wake.broadcast()
        wake.unlock()
    }

    func workerLoop(_ index: Int) {
        var seen = 0
        while true {
            var spins = 0
            while generation.load(ordering: .acquiring) == seen {
                spins += 1
                if spins < Self.spinLimit { continue }
                // Announce the sleep before the last check: `run` reads `sleepers` after bumping
                // the generation, so one of the two always sees the other (no lost wake-up).
                wake.lock()
                sleepers.add(1, ordering: .sequentiallyConsistent)
                while generation.load(ordering: .sequentiallyConsistent) == seen { wake.wait() }
                sleepers.subtract(1, ordering: .sequentiallyConsistent)
                wake.unlock()
                spins = 0
            }
            seen = generation.load(ordering: .acquiring)
            if stopping.load(ordering: .acquiring) { return }
            if register(seen) {
                work(worker: index)
                state.subtract(1, ordering: .sequentiallyConsistent)
                if callerWaiting.load(ordering: .sequentiallyConsistent) {
                    finished.lock()
                    finished.broadcast()
                    finished.unlock()
                }
            }
        }
    }
}
