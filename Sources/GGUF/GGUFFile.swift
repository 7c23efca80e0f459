// Parses a GGUF v2/v3 file: header, metadata, tensor infos, and where the data section lies.
// Every count and length from the file is checked before use; tensor bytes stay in the mmap.
// Layout ref: ggml/docs/gguf.md — all integers little-endian, strings are uint64 length + bytes.
import Posix

/// A parsed GGUF file whose tensor bytes are read in place (mmap or a caller's buffer).
///
/// The object is immutable after `init`; views it hands out are valid while it is alive.
public final class GGUFFile: @unchecked Sendable {
    /// Highest GGUF version this build reads.
    public static let supportedVersion: UInt32 = 3
    /// Alignment of tensor data when `general.alignment` is absent (GGUF_DEFAULT_ALIGNMENT).
    public static let defaultAlignment = 32
    /// ggml's GGML_MAX_DIMS.
    public static let maxDimensions = 4
    /// "GGUF" read as a little-endian UInt32.
    static let magic: UInt32 = 0x4655_4747

    /// The path it was opened from, if any.
    public let path: String?
    /// GGUF version (2 or 3; they differ from v1 only in 64-bit counts, which is all we read).
    public let version: UInt32
    /// All key-value pairs in file order.
    public let metadata: Metadata
    /// Tensor infos in file order.
    public let tensors: [TensorInfo]
    /// Alignment of the data section and of every tensor offset.
    public let alignment: Int
    /// Absolute offset of the data section (end of the tensor infos, rounded up to `alignment`).
    public let dataOffset: Int
    /// The whole file.
    public let bytes: UnsafeRawBufferPointer

    private let owner: AnyObject?
    private let indexByName: [String: Int]

    /// Maps and parses the file at `path`; nothing but the header pages is read until views are used.
    /// - Throws: `GGUFError.io` when the file cannot be opened or mapped, or any parse error.
    public convenience init(path: String) throws {
        let map: MappedFile
        do { map = try MappedFile(path: path) } catch { throw GGUFError.wrapping(error) }
        try self.init(bytes: map.bytes, owner: map, path: path)
    }

    /// Parses a GGUF image in memory the caller keeps alive for as long as this object.
    /// - Throws: any parse error (see `GGUFError`).
    public convenience init(bytes: UnsafeRawBufferPointer) throws {
        try self.init(bytes: bytes, owner: nil, path: nil)
    }

    /// Parses a copy of `bytes` (for tests and small files).
    /// - Throws: any parse error (see `GGUFError`).
    public convenience init(copying bytes: [UInt8]) throws {
        let owned = OwnedBytes(bytes)
        try self.init(bytes: owned.buffer, owner: owned, path: nil)
    }

