// Chunking follows structure: never across headings, tables kept with their caption and split
// only between rows, long paragraphs split at sentences, heading paths carried.
import Corpus
import Testing

@Suite struct ChunkerTests {
    @Test func chunksFollowHeadingsAndCarryTheirPath() {
        let doc = Document(title: "Handbook", blocks: [
            Block(.heading(level: 1), "Benefits", span: SourceSpan(lineStart: 1, lineEnd: 1)),
            Block(.paragraph, "General text.", span: SourceSpan(lineStart: 2, lineEnd: 2)),
            Block(.heading(level: 2), "Vacation", span: SourceSpan(lineStart: 3, lineEnd: 3)),
            Block(.paragraph, "Ten days.", span: SourceSpan(lineStart: 4, lineEnd: 4)),
            Block(.listItem, "Ask first.", span: SourceSpan(lineStart: 5, lineEnd: 5)),
            Block(.heading(level: 1), "Travel", span: SourceSpan(lineStart: 6, lineEnd: 6)),
            Block(.paragraph, "Book early.", span: SourceSpan(lineStart: 7, lineEnd: 7)),
        ])
        let chunks = Chunker.chunk(doc)
        #expect(chunks.map(\.headingPath) == ["Handbook > Benefits", "Handbook > Benefits > Vacation", "Handbook > Travel"])
        #expect(chunks.map(\.text) == ["General text.", "Ten days.\nAsk first.", "Book early."])
        #expect(chunks[1].span.lineStart == 4 && chunks[1].span.lineEnd == 5)
        #expect(chunks.map(\.ordinal) == [0, 1, 2])
    }

    @Test func tablesSplitOnlyBetweenRowsAndKeepTheirCaption() {
        let rows = (1...40).map { "Item: thing \($0); Price: \($0 * 10) dollars" }
        let doc = Document(blocks: [Block(.table(caption: "Price list:", rows: rows), (["Price list:"] + rows).joined(separator: "\n"))])
        let chunks = Chunker.chunk(doc, options: ChunkerOptions(maxChars: 300))
        #expect(chunks.count > 3)
        var seen: [String] = []
        for c in chunks {
            let lines = c.text.split(separator: "\n").map(String.init)
            #expect(lines.first == "Price list:")
            #expect(c.text.count <= 300)
            seen += lines.dropFirst()
        }
        #expect(seen == rows, "every row exactly once, whole and in order")
    }

    @Test func longParagraphsSplitAtSentencesWithOverlap() {
        let sentences = (1...30).map { "Sentence number \($0) says something." }
        let doc = Document(blocks: [Block(.paragraph, sentences.joined(separator: " "))])
        let chunks = Chunker.chunk(doc, options: ChunkerOptions(maxChars: 200, overlapChars: 40))
        #expect(chunks.count > 4)
        for c in chunks {
            #expect(c.text.count <= 240)
            for line in c.text.split(separator: "\n") { #expect(sentences.contains(String(line))) }
        }
        let firstOfSecond = chunks[1].text.split(separator: "\n").first.map(String.init)
        let lastOfFirst = chunks[0].text.split(separator: "\n").last.map(String.init)
        #expect(firstOfSecond == lastOfFirst, "one sentence of overlap")
    }

    @Test func headingOnlyDocumentStillGetsAChunk() {
        let chunks = Chunker.chunk(Document(blocks: [Block(.heading(level: 1), "Only a title")]))
        #expect(chunks.map(\.text) == ["Only a title"])
    }
}
