// The mutable table tree used while parsing, and TOML's rules for who may add to which table
// (headers, dotted keys, arrays of tables, closed inline tables). Frozen into TOMLTable at the end.

/// A table under construction. A class because headers and dotted keys reach the same table
/// along many paths and must all see later additions.
final class TableBuilder {
    /// How the table came to exist; decides whether a header or a dotted key may add to it.
    enum Origin {
        case root
        /// Named as a parent in a header path (`a` in `[a.b]`); a later `[a]` may still define it.
        case implicit
        /// Defined by `[header]` or as an element of `[[header]]`.
        case header
        /// Created by a dotted key (`a` in `a.b = 1`).
        case dotted
        /// Being filled from `{...}`; once done it is stored as a plain value and never reopened.
        case inline
    }

    enum Content {
        /// A scalar, a static array or a finished inline table: nothing may be added to it.
        case value(TOMLNode)
        case table(TableBuilder)
        case tables(TableArrayBuilder)
    }

    struct Slot {
        let key: String
        let keyLocation: SourceLocation
        var content: Content
    }

    var origin: Origin
    var location: SourceLocation
    /// 0 for the root; each level of header path, dotted key or inline table adds one.
    let depth: Int
    private(set) var slots: [Slot] = []
    private var index = KeyIndex()

    init(origin: Origin, location: SourceLocation, depth: Int) {
        self.origin = origin
        self.location = location
        self.depth = depth
    }

    /// What `key` holds, if anything.
    func content(_ key: String) -> Content? {
        index.position(of: key).map { slots[$0].content }
    }

    func slot(_ key: String) -> Slot? {
        index.position(of: key).map { slots[$0] }
    }

    /// Adds `key`, which the caller has checked is absent.
    func insert(_ key: String, at keyLocation: SourceLocation, _ content: Content) {
        slots.append(Slot(key: key, keyLocation: keyLocation, content: content))
        index.append(key)
    }

    /// The immutable table, recursively. Depth is bounded by `TOML.maximumDepth`.
    func freeze() -> TOMLTable {
        let entries = slots.map { slot -> TOMLTable.Entry in
            let node: TOMLNode
            switch slot.content {
            case .value(let value):
                node = value
            case .table(let table):
                node = TOMLNode(.table(table.freeze()), table.location)
            case .tables(let array):
                let elements = array.elements.map { TOMLNode(.table($0.freeze()), $0.location) }
                node = TOMLNode(.array(elements), array.location)
            }
            return TOMLTable.Entry(key: slot.key, keyLocation: slot.keyLocation, node: node)
        }
        return TOMLTable(entries: entries, index: index, location: location)
    }
}

/// An array of tables (`[[name]]`) under construction; only the last element is open.
final class TableArrayBuilder {
    /// The first `[[name]]` header.
    let location: SourceLocation
    var elements: [TableBuilder]

    init(location: SourceLocation, first: TableBuilder) {
        self.location = location
        elements = [first]
    }
}

/// One segment of a key as written: `a`, `"b c"` or `'d'`.
struct KeySegment {
    let name: String
    let location: SourceLocation
}

// MARK: - Definition rules

