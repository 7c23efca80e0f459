// Small binary heaps over (similarity, slot) pairs in caller-owned buffers, for top-k scans and
// the HNSW search lists, plus the readers-writer lock the vector index is guarded by.
import Posix

/// One scored vector slot. Similarity: higher is closer (a dot product of unit vectors).
struct Scored {
    var similarity: Float
    var slot: UInt32
}

/// A binary heap of `Scored` in a fixed buffer. `Order.min` keeps the least similar on top (the
/// result list: the top is the entry to evict); `Order.max` keeps the most similar on top (the
/// candidate queue: the top is the next to expand). The buffer is reused across queries.
struct ScoredHeap {
    enum Order { case min, max }
    let order: Order
    private(set) var storage: UnsafeMutablePointer<Scored>
    private(set) var capacity: Int
    private(set) var count = 0

    init(order: Order, capacity: Int) {
        self.order = order
        self.capacity = Swift.max(capacity, 1)
        storage = .allocate(capacity: self.capacity)
    }

    /// Frees the buffer; the owner calls it once (heaps live inside scratch objects).
    func deallocate() { storage.deallocate() }

    @inline(__always) var isEmpty: Bool { count == 0 }
    @inline(__always) var top: Scored { storage[0] }

    @inline(__always)
    func above(_ a: Scored, _ b: Scored) -> Bool {
        order == .max ? a.similarity > b.similarity : a.similarity < b.similarity
    }

    @inline(__always)
    mutating func removeAll() { count = 0 }

    /// Grows the buffer (keeping contents) when a search needs more room than the last one.
    mutating func reserve(_ n: Int) {
        guard n > capacity else { return }
        let bigger = UnsafeMutablePointer<Scored>.allocate(capacity: n)
        bigger.update(from: storage, count: count)
        storage.deallocate()
        storage = bigger
        capacity = n
    }

    @inline(__always)
    mutating func push(_ e: Scored) {
        if count == capacity { reserve(capacity * 2) }
        var i = count
        count &+= 1
        while i > 0 {
            let parent = (i &- 1) >> 1
            guard above(e, storage[parent]) else { break }
            storage[i] = storage[parent]
            i = parent
        }
        storage[i] = e
    }

    @discardableResult @inline(__always)
    mutating func pop() -> Scored {
        let out = storage[0]
        count &-= 1
        if count > 0 { siftDown(storage[count]) }
        return out
    }

    /// Replaces the top with `e` (one sift instead of a pop and a push).
    @inline(__always)
    mutating func replaceTop(_ e: Scored) {
        siftDown(e)
    }

    @inline(__always)
    private mutating func siftDown(_ e: Scored) {
        var i = 0
        while true {
            var child = 2 &* i &+ 1
            if child >= count { break }
            if child &+ 1 < count && above(storage[child &+ 1], storage[child]) { child &+= 1 }
            guard above(storage[child], e) else { break }
            storage[i] = storage[child]
            i = child
        }
        storage[i] = e
    }

    /// The contents, most similar first (the heap is left empty).
    mutating func drainDescending() -> [Scored] {
        var out: [Scored] = []
        out.reserveCapacity(count)
        while count > 0 { out.append(pop()) }
        return order == .min ? out.reversed() : out
    }
}

/// Keeps the `k` most similar of a stream: a min-heap whose top is the worst kept entry.
struct TopK {
    var heap: ScoredHeap
    let k: Int

    init(k: Int) {
        self.k = Swift.max(k, 1)
        heap = ScoredHeap(order: .min, capacity: self.k)
    }

    /// The similarity a new entry must beat once the list is full.
    @inline(__always) var threshold: Float { heap.count < k ? -.infinity : heap.top.similarity }

    @inline(__always)
    mutating func offer(_ similarity: Float, _ slot: UInt32) {
        if heap.count < k { heap.push(Scored(similarity: similarity, slot: slot)) }
        else if similarity > heap.top.similarity { heap.replaceTop(Scored(similarity: similarity, slot: slot)) }
    }

    /// Most similar first; frees the buffer.
    mutating func finish() -> [Scored] {
        let out = heap.drainDescending()
        heap.deallocate()
        return out
    }
}

/// Many readers or one writer, writers preferred (a waiting writer holds back new readers, so a
/// stream of searches cannot starve an ingest). Built on Posix.Condition: the Index module does
/// not call pthreads itself.
final class ReadWriteLock: @unchecked Sendable {
    private let c = Condition()
    private var readers = 0
    private var writing = false
    private var writersWaiting = 0

    func read<T>(_ body: () throws -> T) rethrows -> T {
        c.lock()
        while writing || writersWaiting > 0 { c.wait() }
        readers += 1
        c.unlock()
        defer {
            c.lock()
            readers -= 1
            if readers == 0 { c.broadcast() }
            c.unlock()
        }
        return try body()
    }

    func write<T>(_ body: () throws -> T) rethrows -> T {
        c.lock()
        writersWaiting += 1
        while writing || readers > 0 { c.wait() }
        writersWaiting -= 1
        writing = true
        c.unlock()
        defer {
            c.lock()
            writing = false
            c.broadcast()
            c.unlock()
        }
        return try body()
    }
}
