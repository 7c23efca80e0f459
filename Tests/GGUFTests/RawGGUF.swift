// A test-side GGUF byte builder with no validation at all, so tests can write exactly the broken
// files they need (duplicate keys, bad type ids, lying lengths). Product code never uses it.

/// One metadata entry as raw fields: the type id is written verbatim, `payload` follows it.
struct RawKV {
    var key: String
    var type: UInt32
    var payload: [UInt8]

    static func string(_ key: String, _ value: String) -> RawKV {
        RawKV(key: key, type: 8, payload: RawGGUF.encodeString(value))
    }

    static func uint32(_ key: String, _ value: UInt32) -> RawKV {
        RawKV(key: key, type: 4, payload: RawGGUF.le(value))
    }
}

/// One tensor info as raw fields; `nDims` defaults to `dims.count`.
struct RawTensor {
    var name: String
    var dims: [Int64]
    var type: UInt32
    var offset: UInt64
    var nDims: UInt32? = nil
}

/// A whole file, laid out like GGUF v3: header, kvs, infos, padding, data.
struct RawGGUF {
    var magic: [UInt8] = Array("GGUF".utf8)
    var version: UInt32 = 3
    var tensorCount: UInt64? = nil   // nil: the real count
    var kvCount: UInt64? = nil       // nil: the real count
    var kvs: [RawKV] = [.string("general.architecture", "test")]
    var tensors: [RawTensor] = [
        RawTensor(name: "a", dims: [4, 2], type: 0, offset: 0),     // F32, 32 bytes
        RawTensor(name: "b", dims: [32], type: 8, offset: 32),      // Q8_0, one 34-byte block
    ]
    var alignment = 32
    var dataBytes = 66

    /// The encoded file.
    func bytes() -> [UInt8] {
        var out = magic
        out += Self.le(version)
        out += Self.le(tensorCount ?? UInt64(tensors.count))
        out += Self.le(kvCount ?? UInt64(kvs.count))
        for kv in kvs {
            out += Self.encodeString(kv.key)
            out += Self.le(kv.type)
            out += kv.payload
        }
        for t in tensors {
            out += Self.encodeString(t.name)
            out += Self.le(t.nDims ?? UInt32(t.dims.count))
            for d in t.dims { out += Self.le(d) }
            out += Self.le(t.type)
            out += Self.le(t.offset)
        }
        while out.count % alignment != 0 { out.append(0) }
        out += (0..<dataBytes).map { UInt8(truncatingIfNeeded: $0) }
        return out
    }

    static func le<T: FixedWidthInteger>(_ v: T) -> [UInt8] {
        withUnsafeBytes(of: v.littleEndian) { Array($0) }
    }

    static func encodeString(_ s: String) -> [UInt8] {
        le(UInt64(s.utf8.count)) + Array(s.utf8)
    }
}
