// A bounds-checked safetensors reader over a memory map: the 8-byte header length, the JSON
// header, and every tensor's dtype, shape and byte range validated before any view is handed
// out. Knows nothing of architectures (BERT.swift binds names and shapes).
import JSON
import Posix
import Tensor

/// The element types this reader accepts. Anything else is `ModelError.unsupportedDType`.
public enum SafetensorsDType: String, Sendable, Equatable {
    case f32 = "F32", f16 = "F16", bf16 = "BF16", i64 = "I64"

    /// Bytes per element.
    public var size: Int {
        switch self {
        case .f32: 4
        case .f16, .bf16: 2
        case .i64: 8
        }
    }
}

/// One tensor's entry in the header, validated.
public struct SafetensorsTensor: Sendable, Equatable {
    /// The tensor's name in the header.
    public let name: String
    /// Element type.
    public let dtype: SafetensorsDType
    /// Dimensions, outermost first (row-major, as PyTorch stores them).
    public let shape: [Int]
    /// Absolute byte offset in the file.
    public let offset: Int
    /// product(shape) × dtype size.
    public let byteCount: Int
    /// product(shape).
    public var elementCount: Int { byteCount / dtype.size }
}

/// A mapped (or copied) `.safetensors` file. The bytes live as long as this object; views
/// returned by `bytes(_:)` are valid only that long.
public final class Safetensors: @unchecked Sendable {
    /// A header longer than this is refused before it is parsed. The format's own reference
    /// implementation caps it at 100 MB; real headers are kilobytes (all-MiniLM-L6-v2: 11 KB).
    public static let headerLimit = 100 << 20

    /// The mapped file (or the name given to bytes read from memory), as errors report it.
    public let path: String
    /// Tensors in header order.
    public let tensors: [SafetensorsTensor]
    private let byName: [String: Int]
    /// The whole file; kept valid by `owner`.
    private let fileBytes: UnsafeRawBufferPointer
    /// The `MappedFile` or `OwnedCopy` holding `bytes`.
    private let owner: AnyObject

    /// Maps and validates `path`.
    /// - Throws: `ModelError.io`, `.truncatedHeader`, `.headerTooLarge`, `.headerPastEnd`,
    ///   `.headerNotJSON`, `.badTensorEntry`, `.unsupportedDType`, `.tensorTooLarge`,
    ///   `.tensorOutOfBounds`, `.tensorSizeMismatch`.
    public convenience init(path: String) throws {
        let file: MappedFile
        do { file = try MappedFile(path: path) } catch { throw ModelError.io(path: path, message: "\(error)") }
        try self.init(bytes: file.bytes, owner: file, path: path)
    }

    /// Validates a copy of a whole file held in memory (tests, the fuzzer); `name` stands in for
    /// the path in errors.
    /// - Throws: as `init(path:)`, except `.io`.
    public convenience init(copying source: [UInt8], name: String = "<memory>") throws {
        let copy = OwnedCopy(source)
        try self.init(bytes: copy.bytes, owner: copy, path: name)
    }

