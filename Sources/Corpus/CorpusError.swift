// The Corpus module's one error type: every extractor and container reader throws a
// `CorpusError`; the ingest report shows `description`. Cases carry data; the English prose lives only in `description`.

import XML

/// Errors raised while reading documents and the containers they come in.
///
/// Callers and tests match the case (and its typed reason), never the prose in `description`.
/// Add new extractors' cases in their own `// MARK:` section.
public enum CorpusError: Error, CustomStringConvertible, Sendable, Equatable {
    // MARK: Files

    /// The file is larger than the configured limit.
    case tooLarge(path: String, size: Int64, limit: Int64)
    /// The bytes do not look like text (NUL bytes or mostly control characters).
    case binaryContent(path: String)
    /// The file changed size or time while we read it; the caller retries later.
    case changedWhileReading(path: String)
    /// No extractor handles this file type.
    case unsupported(path: String, reason: String)
    /// A read failed (permissions, vanished file...).
    case unreadable(path: String, reason: String)
    /// The content is malformed for its format (a format without a section of its own below).
    case malformed(format: String, reason: String)

    // MARK: Deflate, zlib and gzip streams

    /// The compressed data is malformed. `offset` is the byte offset in the compressed input
    /// where the problem was noticed; `entry` names the ZIP entry when the data came from one.
    case inflate(reason: InflateFailure, offset: Int, entry: String?)
    /// A stored checksum (Adler-32, CRC-32) or length (gzip ISIZE) does not match the data.
    case checksumMismatch(kind: ChecksumKind, expected: UInt32, actual: UInt32, entry: String?)
    /// Decompressing would produce more than `limit` bytes (the caller's `maxOutput`).
    case outputLimit(limit: Int)

    // MARK: ZIP archives

    /// The archive's structure is broken; `entry` is nil when the problem is archive-wide.
    case zipCorrupt(reason: ZipFailure, entry: String?)
    /// The entry declares more uncompressed bytes than `ZipLimits.maxEntrySize` allows.
    case zipBomb(entry: String, declared: Int, limit: Int)
    /// The entry's declared expansion ratio (uncompressed / compressed) exceeds `ZipLimits.maxRatio`.
    case ratioExceeded(entry: String, ratio: Int, limit: Int)
    /// Reading this entry would take the archive's total output past `ZipLimits.maxTotalSize`.
    case totalSizeExceeded(entry: String, total: Int, limit: Int)
    /// The entry's data decompresses to a size other than the one its header declares.
    /// `actual` is a lower bound when the data would have produced more than `declared`.
    case sizeMismatch(entry: String, declared: Int, actual: Int)
    /// The entry uses a compression method this reader does not implement (e.g. 12 = bzip2).
    case unsupportedCompression(method: Int, entry: String)
    /// The entry is encrypted (traditional PKWARE, AES or strong encryption); we never decrypt.
    case encrypted(entry: String)

    // MARK: HTML and XML

    /// libxml2 could not give a usable tree: an empty document, or (XML) one that is not
    /// well-formed even in recover mode, or that expands entities or nests too far.
    case markup(path: String, error: XMLError)

    // MARK: PDF

    /// No `%PDF-` header in the first 1024 bytes: not a PDF file.
    case pdfHeaderMissing
    /// The file is encrypted and cannot be opened without a password, or uses a security
    /// handler we do not implement (only the standard handler, RC4 and AES-128, is supported).
    case pdfEncrypted(reason: PDFEncryptionFailure)
    /// The file's structure is broken beyond what the reader can repair.
    case pdfMalformed(reason: PDFFailure)
    /// Reading the file would pass one of `PDFLimits` (a hostile or pathological file).
    case pdfLimit(kind: PDFLimitKind, limit: Int)
    /// The file opened, but none of its `pages` yields text (scans, or fonts with no Unicode mapping).
    case pdfNoText(pages: Int, reason: PDFNoTextReason)

    // MARK: Office

    /// The file is an OLE2 compound file (magic D0 CF 11 E0), not a ZIP package: a
    /// password-protected OOXML file (`encrypted`: it holds an EncryptedPackage stream) or a
    /// legacy binary .doc/.xls/.ppt. Neither is supported.
    case officeCompoundFile(format: OfficeFormat, encrypted: Bool)
    /// A part the format cannot do without is absent (`part` as named in the package).
    case officePartMissing(format: OfficeFormat, part: String)
    /// A part's XML could not be parsed, even in recover mode where that applies.
    case officePartMalformed(format: OfficeFormat, part: String, error: XMLError)
    /// The package holds another kind of document: `found` is the content type or mimetype it
    /// declares (a .docx that is really a workbook, an ODF drawing, an EPUB that is not one).
    case officeWrongType(format: OfficeFormat, found: String)
    /// Content is encrypted (e-book DRM): `part` is listed in META-INF/encryption.xml with `method`.
    case officeEncrypted(format: OfficeFormat, part: String, method: String)
    /// The package's structure is broken in a way that no single part explains.
    case officeMalformed(format: OfficeFormat, reason: OfficeFailure)

