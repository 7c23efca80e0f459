// A stream's filter chain (ISO 32000-1 §7.4, Table 6) under the document's decode budget:
// Flate, LZW, ASCIIHex, ASCII85, RunLength and predictors decode; image codecs (DCT, JPX, CCITT,
// JBIG2) are not for text and are skipped, not errors.

/// Bounds on what one PDF may make the reader do. The defaults open every real document we have
/// seen while refusing decompression bombs and pathological structures quickly.
public struct PDFLimits: Sendable, Equatable {
    /// Bytes decoded from all streams of the document together.
    public var maxDecodedBytes: Int
    /// Bytes decoded from one stream.
    public var maxStreamBytes: Int
    /// Decoded size divided by encoded size, for one stream whose output passes `ratioFloor`.
    public var maxStreamRatio: Int
    /// Streams that decode to at most this many bytes are never refused for their ratio.
    public var ratioFloor: Int
    /// Indirect objects parsed.
    public var maxObjects: Int
    /// Pages in the page tree.
    public var maxPages: Int
    /// Content-stream operators interpreted, all pages together.
    public var maxOperators: Int
    /// Nesting of arrays and dictionaries.
    public var maxNesting: Int
    /// Nesting of form XObjects drawn from content streams.
    public var maxFormDepth: Int

    public init(maxDecodedBytes: Int = 256 << 20, maxStreamBytes: Int = 64 << 20, maxStreamRatio: Int = 200,
                ratioFloor: Int = 2 << 20, maxObjects: Int = 1_000_000, maxPages: Int = 50_000,
                maxOperators: Int = 50_000_000, maxNesting: Int = 64, maxFormDepth: Int = 12) {
        self.maxDecodedBytes = maxDecodedBytes
        self.maxStreamBytes = maxStreamBytes
        self.maxStreamRatio = maxStreamRatio
        self.ratioFloor = ratioFloor
        self.maxObjects = maxObjects
        self.maxPages = maxPages
        self.maxOperators = maxOperators
        self.maxNesting = maxNesting
        self.maxFormDepth = maxFormDepth
    }
}

/// The document-wide decode budget; one per open file.
final class PDFBudget {
    let limits: PDFLimits
    var decoded = 0
    var objects = 0
    var operators = 0

    init(_ limits: PDFLimits) { self.limits = limits }

    /// The most one stream with `encoded` input bytes may decode to, and which limit binds.
    func streamAllowance(encoded: Int) -> (limit: Int, kind: PDFLimitKind) {
        var best = (limits.maxStreamBytes, PDFLimitKind.streamBytes)
        let (r, o) = max(encoded, 1).multipliedReportingOverflow(by: limits.maxStreamRatio)
        let ratioCap = o ? Int.max : max(r, limits.ratioFloor)
        if ratioCap < best.0 { best = (ratioCap, .streamRatio) }
        let remaining = max(0, limits.maxDecodedBytes - decoded)
        if remaining < best.0 { best = (remaining, .totalDecodedBytes) }
        return best
    }

    func charge(_ bytes: Int) throws {
        decoded += bytes
        if decoded > limits.maxDecodedBytes {
            throw CorpusError.pdfLimit(kind: .totalDecodedBytes, limit: limits.maxDecodedBytes)
        }
    }

    func countObject() throws {
        objects += 1
        if objects > limits.maxObjects { throw CorpusError.pdfLimit(kind: .objects, limit: limits.maxObjects) }
    }
}

enum PDFFilters {
    /// The filter and parameter lists of a stream dictionary, abbreviations expanded (§8.9.7).
    static func chain(_ dict: PDFDict, resolve: (PDFObject) -> PDFObject) -> [(name: String, params: PDFDict?)] {
        let filter = resolve(dict["Filter"] ?? dict["F"] ?? .null)
        let parms = resolve(dict["DecodeParms"] ?? dict["DP"] ?? .null)
        var names: [String] = []
        var params: [PDFDict?] = []
        if let n = filter.name { names = [n] } else if let a = filter.array { names = a.compactMap { resolve($0).name } }
        if let d = parms.dict { params = [d] } else if let a = parms.array { params = a.map { resolve($0).dict } }
        return names.enumerated().map { i, n in (expand(n), i < params.count ? params[i] : nil) }
    }

    static func expand(_ name: String) -> String {
        switch name {
        case "AHx": return "ASCIIHexDecode"
        case "A85": return "ASCII85Decode"
        case "LZW": return "LZWDecode"
        case "Fl": return "FlateDecode"
        case "RL": return "RunLengthDecode"
        case "CCF": return "CCITTFaxDecode"
        case "DCT": return "DCTDecode"
        default: return name
        }
    }

    /// Decodes a stream's data through its filters. Returns nil when a filter is an image codec
    /// or unknown (the stream is not text). Corrupt compressed data yields what decoded before the
    /// damage when the codec allows it, else nil.
    /// - Throws: `CorpusError.pdfLimit` when the output passes the budget.
    static func decode(_ raw: ArraySlice<UInt8>, dict: PDFDict, budget: PDFBudget,
                       resolve: (PDFObject) -> PDFObject) throws -> [UInt8]? {
        let filters = chain(dict, resolve: resolve)
        let (allowance, kind) = budget.streamAllowance(encoded: raw.count)
        let limitError = CorpusError.pdfLimit(kind: kind, limit: kind == .streamRatio ? budget.limits.maxStreamRatio
                                              : kind == .streamBytes ? budget.limits.maxStreamBytes : budget.limits.maxDecodedBytes)
        var data = Array(raw)
        for (name, params) in filters {
            do {
                switch name {
                case "FlateDecode":
                    do {
                        data = try Inflate.zlib(data, maxOutput: allowance, lenient: true)
                    } catch CorpusError.inflate {
                        return nil
                    }
                    data = predicted(data, params, resolve)
                case "LZWDecode":
                    let early = params.flatMap { resolve($0["EarlyChange"] ?? .null).int } ?? 1
                    data = try PDFCodec.lzw(data, earlyChange: early != 0, maxOutput: allowance)
                    data = predicted(data, params, resolve)
                case "ASCIIHexDecode": data = PDFCodec.asciiHex(data)
                case "ASCII85Decode": data = PDFCodec.ascii85(data)
                case "RunLengthDecode": data = try PDFCodec.runLength(data, maxOutput: allowance)
                case "Crypt": continue // only /Identity reaches here: PDFSecurity handles real crypt filters
                default: return nil // DCTDecode, JPXDecode, CCITTFaxDecode, JBIG2Decode, unknown
                }
            } catch CorpusError.outputLimit {
                throw limitError
            }
            if data.count > allowance { throw limitError }
        }
        try budget.charge(data.count)
        return data
    }

    private static func predicted(_ data: [UInt8], _ params: PDFDict?, _ resolve: (PDFObject) -> PDFObject) -> [UInt8] {
        guard let p = params else { return data }
        func int(_ k: String, _ d: Int) -> Int { resolve(p[k] ?? .null).int ?? d }
        let predictor = int("Predictor", 1)
        guard predictor > 1 else { return data }
        return PDFCodec.unpredict(data, predictor: predictor, colors: int("Colors", 1),
                                  bitsPerComponent: int("BitsPerComponent", 8), columns: int("Columns", 1))
    }
}
