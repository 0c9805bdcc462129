import FlintIO
import Foundation

/// A confusion matrix drawn as a heatmap: row `i`, column `j` is the number of samples of true class `i`
/// predicted as class `j` (scikit-learn's convention), each cell shaded by its count (white to dark blue)
/// with the count written in it, class names along both axes.
///
/// With `normalized`, each row is divided by its total (the recall of each class on the diagonal) and the
/// cells show fractions, like scikit-learn's `ConfusionMatrixDisplay` with `normalize="true"`.
///
/// ```swift
/// let plot = ConfusionMatrixPlot(matrix: [[48, 2], [5, 45]], classNames: ["cat", "dog"])
/// try plot.writePNG(to: URL(fileURLWithPath: "runs/pets/confusion_matrix.png"))
/// ```
public struct ConfusionMatrixPlot: Sendable {
    /// Counts: `matrix[trueClass][predictedClass]`.
    public var matrix: [[Int]]
    /// One name per class, in index order.
    public var classNames: [String]
    /// The title above the matrix.
    public var title: String
    /// Whether cells show each row's fractions instead of counts.
    public var normalized: Bool

    /// A plot of a square matrix of non-negative counts with one name per class.
    ///
    /// ```swift
    /// let plot = ConfusionMatrixPlot(matrix: confusion, classNames: (0..<10).map(String.init))
    /// ```
    public init(matrix: [[Int]], classNames: [String], title: String = "Confusion matrix", normalized: Bool = false) {
        precondition(!matrix.isEmpty && matrix.allSatisfy { $0.count == matrix.count },
                     "ConfusionMatrixPlot: the matrix must be square and non-empty, got rows of lengths \(matrix.map(\.count))")
        precondition(classNames.count == matrix.count,
                     "ConfusionMatrixPlot: \(classNames.count) class names for a \(matrix.count)x\(matrix.count) matrix")
        precondition(matrix.allSatisfy { $0.allSatisfy { $0 >= 0 } }, "ConfusionMatrixPlot: counts must be non-negative")
        self.matrix = matrix
        self.classNames = classNames
        self.title = title
        self.normalized = normalized
    }

    /// The lightest and darkest shades (matplotlib's "Blues" ends).
    static let lightest = RGBColor(247, 251, 255)
    static let darkest = RGBColor(8, 48, 107)

    /// The value shown in cell (row, column) and its shade, 0…1.
    private func cell(_ row: Int, _ column: Int, maximum: Int) -> (text: String, shade: Double) {
        let count = matrix[row][column]
        if normalized {
            let total = matrix[row].reduce(0, +)
            let fraction = total == 0 ? 0 : Double(count) / Double(total)
            return (String(format: "%.2f", fraction), fraction)
        }
        return (String(count), maximum == 0 ? 0 : Double(count) / Double(maximum))
    }

