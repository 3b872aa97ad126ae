import Foundation
import NeuromorphCore
import NeuromorphData

extension DataSpec {
    /// The shape of one input sample as the runner feeds it to the model (flattened), found
    /// without loading the data set: `[784]` for Fashion-MNIST (28 × 28), `[64]` for the
    /// shipped 8 × 8 digits, `[2]` for the blobs, and for an IDX folder (`idx`, or `digits`
    /// with a `path`) the product of the image dimensions in the header of its
    /// `train-images-idx3-ubyte` file (raw or `.gz`).
    ///
    /// - Throws: `DataError` naming the file when the IDX train-images file is missing or its
    ///   header is not an IDX image header.
    public func sampleShape() throws -> [Int] {
        switch dataset {
        case .fashionMNIST:
            return [28 * 28]
        case .idx:
            guard let path else {
                throw SpecError(path: "data.path", "missing; dataset 'idx' needs the folder holding the four IDX files")
            }
            return [try Self.idxImageElements(in: URL(fileURLWithPath: path))]
        case .digits:
            guard let path else { return [8 * 8] }
            return [try Self.idxImageElements(in: URL(fileURLWithPath: path))]
        case .blobs, .movielens:
            return [2]
        }
    }

    /// Elements per image (`rows × columns`, times any further dimensions) in the header of
    /// the training images of the IDX folder `folder`.
    static func idxImageElements(in folder: URL) throws -> Int {
        let base = IDXImageFolder.trainNames.images
        let dotted = base.replacingOccurrences(of: "-idx", with: ".idx")
        let candidates = [base + ".gz", base, dotted + ".gz", dotted]
        guard let url = candidates.map({ folder.appendingPathComponent($0) })
            .first(where: { FileManager.default.fileExists(atPath: $0.path) }) else {
            throw DataError(.missing, url: folder.appendingPathComponent(base + ".gz"),
                            "no such file; expected one of \(candidates.joined(separator: ", ")) in \(folder.path)")
        }
        let header: [UInt8]
        if url.pathExtension == "gz" {
            header = try CompressedFile.read(url)   // a gzip stream has no random access
        } else {
            do {
                let handle = try FileHandle(forReadingFrom: url)
                defer { try? handle.close() }
                header = [UInt8](try handle.read(upToCount: 4 + 4 * 255) ?? Data())
            } catch {
                throw DataError(.unreadable, url: url, "cannot read the IDX header (\(error.localizedDescription))")
            }
        }
        // Magic: 0, 0, element type, rank; then rank big-endian UInt32 dimensions.
        guard header.count >= 4, header[0] == 0, header[1] == 0, header[3] >= 2,
              header.count >= 4 + 4 * Int(header[3]) else {
            throw DataError(.format, url: url, "expected an IDX image header (0x00 0x00 type rank ≥ 2, then rank dimensions), "
                + "found \(header.prefix(4).map { String(format: "0x%02x", $0) }.joined(separator: " "))")
        }
        let dims = (0..<Int(header[3])).map { d in
            (0..<4).reduce(0) { $0 << 8 | Int(header[4 + 4 * d + $1]) }
        }
        return dims.dropFirst().reduce(1, *)
    }
}
