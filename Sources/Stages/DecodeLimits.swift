// The decoding bounds the daemon applies to every file an extract stage opens, set once in
// etc/nerved.toml (`max_decompression_ratio`) and carried to the extractors on each FileInput.
// The formats' own limit types (PDFLimits, OfficeLimits, ZipLimits) keep their other defaults.
import Corpus

public struct DecodeLimits: Sendable, Equatable {
    /// Largest decompressed / compressed ratio of one PDF stream or one ZIP entry (office
    /// packages, EPUB). Small outputs are exempt: PDF streams under 2 MiB, ZIP entries under
    /// 1 MiB, where a high ratio is just a repetitive file, not a bomb.
    public var maxRatio: Int

    /// - Precondition: `maxRatio >= 1` (a programmer error; config values are range-checked).
    public init(maxRatio: Int = 200) {
        precondition(maxRatio >= 1, "a decompression ratio below 1 refuses every stream")
        self.maxRatio = maxRatio
    }

    public static let standard = DecodeLimits()

    /// The PDF reader's limits with this ratio.
    public var pdf: PDFLimits {
        var l = PDFLimits()
        l.maxStreamRatio = maxRatio
        return l
    }

    /// The office and EPUB readers' limits with this ratio for every ZIP entry.
    public var office: OfficeLimits {
        var l = OfficeLimits()
        l.zip.maxRatio = maxRatio
        return l
    }
}
