import Foundation
import Testing

/// `neuromorph truenorth` (Appuswamy et al. 2016; learning-rules note §1.4, §2.4).
@Suite("neuromorph truenorth")
struct TrueNorthCommandTests {
    /// Note §2.4 [C]: 120 pairs, 81/405/561 kernels, every symmetric kernel colors, 5 values do not.
    @Test("truenorth kernels prints the enumeration counts and the coloring checks")
    func kernels() throws {
        let run = try neuromorph("truenorth", "kernels", "--samples", "20")
        #expect(run.status == 0, "\(run)")
        for line in ["commuting ordered pairs in S4: 120 (expected 120)", "2x2: 81 (expected 81)", "3x3: 405 (expected 405)",
                     "4x4: 561 (expected 561)", "colored (exact backtracking): 20/20", "convolution exactly: 20/20",
                     "5 distinct non-zero values colorable: no"] {
            #expect(run.stdout.contains(line), "\(line)\n\(run)")
        }
    }

    /// A tiny run of the whole schedule on Fashion-MNIST (skipped without the Debian data set):
    /// result.json is written and the core simulation agrees with the float binary network on
    /// every checked image.
    @Test("truenorth train: a tiny run writes result.json and the cores agree with the float network",
          .enabled(if: FileManager.default.fileExists(atPath: "/usr/share/datasets/fashion-mnist")))
    func tinyTrain() throws {
        let dir = try Scratch()
        let run = try neuromorph("truenorth", "train", "--preset", "fashion-small", "--epochs", "0", "--noise-epochs", "0",
                                 "--train-images", "32", "--test-images", "20", "--threads", "1", "--output", dir.path("out"))
        #expect(run.status == 0, "\(run)")
        #expect(run.stdout.contains("core simulation: 20/20 predictions equal the float binary network"), "\(run)")
        let data = try Data(contentsOf: URL(fileURLWithPath: dir.path("out/result.json")))
        let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(json["coreAgreeingPredictions"] as? Int == 20)
        #expect(json["coresSymmetricTotal"] as? Int ?? 0 < json["coresUnconstrainedTotal"] as? Int ?? 0)
    }

    /// Masked symmetric kernels (the crossbar C as a per-feature mask) compile into cores too.
    @Test("truenorth train --kernels masked-symmetric: a tiny run compiles and the cores agree with the float network",
          .enabled(if: FileManager.default.fileExists(atPath: "/usr/share/datasets/fashion-mnist")))
    func tinyMaskedTrain() throws {
        let dir = try Scratch()
        let run = try neuromorph("truenorth", "train", "--preset", "fashion-small", "--epochs", "0", "--noise-epochs", "0",
                                 "--kernels", "masked-symmetric", "--projection-epochs", "0",
                                 "--train-images", "32", "--test-images", "20", "--threads", "1", "--output", dir.path("out"))
        #expect(run.status == 0, "\(run)")
        #expect(run.stdout.contains("kernels masked-symmetric"), "\(run)")
        #expect(run.stdout.contains("core simulation: 20/20 predictions equal the float binary network"), "\(run)")
    }

    /// The more-groups preset with the cosine stage schedule (docs "More groups", "Cosine
    /// schedule") compiles and the cores agree with the float binary network.
    @Test("truenorth train --preset fashion-small-more-groups --learning-rate-schedule cosine: a tiny run compiles and agrees",
          .enabled(if: FileManager.default.fileExists(atPath: "/usr/share/datasets/fashion-mnist")))
    func tinyMoreGroupsCosineTrain() throws {
        let dir = try Scratch()
        let run = try neuromorph("truenorth", "train", "--preset", "fashion-small-more-groups", "--epochs", "0", "--noise-epochs", "0",
                                 "--kernels", "masked-symmetric", "--projection-epochs", "0", "--learning-rate-schedule", "cosine",
                                 "--projection-restarts", "0", "--final-epochs", "1",
                                 "--train-images", "32", "--test-images", "20", "--threads", "1", "--output", dir.path("out"))
        #expect(run.status == 0, "\(run)")
        #expect(run.stdout.contains("truenorth fashion-small-more-groups"), "\(run)")
        #expect(run.stdout.contains("learning rate cosine"), "\(run)")
        #expect(run.stdout.contains("core simulation: 20/20 predictions equal the float binary network"), "\(run)")
    }

