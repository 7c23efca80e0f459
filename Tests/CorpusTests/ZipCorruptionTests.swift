// Each named way a ZIP archive can be broken or hostile must raise its own CorpusError case
// (matched by case, never by prose), and never crash.
import Corpus
import Testing

enum ZipCorruption: String, CaseIterable, Sendable {
    case missingEndRecord, tooShort, centralDirectoryOutsideFile, truncatedCentralDirectory
    case entryCountOverflow, localHeaderNameMismatch, localHeaderMethodMismatch, localHeaderMissing
    case badCRC, dataPastEndOfFile, declaredSizeSmallerThanActual, declaredSizeLargerThanActual
    case storedSizesDisagree, corruptDeflateData, encrypted, unsupportedMethodBzip2
    case zipBomb, ratioBomb, lyingBomb

    /// The text every sample archive stores ("a.txt", stored) and deflates ("b.txt").
    static let text: (deflate: [UInt8], raw: [UInt8]) = {
        let c = CorpusFixtures.deflateCases.first { $0.name == "text-raw-default" }
        let raw = c.flatMap { try? Inflate.raw($0.compressed, maxOutput: 1 << 20) } ?? []
        return (c?.compressed ?? [], raw)
    }()

    /// A broken archive, and the failure that opening it or reading entry "b.txt" must raise.
    func make() -> ([UInt8], ZipLimits, (CorpusError) -> Bool) {
        func zipReason(_ expected: ZipFailure) -> (CorpusError) -> Bool {
            { if case .zipCorrupt(let r, _) = $0 { r == expected } else { false } }
        }
        var builder = ZipBuilder()
        builder.stored("a.txt", Array("stored entry\n".utf8))
        builder.deflated("b.txt", Self.text.deflate, raw: Self.text.raw)
        let z = builder.build()
        var bytes = z.bytes
        let b = z.centralRecords[1] // b.txt's central directory record
        let limits = ZipLimits()

        switch self {
        case .missingEndRecord: return (Array(bytes.dropLast(22)), limits, zipReason(.endOfCentralDirectoryNotFound))
        case .tooShort: return (Array("PK\u{05}\u{06}".utf8), limits, zipReason(.endOfCentralDirectoryNotFound))
        case .centralDirectoryOutsideFile:
            bytes.setLE(0xFFFF_FF00, at: z.end + 16, size: 4)
            return (bytes, limits, zipReason(.centralDirectoryOutOfBounds))
        case .truncatedCentralDirectory:
            // The second record's name runs past the end of the central directory.
            bytes.setLE(200, at: b + 28, size: 2)
            return (bytes, limits, zipReason(.centralDirectoryTruncated(index: 1)))
        case .entryCountOverflow:
            bytes.setLE(0xFFFF, at: z.end + 8, size: 2)
            bytes.setLE(0xFFFF, at: z.end + 10, size: 2)
            return (bytes, limits, zipReason(.entryCountOverflow(count: 0xFFFF)))
        case .localHeaderNameMismatch:
            bytes[z.localHeaders[1] + 30] = UInt8(ascii: "c")
            return (bytes, limits, zipReason(.localHeaderMismatch(field: "name")))
        case .localHeaderMethodMismatch:
            bytes.setLE(0, at: z.localHeaders[1] + 8, size: 2)
            return (bytes, limits, zipReason(.localHeaderMismatch(field: "method")))
        case .localHeaderMissing:
            bytes.setLE(UInt64(z.centralDirectory - 10), at: b + 42, size: 4)
            return (bytes, limits, zipReason(.localHeaderInvalid))
        case .badCRC:
            bytes[b + 16] ^= 0x01
            return (bytes, limits, { if case .checksumMismatch(.crc32, _, _, "b.txt") = $0 { true } else { false } })
        case .dataPastEndOfFile:
            bytes.setLE(0x00FF_FFFF, at: b + 20, size: 4)
            return (bytes, limits, zipReason(.dataOutOfBounds))
        case .declaredSizeSmallerThanActual:
            bytes.setLE(UInt64(Self.text.raw.count - 100), at: b + 24, size: 4)
            let n = Self.text.raw.count - 100
            return (bytes, limits, { if case .sizeMismatch("b.txt", n, n + 1) = $0 { true } else { false } })
        case .declaredSizeLargerThanActual:
            let n = Self.text.raw.count
            bytes.setLE(UInt64(n + 100), at: b + 24, size: 4)
            return (bytes, limits, { if case .sizeMismatch("b.txt", n + 100, n) = $0 { true } else { false } })
        case .storedSizesDisagree:
            // b.txt as stored with a compressed size that is not its uncompressed size.
            bytes.setLE(0, at: b + 10, size: 2)
            bytes.setLE(0, at: z.localHeaders[1] + 8, size: 2)
            return (bytes, limits, { if case .sizeMismatch("b.txt", _, _) = $0 { true } else { false } })
        case .corruptDeflateData:
            // Block type 3 where b.txt's data starts; the offset reported is within the archive.
            let dataStart = z.localHeaders[1] + 30 + 5
            bytes[dataStart] |= 0x06
            return (bytes, limits, { if case .inflate(.invalidBlockType, dataStart, "b.txt") = $0 { true } else { false } })
        case .encrypted:
            bytes[b + 8] |= 0x01
            return (bytes, limits, { if case .encrypted("b.txt") = $0 { true } else { false } })
        case .unsupportedMethodBzip2:
            bytes.setLE(12, at: b + 10, size: 2)
            bytes.setLE(12, at: z.localHeaders[1] + 8, size: 2)
            return (bytes, limits, { if case .unsupportedCompression(12, "b.txt") = $0 { true } else { false } })
        case .zipBomb, .ratioBomb, .lyingBomb:
            // 1 GiB + 1 of zeros in about 1 MB of deflate (the best ratio deflate allows).
            let matches = (1 << 30) / 258
            let size = 1 + 258 * matches
            var bomb = ZipBuilder()
            bomb.stored("a.txt", [])
            bomb.items.append(.init(name: "b.txt", payload: DeflateSamples.zeros(matches: matches), method: 8,
                                    crc: 0, uncompressedSize: size))
            var raw = bomb.build().bytes
            let record = bomb.build().centralRecords[1]
            switch self {
            case .zipBomb:
                return (raw, limits, { if case .zipBomb("b.txt", size, 256 << 20) = $0 { true } else { false } })
            case .ratioBomb:
                let relaxed = ZipLimits(maxEntrySize: 2 << 30, maxTotalSize: 4 << 30)
                return (raw, relaxed, { if case .ratioExceeded("b.txt", _, 200) = $0 { true } else { false } })
            default:
                // Declares 2 MiB (a plausible 2:1) but holds 1 GiB: stops after 2 MiB + 1 byte.
                raw.setLE(2 << 20, at: record + 24, size: 4)
                return (raw, limits, { if case .sizeMismatch("b.txt", 2 << 20, (2 << 20) + 1) = $0 { true } else { false } })
            }
        }
    }
}

@Suite struct ZipCorruptionTests {
    @Test(arguments: ZipCorruption.allCases)
    func rejected(_ corruption: ZipCorruption) {
        let (bytes, limits, matches) = corruption.make()
        expectCorpusError(corruption.rawValue, matches) {
            let zip = try ZipArchive(bytes: bytes)
            return try zip.read(named: "b.txt", limits: limits)
        }
    }

    /// The unbroken sample reads back, so each failure above comes from its one change.
    @Test func sampleIsValid() throws {
        var builder = ZipBuilder()
        builder.stored("a.txt", Array("stored entry\n".utf8))
        builder.deflated("b.txt", ZipCorruption.text.deflate, raw: ZipCorruption.text.raw)
        let zip = try ZipArchive(bytes: builder.build().bytes)
        #expect(try zip.read(named: "a.txt") == Array("stored entry\n".utf8))
        #expect(try zip.read(named: "b.txt") == ZipCorruption.text.raw)
        #expect(ZipCorruption.text.raw.count == 60_000)
    }
}
