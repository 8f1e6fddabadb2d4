import Foundation
import TallyCore

/// Charts drawn on the server as SVG: axes with round-number ticks, a legend, and a `<title>` on every point or
/// bar (the browser's tooltip). Colours and sizes are attributes, never `style`, so a strict CSP allows them.
struct SVGChart {
    enum Colour: String {
        case primary = "#2563eb"
        case secondary = "#16a34a"
        case warning = "#dc2626"
        case muted = "#9ca3af"
    }

    struct Series {
        let name: String
        let values: [Double]
        let colour: Colour
    }

    enum Style {
        case lines, bars
    }

    let title: String
    let labels: [String]
    let series: [Series]
    var style: Style = .lines
    var width = 720
    var height = 260

    static let margin = (left: 56, right: 16, top: 28, bottom: 44)

    func svg() -> String {
        let plotWidth = Double(width - Self.margin.left - Self.margin.right)
        let plotHeight = Double(height - Self.margin.top - Self.margin.bottom)
        let maximum = Self.niceMaximum(series.flatMap(\.values).max() ?? 0)
        let count = max(labels.count, 1)
        func x(_ index: Int) -> Double { Double(Self.margin.left) + plotWidth * (Double(index) + 0.5) / Double(count) }
        func y(_ value: Double) -> Double { Double(Self.margin.top) + plotHeight * (1 - value / maximum) }
        var parts: [String] = []
        parts.append(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(width) \(height)\" width=\"100%\" role=\"img\" aria-label=\"\(Self.escape(title))\" class=\"chart\">"
        )
        parts.append("<title>\(Self.escape(title))</title>")
        // Horizontal grid and value axis: five round steps.
        for step in 0...4 {
            let value = maximum * Double(step) / 4
            let lineY = Self.fixed(y(value))
            parts.append(
                "<line x1=\"\(Self.margin.left)\" x2=\"\(width - Self.margin.right)\" y1=\"\(lineY)\" y2=\"\(lineY)\" stroke=\"#e5e7eb\" stroke-width=\"1\"/>"
            )
            parts.append(
                "<text x=\"\(Self.margin.left - 6)\" y=\"\(lineY)\" text-anchor=\"end\" dominant-baseline=\"middle\" font-size=\"11\" fill=\"#374151\">\(Self.label(value))</text>"
            )
        }
        // Category axis: at most ~12 labels, evenly spaced.
        let every = max(1, Int((Double(labels.count) / 12).rounded(.up)))
        for (index, label) in labels.enumerated() where index % every == 0 {
            parts.append(
                "<text x=\"\(Self.fixed(x(index)))\" y=\"\(height - Self.margin.bottom + 16)\" text-anchor=\"middle\" font-size=\"11\" fill=\"#374151\">\(Self.escape(label))</text>"
            )
        }
        let barSlot = plotWidth / Double(count) * 0.8 / Double(max(series.count, 1))
        for (seriesIndex, item) in series.enumerated() {
            switch style {
            case .bars:
                for (index, value) in item.values.enumerated() {
                    let left = x(index) - plotWidth / Double(count) * 0.4 + barSlot * Double(seriesIndex)
                    parts.append(
                        "<rect x=\"\(Self.fixed(left))\" y=\"\(Self.fixed(y(value)))\" width=\"\(Self.fixed(max(barSlot - 1, 1)))\" height=\"\(Self.fixed(y(0) - y(value)))\" fill=\"\(item.colour.rawValue)\"><title>\(Self.escape(labels[safe: index] ?? "")): \(Self.label(value)) \(Self.escape(item.name.lowercased()))</title></rect>"
                    )
                }
            case .lines:
                let points = item.values.enumerated().map { "\(Self.fixed(x($0.offset))),\(Self.fixed(y($0.element)))" }.joined(separator: " ")
                parts.append("<polyline points=\"\(points)\" fill=\"none\" stroke=\"\(item.colour.rawValue)\" stroke-width=\"2\"/>")
                for (index, value) in item.values.enumerated() {
                    parts.append(
                        "<circle cx=\"\(Self.fixed(x(index)))\" cy=\"\(Self.fixed(y(value)))\" r=\"3\" fill=\"\(item.colour.rawValue)\"><title>\(Self.escape(labels[safe: index] ?? "")): \(Self.label(value)) \(Self.escape(item.name.lowercased()))</title></circle>"
                    )
                }
            }
            // Legend along the top.
            let legendX = Self.margin.left + seriesIndex * 160
            parts.append("<rect x=\"\(legendX)\" y=\"8\" width=\"12\" height=\"12\" fill=\"\(item.colour.rawValue)\"/>")
            parts.append("<text x=\"\(legendX + 16)\" y=\"18\" font-size=\"12\" fill=\"#111827\">\(Self.escape(item.name))</text>")
        }
        parts.append(
            "<line x1=\"\(Self.margin.left)\" x2=\"\(width - Self.margin.right)\" y1=\"\(Self.fixed(y(0)))\" y2=\"\(Self.fixed(y(0)))\" stroke=\"#6b7280\" stroke-width=\"1\"/>"
        )
        parts.append("</svg>")
        return parts.joined()
    }

    /// The smallest 1, 2 or 5 × 10ⁿ (times 4, for four grid steps) at or above the largest value.
    static func niceMaximum(_ value: Double) -> Double {
        guard value > 0 else { return 4 }
        var magnitude = 1.0
        while magnitude * 10 <= value / 4 { magnitude *= 10 }
        for factor in [1.0, 2.0, 5.0, 10.0] where factor * magnitude * 4 >= value { return factor * magnitude * 4 }
        return magnitude * 40
    }

    static func label(_ value: Double) -> String {
        value >= 1_000_000 ? "\(fixed(value / 1_000_000))M" : value >= 10_000 ? "\(fixed(value / 1000))k" : fixed(value)
    }

    static func fixed(_ value: Double) -> String {
        let rounded = (value * 10).rounded() / 10
        return rounded == rounded.rounded() ? String(Int(rounded)) : String(rounded)
    }

    static func escape(_ text: String) -> String { HTMLText.escaped(text) }
}

extension Array {
    subscript(safe index: Int) -> Element? { indices.contains(index) ? self[index] : nil }
}
