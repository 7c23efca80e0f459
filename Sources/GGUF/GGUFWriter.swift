// Writes GGUF v3 files: metadata of every type, tensor infos, and aligned tensor data streamed
// from producers one tensor at a time, so a multi-gigabyte model never sits in memory at once.
// Writing to a path goes through "<path>.partial" and a rename, so a failure leaves no half file.
import Foundation
import Posix

/// Builds a GGUF file. Add metadata and tensors, then `write(to:)` or `serialize()`.
///
/// The layout is the one llama.cpp and gguf-py write: header, key-values, tensor infos, zero
/// padding to the alignment, then each tensor's bytes padded to the alignment, in the order added.
public struct GGUFWriter {
    /// Writes the bytes of one tensor; called once per write, in tensor order.
    public typealias Producer = (inout TensorSink) throws -> Void

    struct Pending {
        let name: String
        let type: GGMLType
        let dims: [Int]
        let byteCount: Int
        let produce: Producer
    }

    /// ggml keeps tensor names in a 64-byte buffer including the NUL (GGML_MAX_NAME).
    public static let maxNameLength = 63

    /// The metadata written, in order (includes `general.alignment` when it is not 32).
    public private(set) var metadata = Metadata()
    /// Alignment of the data section and of every tensor.
    public private(set) var alignment: Int
    private var tensors: [Pending] = []
    private var names: Set<String> = []

    /// A writer with the given data alignment (a power of two; stored as `general.alignment`
    /// when it differs from the default 32).
    /// - Throws: `GGUFError.badAlignment`.
    public init(alignment: Int = GGUFFile.defaultAlignment) throws {
        guard alignment > 0, alignment & (alignment - 1) == 0, alignment <= Int(UInt32.max) else {
            throw GGUFError.badAlignment(UInt64(clamping: alignment))
        }
        self.alignment = alignment
        if alignment != GGUFFile.defaultAlignment {
            try metadata.add("general.alignment", .uint32(UInt32(alignment)))
        }
    }

    /// Adds a key-value pair. Adding `general.alignment` (a power-of-two uint32) sets the alignment.
    /// - Throws: `.duplicateKey`, `.emptyKey`; for `general.alignment` also `.wrongType`, `.badAlignment`.
    public mutating func add(_ key: String, _ value: MetadataValue) throws {
        if key.isEmpty { throw GGUFError.emptyKey(index: metadata.count) }
        if key == "general.alignment" {
            guard case let .uint32(v) = value else {
                throw GGUFError.wrongType(key: key, expected: "uint32", found: value.typeName)
            }
            if v == 0 || v & (v - 1) != 0 { throw GGUFError.badAlignment(UInt64(v)) }
            try metadata.add(key, value)
            alignment = Int(v)
            return
        }
        try metadata.add(key, value)
    }

    /// Adds a tensor whose bytes are given now.
    /// - Parameter dims: ggml order (ne): `dims[0]` is the row length (reverse of the NumPy shape).
    /// - Throws: `.tensorDataMismatch` when `data.count` is not the size implied by type and dims,
    ///   plus everything `addTensor(name:type:dims:producer:)` throws.
    public mutating func addTensor(name: String, type: GGMLType, dims: [Int], data: [UInt8]) throws {
        let size = try Self.checkedSize(name: name, type: type, dims: dims)
        if data.count != size { throw GGUFError.tensorDataMismatch(name: name, expected: size, written: data.count) }
        try addTensor(name: name, type: type, dims: dims) { sink in try sink.write(data) }
    }

    /// Adds a tensor whose bytes `producer` writes when the file is written (e.g. quantising row
    /// by row from another mapped file). It must write exactly the size implied by type and dims.
    /// - Throws: `.duplicateTensor`, `.nameTooLong`, `.tooManyDimensions`, `.badDimension`,
    ///   `.rowNotBlockAligned`, `.tensorTooLarge`.
    public mutating func addTensor(name: String, type: GGMLType, dims: [Int],
                                   producer: @escaping Producer) throws {
        let size = try Self.checkedSize(name: name, type: type, dims: dims)
        if names.contains(name) { throw GGUFError.duplicateTensor(name) }
        names.insert(name)
        tensors.append(Pending(name: name, type: type, dims: dims, byteCount: size, produce: producer))
    }

