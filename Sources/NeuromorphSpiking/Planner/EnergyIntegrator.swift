/// Steffen et al.'s energy per run (digest snn-robotics Article 1 §1.3 "Energy"; spiking
/// note §2.2, result "energy by trapezoid over 60 s samples ÷ runs"): a power meter
/// sampled once a minute, integrated with `numpy.trapz` (time step 60 s) over all samples
/// from the first run's start to the last run's end, divided by the number of runs.
///
/// ```
/// E = Σ_{k=0}^{m−2} (P_k + P_{k+1})/2 · Δt          E_run = E / runs
/// ```
///
/// (The paper's energy/time ratios, 222 W at n = 20 against 67 W at n = 40, show that one
/// sample a minute gives only orders of magnitude — note §2.2 errata.)
public enum EnergyIntegrator {
    /// `numpy.trapz(samples, dx=interval)`: joules from watts sampled every `interval` s,
    /// bit for bit: numpy forms `interval·(y[k+1] + y[k])/2` and sums the terms with its
    /// pairwise summation (8 accumulators up to 128 terms, halving above) in buffers of
    /// 8,192 terms.
    public static func trapezoid(_ samples: [Double], interval: Double = 60) -> Double {
        guard samples.count >= 2 else { return 0 }
        let terms = (0..<(samples.count - 1)).map { interval * (samples[$0 + 1] + samples[$0]) / 2 }
        return terms.withUnsafeBufferPointer { t in
            var total = pairwiseSum(UnsafeBufferPointer(rebasing: t[0..<Swift.min(8192, t.count)]))
            for chunk in stride(from: 8192, to: t.count, by: 8192) {
                total += pairwiseSum(UnsafeBufferPointer(rebasing: t[chunk..<Swift.min(chunk + 8192, t.count)]))
            }
            return total
        }
    }

    /// numpy's `pairwise_sum` (`numpy/_core/src/umath/loops_utils.h.src`).
    static func pairwiseSum(_ a: UnsafeBufferPointer<Double>) -> Double {
        let n = a.count
        if n < 8 {
            var sum = 0.0
            for x in a { sum += x }
            return sum
        }
        if n <= 128 {
            var r = (a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7])
            var i = 8
            while i < n - n % 8 {
                r.0 += a[i]; r.1 += a[i + 1]; r.2 += a[i + 2]; r.3 += a[i + 3]
                r.4 += a[i + 4]; r.5 += a[i + 5]; r.6 += a[i + 6]; r.7 += a[i + 7]
                i += 8
            }
            var sum = ((r.0 + r.1) + (r.2 + r.3)) + ((r.4 + r.5) + (r.6 + r.7))
            while i < n { sum += a[i]; i += 1 }
            return sum
        }
        var half = n / 2
        half -= half % 8
        return pairwiseSum(UnsafeBufferPointer(rebasing: a[0..<half])) + pairwiseSum(UnsafeBufferPointer(rebasing: a[half..<n]))
    }

    /// Average energy per run (J): the trapezoid integral divided by `runs`.
    public static func energyPerRun(_ samples: [Double], interval: Double = 60, runs: Int) throws -> Double {
        guard runs >= 1 else {
            throw SpikingParameterError(type: "energy integrator", field: "runs", value: "\(runs)", expected: "at least 1 run")
        }
        guard interval.isFinite, interval > 0 else {
            throw SpikingParameterError(type: "energy integrator", field: "interval", value: "\(interval)", expected: "a positive sampling interval in s")
        }
        if let bad = samples.first(where: { !$0.isFinite }) {
            throw SpikingParameterError(type: "energy integrator", field: "samples", value: "\(bad)", expected: "finite power samples in W")
        }
        return trapezoid(samples, interval: interval) / Double(runs)
    }
}
