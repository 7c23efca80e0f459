// Typed GGUF metadata values. Scalars are plain enum cases; arrays keep a compact copy of their
// bytes (tokenizer vocabularies have 50k–150k strings) and decode elements only when asked.

/// The value type ids of GGUF metadata (gguf.h `enum gguf_type`).
public enum GGUFValueType: UInt32, Sendable, CaseIterable {
    case uint8 = 0, int8 = 1, uint16 = 2, int16 = 3, uint32 = 4, int32 = 5, float32 = 6, bool = 7
    case string = 8, array = 9, uint64 = 10, int64 = 11, float64 = 12

    /// Bytes of one value for fixed-size types; nil for string and array.
    public var scalarSize: Int? {
        switch self {
        case .uint8, .int8, .bool: 1
        case .uint16, .int16: 2
        case .uint32, .int32, .float32: 4
        case .uint64, .int64, .float64: 8
        case .string, .array: nil
        }
    }

    /// The fewest bytes one element of this type can take in a file (used to bound counts).
    var minimumSize: Int {
        switch self {
        case .string: 8           // uint64 length, possibly empty
        case .array: 12           // uint32 element type + uint64 count
        default: scalarSize ?? 1
        }
    }

    /// The gguf spelling, e.g. "uint32".
    public var name: String { String(describing: self) }
}

/// A Swift type that is stored as one fixed-size GGUF scalar (all little-endian).
public protocol GGUFScalar: Sendable {
    /// The GGUF type id this Swift type reads and writes as.
    static var valueType: GGUFValueType { get }
}

extension UInt8: GGUFScalar { public static var valueType: GGUFValueType { .uint8 } }
extension Int8: GGUFScalar { public static var valueType: GGUFValueType { .int8 } }
extension UInt16: GGUFScalar { public static var valueType: GGUFValueType { .uint16 } }
extension Int16: GGUFScalar { public static var valueType: GGUFValueType { .int16 } }
extension UInt32: GGUFScalar { public static var valueType: GGUFValueType { .uint32 } }
extension Int32: GGUFScalar { public static var valueType: GGUFValueType { .int32 } }
extension UInt64: GGUFScalar { public static var valueType: GGUFValueType { .uint64 } }
extension Int64: GGUFScalar { public static var valueType: GGUFValueType { .int64 } }
extension Float: GGUFScalar { public static var valueType: GGUFValueType { .float32 } }
extension Double: GGUFScalar { public static var valueType: GGUFValueType { .float64 } }
extension Bool: GGUFScalar { public static var valueType: GGUFValueType { .bool } }

/// One metadata value.
public enum MetadataValue: Sendable, Equatable {
    case uint8(UInt8), int8(Int8), uint16(UInt16), int16(Int16), uint32(UInt32), int32(Int32)
    case uint64(UInt64), int64(Int64), float32(Float), float64(Double), bool(Bool)
    case string(String)
    case array(MetadataArray)

    /// The GGUF type id of this value.
    public var type: GGUFValueType {
        switch self {
        case .uint8: .uint8
        case .int8: .int8
        case .uint16: .uint16
        case .int16: .int16
        case .uint32: .uint32
        case .int32: .int32
        case .uint64: .uint64
        case .int64: .int64
        case .float32: .float32
        case .float64: .float64
        case .bool: .bool
        case .string: .string
        case .array: .array
        }
    }

    /// A readable type name for messages: "uint32", "array[string]", "array[array[int32]]".
    public var typeName: String {
        if case let .array(a) = self { return a.typeName }
        return type.name
    }

    /// The value as an Int when it is any integer type that fits; nil otherwise.
    public var intValue: Int? {
        switch self {
        case let .uint8(v): Int(v)
        case let .int8(v): Int(v)
        case let .uint16(v): Int(v)
        case let .int16(v): Int(v)
        case let .uint32(v): Int(v)
        case let .int32(v): Int(v)
        case let .uint64(v): Int(exactly: v)
        case let .int64(v): Int(v)
        default: nil
        }
    }
}

