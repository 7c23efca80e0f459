// `nerve generate` as other tools call it: the --json contract (keys, ids equal to llama.cpp's
// greedy reference, top logits per prompt position) and clear errors for bad flags and files.
// The model run is skipped with a reason when models/SmolLM2-135M-Instruct.Q4_1.gguf is absent.
import JSON
import Posix
import Testing
import TestSupport

@Suite(.serialized) struct GenerateCLITests {
    static let model = Paths.packageRoot + "/models/SmolLM2-135M-Instruct.Q4_1.gguf"

    @Test func jsonContractAndGreedyIdsEqualLlamaCpp() throws {
        guard FileSystem.exists(Self.model) else {
            print("GenerateCLITests: skipped: \(Self.model) is absent (run scripts/fetch-models)")
            return
        }
        let fixture = try JSON.parse(try FileSystem.read(Paths.fixtures + "/engine/smollm2-greedy.json"))
        let c = try #require(fixture["cases"]?[0])
        let prompt = try #require(c["prompt"]?.stringValue)
        let r = try Binaries.run("nerve", ["generate", "--model", Self.model, "--prompt", prompt, "--max-tokens", "8",
                                           "--top-logits", "3", "--ignore-eos", "--threads", "2", "--json"], timeout: 120)
        #expect(r.status == 0, "\(r.stderr)")
        let j = try JSON.parse(Array(r.stdout.utf8))
        let ids = { (v: JSON?) in (v?.arrayValue ?? []).compactMap(\.intValue) }
        #expect(ids(j["prompt_tokens"]) == ids(c["prompt_tokens"]))
        #expect(ids(j["tokens"]) == Array(ids(c["tokens"]).prefix(8)))
        #expect(j["text"]?.stringValue == " Paris.\n\nThe answer is:")
        let t = try #require(j["timings"])
        #expect(t["prompt_tokens"]?.intValue == 5 && t["generated_tokens"]?.intValue == 8)
        #expect((t["prefill_ms"]?.doubleValue ?? -1) > 0 && (t["decode_ms"]?.doubleValue ?? -1) > 0)
        #expect(j["experts"] == nil, "a dense model reports no experts")
        let top = try #require(j["top_logits"]?.arrayValue)
        #expect(top.count == 5)
        #expect(top.allSatisfy { $0.arrayValue?.count == 3 && $0[0]?["id"]?.intValue != nil && $0[0]?["logit"]?.doubleValue != nil })
        #expect(top.last?[0]?["id"]?.intValue == ids(c["tokens"]).first)
    }

    @Test func badFlagsAreUsageErrors() throws {
        let none = try Binaries.run("nerve", ["generate", "--prompt", "x"])
        #expect(none.status == 2 && none.stderr.contains("generate needs --model FILE.gguf"))
        let noPrompt = try Binaries.run("nerve", ["generate", "--model", Self.model])
        #expect(noPrompt.status == 2 && noPrompt.stderr.contains("generate needs --prompt TEXT"))
        let number = try Binaries.run("nerve", ["generate", "--model", Self.model, "--prompt", "x", "--max-tokens", "many"])
        #expect(number.status == 2 && number.stderr.contains("--max-tokens wants a whole number"))
        let temp = try Binaries.run("nerve", ["generate", "--model", Self.model, "--prompt", "x", "--temperature", "-1"])
        #expect(temp.status == 2 && temp.stderr.contains("--temperature"))
        let typo = try Binaries.run("nerve", ["generate", "--modle", Self.model])
        #expect(typo.status == 2 && typo.stderr.contains("did you mean '--model'?"))
        let valued = try Binaries.run("nerve", ["generate", "--ignore-eos=yes"])
        #expect(valued.status == 2 && valued.stderr.contains("--ignore-eos takes no value"))
        let other = try Binaries.run("nerve", ["status", "--max-tokens", "3"])
        #expect(other.status == 2 && other.stderr.contains("status does not take --max-tokens"))
    }

    @Test func missingAndCorruptModelFilesExitOneNamingTheFile() throws {
        let dir = try Paths.temporaryDirectory()
        defer { FileSystem.removeTree(dir) }
        let missing = try Binaries.run("nerve", ["generate", "--model", dir + "/absent.gguf", "--prompt", "x"])
        #expect(missing.status == 1 && missing.stderr.contains(dir + "/absent.gguf: no such file"))
        try FileSystem.writeAtomically(dir + "/bad.gguf", Array("not a model at all".utf8))
        let bad = try Binaries.run("nerve", ["generate", "--model", dir + "/bad.gguf", "--prompt", "x"])
        #expect(bad.status == 1 && bad.stderr.contains(dir + "/bad.gguf: not a GGUF file"))
    }
}
