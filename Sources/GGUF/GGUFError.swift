// The one error type of the GGUF module (reader and writer). Cases carry the facts; only
// `description` turns them into English, so callers and tests match cases, never prose.
import Posix

/// Everything that can go wrong reading or writing a GGUF file.
public enum GGUFError: Error, CustomStringConvertible, Sendable, Equatable {
    /// Opening, mapping or writing the file failed; the text is the system's.
    case io(String)
    /// The first four bytes are not "GGUF"; `found` is them read as a little-endian UInt32.
    case badMagic(found: UInt32)
    /// The version field only makes sense byte-swapped: a big-endian file on a little-endian host.
    case byteSwapped(version: UInt32)
    /// Version 0 or 1 (GGUFv1 used 32-bit counts and is no longer written by anyone).
    case obsoleteVersion(UInt32)
    /// A version newer than this reader knows.
    case futureVersion(found: UInt32, supported: UInt32)
    /// The file ends inside `what`: `needed` bytes at `offset`, only `remaining` left.
    case truncated(what: String, offset: Int, needed: Int, remaining: Int)
    /// The tensor count cannot fit in the bytes that follow (each tensor info takes at least 24).
    case tooManyTensors(count: UInt64, remaining: Int)
    /// The key-value count cannot fit in the bytes that follow (each pair takes at least 13).
    case tooManyKeys(count: UInt64, remaining: Int)
    /// A string's length prefix points past the end of the file.
    case stringTooLong(key: String, length: UInt64, remaining: Int, offset: Int)
    /// An array's element count cannot fit in the bytes that follow.
    case arrayTooLong(key: String, count: UInt64, remaining: Int, offset: Int)
    /// Arrays nested deeper than the reader allows (a guard against stack exhaustion).
    case arrayTooDeep(key: String, depth: Int)
    /// A metadata key of zero length (index in file order).
    case emptyKey(index: Int)
    /// The same metadata key appears twice.
    case duplicateKey(String)
    /// The same tensor name appears twice.
    case duplicateTensor(String)
    /// A metadata value type id outside 0...12.
    case unknownValueType(id: UInt32, key: String)
    /// A tensor type id that ggml does not define (or has removed).
    case unknownTensorType(id: UInt32, tensor: String)
    /// More than four dimensions (ggml's GGML_MAX_DIMS).
    case tooManyDimensions(tensor: String, count: UInt32, limit: Int)
    /// A dimension stored as a negative int64.
    case badDimension(tensor: String, index: Int, value: Int64)
    /// The element count or byte size of a tensor overflows.
    case tensorTooLarge(tensor: String, dims: [Int])
    /// The row length (ne[0]) is not a multiple of the type's block size.
    case rowNotBlockAligned(tensor: String, rowLength: Int, blockSize: Int, type: String)
    /// A tensor offset (relative to the data section) that is not a multiple of the alignment.
    case misalignedTensor(tensor: String, offset: UInt64, alignment: Int)
    /// A tensor's bytes would extend past the end of the file; `offset` is the absolute file offset.
    case tensorOutOfBounds(name: String, offset: UInt64, size: Int, fileSize: Int)
    /// `general.alignment` is not a power of two (zero included).
    case badAlignment(UInt64)
    /// A required key is absent.
    case missingKey(String)
    /// A key holds a value of another type than the caller asked for.
    case wrongType(key: String, expected: String, found: String)
    /// A value does not fit the requested Swift type (e.g. a uint64 above Int.max).
    case valueOutOfRange(key: String, value: String, target: String)
    /// No tensor of that name.
    case missingTensor(String)
    /// A tensor name of `length` bytes; ggml keeps names in a 64-byte buffer with a NUL.
    case nameTooLong(name: String, length: Int, limit: Int)
    /// A writer's tensor producer wrote a different number of bytes than the type and dims imply.
    case tensorDataMismatch(name: String, expected: Int, written: Int)
    /// An array built from mixed element types.
    case mixedArray(expected: String, found: String)