/// An array value: `count` elements of one `elementType`, stored compactly.
///
/// Scalars are kept as their little-endian bytes, strings as one UTF-8 blob plus offsets, nested
/// arrays as child arrays. Indexing decodes a single element; `strings()`, `ints()`, `floats()`
/// and `scalars(_:)` decode all at once.
public struct MetadataArray: Sendable, Equatable, RandomAccessCollection {
    /// Deepest nesting the reader accepts (a real file nests at most once; each level is recursion).
    public static let maxDepth = 8

    enum Storage: Sendable, Equatable {
        case scalars([UInt8])                       // [count × scalarSize] little-endian
        case strings(blob: [UInt8], ends: [Int])    // string i = blob[ends[i-1] (or 0) ..< ends[i]]
        case arrays([MetadataArray])
    }

    /// The type of every element.
    public let elementType: GGUFValueType
    let storage: Storage
    public let count: Int

    init(elementType: GGUFValueType, storage: Storage, count: Int) {
        self.elementType = elementType
        self.storage = storage
        self.count = count
    }

    /// An array of fixed-size scalars (integers, floats, bools).
    public init<T: GGUFScalar>(_ values: [T]) {
        elementType = T.valueType
        count = values.count
        if T.self == Bool.self {
            storage = .scalars(values.map { ($0 as? Bool) == true ? UInt8(1) : UInt8(0) })
        } else {
            // Integers and IEEE floats are stored little-endian, the host order on our targets.
            storage = .scalars(values.withUnsafeBytes { Array($0) })
        }
    }

    /// An array of strings.
    public init(strings: [String]) {
        var blob: [UInt8] = []
        var ends: [Int] = []
        ends.reserveCapacity(strings.count)
        for s in strings {
            blob.append(contentsOf: s.utf8)
            ends.append(blob.count)
        }
        elementType = .string
        storage = .strings(blob: blob, ends: ends)
        count = strings.count
    }

    /// An array of arrays (GGUF allows nesting; llama.cpp's own reader does not, so avoid it in models).
    public init(arrays: [MetadataArray]) {
        elementType = .array
        storage = .arrays(arrays)
        count = arrays.count
    }

