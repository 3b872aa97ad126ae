import Foundation
import NeuromorphCore
import Testing
@testable import NeuromorphData

@Suite("MovieLens ratings")
struct RatingsTests {
    @Test("u.data layout: tab-separated, ids re-indexed densely in ascending order")
    func tabSeparated() throws {
        let text = "196\t242\t3\t881250949\n186\t302\t3\t891717742\n22\t242\t1\t878887116\n196\t51\t2\t880606923\n"
        let data = try MovieLens.parse(Array(text.utf8), name: "u.data")
        #expect(data.count == 4)
        #expect(data.userIDs == [22, 186, 196] && data.itemIDs == [51, 242, 302])
        #expect(data.userCount == 3 && data.itemCount == 3)
        #expect(data.users == [2, 1, 0, 2] && data.items == [1, 2, 1, 0])
        #expect(data.ratings == [3, 3, 1, 2])
        #expect(data.meanRating == 2.25)
    }

    @Test("ratings.dat layout: double-colon separated, CRLF and blank lines tolerated")
    func doubleColon() throws {
        let text = "1::1193::5::978300760\r\n1::661::3::978302109\r\n\r\n2::1193::4::978298413\r\n"
        let data = try MovieLens.parse(Array(text.utf8), name: "ratings.dat")
        #expect(data.count == 3 && data.userCount == 2 && data.itemCount == 2)
        #expect(data.ratings == [5, 3, 4])
        #expect(data.items == [1, 0, 1])
    }

    @Test("ratings.csv layout: header skipped, half-star ratings")
    func commaSeparated() throws {
        let text = "userId,movieId,rating,timestamp\n1,31,2.5,1260759144\n1,1029,3.0,1260759179\n"
        let data = try MovieLens.parse(Array(text.utf8), name: "ratings.csv")
        #expect(data.ratings == [2.5, 3])
    }

    @Test("a bad line names the file, the line number and the expected form", arguments: [
        ("1\t2\t3\t4\n5\t6\tx\t7\n", 2),
        ("1\t2\t3\t4\n\n5\t6\t7\n", 3),
        ("1\t2\t3\t4\n-5\t6\t7\t8\n", 2),
        ("1\t2\t3\t4\n5\t6\t7\t8\t9\n", 2),
    ])
    func badLine(text: String, line: Int) throws {
        let error = try #require(dataError { _ = try MovieLens.parse(Array(text.utf8), name: "u.data") })
        #expect(error.kind == .format)
        #expect(error.line == line)
        #expect(error.description.hasPrefix("u.data:\(line): expected 'user<TAB>item<TAB>rating<TAB>timestamp'"))
    }

    @Test("a mixed-up ratings.dat line names the :: form")
    func badDoubleColonLine() {
        let error = dataError { _ = try MovieLens.parse(Array("1::2::3::4\n1::2:3::4\n".utf8), name: "ratings.dat") }
        #expect(error?.description.hasPrefix("ratings.dat:2: expected 'user::item::rating::timestamp'") == true)
    }

    @Test("an empty file and a missing file are errors")
    func emptyAndMissing() throws {
        #expect(dataError { _ = try MovieLens.parse([], name: "u.data") }?.kind == .format)
        try withTemporaryFolder { folder in
            let error = dataError { _ = try MovieLens.load(folder) }
            #expect(error?.kind == .missing)
            #expect(error?.description.contains("u.data") == true)
            let file = try writeText("7\t8\t4\t0\n", named: "u.data", in: folder)
            #expect(try MovieLens.load(folder) == MovieLens.load(file))
        }
    }

    @Test("the seeded split partitions the ratings and keeps the tables")
    func split() {
        var g = SeededGenerator(seed: 1)
        let full = SyntheticData.lowRankRatings(users: 20, items: 30, rank: 2, density: 0.5, generator: &g).dataset
        var a = SeededGenerator(seed: 9), b = SeededGenerator(seed: 9), c = SeededGenerator(seed: 10)
        let s1 = full.split(testFraction: 0.1, generator: &a)
        let s2 = full.split(testFraction: 0.1, generator: &b)
        let s3 = full.split(testFraction: 0.1, generator: &c)
        #expect(s1.train == s2.train && s1.test == s2.test)
        #expect(s1.test != s3.test)
        #expect(s1.test.count == Int((Double(full.count) * 0.1).rounded()))
        #expect(s1.train.count + s1.test.count == full.count)
        #expect(s1.train.userCount == 20 && s1.test.itemCount == 30)
        let pairs = Set(zip(s1.train.users, s1.train.items).map { "\($0),\($1)" })
        #expect(zip(s1.test.users, s1.test.items).allSatisfy { !pairs.contains("\($0),\($1)") })
    }

    @Test("MovieLens 100K: 100,000 ratings by 943 users on 1,682 items",
          .enabled(if: SharedData.exists(SharedData.movieLens100k), "/work/shared/data/ml-100k is not on this machine"))
    func movieLens100k() throws {
        let data = try MovieLens.load(SharedData.movieLens100k)
        #expect(data.count == 100_000)
        #expect(data.userCount == 943 && data.itemCount == 1682)
        #expect(data.userIDs == Array(1...943) && data.itemIDs == Array(1...1682))
        #expect(data.ratings.allSatisfy { [1, 2, 3, 4, 5].contains($0) })
        #expect(abs(data.meanRating - 3.52986) < 1e-4)
    }
}
