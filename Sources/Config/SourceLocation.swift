// Positions in a TOML document: the public SourceLocation, and the map from byte offsets to
// line:column that the parser uses to stamp every key and value.

/// A position in a document: 1-based `line` and 1-based `column`.
///
/// The column counts Unicode scalars from the start of the line (not bytes, not grapheme
/// clusters); a tab counts as one column and a UTF-8 byte-order mark is not counted.
public struct SourceLocation: Sendable, Hashable, Comparable, CustomStringConvertible {
    // Stored as 32 bits (clamped) because every key and value carries one; 2 G lines is
    // beyond any document worth parsing.
    private let storedLine: Int32
    private let storedColumn: Int32

    /// 1-based line number; lines are separated by LF (a CRLF pair ends a line once).
    public var line: Int { Int(storedLine) }
    /// 1-based column, in Unicode scalars.
    public var column: Int { Int(storedColumn) }

    /// Creates a location; callers pass 1-based values.
    public init(line: Int, column: Int) {
        storedLine = Int32(clamping: line)
        storedColumn = Int32(clamping: column)
    }

    /// `line:column`, ready to follow `path:` in a compiler-style diagnostic.
    public var description: String { "\(line):\(column)" }

    /// Document order.
    public static func < (a: SourceLocation, b: SourceLocation) -> Bool {
        (a.line, a.column) < (b.line, b.column)
    }
}

/// Turns byte offsets into locations. Line starts are found once up front; columns are counted
/// on demand from a cached previous answer, because the parser asks in increasing offset order
/// and recounting from the start of a 1 MB single-line array would be quadratic.
struct LineMap {
    private let bytes: [UInt8]
    private var lineStarts: [Int]
    private var cachedOffset: Int
    private var cachedLine: Int // index into lineStarts
    private var cachedColumn: Int

    /// `firstLineStart` skips a byte-order mark so it does not count as a column.
    init(bytes: [UInt8], firstLineStart: Int) {
        self.bytes = bytes
        var starts = [firstLineStart]
        var i = firstLineStart
        while i < bytes.count {
            if bytes[i] == 0x0A { starts.append(i + 1) }
            i += 1
        }
        lineStarts = starts
        cachedOffset = firstLineStart
        cachedLine = 0
        cachedColumn = 1
    }

    mutating func location(_ offset: Int) -> SourceLocation {
        if offset < cachedOffset {
            cachedLine = lineIndex(offset)
            cachedOffset = lineStarts[cachedLine]
            cachedColumn = 1
        } else if cachedLine + 1 < lineStarts.count, offset >= lineStarts[cachedLine + 1] {
            // Moving forward, usually by a line or two: walking beats a binary search per line.
            while cachedLine + 1 < lineStarts.count, offset >= lineStarts[cachedLine + 1] { cachedLine += 1 }
            cachedOffset = lineStarts[cachedLine]
            cachedColumn = 1
        }
        var column = cachedColumn
        var i = cachedOffset
        let end = min(offset, bytes.count)
        while i < end {
            if bytes[i] & 0xC0 != 0x80 { column += 1 } // continuation bytes belong to the previous scalar
            i += 1
        }
        cachedOffset = offset
        cachedColumn = column
        return SourceLocation(line: cachedLine + 1, column: column)
    }

    /// Index of the last line starting at or before `offset`.
    private func lineIndex(_ offset: Int) -> Int {
        var low = 0
        var high = lineStarts.count - 1
        while low < high {
            let mid = (low + high + 1) / 2
            if lineStarts[mid] <= offset { low = mid } else { high = mid - 1 }
        }
        return low
    }
}
