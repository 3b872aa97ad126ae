import NeuromorphCore

/// Explicit ratings of items by users, the input of matrix-factorization recommenders.
///
/// Users and items are dense indices `0..<userCount` and `0..<itemCount`; `userIDs[u]`
/// and `itemIDs[i]` give the identifiers in the source file (empty for synthetic sets,
/// whose indices are the identifiers). Entry `k` says user `users[k]` rated item `items[k]`
/// with `ratings[k]`.
public struct RatingsDataset: Sendable, Equatable {
    /// The user of each rating, in `0..<userCount`.
    public var users: [Int32]
    /// The item of each rating, in `0..<itemCount`.
    public var items: [Int32]
    /// The rating values.
    public var ratings: [Float]
    /// Number of distinct users (the size of a user embedding table).
    public var userCount: Int
    /// Number of distinct items.
    public var itemCount: Int
    /// The source identifier of each dense user index (sorted ascending), or empty.
    public var userIDs: [Int]
    /// The source identifier of each dense item index (sorted ascending), or empty.
    public var itemIDs: [Int]

    /// A ratings set; the three arrays must have equal length and indices must lie in range.
    public init(users: [Int32], items: [Int32], ratings: [Float], userCount: Int, itemCount: Int,
                userIDs: [Int] = [], itemIDs: [Int] = []) {
        precondition(users.count == items.count && items.count == ratings.count,
                     "RatingsDataset: \(users.count) users, \(items.count) items, \(ratings.count) ratings")
        precondition(users.allSatisfy { $0 >= 0 && Int($0) < userCount }, "RatingsDataset: user index out of range")
        precondition(items.allSatisfy { $0 >= 0 && Int($0) < itemCount }, "RatingsDataset: item index out of range")
        precondition(userIDs.isEmpty || userIDs.count == userCount, "RatingsDataset: \(userIDs.count) user ids")
        precondition(itemIDs.isEmpty || itemIDs.count == itemCount, "RatingsDataset: \(itemIDs.count) item ids")
        self.users = users
        self.items = items
        self.ratings = ratings
        self.userCount = userCount
        self.itemCount = itemCount
        self.userIDs = userIDs
        self.itemIDs = itemIDs
    }

    /// Number of ratings.
    public var count: Int { ratings.count }

    /// The mean rating (0 for an empty set), accumulated in `Double`.
    public var meanRating: Float {
        count == 0 ? 0 : Float(ratings.reduce(0.0) { $0 + Double($1) } / Double(count))
    }

    /// The ratings at `indices`, keeping the user and item tables (counts and identifiers).
    public func subset(_ indices: some Collection<Int>) -> RatingsDataset {
        var copy = self
        copy.users = indices.map { users[$0] }
        copy.items = indices.map { items[$0] }
        copy.ratings = indices.map { ratings[$0] }
        return copy
    }

    /// Splits off a random `testFraction` of the ratings with a seeded permutation.
    ///
    /// Both parts keep the full user and item tables, so one embedding table serves both;
    /// the same generator state always gives the same split.
    public func split(testFraction: Double,
                      generator: inout SeededGenerator) -> (train: RatingsDataset, test: RatingsDataset) {
        precondition(testFraction >= 0 && testFraction <= 1, "split: testFraction must lie in 0...1, got \(testFraction)")
        let testCount = Int((Double(count) * testFraction).rounded())
        let order = generator.permutation(count)
        return (subset(order[testCount...].sorted()), subset(order[..<testCount].sorted()))
    }

    /// The ratings in a seeded random order (for SGD epochs).
    public func shuffled(using generator: inout SeededGenerator) -> RatingsDataset {
        subset(generator.permutation(count))
    }
}