    public var description: String {
        switch self {
        case let .tooLarge(path, size, limit):
            return "\(path): \(size) bytes exceeds the file size limit of \(limit) bytes"
        case let .binaryContent(path):
            return "\(path): binary content, not text"
        case let .changedWhileReading(path):
            return "\(path): changed while being read"
        case let .unsupported(path, reason):
            return "\(path): unsupported (\(reason))"
        case let .unreadable(path, reason):
            return "\(path): cannot read (\(reason))"
        case let .malformed(format, reason):
            return "malformed \(format): \(reason)"
        case let .inflate(reason, offset, entry):
            return "corrupt compressed data\(Self.inEntry(entry)) at input offset \(offset): \(reason)"
        case let .checksumMismatch(kind, expected, actual, entry):
            return "\(kind) mismatch\(Self.inEntry(entry)): stored \(Self.hex(expected)), computed \(Self.hex(actual))"
        case let .outputLimit(limit):
            return "decompressed data exceeds the limit of \(limit) bytes"
        case let .zipCorrupt(reason, entry):
            return "corrupt ZIP archive\(Self.inEntry(entry)): \(reason)"
        case let .zipBomb(entry, declared, limit):
            return "ZIP entry '\(entry)' declares \(declared) bytes, more than the limit of \(limit)"
        case let .ratioExceeded(entry, ratio, limit):
            return "ZIP entry '\(entry)' expands \(ratio):1, more than the limit of \(limit):1"
        case let .totalSizeExceeded(entry, total, limit):
            return "reading ZIP entry '\(entry)' brings the archive's output to \(total) bytes, more than the limit of \(limit)"
        case let .sizeMismatch(entry, declared, actual):
            return "ZIP entry '\(entry)' declares \(declared) bytes but its data holds \(actual)"
        case let .unsupportedCompression(method, entry):
            return "ZIP entry '\(entry)' uses compression method \(method) (\(ZipFailure.methodName(method))), which is not supported"
        case let .encrypted(entry):
            return "ZIP entry '\(entry)' is encrypted"
        case let .markup(path, error):
            return "\(path): \(error)"
        case .pdfHeaderMissing:
            return "not a PDF file (no %PDF- header in the first 1024 bytes)"
        case let .pdfEncrypted(reason):
            return "PDF is encrypted (password needed or unsupported security handler): \(reason)"
        case let .pdfMalformed(reason):
            return "malformed PDF: \(reason)"
        case let .pdfLimit(kind, limit):
            return "PDF refused: \(kind) exceeds the limit of \(limit)"
        case let .pdfNoText(pages, reason):
            return "PDF has \(pages) page\(pages == 1 ? "" : "s") but no extractable text (\(reason))"
        case let .officeCompoundFile(format, encrypted):
            return encrypted
                ? "\(format) file is password-protected (an encrypted OLE2 package), not supported"
                : "not a \(format) package: an OLE2 compound file, i.e. encrypted or legacy .doc/.xls/.ppt binary format, not supported"
        case let .officePartMissing(format, part):
            return "\(format) package has no part '\(part)'"
        case let .officePartMalformed(format, part, error):
            return "\(format) part '\(part)' is not well-formed XML: \(error)"
        case let .officeWrongType(format, found):
            return "not a \(format) document: the package declares '\(found)'"
        case let .officeEncrypted(format, part, method):
            return "\(format) content '\(part)' is encrypted (\(method)); DRM-protected files are not supported"
        case let .officeMalformed(format, reason):
            return "malformed \(format) package: \(reason)"
        }
    }

    private static func inEntry(_ entry: String?) -> String {
        entry.map { " in entry '\($0)'" } ?? ""
    }

    private static func hex(_ v: UInt32) -> String {
        let s = String(v, radix: 16)
        return "0x" + String(repeating: "0", count: max(0, 8 - s.count)) + s
    }
}

/// Why a deflate, zlib or gzip stream was rejected.
public enum InflateFailure: Equatable, Sendable, CustomStringConvertible {
    /// The input ended before the final block (or the wrapper's header or trailer) did.
    case truncated
    /// A block header has type 3, which RFC 1951 reserves.
    case invalidBlockType
    /// A stored block's LEN is not the one's complement of NLEN.
    case storedLengthMismatch
    /// A dynamic block declares more than 286 literal/length or 30 distance codes.
    case tooManyCodes
    /// A set of code lengths assigns more codes than the bit lengths can hold.
    case oversubscribed(HuffmanAlphabet)
    /// A set of code lengths leaves codes unassigned (only a lone 1-bit code may do so).
    case incomplete(HuffmanAlphabet)
    /// Code-length repeat 16 came first, with no previous length to repeat.
    case repeatWithoutPrevious
    /// Code-length repeats run past the number of literal/length plus distance codes.
    case codeLengthsOverflow
    /// The literal/length code has no end-of-block symbol (256).
    case missingEndOfBlock
    /// A decoded symbol is not valid: literal/length 286-287, distance 30-31, or an unused code.
    case invalidSymbol(HuffmanAlphabet)
    /// A match refers further back than the data produced so far.
    case distanceTooFarBack(distance: Int, available: Int)
    /// zlib header: the FCHECK bits do not make the header a multiple of 31.
    case zlibCheckBits
    /// zlib or gzip header: the compression method is not 8 (deflate).
    case unknownMethod(Int)
    /// zlib header: the window size exceeds 32 KiB (CINFO > 7).
    case zlibWindowTooLarge(cinfo: Int)
    /// zlib header: a preset dictionary is required; we have none.
    case zlibPresetDictionary
    /// gzip header: the magic bytes are not 1f 8b.
    case gzipMagic
    /// gzip header: reserved flag bits are set.
    case gzipReservedFlags