    private init(bytes: UnsafeRawBufferPointer, owner: AnyObject?, path: String?) throws {
        self.bytes = bytes
        self.owner = owner
        self.path = path
        var c = ByteCursor(bytes)

        let magic = try c.read(UInt32.self, "magic")
        if magic != Self.magic { throw GGUFError.badMagic(found: magic) }
        let version = try c.read(UInt32.self, "version")
        // A big-endian v2/v3 file reads as 0x02000000/0x03000000 here: low 16 bits all zero.
        if version == 0 { throw GGUFError.obsoleteVersion(0) }
        if version & 0xFFFF == 0 { throw GGUFError.byteSwapped(version: version) }
        if version == 1 { throw GGUFError.obsoleteVersion(1) }
        if version > Self.supportedVersion {
            throw GGUFError.futureVersion(found: version, supported: Self.supportedVersion)
        }
        self.version = version

        let tensorCount = try c.read(UInt64.self, "tensor count")
        let keyCount = try c.read(UInt64.self, "metadata key count")
        // Bound both counts by the smallest encoding of one entry before reserving anything.
        if tensorCount > UInt64(c.remaining / 24) {
            throw GGUFError.tooManyTensors(count: tensorCount, remaining: c.remaining)
        }
        if keyCount > UInt64(c.remaining / 13) {
            throw GGUFError.tooManyKeys(count: keyCount, remaining: c.remaining)
        }

        var metadata = Metadata()
        for i in 0..<Int(keyCount) {
            let key = try c.readString("metadata key #\(i)")
            if key.isEmpty { throw GGUFError.emptyKey(index: i) }
            let typeID = try c.read(UInt32.self, "value type of '\(key)'")
            let value = try Self.readValue(typeID: typeID, key: key, cursor: &c)
            try metadata.add(key, value)
        }
        self.metadata = metadata

        var alignment = Self.defaultAlignment
        if let a = metadata["general.alignment"] {
            guard case let .uint32(v) = a else {
                throw GGUFError.wrongType(key: "general.alignment", expected: "uint32", found: a.typeName)
            }
            if v == 0 || v & (v - 1) != 0 { throw GGUFError.badAlignment(UInt64(v)) }
            alignment = Int(v)
        }
        self.alignment = alignment

        var infos: [TensorInfo] = []
        var relativeOffsets: [UInt64] = []
        var index: [String: Int] = [:]
        infos.reserveCapacity(Int(tensorCount))
        for i in 0..<Int(tensorCount) {
            let (info, offset) = try Self.readTensorInfo(number: i, alignment: alignment, cursor: &c)
            if index[info.name] != nil { throw GGUFError.duplicateTensor(info.name) }
            index[info.name] = infos.count
            infos.append(info)
            relativeOffsets.append(offset)
        }

        // The data section starts at the end of the infos rounded up to the alignment.
        let (padded, overflow) = c.offset.addingReportingOverflow(alignment - 1)
        let dataOffset = overflow ? Int.max : padded / alignment * alignment
        if tensorCount > 0 && dataOffset > bytes.count {
            throw GGUFError.truncated(what: "padding before the data section", offset: c.offset,
                                      needed: dataOffset - c.offset, remaining: c.remaining)
        }
        self.dataOffset = dataOffset
        for (info, relative) in zip(infos, relativeOffsets) {
            let (start, over) = UInt64(dataOffset).addingReportingOverflow(relative)
            if over || start > UInt64(bytes.count) || UInt64(info.byteCount) > UInt64(bytes.count) - start {
                throw GGUFError.tensorOutOfBounds(name: info.name, offset: over ? UInt64.max : start,
                                                  size: info.byteCount, fileSize: bytes.count)
            }
        }
        self.tensors = infos
        self.indexByName = index
    }

    /// The info of the tensor named `name`, if any.
    public func tensor(named name: String) -> TensorInfo? {
        indexByName[name].map { tensors[$0] }
    }

    /// The bytes of `info`, which must come from this file's `tensors` (programmer error otherwise).
    public func view(of info: TensorInfo) -> TensorView {
        precondition(indexByName[info.name].map { tensors[$0] == info } == true, "tensor info from another file")
        let start = dataOffset + info.offset
        return TensorView(info: info, bytes: UnsafeRawBufferPointer(rebasing: bytes[start..<(start + info.byteCount)]))
    }

    /// The bytes of the tensor named `name`.
    /// - Throws: `GGUFError.missingTensor`.
    public func view(named name: String) throws -> TensorView {
        guard let info = tensor(named: name) else { throw GGUFError.missingTensor(name) }
        return view(of: info)
    }

    // MARK: - Parsing pieces

    private static func readTensorInfo(number i: Int, alignment: Int,
                                       cursor c: inout ByteCursor) throws -> (TensorInfo, UInt64) {
        let name = try c.readString("name of tensor #\(i)")
        let nDims = try c.read(UInt32.self, "dimension count of '\(name)'")
        if nDims > UInt32(maxDimensions) {
            throw GGUFError.tooManyDimensions(tensor: name, count: nDims, limit: maxDimensions)
        }
        var dims: [Int] = []
        for d in 0..<Int(nDims) {
            let v = try c.read(Int64.self, "dimension \(d) of '\(name)'")
            if v < 0 { throw GGUFError.badDimension(tensor: name, index: d, value: v) }
            dims.append(Int(v))
        }
        let typeID = try c.read(UInt32.self, "type of '\(name)'")
        guard let type = GGMLType(rawValue: typeID) else {
            throw GGUFError.unknownTensorType(id: typeID, tensor: name)
        }
        let offset = try c.read(UInt64.self, "data offset of '\(name)'")

        // The product is taken with zero dimensions counted as 1: a zero makes the tensor empty
        // (so it fits any file), but TensorInfo's rowCount and rowBytes multiply the other
        // dimensions on their own, and [0, 2^40, 2^40] or [2^62, 0] would overflow there.
        // Found by the gguf fuzz target.
        var bound = 1
        for d in dims {
            let (p, overflow) = bound.multipliedReportingOverflow(by: max(d, 1))
            if overflow { throw GGUFError.tensorTooLarge(tensor: name, dims: dims) }
            bound = p
        }
        let elements = dims.contains(0) ? 0 : bound
        let rowLength = dims.first ?? 1
        if rowLength % type.blockSize != 0 {
            throw GGUFError.rowNotBlockAligned(tensor: name, rowLength: rowLength,
                                               blockSize: type.blockSize, type: type.name)
        }
        guard let byteCount = type.byteCount(elements: elements), type.byteCount(elements: rowLength) != nil else {
            throw GGUFError.tensorTooLarge(tensor: name, dims: dims)
        }
        if offset % UInt64(alignment) != 0 {
            throw GGUFError.misalignedTensor(tensor: name, offset: offset, alignment: alignment)
        }
        let info = TensorInfo(name: name, type: type, dims: dims,
                              offset: Int(clamping: offset), byteCount: byteCount)
        return (info, offset)
    }

