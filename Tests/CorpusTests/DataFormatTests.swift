// CSV/TSV, JSON and e-mail extraction with known expected text; the mail fixtures were written
// by Python's email package (scripts/fixtures/make_mail_fixtures.py).
import Corpus
import Posix
import Testing
import TestSupport

@Suite struct DelimitedTests {
    @Test func csvRowsBecomeColumnValueRowsWithTheirLines() {
        let csv = "Name,Days,Note\r\nAnnual,\"13, 20 or 26\",\"accrues\nper period\"\r\nSick,13,\"said \"\"ok\"\"\"\r\n"
        let doc = DelimitedExtractor.extract(csv)
        #expect(doc.blocks.map(\.text) == ["Name: Annual; Days: 13, 20 or 26; Note: accrues\nper period", "Name: Sick; Days: 13; Note: said \"ok\""])
        #expect(doc.blocks.map(\.span.lineStart) == [2, 4])
        #expect(doc.blocks.map(\.span.lineEnd) == [3, 4])
    }

    @Test func tsvAndGuessing() {
        #expect(DelimitedExtractor.extract("a\tb\n1\t2\n").blocks.map(\.text) == ["a: 1; b: 2"])
        #expect(DelimitedExtractor.extract("a;b\n1;2\n").blocks.map(\.text) == ["a: 1; b: 2"])
    }
}

@Suite struct JSONExtractorTests {
    @Test func flattensObjectsAndRecords() throws {
        let doc = try JSONExtractor.extract(Array(#"{"title":"Rates","currency":"EUR","tiers":[{"name":"basic","price":10},{"name":"pro","price":25}],"tags":["a","b"]}"#.utf8))
        #expect(doc.title == "Rates")
        #expect(doc.blocks.map(\.text) == ["title: Rates; currency: EUR; tags: a, b", "name: basic; price: 10", "name: pro; price: 25"])
        #expect(doc.blocks[1].span.locator == "$.tiers.0")
    }

    @Test func malformedJSONIsACorpusError() {
        #expect(throws: CorpusError.self) { try JSONExtractor.extract(Array("{\"a\": ".utf8)) }
    }
}

@Suite struct EmailTests {
    func load(_ name: String) throws -> Document {
        EmailExtractor.extract(try FileSystem.read(Paths.fixtures + "/mail/" + name))
    }

    @Test func alternativePrefersPlainTextAndDecodesHeaders() throws {
        let doc = try load("alternative-qp.eml")
        #expect(doc.title == "Réunion: budget de l’équipe")
        #expect(doc.blocks.map(\.text) == [
            "From: Zoë Ortega <zoe@example.com>; To: team@example.com; Date: Mon, 02 Mar 2026 09:30:00 +0000; Subject: Réunion: budget de l’équipe",
            "Bonjour à tous,",
            "Le budget de voyage pour 2026 est de 12 000 euros. Merci de réserver avant le 15 mars.",
        ])
    }

    @Test func base64HTMLAndAttachmentNames() throws {
        let doc = try load("html-base64-attachment.eml")
        let text = doc.plainText
        #expect(text.contains("Permits cost nine dollars per month."))
        #expect(text.contains("Attachment: policy.pdf"))
        #expect(!text.contains("%PDF"))
    }

    @Test func forwardedMessagesAreReadInTheirCharset() throws {
        let doc = try load("forwarded.eml")
        #expect(doc.plainText.contains("See below."))
        #expect(doc.plainText.contains("Subject: Quarterly numbers"))
        #expect(doc.plainText.contains("Revenue grew by eight percent in the café division."))
    }

    @Test func garbageIsNotACrash() {
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<200 {
            let bytes = (0..<Int.random(in: 0..<2000, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
            _ = EmailExtractor.extract(bytes)
        }
        let evil = "Content-Type: multipart/mixed; boundary=b\n\n" + String(repeating: "--b\nContent-Type: multipart/mixed; boundary=b\n\n", count: 500)
        #expect(EmailExtractor.extract(Array(evil.utf8)).blocks.count < 2000)
    }
}
