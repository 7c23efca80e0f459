// The vocabulary shared by the office and e-book extractors: which format a package is, why one
// was rejected (the typed reasons CorpusError's Office cases carry), and the limits they read within.
import XML

/// The package formats read by the extractors in this folder. ODF (ODT, ODS, ODP and their
/// templates) is one format: the package says which of the three it holds.
public enum OfficeFormat: String, Sendable, Equatable, CaseIterable, CustomStringConvertible {
    case docx, pptx, xlsx, odf, epub

    public var description: String {
        switch self {
        case .docx: return "DOCX"
        case .pptx: return "PPTX"
        case .xlsx: return "XLSX"
        case .odf: return "OpenDocument"
        case .epub: return "EPUB"
        }
    }
}

/// Why a package's structure was rejected, beyond a missing or unparsable part.
public enum OfficeFailure: Equatable, Sendable, CustomStringConvertible {
    /// The main part has no element `element` where the format requires one (e.g. `w:body`).
    case missingElement(part: String, element: String)
    /// META-INF/container.xml names no package document (EPUB's OPF file).
    case noRootfile
    /// The EPUB's spine lists no readable (XHTML) content document.
    case emptySpine

    public var description: String {
        switch self {
        case let .missingElement(part, element): return "\(part) has no <\(element)> element"
        case .noRootfile: return "META-INF/container.xml names no package document"
        case .emptySpine: return "the spine lists no XHTML content document"
        }
    }
}

/// Bounds for reading office packages. The defaults suit real documents with a wide margin;
/// what they cut is a hostile or machine-generated file.
public struct OfficeLimits: Sendable, Equatable {
    /// Applied to every ZIP entry read (bombs, ratios, total output).
    public var zip: ZipLimits
    /// Applied to every XML part parsed (size, depth, entity expansion).
    public var xml: XMLLimits
    /// Non-empty cells read from one sheet (XLSX, ODS); the rest of the sheet is left out and a
    /// note paragraph says so.
    public var maxCellsPerSheet: Int
    /// Non-empty cells read from one workbook; later sheets are left out with a note.
    public var maxCellsPerWorkbook: Int
    /// Bytes of one worksheet's XML parsed; a larger sheet is cut at a row boundary (with a note),
    /// because the whole part becomes an in-memory tree.
    public var maxSheetXMLBytes: Int
    /// Copies made of one repeated ODF row or cell (`table:number-rows-repeated`,
    /// `number-columns-repeated`) that holds text; empty repeats are skipped without copying.
    public var maxRepeat: Int

    /// The defaults: ZIP and XML limits as their modules set them, 200,000 cells per sheet,
    /// 1,000,000 per workbook, 32 MiB of XML per sheet, 1,000 copies per repeated row or cell.
    public init(zip: ZipLimits = .standard, xml: XMLLimits = XMLLimits(), maxCellsPerSheet: Int = 200_000,
                maxCellsPerWorkbook: Int = 1_000_000, maxSheetXMLBytes: Int = 32 << 20, maxRepeat: Int = 1000) {
        self.zip = zip
        self.xml = xml
        self.maxCellsPerSheet = maxCellsPerSheet
        self.maxCellsPerWorkbook = maxCellsPerWorkbook
        self.maxSheetXMLBytes = maxSheetXMLBytes
        self.maxRepeat = maxRepeat
    }

    public static let standard = OfficeLimits()
}
