// A ZIP-based office package as the extractors see it: opened with the compound-file check, parts
// looked up case-insensitively and read within ZipLimits, XML parts parsed within XMLLimits with
// their errors turned into CorpusError. Relationships and content types live in OPCPackage.swift.
import XML

struct OfficePackage {
    let format: OfficeFormat
    let limits: OfficeLimits
    let zip: ZipArchive
    /// OPC part names are compared case-insensitively (ECMA-376 Part 2, 9.1.1.1); ODF and EPUB
    /// names are case-sensitive, but no real producer relies on two names differing in case only.
    private let byLowercasedName: [String: ZipEntry]

    /// The OLE2 compound-file signature (MS-CFB 2.2): what encrypted OOXML and legacy Office
    /// binaries start with.
    static let compoundFileMagic: [UInt8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]

    /// - Throws: `CorpusError.officeCompoundFile` for OLE2 files, `.zipCorrupt` for anything else
    ///   that is not a ZIP archive.
    init(_ bytes: [UInt8], format: OfficeFormat, limits: OfficeLimits) throws {
        if bytes.starts(with: Self.compoundFileMagic) {
            throw CorpusError.officeCompoundFile(format: format, encrypted: Self.holdsEncryptedPackage(bytes))
        }
        self.format = format
        self.limits = limits
        self.zip = try ZipArchive(bytes: bytes)
        var index: [String: ZipEntry] = [:]
        for e in zip.entries where !e.isDirectory {
            let key = e.name.lowercased()
            if index[key] == nil { index[key] = e }
        }
        byLowercasedName = index
    }

    /// Password-protected OOXML is an OLE2 file with streams "EncryptionInfo" and "EncryptedPackage"
    /// (MS-OFFCRYPTO 2.3.4); directory entry names are UTF-16LE, so we look for that spelling.
    private static func holdsEncryptedPackage(_ bytes: [UInt8]) -> Bool {
        let needle = Array("EncryptedPackage".utf16).flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
        guard bytes.count >= needle.count, let first = needle.first else { return false }
        var i = 0
        let last = bytes.count - needle.count
        while i <= last {
            if bytes[i] == first && bytes[i..<(i + needle.count)].elementsEqual(needle) { return true }
            i += 1
        }
        return false
    }

    func entry(_ name: String) -> ZipEntry? {
        zip.entry(named: name) ?? byLowercasedName[name.lowercased()]
    }

    func has(_ name: String) -> Bool { entry(name) != nil }

    /// The part's bytes, or nil when the package has no such part.
    /// - Throws: the ZIP reader's errors (bombs, corruption, encryption, checksum).
    func bytes(_ name: String) throws -> [UInt8]? {
        guard let e = entry(name) else { return nil }
        return try zip.read(e, limits: limits.zip)
    }

    /// The part parsed as XML, or nil when absent. A part that is not well-formed is parsed again
    /// in recover mode (producers do write broken XML now and then); size, depth and entity
    /// refusals are final.
    /// - Throws: ZIP errors, and `CorpusError.officePartMalformed`.
    func xml(_ name: String) throws -> XMLElement? {
        guard let data = try bytes(name) else { return nil }
        return try parse(data, part: name, recover: false)
    }

    /// Like `xml`, but a missing part is an error.
    /// - Throws: `CorpusError.officePartMissing`, and as `xml`.
    func requiredXML(_ name: String) throws -> XMLElement {
        guard let root = try xml(name) else { throw CorpusError.officePartMissing(format: format, part: name) }
        return root
    }

    /// For parts that only add detail (styles, core properties, numbering): nil when absent or
    /// unreadable, so a broken optional part costs that detail, not the document. A zip bomb is
    /// still an error, whatever part it hides in.
    /// - Throws: `CorpusError.zipBomb`, `.ratioExceeded`, `.totalSizeExceeded`.
    func optionalXML(_ name: String) throws -> XMLElement? {
        do {
            return try xml(name)
        } catch let e as CorpusError {
            switch e {
            case .zipBomb, .ratioExceeded, .totalSizeExceeded: throw e
            default: return nil
            }
        }
    }

    /// Parses bytes that came from `part`.
    /// - Throws: `CorpusError.officePartMalformed`.
    func parse(_ data: [UInt8], part: String, recover: Bool) throws -> XMLElement {
        do {
            return try XMLDocument.parseXML(data, recover: recover, limits: limits.xml).root
        } catch let error as XMLError {
            if !recover, XMLExtractor.isRepairable(error),
               let salvaged = try? XMLDocument.parseXML(data, recover: true, limits: limits.xml) {
                return salvaged.root
            }
            throw CorpusError.officePartMalformed(format: format, part: part, error: error)
        }
    }
}

extension XMLElement {
    /// The value of the attribute whose local name (after any prefix) is `local`. The tree keeps
    /// qualified attribute names, and prefixes are the producer's choice (`w:val`, `val`).
    func attr(_ local: String) -> String? {
        for a in attributes {
            if a.name == local { return a.value }
            if a.name.hasSuffix(local), let colon = a.name.lastIndex(of: ":"),
               a.name[a.name.index(after: colon)...] == local[...] {
                return a.value
            }
        }
        return nil
    }

    /// The first descendant (depth first, document order) called `name`, without collecting the rest.
    func firstDescendant(named name: String) -> XMLElement? {
        var stack: [XMLElement] = elements.reversed()
        while let e = stack.popLast() {
            if e.name == name { return e }
            stack.append(contentsOf: e.elements.reversed())
        }
        return nil
    }

    /// Follows a path of child names: `child("pPr", "pStyle")`.
    func child(_ path: String...) -> XMLElement? {
        var e: XMLElement? = self
        for name in path { e = e?.firstChild(named: name) }
        return e
    }
}