    /// Signature clusters (docs "Signature clusters") compile: 2 clusters in layers 3–4 double
    /// those layers' cores, and the cores agree with the float binary network.
    @Test("truenorth train --signature-clusters 1,1,2,2: a tiny run compiles, agrees, and uses more cores in layers 3-4",
          .enabled(if: FileManager.default.fileExists(atPath: "/usr/share/datasets/fashion-mnist")))
    func tinyClusterTrain() throws {
        let dir = try Scratch()
        let run = try neuromorph("truenorth", "train", "--preset", "fashion-small", "--epochs", "0", "--noise-epochs", "0",
                                 "--kernels", "masked-symmetric", "--projection-epochs", "0", "--signature-clusters", "1,1,2,2",
                                 "--projection-restarts", "0",
                                 "--train-images", "32", "--test-images", "20", "--threads", "1", "--output", dir.path("out"))
        #expect(run.status == 0, "\(run)")
        #expect(run.stdout.contains("signature clusters 1,1,2,2"), "\(run)")
        #expect(run.stdout.contains("core simulation: 20/20 predictions equal the float binary network"), "\(run)")
        let data = try Data(contentsOf: URL(fileURLWithPath: dir.path("out/result.json")))
        let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let cores = try #require(json["coresSymmetric"] as? [Int])
        #expect(cores.count == 4 && cores[0] == 21 && cores[1] == 48 && cores[2] == 80 && cores[3] == 16, "\(cores)")
    }

    /// Straight-through refinement keeps the layers core-mappable: the tiny run still compiles
    /// and the cores agree with the float binary network.
    @Test("truenorth train --kernel-training straight-through: a tiny run compiles and the cores agree with the float network",
          .enabled(if: FileManager.default.fileExists(atPath: "/usr/share/datasets/fashion-mnist")))
    func tinyStraightThroughTrain() throws {
        let dir = try Scratch()
        let run = try neuromorph("truenorth", "train", "--preset", "fashion-small", "--epochs", "0", "--noise-epochs", "0",
                                 "--kernels", "masked-symmetric", "--kernel-training", "straight-through", "--final-epochs", "1",
                                 "--train-images", "32", "--test-images", "20", "--threads", "1", "--output", dir.path("out"))
        #expect(run.status == 0, "\(run)")
        #expect(run.stdout.contains("kernel training straight-through"), "\(run)")
        #expect(run.stdout.contains("core simulation: 20/20 predictions equal the float binary network"), "\(run)")
    }

    @Test("truenorth train: bad flags are usage errors naming the flag and the expected form")
    func badFlags() throws {
        for (args, message) in [(["--preset", "cifar"], "fashion-small"), (["--preset", "fashion-small", "--epochs=-1"], "--epochs must be"),
                                (["--preset", "fashion-small", "--train-images", "0"], "--train-images must be at least 1"),
                                (["--preset", "fashion-small", "--projection-epochs=-1"], "--projection-epochs must be 0 or more"),
                                (["--preset", "fashion-small", "--kernels", "masked"], "masked-symmetric"),
                                (["--preset", "fashion-small", "--kernels", "trinary", "--kernel-training", "straight-through"],
                                 "--kernel-training straight-through needs --kernels symmetric or masked-symmetric"),
                                (["--preset", "fashion-small", "--kernel-training", "ste"], "straight-through"),
                                (["--preset", "fashion-small", "--learning-rate-schedule", "step"], "cosine"),
                                (["--preset", "fashion-small", "--projection-restarts=-1"], "--projection-restarts must be 0 or more"),
                                (["--preset", "fashion-small", "--signature-clusters", "1,2"], "--signature-clusters must be 4 positive integers"),
                                (["--preset", "fashion-small", "--signature-clusters", "1,1,3,1"], "which 3 clusters do not divide"),
                                (["--preset", "fashion-small", "--signature-clusters", "1,1,2,2", "--kernels", "masked-symmetric",
                                  "--kernel-training", "straight-through"], "--signature-clusters needs --kernel-training frozen")] {
            let run = try neuromorph(["truenorth", "train"] + args)
            #expect(run.status == 64, "\(run)")
            #expect(run.stderr.contains(message), "\(run)")
        }
        let missing = try neuromorph("truenorth", "train", "--preset", "fashion-small", "--data", "/nonexistent/fashion",
                                     "--train-images", "5", "--test-images", "5")
        #expect(missing.status == 1, "\(missing)")
        #expect(missing.stderr.contains("/nonexistent/fashion"), "\(missing)")
    }
}
