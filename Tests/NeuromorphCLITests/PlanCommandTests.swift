import Foundation
import Testing

/// `neuromorph plan` (Steffen et al.'s wavefront planner, spiking note §4.3).
@Suite("neuromorph plan")
struct PlanCommandTests {
    @Test("plan: a 2-D wall map prints the phase table, the path against BFS and writes an SVG")
    func planSucceeds() throws {
        let dir = try Scratch()
        let svg = dir.path("plots/path.svg")
        let run = try neuromorph("plan", "--grid", "12", "--dimensions", "2", "--map", "wall", "--timing", "immediate", "--svg", svg)
        #expect(run.status == 0, "\(run)")
        for phase in ["create neurons", "create synapses", "simulate", "read weights", "compute field", "find path"] {
            #expect(run.stdout.contains(phase), "\(run)")
        }
        #expect(run.stdout.contains("BFS shortest path: 23 points"), "\(run)")
        #expect(run.stdout.contains("reached the target"), "\(run)")
        let text = try String(contentsOfFile: svg, encoding: .utf8)
        #expect(text.hasPrefix("<svg") && text.contains("polyline"))
    }

    @Test("plan: bad flags are usage errors naming the flag and the expected form")
    func planRejectsBadFlags() throws {
        for (args, message) in [(["--grid", "1"], "--grid must be"), (["--map", "maze"], "--map must be one of empty, wall, boxes"),
                                (["--dimensions", "4"], "--dimensions must be 2 or 3"),
                                (["--timing", "later"], "--timing")] {
            let run = try neuromorph(["plan"] + args)
            #expect(run.status == 64, "\(run)")
            #expect(run.stderr.contains(message), "\(run)")
        }
    }
}
