// Daemon-side regressions from issue 7 ("Bad input, fuzzed"): request values that once crashed
// nerved. The configurable limits are tested in LimitTests.
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
}
