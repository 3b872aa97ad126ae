/// `|actual − expected| ≤ rel · |expected|`.
func isClose(_ actual: Double, _ expected: Double, rel: Double) -> Bool {
    abs(actual - expected) <= rel * abs(expected)
}
