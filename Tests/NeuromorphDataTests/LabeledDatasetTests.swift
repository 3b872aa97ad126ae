import NeuromorphCore
import Testing
@testable import NeuromorphData

/// `n` examples of 2 features where example i is `[i, -i]` with label `i % classes`.
private func numbered(_ n: Int, classes: Int = 3) -> LabeledDataset {
    let scalars = (0..<n).flatMap { [Float($0), -Float($0)] }
    return LabeledDataset(inputs: Tensor(shape: [n, 2], scalars: scalars),
                          labels: (0..<n).map { $0 % classes }, classCount: classes)
}

@Suite("Labeled datasets")
struct LabeledDatasetTests {
    @Test("subset gathers rows and labels in the given order")
    func subset() {
        let part = numbered(10).subset([7, 2, 2])
        #expect(part.inputs.scalars == [7, -7, 2, -2, 2, -2])
        #expect(part.labels == [1, 2, 2])
        #expect(part.classCount == 3)
    }

    @Test("split partitions the examples and is reproducible from the seed")
    func split() {
        let data = numbered(100)
        var g1 = SeededGenerator(seed: 42)
        var g2 = SeededGenerator(seed: 42)
        var g3 = SeededGenerator(seed: 43)
        let a = data.split(validationFraction: 0.2, generator: &g1)
        let b = data.split(validationFraction: 0.2, generator: &g2)
        let c = data.split(validationFraction: 0.2, generator: &g3)
        #expect(a.train.count == 80 && a.validation.count == 20)
        #expect(a.train == b.train && a.validation == b.validation)
        #expect(a.validation != c.validation)
        let ids = (a.train.inputs.scalars + a.validation.inputs.scalars).enumerated()
            .filter { $0.offset % 2 == 0 }.map { Int($0.element) }
        #expect(ids.sorted() == Array(0..<100))
        #expect(ids.prefix(80).elementsEqual(ids.prefix(80).sorted()), "parts keep the original order")
    }

    @Test("batches cover every example once, keep the last partial batch, and shuffle reproducibly")
    func batches() {
        let data = numbered(10)
        let plain = Array(data.batches(size: 4))
        #expect(plain.map(\.count) == [4, 4, 2])
        #expect(plain[2].inputs.shape == [2, 2])
        #expect(plain[2].labels == [2, 0])
        #expect(plain.flatMap(\.indices) == Array(0..<10))

        var g1 = SeededGenerator(seed: 7)
        var g2 = SeededGenerator(seed: 7)
        let s1 = data.batches(size: 3, shuffledWith: &g1)
        let s2 = data.batches(size: 3, shuffledWith: &g2)
        #expect(s1.count == 4)
        #expect(Array(s1) == Array(s2))
        let order = s1.flatMap(\.indices)
        #expect(order.sorted() == Array(0..<10) && order != Array(0..<10))
        for batch in s1 {
            #expect(batch.labels == batch.indices.map { $0 % 3 })
            #expect(batch.inputs.scalars == batch.indices.flatMap { [Float($0), -Float($0)] })
        }
        // The next epoch from the same generator gives a different order.
        let epoch2 = data.batches(size: 3, shuffledWith: &g1).flatMap(\.indices)
        #expect(epoch2 != order)
        var g3 = SeededGenerator(seed: 8)
        #expect(data.batches(size: 3, shuffledWith: &g3).flatMap(\.indices) != order)

        var none: SeededGenerator? = nil
        #expect(data.batches(size: 4, shuffleWith: &none).flatMap(\.indices) == Array(0..<10))
        var some: SeededGenerator? = SeededGenerator(seed: 7)
        #expect(data.batches(size: 3, shuffleWith: &some).flatMap(\.indices) == order)
        #expect(some != SeededGenerator(seed: 7), "the optional generator advances")
    }

    @Test("reshaping for CNNs and flattening keep the scalars")
    func reshaping() {
        let images = LabeledDataset(inputs: Tensor(shape: [2, 2, 3], scalars: (0..<12).map(Float.init)),
                                    labels: [0, 1], classCount: 2)
        #expect(images.featureShape == [2, 3] && images.featureCount == 6)
        #expect(images.reshapedImages(channels: 1, height: 2, width: 3).inputs.shape == [2, 1, 2, 3])
        #expect(images.flattened().inputs.shape == [2, 6])
        #expect(images.flattened().inputs.scalars == images.inputs.scalars)
        #expect(images.prefix(1).labels == [0])
    }
}