    public var description: String {
        switch self {
        case .truncated: return "the stream ends early"
        case .invalidBlockType: return "invalid block type 3"
        case .storedLengthMismatch: return "stored block length does not match its complement"
        case .tooManyCodes: return "too many literal/length or distance codes"
        case let .oversubscribed(a): return "over-subscribed \(a) code"
        case let .incomplete(a): return "incomplete \(a) code"
        case .repeatWithoutPrevious: return "code-length repeat with no previous length"
        case .codeLengthsOverflow: return "code-length repeat runs past the declared codes"
        case .missingEndOfBlock: return "no end-of-block code"
        case let .invalidSymbol(a): return "invalid \(a) symbol"
        case let .distanceTooFarBack(d, n): return "distance \(d) reaches before the start of the output (\(n) bytes)"
        case .zlibCheckBits: return "zlib header check bits are wrong"
        case let .unknownMethod(m): return "compression method \(m) is not deflate"
        case let .zlibWindowTooLarge(c): return "zlib window size field \(c) is larger than 7"
        case .zlibPresetDictionary: return "zlib stream needs a preset dictionary"
        case .gzipMagic: return "not a gzip stream (bad magic bytes)"
        case .gzipReservedFlags: return "gzip header has reserved flag bits set"
        }
    }
}

/// The three Huffman alphabets of a deflate block, named in code errors.
public enum HuffmanAlphabet: String, Equatable, Sendable, CustomStringConvertible {
    case codeLength = "code-length"
    case literalLength = "literal/length"
    case distance = "distance"
    public var description: String { rawValue }
}

/// Which stored check failed.
public enum ChecksumKind: String, Equatable, Sendable, CustomStringConvertible {
    case adler32 = "Adler-32"
    case crc32 = "CRC-32"
    /// gzip's ISIZE: the uncompressed length modulo 2^32.
    case gzipSize = "gzip size"
    public var description: String { rawValue }
}

/// Why a ZIP archive or one of its entries was rejected as structurally broken.
public enum ZipFailure: Equatable, Sendable, CustomStringConvertible {
    /// No end-of-central-directory record in the last 65,557 bytes: not a ZIP file.
    case endOfCentralDirectoryNotFound
    /// The ZIP64 locator or end-of-central-directory record is missing or malformed.
    case zip64RecordInvalid
    /// The central directory's declared offset and size fall outside the file.
    case centralDirectoryOutOfBounds
    /// The declared entry count cannot fit in the central directory's declared size.
    case entryCountOverflow(count: UInt64)
    /// A central directory record is cut short or has a bad signature.
    case centralDirectoryTruncated(index: Int)
    /// A ZIP64 extra field is missing a value or is shorter than it must be.
    case zip64ExtraInvalid
    /// The entry's local header lies outside the file or has a bad signature.
    case localHeaderInvalid
    /// The local header disagrees with the central directory on `field`.
    case localHeaderMismatch(field: String)
    /// The entry's compressed data runs past the end of the file or into the central directory.
    case dataOutOfBounds

    public var description: String {
        switch self {
        case .endOfCentralDirectoryNotFound: return "end of central directory record not found"
        case .zip64RecordInvalid: return "ZIP64 end of central directory record is invalid"
        case .centralDirectoryOutOfBounds: return "central directory lies outside the file"
        case let .entryCountOverflow(n): return "\(n) entries cannot fit in the central directory"
        case let .centralDirectoryTruncated(i): return "central directory record \(i) is truncated or has a bad signature"
        case .zip64ExtraInvalid: return "ZIP64 extra field is invalid"
        case .localHeaderInvalid: return "local file header is missing or outside the file"
        case let .localHeaderMismatch(field): return "local file header disagrees with the central directory on \(field)"
        case .dataOutOfBounds: return "entry data runs past the end of the file"
        }
    }

    /// A readable name for a ZIP compression method number, for error messages.
    static func methodName(_ method: Int) -> String {
        switch method {
        case 0: return "stored"
        case 1: return "shrunk"
        case 6: return "imploded"
        case 8: return "deflate"
        case 9: return "deflate64"
        case 12: return "bzip2"
        case 14: return "LZMA"
        case 93: return "Zstandard"
        case 95: return "xz"
        case 98: return "PPMd"
        case 99: return "WinZip AES"
        default: return "unknown"
        }
    }
}
