extension String {
    /// The text with `&`, `<`, `>` and `"` replaced by entities, safe in XML/HTML text and in
    /// double-quoted attributes (the HTML reports and SVG plots).
    public var xmlEscaped: String {
        replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
