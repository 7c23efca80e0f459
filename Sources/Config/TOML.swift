// Public entry points of the TOML reader: TOML.parse for text and bytes. The grammar is in
// Parser*.swift, the table-definition rules in TableBuilder.swift, JSON output in TaggedJSON.swift.

/// A TOML 1.0.0 reader whose values carry their source locations.
public enum TOML {
    /// How deeply arrays, inline tables and tables (via headers or dotted keys) may nest. Deeper
    /// documents are rejected so that recursive consumers cannot run out of stack.
    public static let maximumDepth = 200

    /// Parses a TOML 1.0.0 document.
    ///
    /// - Returns: the root table; every key and value carries its line:column.
    /// - Throws: `ConfigError` for the first problem found: `.unexpected`, `.controlCharacter`,
    ///   `.invalidEscape`, `.invalidUnicodeEscape`, `.unterminatedString`, `.invalidNumber`,
    ///   `.invalidDateTime`, `.duplicateKey`, `.tableRedefined`, `.cannotExtend` or
    ///   `.nestingTooDeep`.
    public static func parse(_ text: String) throws(ConfigError) -> TOMLTable {
        try parse(bytes: Array(text.utf8))
    }

    /// Parses a TOML 1.0.0 document from raw bytes (UTF-8, optionally with a byte-order mark).
    ///
    /// - Throws: `ConfigError.invalidUTF8` if the bytes are not UTF-8, else as `parse(_:)`.
    public static func parse(bytes: [UInt8]) throws(ConfigError) -> TOMLTable {
        var parser = try Parser(bytes: bytes)
        return try parser.parseDocument()
    }
}
