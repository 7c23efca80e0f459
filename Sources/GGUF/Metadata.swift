// The key-value section of a GGUF file: keys in file order and typed accessors that throw
// `missingKey` / `wrongType` with the key name, so model loaders can state what they need tersely.

/// The metadata of a GGUF file (or of one being written), keys kept in insertion order.
public struct Metadata: Sendable, Equatable {
    /// Keys in file order.
    public private(set) var keys: [String] = []
    private var values: [String: MetadataValue] = [:]

    /// Empty metadata (for writers).
    public init() {}

    /// Number of keys.
    public var count: Int { keys.count }

    /// The value for `key`, if present.
    public subscript(key: String) -> MetadataValue? { values[key] }

    /// Whether `key` is present.
    public func contains(_ key: String) -> Bool { values[key] != nil }

    /// Adds a key.
    /// - Throws: `GGUFError.duplicateKey` when it is already present.
    public mutating func add(_ key: String, _ value: MetadataValue) throws {
        if values[key] != nil { throw GGUFError.duplicateKey(key) }
        keys.append(key)
        values[key] = value
    }

    /// The value for `key`.
    /// - Throws: `GGUFError.missingKey`.
    public func value(_ key: String) throws -> MetadataValue {
        guard let v = values[key] else { throw GGUFError.missingKey(key) }
        return v
    }

    // MARK: - Scalars of an exact type

    /// The uint32 at `key` (exact type, as llama.cpp's loader requires for hyperparameters).
    /// - Throws: `.missingKey`, `.wrongType`.
    public func uint32(_ key: String) throws -> UInt32 {
        if case let .uint32(v) = try value(key) { return v }
        throw wrongType(key, "uint32")
    }

    /// The int32 at `key`. - Throws: `.missingKey`, `.wrongType`.
    public func int32(_ key: String) throws -> Int32 {
        if case let .int32(v) = try value(key) { return v }
        throw wrongType(key, "int32")
    }

    /// The uint64 at `key`. - Throws: `.missingKey`, `.wrongType`.
    public func uint64(_ key: String) throws -> UInt64 {
        if case let .uint64(v) = try value(key) { return v }
        throw wrongType(key, "uint64")
    }

    /// The float32 at `key`. - Throws: `.missingKey`, `.wrongType`.
    public func float32(_ key: String) throws -> Float {
        if case let .float32(v) = try value(key) { return v }
        throw wrongType(key, "float32")
    }

    /// The bool at `key`. - Throws: `.missingKey`, `.wrongType`.
    public func bool(_ key: String) throws -> Bool {
        if case let .bool(v) = try value(key) { return v }
        throw wrongType(key, "bool")
    }

    /// The string at `key`. - Throws: `.missingKey`, `.wrongType`.
    public func string(_ key: String) throws -> String {
        if case let .string(v) = try value(key) { return v }
        throw wrongType(key, "string")
    }

    // MARK: - Lenient scalars (converters differ in the integer and float widths they write)

    /// Any integer type at `key`, as Int.
    /// - Throws: `.missingKey`, `.wrongType` (not an integer), `.valueOutOfRange` (uint64 > Int.max).
    public func int(_ key: String) throws -> Int {
        let v = try value(key)
        if let i = v.intValue { return i }
        if case let .uint64(u) = v { throw GGUFError.valueOutOfRange(key: key, value: "\(u)", target: "Int") }
        throw wrongType(key, "an integer")
    }

    /// A float32 or float64 at `key`, as Float. - Throws: `.missingKey`, `.wrongType`.
    public func float(_ key: String) throws -> Float {
        switch try value(key) {
        case let .float32(v): return v
        case let .float64(v): return Float(v)
        default: throw wrongType(key, "a float")
        }
    }

    /// `int(key)`, or `fallback` when the key is absent. - Throws: as `int(_:)` when present.
    public func int(_ key: String, default fallback: Int) throws -> Int {
        contains(key) ? try int(key) : fallback
    }

    /// `float(key)`, or `fallback` when the key is absent. - Throws: as `float(_:)` when present.
    public func float(_ key: String, default fallback: Float) throws -> Float {
        contains(key) ? try float(key) : fallback
    }

    /// `bool(key)`, or `fallback` when the key is absent. - Throws: as `bool(_:)` when present.
    public func bool(_ key: String, default fallback: Bool) throws -> Bool {
        contains(key) ? try bool(key) : fallback
    }

    /// `string(key)`, or `fallback` when the key is absent. - Throws: as `string(_:)` when present.
    public func string(_ key: String, default fallback: String) throws -> String {
        contains(key) ? try string(key) : fallback
    }

    // MARK: - Arrays

    /// The array at `key`, for element-by-element access without decoding the rest.
    /// - Throws: `.missingKey`, `.wrongType`.
    public func array(_ key: String) throws -> MetadataArray {
        if case let .array(a) = try value(key) { return a }
        throw wrongType(key, "an array")
    }

    /// The string array at `key` (e.g. `tokenizer.ggml.tokens`). - Throws: `.missingKey`, `.wrongType`.
    public func strings(_ key: String) throws -> [String] {
        let a = try array(key)
        if let s = a.strings() { return s }
        throw wrongType(key, "array[string]")
    }

    /// An integer array at `key` as [Int] (any integer element type).
    /// - Throws: `.missingKey`, `.wrongType` (also for uint64 elements above Int.max).
    public func ints(_ key: String) throws -> [Int] {
        let a = try array(key)
        if let v = a.ints() { return v }
        throw wrongType(key, "array of integers")
    }

    /// A float array at `key` (e.g. `tokenizer.ggml.scores`). - Throws: `.missingKey`, `.wrongType`.
    public func floats(_ key: String) throws -> [Float] {
        let a = try array(key)
        if let v = a.floats() { return v }
        throw wrongType(key, "array of floats")
    }

    private func wrongType(_ key: String, _ expected: String) -> GGUFError {
        .wrongType(key: key, expected: expected, found: values[key]?.typeName ?? "nothing")
    }
}
