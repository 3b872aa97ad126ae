import NeuromorphData

/// MovieLens `u.data` ratings (tab-separated user, item, rating, time).
enum FuzzMovieLens {
    static func run(_ bytes: [UInt8]) {
        _ = try? MovieLens.parse(bytes, name: "fuzz/u.data")
    }
}
