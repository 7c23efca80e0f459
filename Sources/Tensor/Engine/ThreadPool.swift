// A persistent pool of worker threads for the inference kernels: started once per loaded model,
// woken by a generation counter, spinning briefly between kernel calls (decode issues hundreds
// of small calls per token) and sleeping on a condition when idle. Work is claimed in chunks
// from an atomic counter, so a preempted thread on a busy machine does not hold back the rest.
import Foundation
import Synchronization

/// Runs one piece of parallel work at a time on `threads` threads (the caller's thread counts as
/// worker 0). Not reentrant: one `run`/`parallelFor` at a time, from one caller thread at a time
/// (a loaded model serialises its generations, see `LanguageModel`).
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

    /// Runs `body(worker)` once on each of the `threads` threads and returns when all are done.
    public func run(_ body: (Int) -> Void) {
        if threads == 1 {
            body(0)
            return
        }
        shared.run(workers: threads - 1, body)
    }

    /// Calls `body(range)` for consecutive ranges of `0..<count`, each `grain` long (the last may
    /// be shorter), handed out to whichever thread is free. Runs inline when one chunk suffices.
    public func parallelFor(_ count: Int, grain: Int, _ body: (Range<Int>) -> Void) {
        if count <= 0 { return }
        let g = max(1, grain)
        if threads == 1 || count <= g {
            var start = 0
            while start < count {
                body(start..<min(start + g, count))
                start += g
            }
            return
        }
        let next = shared.next
        next.store(0)
        run { _ in
            while true {
                let start = next.add(g)
                if start >= count { break }
                body(start..<min(start + g, count))
            }
        }
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
        let next = shared.next
        next.store(0)
        run { worker in
            while true {
                let start = next.add(g)
                if start >= count { break }
                body(start..<min(start + g, count), worker)
            }
        }
    }

    /// A grain that cuts `count` items into about `perThread` chunks per thread, but never below
    /// `minimum` items (so tiny kernels stay on one thread instead of paying for a hand-off).
    public func grain(_ count: Int, perThread: Int = 4, minimum: Int = 1) -> Int {
        max(minimum, (count + threads * perThread - 1) / (threads * perThread))
    }
}

/// The state workers share with the pool; a class of its own so that workers never touch a
/// deallocated pool.
private final class PoolState: @unchecked Sendable {
    let generation = Atomic<Int>(0)      // bumped once per published job
    let running = Atomic<Int>(0)         // workers still inside the current job
    let next = AtomicBox()               // parallelFor: first unclaimed index
    let sleepers = Atomic<Int>(0)        // workers blocked on `wake`
    let stopping = Atomic<Bool>(false)
    let wake = NSCondition()
    /// The current job; written by the caller before `generation` is released, read by workers
    /// after they acquire it.
    @exclusivity(unchecked) var job: ((Int) -> Void)?

    /// Spin iterations (each one atomic load) before an idle worker sleeps: about 0.2–1 ms here,
    /// longer than the serial work between two kernel calls of a decode step.
    static let spinLimit = 200_000

    func run(workers: Int, _ body: (Int) -> Void) {
        withoutActuallyEscaping(body) { escaping in
            job = escaping
            running.store(workers, ordering: .relaxed)
            generation.add(1, ordering: .sequentiallyConsistent)
            if sleepers.load(ordering: .sequentiallyConsistent) > 0 {
                wake.lock()
                wake.broadcast()
                wake.unlock()
            }
            escaping(0)
            while running.load(ordering: .acquiring) > 0 {}
            job = nil
        }
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
            job?(index)
            running.subtract(1, ordering: .releasing)
        }
    }
}

/// An atomic counter that can be captured by a closure (Atomic itself is not copyable).
final class AtomicBox: @unchecked Sendable {
    private let value = Atomic<Int>(0)
    @inline(__always) func store(_ v: Int) { value.store(v, ordering: .relaxed) }
    @inline(__always) func add(_ v: Int) -> Int { value.add(v, ordering: .relaxed).oldValue }
}
