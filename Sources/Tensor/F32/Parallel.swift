// Splitting a kernel's work over threads: one Dispatch call per kernel invocation, never inside a
// loop over elements. Kernels take the thread count as a parameter so callers decide (and tests
// can force 1 or an odd number to exercise the split arithmetic).
import Dispatch
import Foundation   // ProcessInfo.activeProcessorCount, read once

/// How many threads a kernel may use, and the one place that starts them.
public enum Parallel {
    /// Processors available to this process.
    public static let processors = max(1, ProcessInfo.processInfo.activeProcessorCount)

    /// Jobs a kernel should cut its work into for `threads` threads: a few per thread, so that
    /// a thread the OS preempts (a busy machine) does not hold back a fixed share of the work.
    @inline(__always)
    public static func jobs(for threads: Int) -> Int { threads <= 1 ? 1 : 4 * threads }

    /// Runs `body(job)` for every job in `0..<jobs`, on up to `threads` threads. With one thread or
    /// one job it runs inline on the caller's thread (no Dispatch overhead, no hop). When
    /// `threads` covers every processor, Dispatch hands jobs out one at a time to whichever
    /// worker is free; for fewer threads each worker takes every `threads`-th job.
    /// `body` must be safe to run concurrently with itself for different jobs.
    @inline(__always)
    public static func run(jobs: Int, threads: Int, _ body: (Int) -> Void) {
        if jobs <= 0 { return }
        if threads <= 1 || jobs == 1 {
            for j in 0..<jobs { body(j) }
            return
        }
        // The kernels' closures capture raw pointers, which are not Sendable; each job writes a
        // disjoint part of the output, which is the guarantee Sendable would otherwise give.
        withoutActuallyEscaping(body) { escaping in
            let shared = UncheckedSendable(escaping)
            if threads >= processors {
                DispatchQueue.concurrentPerform(iterations: jobs) { shared.value($0) }
            } else {
                let workers = min(threads, jobs)
                DispatchQueue.concurrentPerform(iterations: workers) { w in
                    var j = w
                    while j < jobs { shared.value(j); j += workers }
                }
            }
        }
    }

    /// The `part`-th of `parts` contiguous pieces of `0..<count`, each a multiple of `granule`
    /// except the last: pieces differ by at most one granule.
    @inline(__always)
    public static func slice(_ count: Int, parts: Int, part: Int, granule: Int = 1) -> Range<Int> {
        let units = (count + granule - 1) / granule
        let lo = units * part / parts, hi = units * (part + 1) / parts
        return min(lo * granule, count)..<min(hi * granule, count)
    }
}

private struct UncheckedSendable<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}