    public var description: String {
        switch self {
        case let .io(text):
            return text
        case let .badMagic(found):
            let bytes = (0..<4).map { UInt8(truncatingIfNeeded: found >> ($0 * 8)) }
            let shown = bytes.map { (32...126).contains($0) ? String(UnicodeScalar($0)) : "\\x" + hex($0) }
            return "not a GGUF file: magic is '\(shown.joined())', expected 'GGUF'"
        case let .byteSwapped(version):
            return "GGUF version field is 0x\(String(version, radix: 16)): the file looks big-endian "
                + "(byte-swapped); this build reads little-endian GGUF only"
        case let .obsoleteVersion(version):
            if version == 0 { return "GGUF version 0 is not a valid version" }
            return "file is GGUF version \(version), which is obsolete; convert it with a current llama.cpp"
        case let .futureVersion(found, supported):
            return "file is version \(found); this build supports up to \(supported)"
        case let .truncated(what, offset, needed, remaining):
            return "file truncated in \(what) at offset \(offset): needs \(needed) bytes, \(remaining) left"
        case let .tooManyTensors(count, remaining):
            return "tensor count \(count) cannot fit in the \(remaining) bytes left in the file"
        case let .tooManyKeys(count, remaining):
            return "metadata key count \(count) cannot fit in the \(remaining) bytes left in the file"
        case let .stringTooLong(key, length, remaining, offset):
            return "string in '\(key)' at offset \(offset) claims \(length) bytes, only \(remaining) left in the file"
        case let .arrayTooLong(key, count, remaining, offset):
            return "array '\(key)' at offset \(offset) claims \(count) elements, cannot fit in the \(remaining) bytes left"
        case let .arrayTooDeep(key, depth):
            return "array '\(key)' is nested \(depth) levels deep; the limit is \(MetadataArray.maxDepth)"
        case let .emptyKey(index):
            return "metadata key #\(index) is empty"
        case let .duplicateKey(key):
            return "duplicate metadata key '\(key)'"
        case let .duplicateTensor(name):
            return "duplicate tensor name '\(name)'"
        case let .unknownValueType(id, key):
            return "metadata '\(key)' has unknown value type id \(id) (known: 0...12)"
        case let .unknownTensorType(id, tensor):
            return "tensor '\(tensor)' has unknown ggml type id \(id)"
        case let .tooManyDimensions(tensor, count, limit):
            return "tensor '\(tensor)' has \(count) dimensions; ggml allows at most \(limit)"
        case let .badDimension(tensor, index, value):
            return "tensor '\(tensor)' dimension \(index) is \(value); dimensions must be non-negative"
        case let .tensorTooLarge(tensor, dims):
            return "tensor '\(tensor)' with dims \(dims) is too large: its size overflows"
        case let .rowNotBlockAligned(tensor, rowLength, blockSize, type):
            return "tensor '\(tensor)' of type \(type) has rows of \(rowLength) elements, "
                + "not a multiple of the block size \(blockSize)"
        case let .misalignedTensor(tensor, offset, alignment):
            return "tensor '\(tensor)' has data offset \(offset), not a multiple of the alignment \(alignment)"
        case let .tensorOutOfBounds(name, offset, size, fileSize):
            return "tensor '\(name)' at file offset \(offset) with \(size) bytes extends past the end of "
                + "the file (\(fileSize) bytes)"
        case let .badAlignment(value):
            return "general.alignment is \(value); it must be a power of two"
        case let .missingKey(key):
            return "missing metadata key '\(key)'"
        case let .wrongType(key, expected, found):
            return "metadata '\(key)' is \(found), expected \(expected)"
        case let .valueOutOfRange(key, value, target):
            return "metadata '\(key)' value \(value) does not fit in \(target)"
        case let .missingTensor(name):
            return "no tensor named '\(name)'"
        case let .nameTooLong(name, length, limit):
            return "tensor name '\(name)' is \(length) bytes; ggml allows at most \(limit)"
        case let .tensorDataMismatch(name, expected, written):
            return "tensor '\(name)' needs \(expected) bytes of data but its producer wrote \(written)"
        case let .mixedArray(expected, found):
            return "array elements must share one type: expected \(expected), found \(found)"
        }
    }

    /// Wraps a Posix failure (open, mmap) in the module's error.
    static func wrapping(_ error: Error) -> GGUFError {
        if let e = error as? GGUFError { return e }
        if let e = error as? PosixError { return .io(e.description) }
        return .io(String(describing: error))
    }
}

private func hex(_ b: UInt8) -> String {
    let s = String(b, radix: 16)
    return s.count == 1 ? "0" + s : s
}
