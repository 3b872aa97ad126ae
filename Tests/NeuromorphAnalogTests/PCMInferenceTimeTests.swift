import Testing
@testable import NeuromorphAnalog

// The inference time grid of Spoon et al. (1 s, 1 h, 1 day, 1 week, 1 month; digest §2.6/§2.9).

@Suite("Inference times (digest §2.6, §2.9)")
struct PCMInferenceTimeTests {
    @Test("Good tokens parse to seconds",
          arguments: [("1s", 1.0), ("30s", 30), ("30", 30), ("2.5h", 9_000), ("1h", 3_600), ("1d", 86_400),
                      ("1w", 604_800), ("1mo", 2_592_000), ("1min", 60), (" 1 h ", 3_600), ("0", 0),
                      ("1.5 days", 129_600), ("2months", 5_184_000), ("1y", 31_536_000), ("1H", 3_600), (".5h", 1_800)])
    func good(_ row: (String, Double)) throws {
        #expect(try InferenceTime(parsing: row.0).seconds == row.1)
    }

    @Test("Bad tokens throw an error naming the token and the expected form",
          arguments: ["", "abc", "-1h", "1m", "1x", "1.2.3h", "inf", "h1", "1e3"])
    func bad(_ token: String) {
        do {
            let t = try InferenceTime(parsing: token)
            Issue.record("'\(token)' parsed as \(t.seconds) s")
        } catch {
            #expect(error.token == token)
            #expect(error.description.contains("'\(token)'"))
            #expect(error.description.contains(token == "1m" ? "'min'" : "expected"), "\(error)")
        }
    }

    @Test("The paper grid is 1 s, 1 h, 1 d, 1 w, 1 mo (30 d), and lists parse and print")
    func grid() throws {
        #expect(InferenceTime.paperGrid.map(\.seconds) == [1, 3_600, 86_400, 604_800, 2_592_000])
        #expect(try InferenceTime.parseGrid("1s,1h,1d,1w,1mo") == InferenceTime.paperGrid)
        #expect(try InferenceTime.parseGrid("1s 1h, 1d") == [.second, .hour, .day])
        #expect(InferenceTime.paperGrid.map(\.description) == ["1s", "1h", "1d", "1w", "1mo"])
        #expect(InferenceTime(seconds: 9_000).description == "2.5h")
        #expect(InferenceTime(seconds: 0.25).description == "0.25s")
        #expect(InferenceTime(seconds: 61).description == "61s")
        #expect(throws: InferenceTimeParseError.self) { try InferenceTime.parseGrid("1s,bad,1d") }
        #expect(throws: InferenceTimeParseError.self) { try InferenceTime.parseGrid(" , ") }
        do {
            _ = try InferenceTime.parseGrid("1s,2x")
        } catch {
            #expect(error.token == "2x")
        }
        #expect(InferenceTime.hour < InferenceTime.day)
    }
}
