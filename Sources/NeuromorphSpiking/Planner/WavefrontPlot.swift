import Foundation

/// An SVG picture of a planning run: obstacles, the BFS shortest path (dashed) and the
/// paper-style and greedy paths. A 2-D grid is drawn as it is; a 3-D grid as two
/// projections side by side (x–y seen along z, x–z seen along y), obstacle cells shaded by
/// how many of the projected column are occupied.
public enum WavefrontPlot {
    public static func svg(_ result: WavefrontPlanner.Result, shortest: [Int]?) -> String {
        let grid = result.grid
        let n = grid.n
        let cell = Swift.max(4, 480 / n)
        let size = n * cell
        let panels: [(String, Int, Int)] = grid.dimensions == 3 ? [("x–y (along z)", 0, 1), ("x–z (along y)", 0, 2)]
                                                                : [("x–y", 0, 1)]
        let margin = 24
        let width = panels.count * (size + margin) + margin
        let height = size + 2 * margin + 40
        var svg = """
        <svg xmlns="http://www.w3.org/2000/svg" width="\(width)" height="\(height)" viewBox="0 0 \(width) \(height)" font-family="sans-serif" font-size="12">
        <rect width="100%" height="100%" fill="white"/>

        """
        for (p, (title, a, b)) in panels.enumerated() {
            let ox = margin + p * (size + margin), oy = margin
            svg += "<g transform=\"translate(\(ox),\(oy))\">\n"
            svg += "<text x=\"0\" y=\"-6\">\(title)</text>\n"
            svg += "<rect width=\"\(size)\" height=\"\(size)\" fill=\"#f7f7f7\" stroke=\"#999\"/>\n"
            // Obstacle density per projected column.
            var density = [Int](repeating: 0, count: n * n)
            for c in 0..<grid.cellCount where grid.occupied[c] {
                let q = grid.coordinates(c)
                density[q[a] * n + q[b]] += 1
            }
            let depth = grid.dimensions == 3 ? n : 1
            for u in 0..<n {
                for v in 0..<n where density[u * n + v] > 0 {
                    let shade = 0.25 + 0.75 * Double(density[u * n + v]) / Double(depth)
                    svg += "<rect x=\"\(u * cell)\" y=\"\(size - (v + 1) * cell)\" width=\"\(cell)\" height=\"\(cell)\" fill=\"#333\" fill-opacity=\"\(String(format: "%.2f", shade))\"/>\n"
                }
            }
            func polyline(_ cells: [Int], _ colour: String, _ dash: String) -> String {
                let points = cells.map { c -> String in
                    let q = grid.coordinates(c)
                    return "\(q[a] * cell + cell / 2),\(size - q[b] * cell - cell / 2)"
                }.joined(separator: " ")
                return "<polyline points=\"\(points)\" fill=\"none\" stroke=\"\(colour)\" stroke-width=\"2\"\(dash)/>\n"
            }
            if let shortest { svg += polyline(shortest, "#2a9d8f", " stroke-dasharray=\"5,4\"") }
            if let greedy = result.greedyPath { svg += polyline(greedy, "#e9c46a", "") }
            svg += polyline(result.paperPath.cells, "#d62828", "")
            for (c, colour) in [(grid.start, "#1d3557"), (grid.target, "#d62828")] {
                let q = grid.coordinates(c)
                svg += "<circle cx=\"\(q[a] * cell + cell / 2)\" cy=\"\(size - q[b] * cell - cell / 2)\" r=\"\(Swift.max(3, cell / 2))\" fill=\"\(colour)\"/>\n"
            }
            svg += "</g>\n"
        }
        let bfs = shortest.map { "\($0.count)" } ?? "—"
        let greedy = result.greedyPath.map { "\($0.count)" } ?? "stuck"
        svg += "<text x=\"\(margin)\" y=\"\(size + margin + 22)\">\(grid.dimensions)-D n=\(n), map \(grid.map): paper-style path \(result.paperPath.length) points (red), greedy \(greedy) (yellow), BFS \(bfs) (dashed); start blue, target red</text>\n"
        svg += "</svg>\n"
        return svg
    }
}
