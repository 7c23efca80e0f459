// A forward-only reader over untrusted little-endian bytes (the mmap of a GGUF file). Every read
// checks the remaining length first, so no count taken from the file can read or allocate past it.

/// Reads fixed-width little-endian values and length-prefixed strings, throwing
/// `GGUFError.truncated` instead of ever reading outside `bytes`.
struct ByteCursor {
    let bytes: UnsafeRawBufferPointer
    private(set) var offset: Int

    init(_ bytes: UnsafeRawBufferPointer, offset: Int = 0) {
        self.bytes = bytes
        self.offset = offset
    }

    var remaining: Int { bytes.count - offset }

    /// Throws unless `count` more bytes are available.
    @inline(__always)
    func need(_ count: Int, _ what: @autoclosure () -> String) throws {
        if count < 0 || count > remaining {
            throw GGUFError.truncated(what: what(), offset: offset, needed: count, remaining: remaining)
        }
    }

    /// Reads one little-endian integer (GGUF is little-endian; so are the hosts we build for).
    @inline(__always)
    mutating func read<T: FixedWidthInteger>(_: T.Type, _ what: @autoclosure () -> String) throws -> T {
        let size = MemoryLayout<T>.size
        try need(size, what())
        // bytes.count > 0 here, so baseAddress is non-nil.
        let v = T(littleEndian: bytes.baseAddress.unsafelyUnwrapped.loadUnaligned(fromByteOffset: offset, as: T.self))
        offset += size
        return v
    }

    mutating func readFloat32(_ what: @autoclosure () -> String) throws -> Float {
        Float(bitPattern: try read(UInt32.self, what()))
    }

    mutating func readFloat64(_ what: @autoclosure () -> String) throws -> Double {
        Double(bitPattern: try read(UInt64.self, what()))
    }

    /// Returns the next `count` bytes without copying and moves past them.
    mutating func take(_ count: Int, _ what: @autoclosure () -> String) throws -> UnsafeRawBufferPointer {
        try need(count, what())
        let slice = UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + count)])
        offset += count
        return slice
    }

    /// Reads a GGUF string (uint64 length, then that many bytes, no terminator) as raw bytes.
    /// - Throws: `.truncated` for the length, `.stringTooLong` when the length exceeds the rest.
    mutating func readStringBytes(_ key: @autoclosure () -> String) throws -> UnsafeRawBufferPointer {
        let at = offset
        let length = try read(UInt64.self, "length of string in '\(key())'")
        if length > UInt64(remaining) {
            throw GGUFError.stringTooLong(key: key(), length: length, remaining: remaining, offset: at)
        }
        return try take(Int(length), key())
    }

    /// Reads a GGUF string and decodes it as UTF-8 (invalid sequences become U+FFFD).
    mutating func readString(_ key: @autoclosure () -> String) throws -> String {
        let raw = try readStringBytes(key())
        return String(decoding: raw, as: UTF8.self)
    }

    /// Moves to an absolute offset inside the buffer.
    mutating func seek(to target: Int, _ what: @autoclosure () -> String) throws {
        if target < 0 || target > bytes.count {
            throw GGUFError.truncated(what: what(), offset: offset, needed: target - offset, remaining: remaining)
        }
        offset = target
    }
}
