// The PDF object model (ISO 32000-1 §7.3): the eight basic types plus indirect references and
// streams. Parsing lives in PDFParser; resolving references in PDFFile.

/// An object number and generation (ISO 32000-1 §7.3.10).
struct PDFRef: Hashable, Sendable {
    var num: Int
    var gen: Int
}

/// A stream: its dictionary and its still-encoded bytes (a slice of the file or of a decrypted copy).
struct PDFStream: Sendable {
    var dict: PDFDict
    var raw: ArraySlice<UInt8>
    /// The indirect object holding the stream (decryption keys depend on it, §7.6.2).
    var ref: PDFRef?
}

/// A dictionary, keyed by name without the slash.
struct PDFDict: Sendable {
    var entries: [String: PDFObject] = [:]

    subscript(_ key: String) -> PDFObject? {
        get { entries[key] }
        set { entries[key] = newValue }
    }

    /// The /Type (or another name-valued key) as a string, when it is a direct name.
    func name(_ key: String) -> String? {
        if case let .name(n)? = entries[key] { return n }
        return nil
    }
}

indirect enum PDFObject: Sendable {
    case null
    case bool(Bool)
    case int(Int)
    case real(Double)
    case name(String)
    case string([UInt8])
    case array([PDFObject])
    case dict(PDFDict)
    case stream(PDFStream)
    case ref(PDFRef)

    var int: Int? {
        switch self {
        case let .int(i): return i
        case let .real(r) where r.isFinite && abs(r) < 1e15: return Int(r)
        default: return nil
        }
    }

    var number: Double? {
        switch self {
        case let .int(i): return Double(i)
        case let .real(r) where r.isFinite: return r
        default: return nil
        }
    }

    var name: String? {
        if case let .name(n) = self { return n }
        return nil
    }

    var bytes: [UInt8]? {
        if case let .string(s) = self { return s }
        return nil
    }

    var array: [PDFObject]? {
        if case let .array(a) = self { return a }
        return nil
    }

    /// The dictionary of a dictionary or of a stream.
    var dict: PDFDict? {
        switch self {
        case let .dict(d): return d
        case let .stream(s): return s.dict
        default: return nil
        }
    }

    var stream: PDFStream? {
        if case let .stream(s) = self { return s }
        return nil
    }

    var ref: PDFRef? {
        if case let .ref(r) = self { return r }
        return nil
    }

    var isNull: Bool {
        if case .null = self { return true }
        return false
    }
}
