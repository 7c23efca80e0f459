// The typed reasons carried by CorpusError's PDF cases. English lives only in `description`;
// callers and tests match the case.

/// Why an encrypted PDF could not be opened.
public enum PDFEncryptionFailure: Equatable, Sendable, CustomStringConvertible {
    /// The standard security handler is used, but the empty user password does not open the file.
    case passwordRequired
    /// A security handler other than /Standard (e.g. /Adobe.PubSec certificates).
    case unsupportedHandler(filter: String)
    /// The standard handler with a version or revision we do not implement (e.g. AES-256, V 5 / R 6).
    case unsupportedRevision(v: Int, r: Int)
    /// A crypt filter method other than /V2 (RC4), /AESV2 (AES-128) or /None.
    case unsupportedCryptFilter(method: String)
    /// The /Encrypt dictionary or the trailer's /ID is missing or malformed.
    case invalidDictionary

    public var description: String {
        switch self {
        case .passwordRequired: return "the empty user password does not open it"
        case let .unsupportedHandler(f): return "security handler /\(f) is not supported"
        case let .unsupportedRevision(v, r): return "standard security handler V \(v) R \(r) is not supported"
        case let .unsupportedCryptFilter(m): return "crypt filter method /\(m) is not supported"
        case .invalidDictionary: return "the encryption dictionary is malformed"
        }
    }
}

/// Why a PDF's structure was rejected.
public enum PDFFailure: Equatable, Sendable, CustomStringConvertible {
    /// Neither the cross-reference data nor a scan of the file found a document catalog.
    case noCatalog
    /// The catalog has no usable page tree and no page objects were found.
    case noPages
    /// Nothing after the header parses as a PDF object.
    case noObjects
    /// Arrays or dictionaries nest deeper than the limit (at byte `offset`).
    case nestingTooDeep(offset: Int)

    public var description: String {
        switch self {
        case .noCatalog: return "no document catalog found (cross-reference table and object scan both failed)"
        case .noPages: return "no pages found"
        case .noObjects: return "no objects found after the header"
        case let .nestingTooDeep(offset): return "arrays or dictionaries nest too deeply at byte \(offset)"
        }
    }
}

/// Which `PDFLimits` bound a file passed.
public enum PDFLimitKind: String, Equatable, Sendable, CustomStringConvertible {
    /// Bytes decoded from all streams of the document together.
    case totalDecodedBytes = "total decoded stream bytes"
    /// Bytes decoded from one stream.
    case streamBytes = "one stream's decoded bytes"
    /// One stream's decoded size divided by its encoded size.
    case streamRatio = "one stream's expansion ratio"
    /// Indirect objects loaded.
    case objects = "objects loaded"
    /// Pages in the page tree.
    case pages = "page count"
    /// Content-stream operators interpreted across the document.
    case operators = "content operators"
    public var description: String { rawValue }
}

/// Why a PDF that opened yielded no text.
public enum PDFNoTextReason: Equatable, Sendable, CustomStringConvertible {
    /// No page shows any text: image-only pages (scans) or empty pages.
    case noTextShown
    /// Text is shown only in fonts that map codes to glyphs without any Unicode mapping
    /// (e.g. Type0 / Identity-H without /ToUnicode). `fonts` counts them.
    case fontsWithoutUnicode(fonts: Int)

    public var description: String {
        switch self {
        case .noTextShown: return "no text is drawn; the pages are images or empty"
        case let .fontsWithoutUnicode(n): return "\(n) font\(n == 1 ? "" : "s") without a Unicode mapping"
        }
    }
}