extension TableBuilder {
    /// Resolves `[path]` or `[[path]]` from the root and returns the table that following
    /// key/value lines fill.
    /// - Throws: `.tableRedefined`, `.cannotExtend` or `.nestingTooDeep`.
    static func openHeader(root: TableBuilder, path: [KeySegment], isArray: Bool,
                           at location: SourceLocation) throws(ConfigError) -> TableBuilder {
        var table = root
        for (i, segment) in path.dropLast().enumerated() {
            switch table.content(segment.name) {
            case nil:
                let child = TableBuilder(origin: .implicit, location: segment.location, depth: table.depth + 1)
                table.insert(segment.name, at: segment.location, .table(child))
                table = child
            case .table(let child):
                table = child
            case .tables(let array):
                table = array.elements[array.elements.count - 1]
            case .value(let node):
                throw .cannotExtend(key: renderKey(path[...i]), existing: definition(of: node),
                                    location: segment.location, previous: node.location)
            }
        }
        guard let last = path.last else { return root } // the grammar requires one segment
        let key = renderKey(path[...])
        let depth = table.depth + 1
        if depth > TOML.maximumDepth { throw .nestingTooDeep(limit: TOML.maximumDepth, location: last.location) }
        let existing = table.content(last.name)
        if isArray {
            let element = TableBuilder(origin: .header, location: location, depth: depth)
            switch existing {
            case nil:
                table.insert(last.name, at: last.location, .tables(TableArrayBuilder(location: location, first: element)))
            case .tables(let array):
                array.elements.append(element)
            case .table(let child):
                throw .cannotExtend(key: key, existing: child.origin == .dotted ? .dottedTable : .table,
                                    location: location, previous: child.location)
            case .value(let node):
                throw .cannotExtend(key: key, existing: definition(of: node), location: location, previous: node.location)
            }
            return element
        }
        switch existing {
        case nil:
            let child = TableBuilder(origin: .header, location: location, depth: depth)
            table.insert(last.name, at: last.location, .table(child))
            return child
        case .table(let child) where child.origin == .implicit:
            child.origin = .header
            child.location = location
            return child
        case .table(let child) where child.origin == .dotted:
            throw .cannotExtend(key: key, existing: .dottedTable, location: location, previous: child.location)
        case .table(let child):
            throw .tableRedefined(key: key, location: location, previous: child.location)
        case .tables(let array):
            throw .cannotExtend(key: key, existing: .arrayOfTables, location: location, previous: array.location)
        case .value(let node):
            throw .cannotExtend(key: key, existing: definition(of: node), location: location, previous: node.location)
        }
    }

    /// Stores `key.path = value` relative to this table, creating dotted tables on the way.
    /// - Throws: `.duplicateKey` or `.cannotExtend`.
    func assign(_ path: [KeySegment], _ value: TOMLNode) throws(ConfigError) {
        var table = self
        for (i, segment) in path.dropLast().enumerated() {
            switch table.content(segment.name) {
            case nil:
                let child = TableBuilder(origin: .dotted, location: segment.location, depth: table.depth + 1)
                table.insert(segment.name, at: segment.location, .table(child))
                table = child
            case .table(let child) where child.origin == .dotted || child.origin == .implicit:
                // An implicit table entered by a dotted key counts as defined by dotted keys from
                // now on, so a later [header] for it is rejected (TOML 1.0, "Table" section).
                child.origin = .dotted
                table = child
            case .table(let child):
                throw .cannotExtend(key: renderKey(path[...i]), existing: .table,
                                    location: segment.location, previous: child.location)
            case .tables(let array):
                throw .cannotExtend(key: renderKey(path[...i]), existing: .arrayOfTables,
                                    location: segment.location, previous: array.location)
            case .value(let node):
                throw .cannotExtend(key: renderKey(path[...i]), existing: definition(of: node),
                                    location: segment.location, previous: node.location)
            }
        }
        guard let last = path.last else { return }
        if let previous = table.slot(last.name) {
            throw .duplicateKey(key: renderKey(path[...]), location: last.location, previous: previous.keyLocation)
        }
        table.insert(last.name, at: last.location, .value(value))
    }

    private static func definition(of node: TOMLNode) -> ConfigError.Definition {
        switch node.value {
        case .table: return .inlineTable
        case .array: return .array
        default: return .value
        }
    }

    private func definition(of node: TOMLNode) -> ConfigError.Definition {
        Self.definition(of: node)
    }
}

/// A key path as TOML text: bare segments as is, others quoted (for messages).
func renderKey(_ path: ArraySlice<KeySegment>) -> String {
    path.map { segment in
        let bare = !segment.name.isEmpty && segment.name.utf8.allSatisfy(isBareKeyByte)
        if bare { return segment.name }
        var quoted = "\""
        for c in segment.name {
            if c == "\"" || c == "\\" { quoted.append("\\") }
            quoted.append(c)
        }
        return quoted + "\""
    }.joined(separator: ".")
}

/// `A-Z a-z 0-9 _ -`, the characters of a bare key.
@inline(__always)
func isBareKeyByte(_ b: UInt8) -> Bool {
    switch b {
    case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
         UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"), UInt8(ascii: "-"):
        return true
    default:
        return false
    }
}