    private init(bytes: UnsafeRawBufferPointer, owner: AnyObject, path: String) throws {
        self.path = path
        self.fileBytes = bytes
        self.owner = owner
        guard bytes.count >= 8 else { throw ModelError.truncatedHeader(path: path, fileSize: bytes.count) }
        let length = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: 0, as: UInt64.self))
        if length > UInt64(Self.headerLimit) {
            throw ModelError.headerTooLarge(path: path, length: length, limit: Self.headerLimit)
        }
        if length > UInt64(bytes.count - 8) {
            throw ModelError.headerPastEnd(path: path, length: length, fileSize: bytes.count)
        }
        let dataStart = 8 + Int(length), dataSize = bytes.count - dataStart
        let header: JSONObject
        do {
            guard let object = try JSON.parse(Array(bytes[8..<dataStart])).objectValue else {
                throw ModelError.headerNotJSON(path: path, detail: "the top level is not an object")
            }
            header = object
        } catch let error as ModelError {
            throw error
        } catch {
            throw ModelError.headerNotJSON(path: path, detail: "\(error)")
        }
        var tensors: [SafetensorsTensor] = []
        var byName: [String: Int] = [:]
        for (name, entry) in header where name != "__metadata__" {
            let t = try Self.validate(path, name, entry, dataStart: dataStart, dataSize: dataSize)
            byName[name] = tensors.count
            tensors.append(t)
        }
        self.tensors = tensors
        self.byName = byName
    }

    /// The entry named `name`, or nil.
    public func tensor(_ name: String) -> SafetensorsTensor? {
        byName[name].map { tensors[$0] }
    }

    /// The raw bytes of a tensor (inside the map).
    public func bytes(_ t: SafetensorsTensor) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: fileBytes[t.offset..<(t.offset + t.byteCount)])
    }

    /// A float tensor's elements converted to f32 into `destination` (`t.elementCount` floats).
    /// - Throws: `ModelError.dtype` for I64 tensors.
    public func readFloats(_ t: SafetensorsTensor, into destination: UnsafeMutablePointer<Float>) throws {
        let raw = bytes(t)
        guard let base = raw.baseAddress else { return }
        switch t.dtype {
        case .f32:
            UnsafeMutableRawPointer(destination).copyMemory(from: base, byteCount: t.byteCount)
        case .f16:
            Half.toFloat(src: base, dst: destination, count: t.elementCount)
        case .bf16:
            BFloat16.toFloat(src: base, dst: destination, count: t.elementCount)
        case .i64:
            throw ModelError.dtype(name: t.name, expected: "F32, F16 or BF16", found: t.dtype.rawValue)
        }
    }

    /// Checks one header entry against the data section.
    private static func validate(_ path: String, _ name: String, _ entry: JSON, dataStart: Int,
                                 dataSize: Int) throws -> SafetensorsTensor {
        guard let dtypeName = entry["dtype"]?.stringValue else {
            throw ModelError.badTensorEntry(path: path, tensor: name, field: "dtype")
        }
        guard let dims = entry["shape"]?.arrayValue else {
            throw ModelError.badTensorEntry(path: path, tensor: name, field: "shape")
        }
        var shape: [Int] = []
        for d in dims {
            guard let n = d.intValue else { throw ModelError.badTensorEntry(path: path, tensor: name, field: "shape") }
            shape.append(n)
        }
        guard let offsets = entry["data_offsets"]?.arrayValue, offsets.count == 2,
              let begin = offsets[0].intValue, let end = offsets[1].intValue else {
            throw ModelError.badTensorEntry(path: path, tensor: name, field: "data_offsets")
        }
        guard let dtype = SafetensorsDType(rawValue: dtypeName) else {
            throw ModelError.unsupportedDType(tensor: name, dtype: dtypeName)
        }
        var count = dtype.size
        for d in shape {
            let (product, overflow) = count.multipliedReportingOverflow(by: d)
            if d < 0 || overflow { throw ModelError.tensorTooLarge(tensor: name, shape: shape) }
            count = product
        }
        if begin < 0 || end < begin || end > dataSize {
            throw ModelError.tensorOutOfBounds(tensor: name, begin: begin, end: end, dataSize: dataSize)
        }
        if end - begin != count {
            throw ModelError.tensorSizeMismatch(tensor: name, shape: shape, dtype: dtypeName, bytes: end - begin)
        }
        return SafetensorsTensor(name: name, dtype: dtype, shape: shape, offset: dataStart + begin, byteCount: count)
    }
}

/// A heap copy of exactly the caller's bytes (no slack, so AddressSanitizer sees any overrun),
/// freed with the `Safetensors` that owns it.
private final class OwnedCopy {
    let bytes: UnsafeRawBufferPointer

    init(_ source: [UInt8]) {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: source.count, alignment: 16)
        source.withUnsafeBytes { buffer.copyMemory(from: $0) }
        bytes = UnsafeRawBufferPointer(buffer)
    }

    deinit { bytes.deallocate() }
}
