// Questions on the 8-bit encoder copy (BERTInt8): close to the NumPy float64 reference, the same
// nearest passages as the f32 path, and exactly the f32 path where it does not apply (long texts,
// or a CPU without the VNNI kernels). Needs models/all-MiniLM-L6-v2.
import Model
import Testing

@Suite(.enabled(if: MiniLM.present, "models/all-MiniLM-L6-v2 is absent: run scripts/fetch-models"))
struct QueryEncoderTests {
    /// Short texts: cosine with the reference ≥ 0.995 (the minimum is printed); long ones (64
    /// tokens and more) and CPUs without the kernels: the f32 bits.
    @Test func eightBitQuestionsStayCloseToTheReference() throws {
        let encoder = try #require(MiniLM.encoder)
        let (texts, tokens, reference) = try MiniLM.reference()
        var worst = 1.0, short = 0
        for (i, text) in texts.enumerated() {
            let q = encoder.encodeQuery(text)
            if tokens[i] < 64 && encoder.queriesUseEightBit {
                worst = min(worst, MiniLM.dot(q, reference[i]))
                short += 1
            } else {
                #expect(q.map(\.bitPattern) == encoder.encode(text).map(\.bitPattern), "text \(i)")
            }
        }
        print("QueryEncoderTests: 8-bit path \(encoder.queriesUseEightBit ? "on" : "off (no VNNI kernels)"); "
              + "\(short) short texts, worst cosine to the reference \(worst)")
        #expect(worst >= 0.995)
    }

    /// Each short reference text, asked as a question, finds the same nearest other text among
    /// the f32 document vectors as its f32 embedding does (ties within 1e-3 aside).
    @Test func eightBitQuestionsFindTheSameNearestPassages() throws {
        let encoder = try #require(MiniLM.encoder)
        let (texts, tokens, _) = try MiniLM.reference()
        let documents = encoder.encode(texts)
        var compared = 0
        for (i, text) in texts.enumerated() where tokens[i] < 64 {
            let exact = encoder.encode(text), eight = encoder.encodeQuery(text)
            let others = texts.indices.filter { $0 != i }
            let scores = others.map { MiniLM.dot(exact, documents[$0]) }
            guard let best = scores.indices.max(by: { scores[$0] < scores[$1] }) else { continue }
            let runnerUp = scores.indices.filter { $0 != best }.map { scores[$0] }.max() ?? -1
            if scores[best] - runnerUp < 0.02 { continue }
            let eightBest = others.indices.max { MiniLM.dot(eight, documents[others[$0]]) < MiniLM.dot(eight, documents[others[$1]]) }
            #expect(eightBest == best, "text \(i): \(text.prefix(60))")
            compared += 1
        }
        print("QueryEncoderTests: \(compared) questions with a clear nearest text")
        #expect(compared >= 20)
    }
}
