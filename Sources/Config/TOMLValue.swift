// The parsed document as immutable values: TOMLValue, TOMLNode (a value and where it was written)
// and TOMLTable (ordered entries with key locations). Parsing lives in TOMLParser and friends.

/// One TOML value. Arrays and tables hold nodes, so every nested value keeps its location.
public enum TOMLValue: Sendable {
    case string(String)
    case integer(Int64)
    case float(Double)
    case boolean(Bool)
    /// `1979-05-27T07:32:00Z`, `1979-05-27 07:32:00.5-07:00`
    case offsetDateTime(OffsetDateTime)
    /// `1979-05-27T07:32:00`
    case localDateTime(LocalDateTime)
    /// `1979-05-27`
    case localDate(LocalDate)
    /// `07:32:00`
    case localTime(LocalTime)
    /// A static array (`[1, 2]`) or an array of tables (`[[stage]]`), whose elements are `.table`.
    case array([TOMLNode])
    case table(TOMLTable)
}

/// A value and the location of its first character. For a table defined by a `[header]` or an
/// array of tables, that is the header's `[`; for a table created implicitly by a dotted key or a
/// header path, it is the key segment that created it.
public struct TOMLNode: Sendable {
    public let value: TOMLValue
    public let location: SourceLocation

    init(_ value: TOMLValue, _ location: SourceLocation) {
        self.value = value
        self.location = location
    }
}

/// A table: its entries in document order, each with the location of its key and its value.
/// Keys are compared by their UTF-8 bytes, as TOML requires: `"é"` and `"e\u{301}"` are
/// different keys, although Swift considers the two Strings equal.
public struct TOMLTable: Sendable {
    /// One `key = value` of the table (or a sub-table defined under it).
    public struct Entry: Sendable {
        /// The key, unquoted and unescaped.
        public let key: String
        /// Where this key was written: the last segment of a dotted key (`c` in `a.b.c = 1`),
        /// the segment of a header (`b` in `[a.b]`), or the first time an implicit table was named.
        public let keyLocation: SourceLocation
        /// The value, with its own location.
        public let node: TOMLNode
    }

    /// Entries in the order their keys first appeared in the document.
    public let entries: [Entry]
    /// Where the table starts: `[` of its header, `{` of an inline table, the key that created it
    /// implicitly, or 1:1 for the document root.
    public let location: SourceLocation
    private let index: KeyIndex

    init(entries: [Entry], index: KeyIndex, location: SourceLocation) {
        self.entries = entries
        self.location = location
        self.index = index
    }

    /// The keys in document order.
    public var keys: [String] { index.keys }

    /// Number of entries.
    public var count: Int { entries.count }

    /// True for `[empty]` and `{}`.
    public var isEmpty: Bool { entries.isEmpty }

    /// The value stored under `key`, or nil.
    public subscript(key: String) -> TOMLNode? {
        index.position(of: key).map { entries[$0].node }
    }

    /// The entry stored under `key`, or nil.
    public func entry(_ key: String) -> Entry? {
        index.position(of: key).map { entries[$0] }
    }

    /// Where `key` was written, or nil if the table has no such key.
    public func keyLocation(_ key: String) -> SourceLocation? {
        index.position(of: key).map { entries[$0].keyLocation }
    }
}
