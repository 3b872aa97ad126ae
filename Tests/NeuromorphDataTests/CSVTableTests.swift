import Foundation
import NeuromorphCore
import Testing
@testable import NeuromorphData

@Suite("CSV")
struct CSVTableTests {
    @Test("quoted fields hold separators, doubled quotes and line breaks")
    func quoting() throws {
        let text = "name,note,x\r\n\"Smith, J\",\"said \"\"hi\"\"\",1\n\"multi\nline\",,2\n"
        let table = try CSVTable.parse(text, name: "q.csv")
        #expect(table.header == ["name", "note", "x"])
        #expect(table.rows == [["Smith, J", "said \"hi\"", "1"], ["multi\nline", "", "2"]])
        #expect(table.lineNumbers == [2, 3])
        #expect(try table.featureMatrix(columns: ["x"]).scalars == [1, 2])
    }

    @Test("no header, other separator, no final newline, blank lines skipped")
    func headerless() throws {
        let table = try CSVTable.parse("1;2\n\n3;4", hasHeader: false, separator: ";")
        #expect(table.header == nil && table.rows == [["1", "2"], ["3", "4"]])
        #expect(table.lineNumbers == [1, 3])
        #expect(try table.featureMatrix() == Tensor(rows: [[1, 2], [3, 4]]))
    }

    @Test("a labeled dataset from integer labels, by name or index")
    func integerLabels() throws {
        let table = try CSVTable.parse("a,label,b\n0.5,1,2\n1.5,0,3\n2.5,2,4\n", name: "d.csv")
        let (byName, names) = try table.labeledDataset(label: "label")
        #expect(byName.labels == [1, 0, 2] && byName.classCount == 3 && names == ["0", "1", "2"])
        #expect(byName.inputs == Tensor(rows: [[0.5, 2], [1.5, 3], [2.5, 4]]))
        let (byIndex, _) = try table.labeledDataset(label: 1, features: ["b"], classCount: 5)
        #expect(byIndex.classCount == 5 && byIndex.inputs.shape == [3, 1])
        let error = try #require(dataError { _ = try table.labeledDataset(label: "label", classCount: 2) })
        #expect(error.description == "d.csv:4, column 2 (\"label\"): expected a label in 0..<2, found 2")
    }

    @Test("text labels are numbered in sorted order")
    func textLabels() throws {
        let table = try CSVTable.parse("x,species\n1,virginica\n2,setosa\n3,virginica\n")
        let (data, names) = try table.labeledDataset(label: "species")
        #expect(names == ["setosa", "virginica"] && data.labels == [1, 0, 1])
    }

    @Test("errors name the file, line and column", arguments: [
        ("a,b\n1,2\n3\n", "f.csv:3: expected 2 fields like the header, found 1"),
        ("a,b\n1,\"2\n", "f.csv:2, column 2: expected a closing quote for the field opened here, found the end of the file"),
        ("a,b\n1,\"2\"x\n", "f.csv:2, column 2: expected a separator or line end after a closing quote, found \"x\""),
        ("a,b\n1,2\n3,abc\n", "f.csv:3, column 2 (\"b\"): expected a number, found \"abc\""),
        ("", "f.csv: expected a header line, found an empty file"),
    ])
    func errors(text: String, message: String) throws {
        let error = try #require(dataError {
            _ = try CSVTable.parse(text, name: "f.csv").featureMatrix()
        })
        #expect(error.description == message)
    }

    @Test("unknown columns are reported with the available names")
    func unknownColumn() throws {
        let table = try CSVTable.parse("a,b\n1,2\n", name: "c.csv")
        let byName = try #require(dataError { _ = try table.index(of: "z") })
        #expect(byName.description == "c.csv: expected a column named \"z\", found columns \"a\", \"b\"")
        #expect(dataError { _ = try table.index(of: 2) }?.kind == .outOfRange)
        let headerless = try CSVTable.parse("1,2\n", name: "n.csv", hasHeader: false)
        #expect(dataError { _ = try headerless.index(of: "a") }?.kind == .format)
    }

    @Test("reading from a file, gzipped or not, and invalid UTF-8")
    func files() throws {
        try withTemporaryFolder { folder in
            let plain = try writeText("x,y\n1,2\n", named: "t.csv", in: folder)
            let gz = folder.appendingPathComponent("t.csv.gz")
            try Data(CompressedFile.gzip(Array("x,y\n1,2\n".utf8))).write(to: gz)
            #expect(try CSVTable.read(plain).rows == CSVTable.read(gz).rows)
            let bad = folder.appendingPathComponent("bad.csv")
            try Data([0x61, 0x0A, 0xFF, 0xFE, 0x0A]).write(to: bad)
            let error = dataError { _ = try CSVTable.read(bad) }
            #expect(error?.description.contains("bad.csv: expected UTF-8 text") == true)
        }
    }
}
