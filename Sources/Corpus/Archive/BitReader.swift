// The inflater's input side: an LSB-first bit buffer over the compressed bytes (RFC 1951 3.1.1),
// refilled 8 bytes at a time, which pads past the end with zeros and remembers how many it added.

/// Reads deflate's bit stream. After `refill()` at least 56 bits are buffered, enough for a
/// literal/length code, its extra bits, a distance code and its extra bits (15+5+15+13 = 48).
///
/// Past the end of the input, `refill` appends zero bytes and counts them in `padBits`, so the hot
/// loop never branches on "enough input?". Whoever consumes bits checks `overran` before trusting
/// what it decoded: the stream was truncated if any padding bit was consumed.
struct BitReader {
    let base: UnsafePointer<UInt8>
    let end: Int
    /// Index of the next input byte not yet in `bitbuf`.
    var pos = 0
    var bitbuf: UInt64 = 0
    /// Valid bits in `bitbuf` (bits above may hold bytes already loaded but not yet counted).
    var bitcount = 0
    /// Zero bits appended beyond the input; they sit at the top of the counted bits.
    var padBits = 0

    init(base: UnsafePointer<UInt8>, count: Int) {
        self.base = base
        self.end = count
    }

    /// True once a consumed bit came from padding rather than the input.
    @inline(__always) var overran: Bool { bitcount < padBits }

    /// Offset of the byte holding the next unread bit, for error messages.
    var offset: Int { max(0, min(end, pos - (bitcount - padBits + 7) / 8)) }

    @inline(__always)
    mutating func refill() {
        if pos &+ 8 <= end {
            // Branch-free refill: load 8 bytes, keep whole bytes that fit. Bits above `bitcount`
            // may already hold the same bytes from the previous load, so OR-ing is harmless.
            let word = UInt64(littleEndian: UnsafeRawPointer(base + pos).loadUnaligned(as: UInt64.self))
            bitbuf |= word &<< UInt64(bitcount)
            pos &+= (63 &- bitcount) &>> 3
            bitcount |= 56
        } else {
            refillSlow()
        }
    }

    @inline(never)
    mutating func refillSlow() {
        while bitcount <= 56 {
            if pos < end {
                bitbuf |= UInt64(base[pos]) &<< UInt64(bitcount)
                pos += 1
            } else {
                padBits += 8
            }
            bitcount += 8
        }
    }

    /// The next `n` bits (n <= 32) without consuming them; the caller refilled.
    @inline(__always)
    func peek(_ n: Int) -> UInt32 {
        UInt32(truncatingIfNeeded: bitbuf & ((1 &<< UInt64(n)) &- 1))
    }

    @inline(__always)
    mutating func consume(_ n: Int) {
        bitbuf &>>= UInt64(n)
        bitcount &-= n
    }

    /// Refills if fewer than `n` bits remain, then takes `n` bits (n <= 32).
    @inline(__always)
    mutating func take(_ n: Int) -> UInt32 {
        if bitcount < n { refill() }
        let v = peek(n)
        consume(n)
        return v
    }

    /// Skips to the next byte boundary and hands back to the input the whole bytes still buffered,
    /// so stored blocks and trailers can be read straight from memory.
    /// - Returns: false when padding was consumed (the input was truncated).
    mutating func alignToByte() -> Bool {
        consume(bitcount & 7)
        let unread = (bitcount - padBits) / 8
        if unread < 0 { return false }
        pos -= unread
        bitbuf = 0
        bitcount = 0
        padBits = 0
        return true
    }
}

/// The inflater's output: one growing buffer holding everything produced so far, which is also
/// the window that back-references copy from. Growth stops at the caller's limit.
struct InflateOutput {
    /// Bytes past `capacity` that the 8-byte match copier may scribble on.
    static let slack = 64
    var base: UnsafeMutablePointer<UInt8>
    var count = 0
    /// Bytes that may be written before growing; the allocation is `capacity + slack`.
    var capacity: Int
    let limit: Int

    /// The first allocation never exceeds this, whatever the hint says: a lying size field in
    /// a header must not reserve gigabytes before a single byte is decoded.
    static let maxInitialCapacity = 64 << 20

    /// False when `base` is the caller's buffer (see `init(into:limit:)`), which we never free.
    let owned: Bool

    init(initialCapacity: Int, limit: Int) {
        // Keep `limit + slack` and `count + length` far from overflow whatever the caller passes.
        self.limit = max(0, min(limit, Int.max >> 2))
        capacity = max(0, min(initialCapacity, self.limit, Self.maxInitialCapacity))
        base = .allocate(capacity: capacity + Self.slack)
        owned = true
    }

    /// Writes into the caller's buffer, which must hold `limit + slack` bytes; never grows.
    init(into buffer: UnsafeMutablePointer<UInt8>, limit: Int) {
        self.limit = limit
        capacity = limit
        base = buffer
        owned = false
    }

    /// Makes room for `needed` bytes in total.
    /// - Returns: false when that would exceed `limit`.
    mutating func grow(toHold needed: Int) -> Bool {
        if needed > limit || !owned { return false }
        let newCapacity = min(limit, max(needed, capacity > limit / 2 ? limit : capacity * 2, 4096))
        let fresh = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity + Self.slack)
        fresh.update(from: base, count: count)
        base.deallocate()
        base = fresh
        capacity = newCapacity
        return true
    }

    func array() -> [UInt8] { Array(UnsafeBufferPointer(start: base, count: count)) }

    func free() { if owned { base.deallocate() } }
}
