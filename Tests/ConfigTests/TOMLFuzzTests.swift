// Mutated documents must be accepted or rejected with a ConfigError, never crash the process:
// a deterministic mutation fuzzer over the toml-test valid documents (or built-in seeds).
import Config
import Foundation
import TestSupport
import Testing

@Suite struct TOMLFuzzTests {
    static let seeds = [
        "a = 1\n[t]\nb = \"x\\u00e9\"\n[[arr]]\nc = [1, 2.5, {d = 1979-05-27T07:32:00Z}]\n",
        "s = \"\"\"\nline \\\n  more\"\"\"\nl = '''\nraw'''\n x.y.z = 07:32:00.5\n",
    ]

    /// toml-test's valid documents when present, else the built-in seeds.
    static func corpus() -> [[UInt8]] {
        guard let root = Paths.sharedData.map({ $0 + "/toml-test/tests" }),
              let list = try? String(contentsOfFile: root + "/files-toml-1.0.0", encoding: .utf8)
        else { return seeds.map { Array($0.utf8) } }
        return list.split(separator: "\n").filter { $0.hasPrefix("valid/") && $0.hasSuffix(".toml") }.compactMap {
            FileManager.default.contents(atPath: root + "/" + $0).map { [UInt8]($0) }
        }
    }

    @Test func mutatedDocumentsNeverCrash() {
        // Bytes that matter to the grammar, so mutations reach deep paths rather than just
        // producing "expected a key".
        let alphabet = Array("[]{}\"'=.,#\\\n\r\t 0123456789+-_:eExobTZ".utf8) + [0x00, 0x7F, 0xC3, 0xA9, 0xFF]
        var rng = SeededRandom(seed: 0x70_4D_4C)
        var accepted = 0, rejected = 0
        for document in Self.corpus() {
            for _ in 0..<40 {
                var bytes = document
                for _ in 0...rng.next(below: 3) {
                    let i = bytes.isEmpty ? 0 : rng.next(below: bytes.count)
                    let b = alphabet[rng.next(below: alphabet.count)]
                    switch rng.next(below: 3) {
                    case 0 where !bytes.isEmpty: bytes[i] = b
                    case 1 where !bytes.isEmpty: bytes.remove(at: i)
                    default: bytes.insert(b, at: i)
                    }
                }
                if let table = try? TOML.parse(bytes: bytes) {
                    _ = taggedJSON(table)
                    accepted += 1
                } else {
                    rejected += 1
                }
            }
        }
        print("TOML fuzz: \(accepted) mutants accepted, \(rejected) rejected, no crash")
        #expect(accepted + rejected > 0)
    }
}