    /// The plot drawn on a white image of `width` x `height` pixels.
    ///
    /// ```swift
    /// let image = plot.render(width: 560, height: 560)
    /// ```
    public func render(width: Int = 560, height: Int = 560) -> RGBImage {
        precondition(width >= 100 && height >= 100, "ConfusionMatrixPlot.render: size \(width)x\(height) is below the 100x100 minimum")
        var image = RGBImage(width: width, height: height, fill: .white)
        let classes = matrix.count
        let scale = PlotStyle.textScale(width: width, height: height)
        let lineHeight = PlotFont.height(scale: scale)
        let pad = 6 * scale
        let titleScale = scale + 1

        let top = pad + (title.isEmpty ? 0 : PlotFont.height(scale: titleScale) + 2 * pad)
        let labelLimit = min(width, height) / 4
        let names = classNames.map { PlotStyle.fitted($0, width: labelLimit, scale: scale) }
        let longestName = names.map { PlotFont.width(of: $0, scale: scale) }.max() ?? 0
        let left = pad + lineHeight + pad + longestName + pad
        // Column labels run horizontally when they fit in a cell, vertically otherwise.
        let horizontalBottom = pad + lineHeight + pad + lineHeight + pad
        let horizontalCell = min((width - left - 2 * pad) / classes, (height - top - horizontalBottom) / classes)
        let verticalLabels = longestName > horizontalCell - scale
        let bottomMargin = verticalLabels ? pad + longestName + pad + lineHeight + pad : horizontalBottom
        let cellSize = min((width - left - 2 * pad) / classes, (height - top - bottomMargin) / classes)
        guard cellSize >= 2 else { return image }
        let gridSize = cellSize * classes
        let gridLeft = left + (width - left - 2 * pad - gridSize) / 2
        let gridTop = top

        // The largest text scale at which the widest cell text fits in a cell.
        let maximum = matrix.flatMap { $0 }.max() ?? 0
        let widestText = (0..<classes).flatMap { row in (0..<classes).map { cell(row, $0, maximum: maximum).text } }
            .map(\.count).max() ?? 1
        let cellTextScale = stride(from: scale + 1, through: 1, by: -1).first { candidate in
            (widestText * PlotFont.advance - 1) * candidate <= cellSize - 4 && PlotFont.height(scale: candidate) <= cellSize - 4
        }

        for row in 0..<classes {
            for column in 0..<classes {
                let (text, shade) = cell(row, column, maximum: maximum)
                let color = Self.lightest.mixed(with: Self.darkest, amount: shade)
                let x = gridLeft + column * cellSize, y = gridTop + row * cellSize
                image.fillRectangle(x: x, y: y, width: cellSize, height: cellSize, color: color)
                if let cellTextScale {
                    let ink = shade > 0.5 ? RGBColor.white : PlotStyle.ink
                    image.drawText(text, centerX: x + cellSize / 2, y: y + (cellSize - PlotFont.height(scale: cellTextScale)) / 2,
                                   scale: cellTextScale, color: ink)
                }
            }
        }
        image.strokeRectangle(x: gridLeft - 1, y: gridTop - 1, width: gridSize + 2, height: gridSize + 2, color: PlotStyle.ink)

        // Class names: rows on the left, columns below.
        for (index, name) in names.enumerated() {
            let center = index * cellSize + cellSize / 2
            image.drawText(name, rightX: gridLeft - pad, centerY: gridTop + center, scale: scale, color: PlotStyle.ink)
            if verticalLabels {
                // Read bottom to top, each name ends just under its column.
                image.drawText(name, x: gridLeft + center - lineHeight / 2, y: gridTop + gridSize + pad,
                               scale: scale, color: PlotStyle.ink, vertical: true)
            } else {
                image.drawText(name, centerX: gridLeft + center, y: gridTop + gridSize + pad, scale: scale, color: PlotStyle.ink)
            }
        }

        // Axis names and title.
        let columnLabelsHeight = verticalLabels ? longestName : lineHeight
        image.drawText("predicted label", centerX: gridLeft + gridSize / 2, y: gridTop + gridSize + pad + columnLabelsHeight + pad,
                       scale: scale, color: PlotStyle.ink)
        let rowAxisName = "true label"
        image.drawText(rowAxisName, x: pad, y: gridTop + gridSize / 2 - PlotFont.width(of: rowAxisName, scale: scale) / 2,
                       scale: scale, color: PlotStyle.ink, vertical: true)
        if !title.isEmpty {
            image.drawText(PlotStyle.fitted(title, width: width - 2 * pad, scale: titleScale), centerX: width / 2, y: pad,
                           scale: titleScale, color: PlotStyle.ink)
        }
        return image
    }

    /// The plot as a PNG file's bytes.
    ///
    /// ```swift
    /// let png = plot.renderPNG()
    /// ```
    public func renderPNG(width: Int = 560, height: Int = 560) -> [UInt8] {
        render(width: width, height: height).pngData()
    }

    /// Writes the plot to a PNG file, atomically (temporary file, then rename).
    ///
    /// ```swift
    /// try plot.writePNG(to: URL(fileURLWithPath: "runs/digits/confusion_matrix.png"))
    /// ```
    public func writePNG(to url: URL, width: Int = 560, height: Int = 560) throws {
        try AtomicFile.write(Data(renderPNG(width: width, height: height)), to: url)
    }
}
