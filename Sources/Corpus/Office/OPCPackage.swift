// Open Packaging Conventions (ECMA-376 Part 2), the layer under DOCX, PPTX and XLSX: relationship
// parts, relative target resolution, content types, the main part and the core properties' title.
import XML

/// One relationship from a `_rels/*.rels` part (ECMA-376 Part 2, 9.3).
struct OPCRelationship {
    let id: String
    /// The full type URI; compare with `isType`, which ignores the transitional/strict prefix.
    let type: String
    /// The target part name, resolved against the source part (nil for external targets).
    let target: String?

    /// True when the type URI ends in "/`suffix`" (transitional and strict OOXML spell the prefix
    /// differently: schemas.openxmlformats.org vs purl.oclc.org).
    func isType(_ suffix: String) -> Bool {
        type.hasSuffix("/" + suffix)
    }
}

extension OfficePackage {
    /// The relationships of `part` ("" for the package itself), in document order.
    /// - Throws: ZIP errors; a missing or unreadable .rels part yields no relationships.
    func relationships(of part: String) throws -> [OPCRelationship] {
        let folder = Self.folder(of: part)
        let file = part.split(separator: "/").last.map(String.init) ?? ""
        let relsName = (folder.isEmpty ? "" : folder + "/") + "_rels/" + file + ".rels"
        guard let root = try optionalXML(relsName) else { return [] }
        return root.children(named: "Relationship").compactMap { r in
            guard let id = r.attr("Id"), let type = r.attr("Type") else { return nil }
            let external = r.attr("TargetMode")?.lowercased() == "external"
            let target = external ? nil : r.attr("Target").map { Self.resolve($0, from: folder) }
            return OPCRelationship(id: id, type: type, target: target)
        }
    }

    /// Relationship id → target part, for `r:id` lookups.
    func relationshipTargets(of part: String) throws -> [String: String] {
        var out: [String: String] = [:]
        for r in try relationships(of: part) { if let t = r.target { out[r.id] = t } }
        return out
    }

    /// The package's main part: the target of the package relationship of type officeDocument
    /// (ECMA-376 Part 1, 11.3.10 / 12.3.23 / 13.3.6), else `fallback`. Its content type, when
    /// [Content_Types].xml gives one, must contain one of `accepted` (e.g. "wordprocessingml").
    /// - Throws: `CorpusError.officePartMissing` when neither exists, `.officeWrongType` when the
    ///   content type says it is another kind of document.
    func mainPart(fallback: String, accepted: [String]) throws -> String {
        let rels = try relationships(of: "")
        let named = rels.first { $0.isType("officeDocument") }?.target
        guard let part = [named, fallback].compactMap({ $0 }).first(where: { has($0) }) else {
            throw CorpusError.officePartMissing(format: format, part: named ?? fallback)
        }
        if let type = try contentType(of: part), !accepted.contains(where: { type.contains($0) }) {
            throw CorpusError.officeWrongType(format: format, found: type)
        }
        return part
    }

    /// The content type [Content_Types].xml declares for `part` (an Override, else the Default for
    /// its extension), nil when not declared (ECMA-376 Part 2, 10.1.2).
    func contentType(of part: String) throws -> String? {
        guard let root = try optionalXML("[Content_Types].xml") else { return nil }
        let name = "/" + part
        for o in root.children(named: "Override") where o.attr("PartName")?.lowercased() == name.lowercased() {
            return o.attr("ContentType")
        }
        let ext = part.split(separator: ".").last.map { $0.lowercased() } ?? ""
        for d in root.children(named: "Default") where d.attr("Extension")?.lowercased() == ext {
            return d.attr("ContentType")
        }
        return nil
    }

    /// dc:title from the core properties part (ECMA-376 Part 2, 11), when it says something.
    func coreTitle() throws -> String? {
        let rels = try relationships(of: "")
        let part = rels.first { $0.isType("core-properties") || $0.type.hasSuffix("/metadata/core-properties") }?.target
            ?? "docProps/core.xml"
        guard let root = try optionalXML(part), let t = root.firstChild(named: "title") else { return nil }
        let title = InlineText.normalize(t.textContent)
        return title.isEmpty ? nil : title
    }

    /// The folder part of a part name ("" at the package root).
    static func folder(of part: String) -> String {
        guard let slash = part.lastIndex(of: "/") else { return "" }
        return String(part[..<slash])
    }

    /// Resolves a relationship target (a relative URI reference, percent-encoded) against the
    /// folder of its source part, giving a part name without a leading slash (Part 2, 9.3.3).
    static func resolve(_ target: String, from folder: String) -> String {
        var path = target
        if let hash = path.firstIndex(of: "#") { path = String(path[..<hash]) }
        path = percentDecoded(path)
        var parts: [Substring] = path.hasPrefix("/") ? [] : folder.split(separator: "/")
        for c in path.split(separator: "/", omittingEmptySubsequences: true) {
            if c == "." { continue }
            if c == ".." { _ = parts.popLast(); continue }
            parts.append(c)
        }
        return parts.joined(separator: "/")
    }

    /// %XX escapes decoded as UTF-8; malformed escapes are kept as written.
    static func percentDecoded(_ s: String) -> String {
        guard s.contains("%") else { return s }
        var out: [UInt8] = []
        let b = Array(s.utf8)
        var i = 0
        func hex(_ c: UInt8) -> UInt8? {
            switch c {
            case 0x30...0x39: return c - 0x30
            case 0x41...0x46: return c - 0x37
            case 0x61...0x66: return c - 0x57
            default: return nil
            }
        }
        while i < b.count {
            if b[i] == 0x25, i + 2 < b.count, let h = hex(b[i + 1]), let l = hex(b[i + 2]) {
                out.append(h << 4 | l)
                i += 3
            } else {
                out.append(b[i])
                i += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