    /// Reads one value of type `typeID` (the id has been read already).
    static func readValue(typeID: UInt32, key: String, cursor c: inout ByteCursor) throws -> MetadataValue {
        guard let type = GGUFValueType(rawValue: typeID) else {
            throw GGUFError.unknownValueType(id: typeID, key: key)
        }
        switch type {
        case .uint8: return .uint8(try c.read(UInt8.self, key))
        case .int8: return .int8(try c.read(Int8.self, key))
        case .uint16: return .uint16(try c.read(UInt16.self, key))
        case .int16: return .int16(try c.read(Int16.self, key))
        case .uint32: return .uint32(try c.read(UInt32.self, key))
        case .int32: return .int32(try c.read(Int32.self, key))
        case .uint64: return .uint64(try c.read(UInt64.self, key))
        case .int64: return .int64(try c.read(Int64.self, key))
        case .float32: return .float32(try c.readFloat32(key))
        case .float64: return .float64(try c.readFloat64(key))
        case .bool: return .bool(try c.read(UInt8.self, key) != 0)
        case .string: return .string(try c.readString(key))
        case .array: return .array(try readArray(key: key, depth: 1, cursor: &c))
        }
    }

    /// Reads an array body: element type, count, elements. `depth` is 1 for a top-level array.
    private static func readArray(key: String, depth: Int, cursor c: inout ByteCursor) throws -> MetadataArray {
        if depth > MetadataArray.maxDepth { throw GGUFError.arrayTooDeep(key: key, depth: depth) }
        let typeID = try c.read(UInt32.self, "element type of '\(key)'")
        guard let type = GGUFValueType(rawValue: typeID) else {
            throw GGUFError.unknownValueType(id: typeID, key: key)
        }
        let at = c.offset
        let count64 = try c.read(UInt64.self, "element count of '\(key)'")
        if count64 > UInt64(c.remaining / type.minimumSize) {
            throw GGUFError.arrayTooLong(key: key, count: count64, remaining: c.remaining, offset: at)
        }
        let count = Int(count64)
        switch type {
        case .string:
            var blob: [UInt8] = []
            var ends: [Int] = []
            ends.reserveCapacity(count)
            for _ in 0..<count {
                let s = try c.readStringBytes(key)
                blob.append(contentsOf: s)
                ends.append(blob.count)
            }
            return MetadataArray(elementType: .string, storage: .strings(blob: blob, ends: ends), count: count)
        case .array:
            var children: [MetadataArray] = []
            children.reserveCapacity(count)
            for _ in 0..<count {
                children.append(try readArray(key: key, depth: depth + 1, cursor: &c))
            }
            return MetadataArray(elementType: .array, storage: .arrays(children), count: count)
        default:
            // scalarSize is non-nil for every type but string and array.
            let raw = try c.take(count * (type.scalarSize ?? 1), key)
            return MetadataArray(elementType: type, storage: .scalars(Array(raw)), count: count)
        }
    }
}

/// Heap bytes owned by a `GGUFFile` built with `init(copying:)`.
private final class OwnedBytes {
    let buffer: UnsafeRawBufferPointer

    init(_ bytes: [UInt8]) {
        let b = UnsafeMutableRawBufferPointer.allocate(byteCount: max(bytes.count, 1), alignment: 64)
        bytes.withUnsafeBytes { b.copyMemory(from: $0) }
        buffer = UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(b)[0..<bytes.count])
    }

    deinit { buffer.baseAddress.map { UnsafeMutableRawPointer(mutating: $0).deallocate() } }
}
