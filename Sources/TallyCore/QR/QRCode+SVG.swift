extension QRCode {
    /// Dark modules as one SVG path on a white square with the standard 4-module quiet zone; colours are attributes
    /// (not `style`), so a strict Content-Security-Policy allows it inline.
    public func svg(label: String, pixelsPerModule: Int = 4) -> String {
        let side = size + 8
        var path = ""
        for y in 0..<size {
            for x in 0..<size where modules[y][x] { path += "M\(x + 4) \(y + 4)h1v1h-1z" }
        }
        let escaped = HTMLText.escaped(label)
        return """
            <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 \(side) \(side)" width="\(side * pixelsPerModule)" \
            height="\(side * pixelsPerModule)" role="img" aria-label="\(escaped)" shape-rendering="crispEdges">\
            <rect width="\(side)" height="\(side)" fill="#ffffff"/><path d="\(path)" fill="#000000"/></svg>
            """
    }
}
