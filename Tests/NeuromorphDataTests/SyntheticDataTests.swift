import NeuromorphCore
import Testing
@testable import NeuromorphData

@Suite("Synthetic data")
struct SyntheticDataTests {
    @Test("blob means lie within a few standard errors of their centres")
    func blobs() {
        var g = SeededGenerator(seed: 11)
        let blobs = SyntheticData.gaussianBlobs(classes: 4, perClass: 400, dimension: 3, spread: 0.5, generator: &g)
        let data = blobs.dataset
        #expect(data.count == 1600 && data.classCounts == [400, 400, 400, 400])
        #expect(Array(data.labels.prefix(20)) != Array(repeating: 0, count: 20), "examples are shuffled")
        let standardError = 0.5 / Float(400).squareRoot()
        for k in 0..<4 {
            let rows = data.labels.indices.filter { data.labels[$0] == k }
            for j in 0..<3 {
                let mean = rows.map { data.inputs[$0, j] }.reduce(0, +) / Float(rows.count)
                #expect(abs(mean - blobs.centres[k, j]) < 4 * standardError, "class \(k), dimension \(j)")
            }
        }
        var again = SeededGenerator(seed: 11)
        #expect(SyntheticData.gaussianBlobs(classes: 4, perClass: 400, dimension: 3, spread: 0.5,
                                            generator: &again) == blobs)
    }

    @Test("regression residuals have the stated noise std and the model fits exactly without noise")
    func regression() {
        var g = SeededGenerator(seed: 5)
        let sample = SyntheticData.linearRegression(count: 4000, dimension: 5, noise: 0.3, generator: &g)
        #expect(sample.x.shape == [4000, 5] && sample.y.shape == [4000])
        var residuals: [Double] = []
        for i in 0..<4000 {
            var prediction = sample.bias
            for j in 0..<5 { prediction += sample.weights[j] * sample.x[i, j] }
            residuals.append(Double(sample.y[i] - prediction))
        }
        let mean = residuals.reduce(0, +) / 4000
        let std = (residuals.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 3999).squareRoot()
        // The sample std of 4,000 normals has relative standard error 1/√(2·3999) ≈ 1.1 %.
        #expect(abs(std - 0.3) < 0.3 * 0.045)
        #expect(abs(mean) < 4 * 0.3 / 63)
        var h = SeededGenerator(seed: 5)
        let exact = SyntheticData.linearRegression(count: 50, dimension: 5, noise: 0, generator: &h)
        for i in 0..<50 {
            var prediction = exact.bias
            for j in 0..<5 { prediction += exact.weights[j] * exact.x[i, j] }
            #expect(abs(exact.y[i] - prediction) < 1e-5)
        }
    }

    @Test("a dense noiseless low-rank matrix has exactly the requested rank", arguments: [1, 3, 5])
    func lowRank(rank: Int) {
        var g = SeededGenerator(seed: UInt64(rank))
        let sample = SyntheticData.lowRankRatings(users: 12, items: 9, rank: rank, density: 1, generator: &g)
        let data = sample.dataset
        #expect(data.count == 108 && data.userCount == 12 && data.itemCount == 9)
        var matrix = [[Double]](repeating: [Double](repeating: 0, count: 9), count: 12)
        for k in 0..<data.count { matrix[Int(data.users[k])][Int(data.items[k])] = Double(data.ratings[k]) }
        #expect(numericalRank(matrix) == rank, "rank \(rank)")
        // Adding noise makes it full rank.
        var h = SeededGenerator(seed: UInt64(rank))
        let noisy = SyntheticData.lowRankRatings(users: 12, items: 9, rank: rank, density: 1, noise: 0.1,
                                                 generator: &h).dataset
        var noisyMatrix = matrix
        for k in 0..<noisy.count { noisyMatrix[Int(noisy.users[k])][Int(noisy.items[k])] = Double(noisy.ratings[k]) }
        #expect(numericalRank(noisyMatrix) == 9)
    }

    @Test("density sets the observed fraction and the signal has unit variance")
    func density() {
        var g = SeededGenerator(seed: 2)
        let data = SyntheticData.lowRankRatings(users: 200, items: 150, rank: 8, density: 0.1, mean: 3,
                                                generator: &g).dataset
        let fraction = Double(data.count) / 30_000
        #expect(abs(fraction - 0.1) < 4 * (0.1 * 0.9 / 30_000).squareRoot())
        let mean = Double(data.meanRating)
        let variance = data.ratings.map { (Double($0) - mean) * (Double($0) - mean) }.reduce(0, +) / Double(data.count)
        #expect(abs(mean - 3) < 0.15)
        #expect(variance > 0.7 && variance < 1.3)
        #expect(Set(zip(data.users, data.items).map { Int($0) * 1000 + Int($1) }).count == data.count)
    }
}

/// The rank of `matrix` by Gaussian elimination with partial pivoting (relative tolerance 1e-4;
/// the Float ratings carry about 1e-7 relative error).
private func numericalRank(_ matrix: [[Double]]) -> Int {
    var a = matrix
    let rows = a.count, columns = a[0].count
    let scale = a.flatMap { $0 }.map(abs).max() ?? 1
    var rank = 0
    for c in 0..<columns where rank < rows {
        let pivot = (rank..<rows).max { abs(a[$0][c]) < abs(a[$1][c]) }!
        guard abs(a[pivot][c]) > 1e-4 * scale else { continue }
        a.swapAt(rank, pivot)
        for r in (rank + 1)..<rows {
            let f = a[r][c] / a[rank][c]
            for k in c..<columns { a[r][k] -= f * a[rank][k] }
        }
        rank += 1
    }
    return rank
}
