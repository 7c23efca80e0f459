// Tests draw from the product's SplitMix64, so randomised tests (mutation, crash timing) replay
// exactly; tests never depend on the system's randomness.
import Random

public typealias SeededRandom = SplitMix64
