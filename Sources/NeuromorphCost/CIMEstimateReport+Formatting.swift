import Foundation

// MARK: - Text table and CSV

extension CIMEstimateReport {
    /// Per-module and per-layer aligned text tables, then the network totals.
    public func table() -> String {
        var out = "NeuroSim-style CIM estimate: \(specName)\n\n"
        out += Self.align([["module", "area_um2", "latency_ns", "raw_energy_pJ", "energy_pJ", "leakage_mW"]]
            + macro.modules.map {
                [$0.name, Self.f($0.areaUM2, 1), Self.f($0.latencyNS, 3), Self.f($0.rawEnergyPJ, 3),
                 Self.f($0.energyPJ, 3), Self.f($0.leakageMW, 6)]
            }
            + [["analog total", Self.f(macro.analogAreaUM2, 1), Self.f(macro.sensingLatencyNS, 3), "",
                Self.f(macro.analogEnergyPJ, 3), ""],
               ["digital total", Self.f(macro.digitalAreaUM2, 1), "", "", Self.f(macro.digitalEnergyPJ, 3), ""],
               ["macro total", Self.f(macro.totalAreaUM2, 1), "", "", Self.f(macro.totalEnergyPJ, 3),
                Self.f(macro.leakageMW, 6)]])
        out += "clock period (sensing x beta): \(Self.f(macro.clockPeriodNS, 3)) ns; "
            + "energies per macro operation (\(macro.conversionsPerOperation) conversions)\n"
        guard let totals else { return out }
        out += "\n" + Self.align([["layer", "MACs", "rows", "cols", "subarrays", "tiles", "util_%", "cycles",
                                    "latency_us", "energy_nJ"]]
            + layers.map {
                [$0.name, "\($0.macs)", "\($0.mapping.weightRows)", "\($0.mapping.cellColumns)", "\($0.mapping.subArrays)",
                 "\($0.mapping.tiles)", Self.f(100 * $0.memoryUtilization, 2), "\($0.cycles)",
                 Self.f($0.latencyNS * 1e-3, 3), Self.f($0.dynamicEnergyPJ * 1e-3, 3)]
            })
        out += "\n" + Self.align([["metric", "value"]] + totalsRows(totals).map { [$0.0, $0.1] })
        if let n = neuroSim {
            out += "\nNeuroSim V1.3-style breakdown (the module table above is the Table 3 macro, not used here): "
                + "PE \(n.peSize)x\(n.peSize), tile \(n.tileSize)x\(n.tileSize), \(n.tiles) tiles\n"
            out += Self.align([["part", "area_mm2", "latency_us", "energy_uJ"],
                               ["array", Self.f(n.areaArrayUM2 * 1e-6, 3), "", ""],
                               ["ADC", Self.f(n.areaADCUM2 * 1e-6, 3), Self.f(n.adcLatencyNS * 1e-3, 2), Self.f(n.adcEnergyPJ * 1e-6, 3)],
                               ["accumulation", "", Self.f(n.accumulationLatencyNS * 1e-3, 2), Self.f(n.accumulationEnergyPJ * 1e-6, 3)],
                               ["other (incl. buffers, IC)", Self.f(n.areaOtherUM2 * 1e-6, 3), Self.f(n.otherLatencyNS * 1e-3, 2),
                                Self.f(n.otherEnergyPJ * 1e-6, 3)],
                               ["  buffers", "", "", Self.f(n.bufferEnergyPJ * 1e-6, 3)],
                               ["  interconnect", "", "", Self.f(n.interconnectEnergyPJ * 1e-6, 3)],
                               ["tile-level (buffers, H-tree)", Self.f(n.areaInterconnectUM2 * 1e-6, 3), "", ""]])
        }
        return out
    }

    /// CSV: one `section,name,…` row per module, layer and total metric.
    public func csv() -> String {
        var rows = ["section,name,area_um2,latency_ns,raw_energy_pJ,energy_pJ,leakage_mW,macs,subarrays,tiles,utilization,cycles,value"]
        for m in macro.modules {
            rows.append("module,\(Self.csvField(m.name)),\(m.areaUM2),\(m.latencyNS),\(m.rawEnergyPJ),\(m.energyPJ),\(m.leakageMW),,,,,,")
        }
        for l in layers {
            rows.append("layer,\(Self.csvField(l.name)),,\(l.latencyNS),,\(l.dynamicEnergyPJ),,\(l.macs),"
                + "\(l.mapping.subArrays),\(l.mapping.tiles),\(l.memoryUtilization),\(l.cycles),")
        }
        rows.append("total,macro_clock_period_ns,,,,,,,,,,,\(macro.clockPeriodNS)")
        if let totals {
            for (name, value) in totalsRows(totals) { rows.append("total,\(Self.csvField(name)),,,,,,,,,,,\(value)") }
        }
        return rows.joined(separator: "\n") + "\n"
    }

    func totalsRows(_ t: CIMNetworkTotals) -> [(String, String)] {
        [("operations", String(format: "%.4e", t.operations)), ("area_mm2", Self.f(t.areaMM2, 3)),
         ("memory_utilization_%", Self.f(100 * t.memoryUtilization, 2)), ("clock_period_ns", Self.f(t.clockPeriodNS, 3)),
         ("latency_ms", Self.f(t.latencyMS, 4)), ("dynamic_energy_uJ", Self.f(t.dynamicEnergyUJ, 3)),
         ("leakage_power_mW", Self.f(t.leakagePowerMW, 4)), ("leakage_energy_uJ", Self.f(t.leakageEnergyUJ, 4)),
         ("TOPS_per_mm2", Self.f(t.topsPerMM2, 4)), ("TOPS_per_W_pre_layout", Self.f(t.preLayoutTOPSPerWatt, 2)),
         ("TOPS_per_W_post_layout", Self.f(t.postLayoutTOPSPerWatt, 2))]
    }

    static func f(_ x: Double, _ digits: Int) -> String { String(format: "%.\(digits)f", x) }

    static func csvField(_ s: String) -> String {
        s.contains(",") || s.contains("\"") ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
    }

    /// Left-aligns the first column and right-aligns the others.
    static func align(_ rows: [[String]]) -> String {
        let widths = (0..<(rows.first?.count ?? 0)).map { c in rows.map { $0[c].count }.max() ?? 0 }
        return rows.map { row in
            row.enumerated().map { c, cell in
                let pad = String(repeating: " ", count: widths[c] - cell.count)
                return c == 0 ? cell + pad : pad + cell
            }.joined(separator: "  ")
        }.joined(separator: "\n") + "\n"
    }
}