    /// Writes the file to `path` (via `path.partial`, renamed into place when complete).
    /// - Throws: `.io` for file-system failures, `.tensorDataMismatch`, or whatever a producer throws.
    public func write(to path: String) throws {
        let partial = path + ".partial"
        guard FileManager.default.createFile(atPath: partial, contents: nil) else {
            throw GGUFError.io("cannot create \(partial)")
        }
        do {
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: partial))
            defer { try? handle.close() }
            let out = Output { chunk in
                guard let base = chunk.baseAddress, chunk.count > 0 else { return }
                let data = Data(bytesNoCopy: UnsafeMutableRawPointer(mutating: base), count: chunk.count,
                                deallocator: .none)
                do { try handle.write(contentsOf: data) } catch {
                    throw GGUFError.io("writing \(partial): \(error.localizedDescription)")
                }
            }
            try emit(to: out)
            try out.flush()
            try handle.synchronize()
            try FileSystem.rename(partial, to: path)
        } catch {
            try? FileSystem.remove(partial)
            throw GGUFError.wrapping(error)
        }
    }

    /// The whole file as bytes (small files and tests).
    /// - Throws: `.tensorDataMismatch` or whatever a producer throws.
    public func serialize() throws -> [UInt8] {
        let box = ByteBox()
        let out = Output { chunk in box.bytes.append(contentsOf: chunk) }
        try emit(to: out)
        try out.flush()
        return box.bytes
    }

    // MARK: - Layout

    private func emit(to out: Output) throws {
        var head: [UInt8] = []
        head.append(contentsOf: Array("GGUF".utf8))
        Self.put(GGUFFile.supportedVersion, &head)
        Self.put(UInt64(tensors.count), &head)
        Self.put(UInt64(metadata.count), &head)
        for key in metadata.keys {
            guard let value = metadata[key] else { continue }
            Self.putString(key, &head)
            Self.put(value.type.rawValue, &head)
            Self.encode(value, &head)
        }
        var offset = 0
        for t in tensors {
            Self.putString(t.name, &head)
            Self.put(UInt32(t.dims.count), &head)
            for d in t.dims { Self.put(Int64(d), &head) }
            Self.put(t.type.rawValue, &head)
            Self.put(UInt64(offset), &head)
            offset += Self.padded(t.byteCount, alignment)
        }
        head.append(contentsOf: [UInt8](repeating: 0, count: Self.padded(head.count, alignment) - head.count))
        try head.withUnsafeBytes { try out.write($0) }

        let zeros = [UInt8](repeating: 0, count: alignment)
        for t in tensors {
            var sink = TensorSink(out: out)
            try t.produce(&sink)
            if sink.written != t.byteCount {
                throw GGUFError.tensorDataMismatch(name: t.name, expected: t.byteCount, written: sink.written)
            }
            let pad = Self.padded(t.byteCount, alignment) - t.byteCount
            try zeros.withUnsafeBytes { try out.write(UnsafeRawBufferPointer(rebasing: $0[0..<pad])) }
        }
    }

    private static func checkedSize(name: String, type: GGMLType, dims: [Int]) throws -> Int {
        let length = name.utf8.count
        if length > maxNameLength { throw GGUFError.nameTooLong(name: name, length: length, limit: maxNameLength) }
        if dims.count > GGUFFile.maxDimensions {
            throw GGUFError.tooManyDimensions(tensor: name, count: UInt32(clamping: dims.count),
                                              limit: GGUFFile.maxDimensions)
        }
        var elements = 1
        for (i, d) in dims.enumerated() {
            if d < 0 { throw GGUFError.badDimension(tensor: name, index: i, value: Int64(d)) }
            let (p, overflow) = elements.multipliedReportingOverflow(by: d)
            if overflow { throw GGUFError.tensorTooLarge(tensor: name, dims: dims) }
            elements = p
        }
        let row = dims.first ?? 1
        if row % type.blockSize != 0 {
            throw GGUFError.rowNotBlockAligned(tensor: name, rowLength: row, blockSize: type.blockSize, type: type.name)
        }
        guard let size = type.byteCount(elements: elements), size <= Int.max - 4096 else {
            throw GGUFError.tensorTooLarge(tensor: name, dims: dims)
        }
        return size
    }

    private static func padded(_ n: Int, _ alignment: Int) -> Int { (n + alignment - 1) / alignment * alignment }

    private static func put<T: FixedWidthInteger>(_ v: T, _ out: inout [UInt8]) {
        withUnsafeBytes(of: v.littleEndian) { out.append(contentsOf: $0) }
    }

    private static func putString(_ s: String, _ out: inout [UInt8]) {
        put(UInt64(s.utf8.count), &out)
        out.append(contentsOf: s.utf8)
    }

    private static func encode(_ value: MetadataValue, _ out: inout [UInt8]) {
        switch value {
        case let .string(s): putString(s, &out)
        case let .array(a): encode(a, &out)
        default: value.appendScalarBytes(to: &out)
        }
    }

    private static func encode(_ a: MetadataArray, _ out: inout [UInt8]) {
        put(a.elementType.rawValue, &out)
        put(UInt64(a.count), &out)
        switch a.storage {
        case let .scalars(bytes):
            out.append(contentsOf: bytes)
        case let .strings(blob, ends):
            var start = 0
            for end in ends {
                put(UInt64(end - start), &out)
                out.append(contentsOf: blob[start..<end])
                start = end
            }
        case let .arrays(children):
            for child in children { encode(child, &out) }
        }
    }
}

/// Where a tensor producer writes its bytes; the writer checks the total afterwards.
public struct TensorSink {
    let out: Output
    /// Bytes written so far for this tensor.
    public private(set) var written = 0

    /// Appends raw bytes.
    /// - Throws: `GGUFError.io` when the file write fails.
    public mutating func write(_ bytes: UnsafeRawBufferPointer) throws {
        try out.write(bytes)
        written += bytes.count
    }

    /// Appends raw bytes. - Throws: `GGUFError.io`.
    public mutating func write(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { try write($0) }
    }

    /// Appends float32 values (F32 tensors). - Throws: `GGUFError.io`.
    public mutating func write(floats: [Float]) throws {
        try floats.withUnsafeBytes { try write($0) }
    }
}

/// A 4 MiB write buffer in front of a flush function, so small writes do not become syscalls.
final class Output {
    private let flushTarget: (UnsafeRawBufferPointer) throws -> Void
    private var buffer: [UInt8] = []
    private let capacity = 1 << 22

    init(_ flushTarget: @escaping (UnsafeRawBufferPointer) throws -> Void) {
        self.flushTarget = flushTarget
        buffer.reserveCapacity(capacity)
    }

    func write(_ bytes: UnsafeRawBufferPointer) throws {
        if buffer.count + bytes.count > capacity { try flush() }
        if bytes.count >= capacity {
            try flushTarget(bytes)  // large tensors go straight through, uncopied
        } else {
            buffer.append(contentsOf: bytes)
        }
    }

    func flush() throws {
        if buffer.isEmpty { return }
        try buffer.withUnsafeBytes { try flushTarget($0) }
        buffer.removeAll(keepingCapacity: true)
    }
}

private final class ByteBox { var bytes: [UInt8] = [] }
