// Daemon-side regressions from issue 7 ("Bad input, fuzzed"): request values that once crashed
// nerved, and the question-length limit that became an etc/nerved.toml key.
import Daemon
import JSON
import Testing
import TestSupport
import Wire

@Suite struct FuzzRegressionTests {
    /// `stats` multiplied since_hours into an Int64 nanosecond count: any value above about 2.5
    /// million hours trapped and took the daemon down.
    @Test(arguments: DaemonHarness.Mode.allCases)
    func hugeSinceHoursIsClampedNotACrash(_ mode: DaemonHarness.Mode) throws {
        let h = try DaemonHarness(mode)
        for hours in [1e300, 3e6, -1e300, 0] {
            let s = try h.call("stats", ["since_hours": .double(hours)])
            #expect(s["questions"] == 0, "since_hours \(hours)")
        }
        #expect(try h.call("status")["documents"] == 0)
    }

    @Test(arguments: DaemonHarness.Mode.allCases)
    func questionLengthFollowsTheConfiguredLimit(_ mode: DaemonHarness.Mode) throws {
        let h = try DaemonHarness(mode) { $0.maxQuestionChars = 10 }
        #expect(h.errorCode("ask", ["question": "twelve chars"]) == .ETOOBIG)
        // Within the limit the question goes on to the index (empty here).
        #expect(h.errorCode("ask", ["question": "ten chars!"]) == .ENOINDEX)
    }

    @Test func maxQuestionCharsIsReadFromTheConfigFile() throws {
        let c = try DaemonConfig.parse(bytes: Array("max_question_chars = 200\n".utf8), path: "nerved.toml")
        #expect(c.maxQuestionChars == 200)
        #expect(DaemonConfig().maxQuestionChars == 4096)
        #expect(throws: DaemonError.self) { try DaemonConfig.parse(bytes: Array("max_question_chars = 0\n".utf8), path: "nerved.toml") }
    }
}