    /// An array from values that must all have one type.
    /// - Throws: `GGUFError.mixedArray` when types differ.
    public init(values: [MetadataValue]) throws {
        guard let first = values.first else {
            self.init([UInt8]())
            return
        }
        for v in values where v.type != first.type {
            throw GGUFError.mixedArray(expected: first.type.name, found: v.type.name)
        }
        switch first {
        case .string:
            self.init(strings: values.map { if case let .string(s) = $0 { s } else { "" } })
        case .array:
            self.init(arrays: values.compactMap { if case let .array(a) = $0 { a } else { nil } })
        default:
            var bytes: [UInt8] = []
            for v in values { v.appendScalarBytes(to: &bytes) }
            self.init(elementType: first.type, storage: .scalars(bytes), count: values.count)
        }
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int { count }

    /// Element `i`, decoded. Precondition (programmer error): `0 <= i < count`.
    public subscript(i: Int) -> MetadataValue {
        precondition(i >= 0 && i < count, "MetadataArray index out of range")
        switch storage {
        case let .scalars(bytes):
            return bytes.withUnsafeBytes { MetadataValue.scalar(elementType, from: $0, at: i) }
        case .strings:
            return .string(string(at: i) ?? "")
        case let .arrays(children):
            return .array(children[i])
        }
    }

    /// A readable type name, e.g. "array[string]".
    public var typeName: String {
        if case let .arrays(children) = storage, let first = children.first {
            return "array[\(first.typeName)]"
        }
        return "array[\(elementType.name)]"
    }

    /// String `i`, or nil when this is not a string array or `i` is out of range.
    public func string(at i: Int) -> String? {
        withStringBytes(at: i) { String(decoding: $0, as: UTF8.self) }
    }

    /// Calls `body` with the raw bytes of string `i` (tokenizers want bytes, not repaired UTF-8).
    public func withStringBytes<R>(at i: Int, _ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R? {
        guard case let .strings(blob, ends) = storage, i >= 0, i < count else { return nil }
        let start = i == 0 ? 0 : ends[i - 1]
        return try blob.withUnsafeBytes { try body(UnsafeRawBufferPointer(rebasing: $0[start..<ends[i]])) }
    }

    /// All strings, or nil when the elements are not strings.
    public func strings() -> [String]? {
        guard case let .strings(blob, ends) = storage else { return nil }
        return blob.withUnsafeBytes { raw in
            var out: [String] = []
            out.reserveCapacity(count)
            var start = 0
            for end in ends {
                out.append(String(decoding: UnsafeRawBufferPointer(rebasing: raw[start..<end]), as: UTF8.self))
                start = end
            }
            return out
        }
    }

    /// All elements as `T` when the element type is exactly `T`'s GGUF type; nil otherwise.
    public func scalars<T: GGUFScalar>(_: T.Type) -> [T]? {
        guard elementType == T.valueType, case let .scalars(bytes) = storage else { return nil }
        if T.self == Bool.self { return bytes.map { $0 != 0 } as? [T] }
        return bytes.withUnsafeBytes { raw in
            [T](unsafeUninitializedCapacity: count) { buffer, initialized in
                UnsafeMutableRawBufferPointer(buffer).copyMemory(from: raw)
                initialized = count
            }
        }
    }

    /// All elements as Int when they are integers that fit; nil otherwise.
    public func ints() -> [Int]? {
        guard case let .scalars(bytes) = storage, elementType != .float32, elementType != .float64,
              elementType != .bool else { return nil }
        return bytes.withUnsafeBytes { raw in
            var out = [Int]()
            out.reserveCapacity(count)
            for i in 0..<count {
                guard let v = MetadataValue.scalar(elementType, from: raw, at: i).intValue else { return nil }
                out.append(v)
            }
            return out
        }
    }

    /// All elements as Float when they are float32 (copied) or float64 (narrowed); nil otherwise.
    public func floats() -> [Float]? {
        if let f = scalars(Float.self) { return f }
        return scalars(Double.self)?.map { Float($0) }
    }
}

extension MetadataValue {
    /// Decodes scalar `i` of type `type` from little-endian `raw`.
    static func scalar(_ type: GGUFValueType, from raw: UnsafeRawBufferPointer, at i: Int) -> MetadataValue {
        let size = type.scalarSize ?? 1
        let o = i * size
        switch type {
        case .uint8: return .uint8(raw[o])
        case .int8: return .int8(Int8(bitPattern: raw[o]))
        case .bool: return .bool(raw[o] != 0)
        case .uint16: return .uint16(UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: o, as: UInt16.self)))
        case .int16: return .int16(Int16(littleEndian: raw.loadUnaligned(fromByteOffset: o, as: Int16.self)))
        case .uint32: return .uint32(UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: o, as: UInt32.self)))
        case .int32: return .int32(Int32(littleEndian: raw.loadUnaligned(fromByteOffset: o, as: Int32.self)))
        case .uint64: return .uint64(UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: o, as: UInt64.self)))
        case .int64: return .int64(Int64(littleEndian: raw.loadUnaligned(fromByteOffset: o, as: Int64.self)))
        case .float32:
            return .float32(Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: o, as: UInt32.self))))
        case .float64:
            return .float64(Double(bitPattern: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: o, as: UInt64.self))))
        case .string, .array: return .uint8(0) // not scalars; callers never ask
        }
    }

    /// Appends the little-endian bytes of a scalar value (strings and arrays append nothing).
    func appendScalarBytes(to bytes: inout [UInt8]) {
        func put<T: FixedWidthInteger>(_ v: T) {
            withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) }
        }
        switch self {
        case let .uint8(v): put(v)
        case let .int8(v): put(v)
        case let .uint16(v): put(v)
        case let .int16(v): put(v)
        case let .uint32(v): put(v)
        case let .int32(v): put(v)
        case let .uint64(v): put(v)
        case let .int64(v): put(v)
        case let .float32(v): put(v.bitPattern)
        case let .float64(v): put(v.bitPattern)
        case let .bool(v): put(UInt8(v ? 1 : 0))
        case .string, .array: break
        }
    }
}
